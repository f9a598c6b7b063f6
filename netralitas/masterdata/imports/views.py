"""Spreadsheet import screens: upload, preview, confirm; the work is done by imports.importer."""
from __future__ import annotations

import io

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from netralitas.auth.access import roles_required
from netralitas.auth.models import Role
from netralitas.core import spreadsheet
from netralitas.extensions import db
from netralitas.masterdata.forms import ImportConfirmForm, UploadForm
from netralitas.masterdata.imports import importer
from netralitas.masterdata.models import PendingImport

bp = Blueprint("imports", __name__, url_prefix="/admin/impor")

KIND = "<any(agencies, employees):kind>"
#: The preview lists at most this many errors (and warnings); the CLI prints them all.
ROWS_SHOWN = 500


@bp.route("/")
@roles_required(Role.SUPER_ADMIN)
def index():
    forms = {kind: UploadForm(prefix=kind) for kind in importer.KINDS}
    max_mb = f"{current_app.config['MAX_CONTENT_LENGTH'] / (1024 * 1024):g}"
    return render_template("masterdata/import_index.html", forms=forms, max_mb=max_mb,
                           header_scan_rows=spreadsheet.HEADER_SCAN_ROWS)


@bp.route(f"/{KIND}/unggah", methods=["POST"])
@roles_required(Role.SUPER_ADMIN)
def upload(kind: str):
    form = UploadForm(prefix=kind)
    if not form.validate_on_submit():
        for message in form.file.errors or [_("Unggahan tidak valid; coba lagi.")]:
            flash(message, "danger")
        return redirect(url_for("imports.index"))
    pending = importer.store_pending_import(current_user, kind, form.file.data.filename, form.file.data.read())
    db.session.commit()
    return redirect(url_for("imports.preview", token=pending.token))


@bp.route("/pratinjau/<token>")
@roles_required(Role.SUPER_ADMIN)
def preview(token: str):
    pending = _own_pending_or_404(token)
    try:
        report = importer.preview_import(pending.kind, pending.content, pending.filename)
    except importer.SpreadsheetError as exc:
        importer.discard_pending_import(pending)
        db.session.commit()
        flash(_("Berkas %(name)s tidak bisa dibaca: %(reason)s", name=pending.filename, reason=str(exc)), "danger")
        return redirect(url_for("imports.index"))
    form = ImportConfirmForm(token=token)
    return render_template("masterdata/import_preview.html", report=report, form=form, rows_shown=ROWS_SHOWN)


@bp.route("/konfirmasi", methods=["POST"])
@roles_required(Role.SUPER_ADMIN)
def confirm():
    form = ImportConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    pending = _own_pending_or_404(form.token.data)
    if form.cancel.data:
        importer.discard_pending_import(pending)
        db.session.commit()
        flash(_("Impor dibatalkan; berkas yang diunggah sudah dihapus."), "info")
        return redirect(url_for("imports.index"))
    try:
        report = importer.run_import(pending.kind, current_user, pending.content, pending.filename,
                                     only_valid=form.only_valid.data)
    except importer.SpreadsheetError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return redirect(url_for("imports.index"))
    except sa.exc.IntegrityError:
        db.session.rollback()  # another import or edit got in first; nothing of this one is kept
        flash(_("Impor gagal dan tidak ada data yang disimpan; data berubah saat impor. Coba lagi."), "danger")
        return redirect(url_for("imports.preview", token=form.token.data))
    if not report.was_applied:
        db.session.rollback()
        flash(_refusal_message(report), "danger")
        return redirect(url_for("imports.preview", token=form.token.data))
    importer.discard_pending_import(pending)
    db.session.commit()
    importer.refresh_statistics(pending.kind, report)
    flash(_("Impor selesai: %(created)d dibuat, %(updated)d diubah, %(unchanged)d tidak berubah, %(skipped)d baris "
            "dilewati.", created=report.created, updated=report.updated, unchanged=report.unchanged,
            skipped=report.invalid), "success")
    return redirect(url_for("imports.index"))


@bp.route(f"/templat/{KIND}.<any(csv, xlsx):file_format>")
@roles_required(Role.SUPER_ADMIN)
def template(kind: str, file_format: str):
    content, mimetype, download_name = importer.template_file(kind, file_format)
    return send_file(io.BytesIO(content), mimetype=mimetype, as_attachment=True, download_name=download_name)


def _own_pending_or_404(token: str) -> PendingImport:
    """Another staff member's (or an expired) upload looks exactly like a missing one."""
    pending = importer.get_pending_import(current_user, token)
    if pending is None:
        abort(404)
    return pending


def _refusal_message(report: importer.ImportReport) -> str:
    if report.valid_rows == 0:
        return _("Impor ditolak: tidak ada baris yang valid. Tidak ada data yang disimpan.")
    # Indonesian has one plural form, so both msgids are the same; English needs two.
    return ngettext("Impor ditolak: %(num)d baris bermasalah, jadi tidak ada data yang disimpan. Perbaiki berkasnya, "
                    "atau centang \"Impor hanya baris yang valid\" untuk melewati baris bermasalah.",
                    "Impor ditolak: %(num)d baris bermasalah, jadi tidak ada data yang disimpan. Perbaiki berkasnya, "
                    "atau centang \"Impor hanya baris yang valid\" untuk melewati baris bermasalah.", report.invalid)
