"""Invitation codes: agency admins download slips and CSV for their subtree; the help desk looks up and re-issues.

Slips for more than BACKGROUND_EXPORT_ROWS employees are built by a background job (started here, watched and
downloaded on the job pages), never inside a request.
"""
from __future__ import annotations

import io

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError
from werkzeug.utils import secure_filename

from netralitas.auth.access import EXPORTERS, RUNNERS, roles_required
from netralitas.core.forms import ConfirmForm
from netralitas.core.qr import qr_svg
from netralitas.core.sql import commit_retrying_once
from netralitas.core.urls import public_base_url
from netralitas.events.models import Event
from netralitas.events.rules import Audience
from netralitas.events.services import is_required
from netralitas.extensions import db
from netralitas.invitations import exports, services, slips
from netralitas.invitations import helpdesk as desk
from netralitas.invitations.forms import ReissueForm
from netralitas.jobs import services as jobs
from netralitas.jobs.views import enqueue_or_warn
from netralitas.masterdata.models import Agency, Employee
from netralitas.masterdata.scope import get_employee_in_scope, get_unit_in_scope
from netralitas.masterdata.services import agency_choices

bp = Blueprint("invitations", __name__, url_prefix="/admin/acara")


@bp.route("/<int:event_id>/undangan")
@roles_required(*EXPORTERS)
def codes(event_id: int):
    event = db.get_or_404(Event, event_id)
    unit, unsigned_only = _unit(), _unsigned_only()
    default_unit = current_user.agency_id if current_user.is_scoped else 0
    return render_template("invitations/codes.html", event=event, unit=unit, unsigned_only=unsigned_only,
                           counts=exports.counts(Audience.of(event, current_user, unit), unsigned_only=unsigned_only),
                           agency_choices=agency_choices(current_user),
                           unit_id=request.args.get("unit", default_unit, type=int),
                           max_slips=slips.MAX_SLIPS_PER_PDF,
                           background_rows=current_app.config["BACKGROUND_EXPORT_ROWS"], form=ConfirmForm())


@bp.route("/<int:event_id>/undangan.csv")
@roles_required(*EXPORTERS)
def codes_csv(event_id: int):
    event = db.get_or_404(Event, event_id)
    unit, unsigned_only = _unit(), _unsigned_only()
    audience = Audience.of(event, current_user, unit)
    commit_retrying_once(db.session, lambda: _prepare_export(event, audience, unit, unsigned_only, "csv"))
    # The query is built here; the stream runs it after this request's context and session are gone.
    query = exports.rows_query(audience, unsigned_only=unsigned_only)
    chunks = exports.csv_stream(current_app._get_current_object(), db.engine, event.id, query,
                                public_base_url(current_app.config["PUBLIC_BASE_URL"]))
    response = Response(chunks, mimetype=exports.CSV_MIMETYPE)
    return _attachment(response, exports.file_name(event, unit, unsigned_only, "csv"))


@bp.route("/<int:event_id>/undangan.pdf")
@roles_required(*EXPORTERS)
def codes_pdf(event_id: int):
    """The slips PDF, built in this request for a selection up to BACKGROUND_EXPORT_ROWS employees."""
    event = db.get_or_404(Event, event_id)
    unit, unsigned_only = _unit(), _unsigned_only()
    audience = Audience.of(event, current_user, unit)
    total = exports.counts(audience, unsigned_only=unsigned_only)["total"]
    back = url_for(".codes", event_id=event.id, unit=request.args.get("unit", type=int), belum=request.args.get("belum"))
    if total > slips.MAX_SLIPS_PER_PDF:
        flash(_("Terlalu banyak pegawai untuk satu PDF (maksimal %(n)d). Pilih unit yang lebih kecil, atau unduh CSV.",
                n=slips.MAX_SLIPS_PER_PDF), "warning")
        return redirect(back)
    if total > current_app.config["BACKGROUND_EXPORT_ROWS"]:
        flash(_("Slip untuk %(count)d pegawai dibuat di latar belakang, tidak langsung diunduh. Tekan “Buat PDF di "
                "latar belakang”.", count=total), "info")
        return redirect(back, 303)
    commit_retrying_once(db.session, lambda: _prepare_export(event, audience, unit, unsigned_only, "pdf"))
    content = exports.build_slips_pdf(event, audience, unsigned_only=unsigned_only)
    return _pdf(content, exports.file_name(event, unit, unsigned_only, "pdf"))


@bp.route("/<int:event_id>/undangan.pdf/tugas", methods=["POST"])
@roles_required(*EXPORTERS)
def codes_pdf_job(event_id: int):
    """Start building the slips PDF of the same selection in the background (?unit=, ?belum=1); show its page."""
    event = db.get_or_404(Event, event_id)
    unit, unsigned_only = _unit(), _unsigned_only()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    base_url = public_base_url(current_app.config["PUBLIC_BASE_URL"])
    job = jobs.start(current_user, "invitation_slips", event, unit, file_format="pdf",
                     params=exports.slips_job_params(unsigned_only, base_url))
    db.session.commit()
    enqueue_or_warn(job)
    return redirect(url_for("jobs.job_detail", job_id=job.id))


