"""Landing page: public welcome, or the staff overview once signed in."""
from functools import cache

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask_login import current_user

from netralitas.extensions import db
from netralitas.masterdata.models import Agency, Employee
from netralitas.masterdata.scope import agency_scope, employee_scope

bp = Blueprint("home", __name__)


@bp.route("/")
def index():
    if not current_user.is_authenticated:
        return render_template("home/public.html")
    totals = {
        "agencies": db.session.scalar(sa.select(sa.func.count()).select_from(Agency).where(
            agency_scope(current_user), Agency.is_active.is_(True))),
        "employees": db.session.scalar(sa.select(sa.func.count()).select_from(Employee).where(
            employee_scope(current_user), Employee.is_active.is_(True))),
    }
    return render_template("home/staff.html", totals=totals)


@bp.app_context_processor
def inject_navigation():
    """Menu entries for the signed-in staff member's role (the list is built once; labels translate when shown)."""

    def nav_items():
        if not current_user.is_authenticated:
            return []
        return [item for item in _menu() if current_user.role in item[2]]

    return {"nav_items": nav_items}


@cache
def _menu() -> list[tuple]:
    from flask_babel import lazy_gettext as _l

    from netralitas.auth.models import Role

    everyone = tuple(Role)
    return [
        ("home.index", _l("Beranda"), everyone),
        ("events.event_list", _l("Acara"), everyone),
        ("reports.index", _l("Rekap"), everyone),
        ("masterdata.agency_tree", _l("Perangkat daerah"), everyone),
        ("masterdata.employee_list", _l("Pegawai"), everyone),
        ("imports.index", _l("Impor data"), (Role.SUPER_ADMIN,)),
        ("certificate_admin.lookup", _l("Sertifikat"), (Role.SUPER_ADMIN,)),
        ("auth.staff_list", _l("Akun petugas"), (Role.SUPER_ADMIN,)),
        ("audit.entry_list", _l("Log audit"), (Role.SUPER_ADMIN,)),
    ]
