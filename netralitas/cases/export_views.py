"""Case exports: the decided cases as BKN SIASN discipline records (XLSX or CSV), for case officers and super admins."""
from __future__ import annotations

import io

from flask import Blueprint, Response, send_file
from flask_login import current_user

from netralitas.calendar.services import local_today
from netralitas.cases import siasn
from netralitas.cases.views import case_officers_only
from netralitas.core.spreadsheet import CSV_MIMETYPE, XLSX_MIMETYPE
from netralitas.extensions import db

bp = Blueprint("case_exports", __name__, url_prefix="/admin/kasus")


@bp.route("/siasn.<any(csv, xlsx):file_format>")
@case_officers_only
def siasn_export(file_format: str):
    """Every decided ASN case in the staff member's view, one SIASN discipline record each; audited, never cached."""
    rows = siasn.siasn_rows(current_user)
    siasn.record_export(current_user, file_format, rows)
    db.session.commit()
    if file_format == "csv":
        handle, mimetype = io.BytesIO(siasn.siasn_csv(rows)), CSV_MIMETYPE
    else:
        handle, mimetype = io.BytesIO(), XLSX_MIMETYPE
        siasn.write_siasn_xlsx(handle, rows)
        handle.seek(0)
    return _send(handle, mimetype, siasn.export_file_name(local_today(), file_format))


def _send(handle: io.BytesIO, mimetype: str, name: str) -> Response:
    response = send_file(handle, mimetype=mimetype, as_attachment=True, download_name=name, conditional=False,
                         etag=False, max_age=0)
    response.headers["Cache-Control"] = "no-store"  # names and NIP of disciplined employees: never in a cache
    return response