@bp.route("/<int:event_id>/bantuan")
@roles_required(*RUNNERS)  # the help desk at the venue is operator work
def helpdesk(event_id: int):
    event = db.get_or_404(Event, event_id)
    q = (request.args.get("q") or "").strip()[:desk.MAX_QUERY_LENGTH]
    page = signed = None
    if q:
        page = db.paginate(desk.search(current_user, event, q), per_page=current_app.config["PER_PAGE"], error_out=False)
        signed = desk.signed_employee_ids(event, [employee.id for employee in page.items])
    return render_template("invitations/helpdesk.html", event=event, q=q, page=page, signed=signed or set())


@bp.route("/<int:event_id>/bantuan/<int:employee_id>/terbitkan-ulang", methods=["GET", "POST"])
@roles_required(*RUNNERS)  # the help desk at the venue is operator work
def reissue(event_id: int, employee_id: int):
    event, employee = _required_employee(event_id, employee_id)
    back = url_for(".helpdesk", event_id=event.id, q=employee.nip or employee.nik)
    if desk.has_signed(event, employee):
        flash(_("%(name)s sudah menandatangani acara ini; kodenya tidak diterbitkan ulang. Yang berlaku sekarang "
                "adalah sertifikatnya.", name=employee.name), "warning")
        return redirect(back)
    form = ReissueForm()
    if form.validate_on_submit():
        try:
            code = services.reissue(current_user, event, employee, form.alasan.data)
            db.session.commit()
        except IntegrityError:
            # Two operators re-issued the same code at once: the other one won; show the state, do not guess.
            db.session.rollback()
            flash(_("Kode pegawai ini baru saja diterbitkan ulang oleh petugas lain. Periksa lagi sebelum mencoba."),
                  "warning")
            return redirect(back)
        url = services.invitation_url(code)
        qr = Markup(qr_svg(url))  # noqa: S704  (markup we generate: an <svg> of paths, no text from the request)
        return render_template("invitations/reissued.html", event=event, employee=employee,
                               code=services.display_code(code), url=url, qr=qr)
    return render_template("invitations/reissue_confirm.html", form=form, event=event, employee=employee, back=back)


@bp.route("/<int:event_id>/bantuan/<int:employee_id>/slip.pdf")
@roles_required(*RUNNERS)  # the help desk at the venue is operator work
def slip_pdf(event_id: int, employee_id: int):
    event, employee = _required_employee(event_id, employee_id)

    def prepare() -> exports.ExportRow | None:
        row = exports.employee_row(event, employee)
        if row is not None:
            exports.record_export(current_user, event, None, "slip-pdf", 1, employee=employee)
        return row

    row = commit_retrying_once(db.session, prepare)
    if row is None:  # the code was ended with a revoked certificate: a new one is a re-issue, after the ID check
        flash(_("Kode %(name)s sudah tidak berlaku (sertifikatnya dicabut). Terbitkan ulang kodenya setelah memeriksa "
                "KTP atau kartu pegawai.", name=employee.name), "warning")
        return redirect(url_for(".helpdesk", event_id=event.id, q=employee.nip or employee.nik))
    content = slips.slips_pdf(event.name, exports.slips(event.id, [row]), closes=exports.deadline_text(event))
    return _pdf(content, secure_filename(f"slip-{event.slug}-{employee.id}.pdf"))


def _unit() -> Agency | None:
    """The unit asked for in ?unit= (404 when outside the staff member's scope), or None for the whole scope."""
    return get_unit_in_scope(current_user, request.args.get("unit", 0, type=int))


def _unsigned_only() -> bool:
    """?belum=1: only those who have not signed yet (for chasing late signers)."""
    return request.args.get("belum") == "1"


def _required_employee(event_id: int, employee_id: int) -> tuple[Event, Employee]:
    """The event and an employee in scope who must sign it; 404 otherwise."""
    event = db.get_or_404(Event, event_id)
    employee = get_employee_in_scope(current_user, employee_id)
    if not is_required(event, employee):
        abort(404)
    return event, employee


def _prepare_export(event: Event, audience: Audience, unit: Agency | None, unsigned_only: bool,
                    file_format: str) -> int:
    count = exports.prepare(event, audience, unsigned_only=unsigned_only)
    exports.record_export(current_user, event, unit, file_format, count, unsigned_only=unsigned_only)
    return count


def _attachment(response: Response, file_name: str) -> Response:
    response.headers["Content-Disposition"] = f'attachment; filename="{file_name}"'
    response.headers["Cache-Control"] = "no-store"  # personal data: never in a shared or browser cache
    return response


def _pdf(content: bytes, file_name: str) -> Response:
    response = send_file(io.BytesIO(content), mimetype="application/pdf", as_attachment=True, download_name=file_name)
    response.headers["Cache-Control"] = "no-store"
    return response

