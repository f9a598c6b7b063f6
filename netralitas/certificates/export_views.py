"""Certificate downloads for staff: an event's live certificates of a unit subtree as one streamed ZIP."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.utils import secure_filename

from netralitas.auth.access import EXPORTERS, roles_required
from netralitas.certificates import exports
from netralitas.core.urls import public_base_url
from netralitas.events.models import Event
from netralitas.events.rules import Audience
from netralitas.extensions import db
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
                           max_certificates=exports.MAX_CERTIFICATES_PER_ZIP)


@bp.route("/<int:event_id>/sertifikat.zip")
@roles_required(*EXPORTERS)
def export_zip(event_id: int):
    event = db.get_or_404(Event, event_id)
    unit = _unit()
    ids = exports.certificate_ids(Audience.of(event, current_user, unit))
    if len(ids) > exports.MAX_CERTIFICATES_PER_ZIP:
        flash(_("Terlalu banyak sertifikat untuk satu ZIP (maksimal %(n)d). Pilih unit yang lebih kecil.",
                n=exports.MAX_CERTIFICATES_PER_ZIP), "warning")
        return redirect(url_for(".export_page", event_id=event.id, unit=request.args.get("unit", type=int)))
    exports.record_export(current_user, event, unit, len(ids))
    db.session.commit()
    # The ids are fixed here; the stream reads and renders them after this request's context is gone.
    base_url = public_base_url(current_app.config["PUBLIC_BASE_URL"])
    response = Response(exports.zip_stream(current_app._get_current_object(), ids, base_url), mimetype=exports.ZIP_MIMETYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{_file_name(event, unit)}"'
    response.headers["Cache-Control"] = "no-store"  # personal data: never in a shared or browser cache
    response.headers[exports.COUNT_HEADER] = str(len(ids))
    response.headers["X-Accel-Buffering"] = "no"  # nginx: pass each certificate on as it is made
    return response


def _unit() -> Agency | None:
    """The unit asked for (404 when outside the staff member's scope), or None for the whole scope."""
    return get_unit_in_scope(current_user, request.args.get("unit", 0, type=int))


def _file_name(event: Event, unit: Agency | None) -> str:
    unit_code = unit.code if unit is not None else "semua"
    return secure_filename(f"sertifikat-{event.slug}-{unit_code}.zip")
