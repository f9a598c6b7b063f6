"""Spreadsheet import screens (upload, preview, confirm). PLACEHOLDER until the importer lands."""
from flask import Blueprint

from netralitas.auth.access import roles_required
from netralitas.auth.models import Role

bp = Blueprint("imports", __name__, url_prefix="/admin/impor")


@bp.route("/")
@roles_required(Role.SUPER_ADMIN)
def index():
    return "TODO"
