"""The one query helper for agency scope: what part of the tree a staff member may see."""
from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import abort

from netralitas.extensions import db
from netralitas.masterdata.models import Agency, Employee

if TYPE_CHECKING:
    from netralitas.auth.models import Staff


def subtree_clause(root_path: str) -> sa.ColumnElement[bool]:
    """Agencies at or below the agency whose materialised path is root_path."""
    return Agency.path.startswith(root_path, autoescape=True)


def scope_paths(staff: Staff) -> tuple[str, ...] | None:
    """Paths of the subtrees this staff member may see: None for the whole tree, () when their agency is gone."""
    if not staff.is_scoped:
        return None
    root_path = db.session.scalar(sa.select(Agency.path).where(Agency.id == staff.agency_id))
    return () if root_path is None else (root_path,)


def paths_clause(paths: tuple[str, ...] | None) -> sa.ColumnElement[bool]:
    """Filter on Agency for what scope_paths() returned."""
    if paths is None:
        return sa.true()
    return sa.or_(*(subtree_clause(path) for path in paths)) if paths else sa.false()


def agency_scope(staff: Staff) -> sa.ColumnElement[bool]:
    """Filter on Agency rows visible to this staff member."""
    return paths_clause(scope_paths(staff))


def employee_scope(staff: Staff) -> sa.ColumnElement[bool]:
    """Filter on Employee rows visible to this staff member."""
    if not staff.is_scoped:
        return sa.true()
    return Employee.agency_id.in_(sa.select(Agency.id).where(agency_scope(staff)))


def is_agency_in_scope(staff: Staff, agency_id: int) -> bool:
    """Whether this staff member may see the agency (a yes/no where a page would 404)."""
    if not staff.is_scoped:
        return True
    return db.session.scalar(sa.select(Agency.id).where(Agency.id == agency_id, agency_scope(staff))) is not None


def get_agency_in_scope(staff: Staff, agency_id: int) -> Agency:
    """The agency if this staff member may see it, else a 404 (never reveal it exists)."""
    agency = db.session.scalar(sa.select(Agency).where(Agency.id == agency_id, agency_scope(staff)))
    if agency is None:
        abort(404)
    return agency


def get_unit_in_scope(staff: Staff, unit_id: int | None) -> Agency | None:
    """The unit a page is narrowed to (?unit=): None (the whole scope) without an id, else as get_agency_in_scope."""
    return get_agency_in_scope(staff, unit_id) if unit_id else None


def get_employee_in_scope(staff: Staff, employee_id: int) -> Employee:
    """The employee if this staff member may see them, else a 404."""
    employee = db.session.scalar(sa.select(Employee).where(Employee.id == employee_id, employee_scope(staff)))
    if employee is None:
        abort(404)
    return employee


def employees_matching(staff: Staff, q: str, *, limit: int, within_path: str | None = None) -> list[Employee]:
    """Active employees in the staff member's scope (and under `within_path`, a government's subtree) whose name
    contains q or whose NIP or NIK is q: the search a case officer uses to pick the person a case is about."""
    query = sa.select(Employee).where(employee_scope(staff), Employee.is_active,
                                      sa.or_(Employee.name_search.contains(q.lower(), autoescape=True), Employee.nip == q,
                                             Employee.nik == q))
    if within_path is not None:
        query = query.where(Employee.agency_id.in_(sa.select(Agency.id).where(subtree_clause(within_path))))
    return list(db.session.scalars(query.order_by(Employee.name).limit(limit)))
