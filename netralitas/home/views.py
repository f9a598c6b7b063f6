"""Landing page: public welcome, or the staff overview once signed in."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import sqlalchemy as sa
from flask import Blueprint, current_app, render_template
from flask_login import current_user

from netralitas.auth.access import ALL_STAFF
from netralitas.auth.models import Role
from netralitas.events.models import Event, EventStatus
from netralitas.events.progress import Progress
from netralitas.events.tally import cached_tally
from netralitas.extensions import db
from netralitas.masterdata.models import Agency, Employee
from netralitas.masterdata.scope import agency_scope, employee_scope

bp = Blueprint("home", __name__)


@bp.route("/")
def index():
    if not current_user.is_authenticated:
        return render_template("home/public.html")
    if current_user.role == Role.LIAISON:  # no declaration figures: only the cases they referred
        return render_template("home/liaison.html")
    totals = {
        "agencies": db.session.scalar(sa.select(sa.func.count()).select_from(Agency).where(
            agency_scope(current_user), Agency.is_active.is_(True))),
        "employees": db.session.scalar(sa.select(sa.func.count()).select_from(Employee).where(
            employee_scope(current_user), Employee.is_active.is_(True))),
    }
    return render_template("home/staff.html", totals=totals, open_events=open_events(current_user),
                           case_counts=_case_counts(), waiting_reports=_waiting_reports())


def _case_counts():
    """Overdue and due-soon cases for those who run cases (case officers, super admins); None for everyone else."""
    from netralitas.calendar.services import local_today, work_calendar
    from netralitas.cases.services import may_open_cases
    from netralitas.cases.steps import deadline_counts
    from netralitas.legal.services import deadline_days

    if not may_open_cases(current_user):
        return None
    return deadline_counts(current_user, today=local_today(), calendar=work_calendar(), days_for=deadline_days,
                           due_soon=current_app.config["CASE_DUE_SOON_WORKING_DAYS"])


def _waiting_reports() -> int:
    """Public reports nobody has claimed yet, for those who triage them; 0 for everyone else."""
    from netralitas.cases.services import may_open_cases
    from netralitas.public_reports.triage import queue_count

    return queue_count(current_user) if may_open_cases(current_user) else 0


@dataclass(frozen=True)
class OpenEvent:
    """An open event and its progress in one staff member's scope (their subtree, or everything)."""

    event: Event
    counts: Progress


def open_events(staff) -> list[OpenEvent]:
    """Events open for signing, soonest closing first, counted by the event page's tally (cached, one roll-up)."""
    events = db.session.scalars(sa.select(Event).where(Event.status == EventStatus.OPEN)
                                .order_by(Event.closes_dt, Event.id)).all()
    found = []
    for event in events:
        tally = cached_tally(event)
        shown = tally.by_agency.get(staff.agency_id) if staff.is_scoped else tally
        found.append(OpenEvent(event, Progress(shown.required, shown.signed, shown.attended) if shown else Progress()))
    return found


def nav_items() -> list[tuple]:
    """Menu entries for the signed-in staff member's role (the list is built once; labels translate when shown)."""
    if not current_user.is_authenticated:
        return []
    from netralitas.cases.services import may_open_cases

    officer = may_open_cases(current_user)
    return [item[:3] for item in _menu() if current_user.role in item[2] and (officer or not item[3:])]


@cache
def _menu() -> list[tuple]:
    from flask_babel import lazy_gettext as _l

    from netralitas.auth.models import Role

    everyone = ALL_STAFF
    readers = (*everyone, Role.LIAISON)
    return [
        ("home.index", _l("Beranda"), readers),
        ("events.event_list", _l("Acara"), everyone),
        ("reports.index", _l("Rekap"), everyone),
        ("masterdata.agency_tree", _l("Perangkat daerah"), everyone),
        ("masterdata.employee_list", _l("Pegawai"), everyone),
        ("cases.case_list", _l("Kasus"), readers),
        # The fourth item: for case officers only (a flag on the account, not a role).
        ("report_triage.report_list", _l("Laporan masyarakat"), everyone, "case officers"),
        ("imports.index", _l("Impor data"), (Role.SUPER_ADMIN,)),
        ("certificate_admin.lookup", _l("Sertifikat"), (Role.SUPER_ADMIN,)),
        ("auth.staff_list", _l("Akun petugas"), (Role.SUPER_ADMIN,)),
        ("audit.entry_list", _l("Log audit"), (Role.SUPER_ADMIN,)),
        ("legal.form_list", _l("Katalog hukum"), (Role.SUPER_ADMIN,)),
        ("calendar.year_view", _l("Kalender kerja"), (Role.SUPER_ADMIN,)),
    ]
