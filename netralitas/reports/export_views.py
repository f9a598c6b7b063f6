"""Completion exports: XLSX/CSV tables, per-employee status lists and the PDF recap.

Scope: ?unit=<agency id> narrows to a subtree (404 when outside the staff member's own); without it, the whole
scope. The status list carries names, NIP and NIK: exporters only (viewers never), audited with its row count.
The completion table and the recap are aggregates: every staff role, scoped, audited too.
"""
from __future__ import annotations

import io
import tempfile
from collections.abc import Callable
from typing import IO, TypeVar

from flask import Blueprint, Response, current_app, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from netralitas.auth.access import ALL_STAFF, EXPORTERS, roles_required
from netralitas.core.spreadsheet import CSV_MIMETYPE, XLSX_MIMETYPE
from netralitas.core.timezones import utc_to_local
from netralitas.db import utcnow
from netralitas.events.models import Event
from netralitas.events.rules import Audience
from netralitas.extensions import db
from netralitas.masterdata.models import Agency
from netralitas.masterdata.scope import get_unit_in_scope
from netralitas.reports import exports
from netralitas.reports.completion import completion
from netralitas.reports.recap_pdf import recap_of, render_recap
from netralitas.reports.statuses import StatusFilter

bp = Blueprint("report_exports", __name__, url_prefix="/admin/acara")

FORMATS = "any(csv, xlsx)"
T = TypeVar("T")


@bp.route(f"/<int:event_id>/rekap/pegawai.<{FORMATS}:file_format>")
@roles_required(*EXPORTERS)
def status_list(event_id: int, file_format: str):
    """Who in the scope has signed (when, where, which certificate) and who has not; the drill-down's filters apply."""
    event = db.get_or_404(Event, event_id)
    unit = _unit()
    wanted = StatusFilter.from_args(request.args)
    query = exports.status_query(event, current_user, unit, wanted)
    tz_name = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    name = _file_name("status", event, unit, file_format, wanted.status.value if wanted.status else "")
    if file_format == "csv":
        exports.record_status_export(current_user, event, unit, wanted, "csv", exports.status_count(query))
        db.session.commit()
        # The query is built here; the stream runs it on its own connection after this request's context is gone.
        response = Response(exports.status_csv_stream(db.engine, query, tz_name), mimetype=CSV_MIMETYPE)
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        response.headers["Cache-Control"] = "no-store"  # personal data: never in a shared or browser cache
        response.headers["X-Accel-Buffering"] = "no"
        return response
    count = exports.status_count(query)
    if count > current_app.config["BACKGROUND_EXPORT_ROWS"]:  # minutes of work: not inside a request
        flash(_("Daftar %(count)d pegawai dibuat di latar belakang. Tekan “XLSX (latar belakang)”.", count=count), "info")
        back = (url_for("reports.agency_status", event_id=event.id, agency_id=unit.id) if unit
                else url_for("reports.event_dashboard", event_id=event.id))
        return redirect(back, 303)
    handle, count = _built_file(lambda file: exports.write_status_xlsx(file, query, tz_name))
    exports.record_status_export(current_user, event, unit, wanted, "xlsx", count)
    db.session.commit()
    return _send(handle, XLSX_MIMETYPE, name)


@bp.route(f"/<int:event_id>/rekap/tabel.<{FORMATS}:file_format>")
@roles_required(*ALL_STAFF)
def completion_table(event_id: int, file_format: str):
    """Required, signed, percentage, attended and remote per agency (the tree) and per category, with totals."""
    event = db.get_or_404(Event, event_id)
    unit = _unit()
    result = completion(event, Audience.of(event, current_user, unit))
    exports.record_completion_export(current_user, event, unit, file_format, len(result.agencies))
    db.session.commit()
    name = _file_name("rekap", event, unit, file_format)
    if file_format == "csv":
        return _send(io.BytesIO(exports.completion_csv(result).encode("utf-8")), CSV_MIMETYPE, name)
    printed = utc_to_local(utcnow(), current_app.config["BABEL_DEFAULT_TIMEZONE"]).strftime("%Y-%m-%d %H:%M")
    scope = exports.scope_label(current_user, unit)
    handle, _ = _built_file(lambda file: exports.write_completion_xlsx(file, result, scope, printed))
    return _send(handle, XLSX_MIMETYPE, name)


@bp.route("/<int:event_id>/rekap/rekapitulasi.pdf")
@roles_required(*ALL_STAFF)
def recap_pdf(event_id: int):
    """The printable recap for the head of region (?rinci=1: every agency level instead of the top two)."""
    event = db.get_or_404(Event, event_id)
    unit = _unit()
    detailed = request.args.get("rinci") == "1"
    result = completion(event, Audience.of(event, current_user, unit))
    recap = recap_of(result, scope=exports.scope_label(current_user, unit), config=current_app.config,
                     now=utcnow(), detailed=detailed, head_of=exports.scope_root(current_user, unit))
    exports.record_completion_export(current_user, event, unit, "pdf", len(recap.rows))
    db.session.commit()
    name = _file_name("rekapitulasi", event, unit, "pdf", "rinci" if detailed else "")
    return _send(io.BytesIO(render_recap(recap)), "application/pdf", name)


def _unit() -> Agency | None:
    """The unit asked for with ?unit= (404 when outside the staff member's scope), or None for the whole scope."""
    return get_unit_in_scope(current_user, request.args.get("unit", 0, type=int))



def _file_name(kind: str, event: Event, unit: Agency | None, extension: str, suffix: str = "") -> str:
    """The download's name for the signed-in staff member (exports.export_file_name)."""
    return exports.export_file_name(kind, event, current_user, unit, extension,
                                    current_app.config["BABEL_DEFAULT_TIMEZONE"], suffix)


def _built_file(write: Callable[[IO[bytes]], T]) -> tuple[IO[bytes], T]:
    """A temporary file filled by write, and what write returned; closed again if write fails.

    The file is unlinked from the start (TemporaryFile), so its disk space goes when the response closes it.
    """
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it once sent
    try:
        return handle, write(handle)
    except BaseException:
        handle.close()
        raise


def _send(handle: IO[bytes], mimetype: str, name: str) -> Response:
    """Stream a file from its start as an attachment, with its length, never cached; the response closes it."""
    size = handle.seek(0, io.SEEK_END)
    handle.seek(0)
    response = send_file(handle, mimetype=mimetype, as_attachment=True, download_name=name, conditional=False,
                         etag=False, max_age=0)
    response.content_length = size
    response.headers["Cache-Control"] = "no-store"
    return response
