"""Certificate downloads for staff: an event's live certificates of a unit subtree as one ZIP, streamed from the
request up to BACKGROUND_EXPORT_ROWS certificates and built by a background job above that."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from netralitas.auth.access import EXPORTERS, roles_required
from netralitas.certificates import exports
from netralitas.core.forms import ConfirmForm
from netralitas.core.urls import public_base_url
from netralitas.events.models import Event
from netralitas.events.rules import Audience
from netralitas.extensions import db
from netralitas.jobs import services as jobs
from netralitas.jobs.views import enqueue_or_warn
from netralitas.masterdata.models import Agency
from netralitas.masterdata.scope import get_unit_in_scope
from netralitas.masterdata.services import agency_choices

bp = Blueprint("certificate_exports", __name__, url_prefix="/admin/acara")


@bp.route("/<int:event_id>/sertifikat")
@roles_required(*EXPORTERS)
def export_page(event_id: int):
    event = db.get_or_404(Event, event_id)
    unit = _unit()
    default_unit = current_user.agency_id if current_user.is_scoped else 0
    count = exports.count_live(Audience.of(event, current_user, unit))
    return render_template("certificates/export.html", event=event, unit=unit, count=count,
                           agency_choices=agency_choices(current_user),
                           unit_id=request.args.get("unit", default_unit, type=int),
                           max_certificates=exports.MAX_CERTIFICATES_PER_ZIP,
                           background_rows=current_app.config["BACKGROUND_EXPORT_ROWS"], form=ConfirmForm())


@bp.route("/<int:event_id>/sertifikat.zip")
@roles_required(*EXPORTERS)
def export_zip(event_id: int):
    """The ZIP streamed from this request, for a selection up to BACKGROUND_EXPORT_ROWS certificates."""
    event = db.get_or_404(Event, event_id)
    unit = _unit()
    ids = exports.certificate_ids(Audience.of(event, current_user, unit))
    back = url_for(".export_page", event_id=event.id, unit=request.args.get("unit", type=int))
    if len(ids) > exports.MAX_CERTIFICATES_PER_ZIP:
        flash(_("Terlalu banyak sertifikat untuk satu ZIP (maksimal %(n)d). Pilih unit yang lebih kecil.",
                n=exports.MAX_CERTIFICATES_PER_ZIP), "warning")
        return redirect(back)
    if len(ids) > current_app.config["BACKGROUND_EXPORT_ROWS"]:
        flash(_("ZIP berisi %(count)d sertifikat dibuat di latar belakang, tidak langsung diunduh. Tekan “Buat ZIP di "
                "latar belakang”.", count=len(ids)), "info")
        return redirect(back, 303)
    exports.record_export(current_user, event, unit, len(ids))
    db.session.commit()
    # The ids are fixed here; the stream reads and renders them after this request's context is gone.
    base_url = public_base_url(current_app.config["PUBLIC_BASE_URL"])
    response = Response(exports.zip_stream(current_app._get_current_object(), ids, base_url), mimetype=exports.ZIP_MIMETYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{exports.file_name(event, unit)}"'
    response.headers["Cache-Control"] = "no-store"  # personal data: never in a shared or browser cache
    response.headers[exports.COUNT_HEADER] = str(len(ids))
    response.headers["X-Accel-Buffering"] = "no"  # nginx: pass each certificate on as it is made
    return response


@bp.route("/<int:event_id>/sertifikat.zip/tugas", methods=["POST"])
@roles_required(*EXPORTERS)
def export_zip_job(event_id: int):
    """Start building the same selection's ZIP in the background (?unit=); show the job's page."""
    event = db.get_or_404(Event, event_id)
    unit = _unit()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    job = jobs.start(current_user, "certificate_zip", event, unit, file_format="zip",
                     params={"base_url": public_base_url(current_app.config["PUBLIC_BASE_URL"])})
    db.session.commit()
    enqueue_or_warn(job)
    return redirect(url_for("jobs.job_detail", job_id=job.id))


def _unit() -> Agency | None:
    """The unit asked for (404 when outside the staff member's scope), or None for the whole scope."""
    return get_unit_in_scope(current_user, request.args.get("unit", 0, type=int))
