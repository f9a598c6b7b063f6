"""Operations on agencies and employees; each writes its audit entry and leaves the commit to the caller."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from netralitas.audit.services import record
from netralitas.core.messages import lazy_message as _l
from netralitas.extensions import db
from netralitas.masterdata.models import Agency, AgencyKind, Employee
from netralitas.masterdata.rules import Cleaned
from netralitas.masterdata.scope import agency_scope, is_agency_in_scope, subtree_clause

if TYPE_CHECKING:
    from netralitas.auth.models import Staff

EMPLOYEE_FIELDS = ("name", "name_search", "category", "nip", "nik", "birth_date", "gender",
                   "position", "phone", "email", "agency_id")


class MasterDataError(ValueError):
    """A master-data change that breaks a rule; str() is the message in the reader's language (a lazy string)."""


class IdentityTakenError(MasterDataError):
    """The NIP/NIK belongs to another employee; is_audited when the attempt was recorded (the caller commits it)."""

    def __init__(self, message: str, *, is_audited: bool = False):
        super().__init__(message)
        self.is_audited = is_audited


#: Said when the holder of a NIP/NIK is outside the actor's scope: naming them would turn any number into a name.
OUT_OF_SCOPE_CLASH_MESSAGE = _l("NIP/NIK ini sudah terdaftar di unit lain, hubungi BKPSDM.")


@dataclass(frozen=True)
class IdentityClash:
    """Another employee already holds a NIP or NIK that a record wants."""

    column: str
    number: str
    holder_id: int
    holder_name: str
    is_in_scope: bool

    @property
    def message(self) -> str:
        """Helpful (names the holder) inside the actor's scope, generic outside it."""
        if not self.is_in_scope:
            return OUT_OF_SCOPE_CLASH_MESSAGE
        return _l("%(column)s %(number)s sudah dipakai oleh %(name)s.", column=self.column.upper(), number=self.number,
                  name=self.holder_name)


def agency_path(agency_id: int, parent: Agency | None) -> str:
    """Materialised path of an agency under parent."""
    return f"{parent.path if parent else '/'}{agency_id}/"


def governments() -> list[Agency]:
    """The active governments: roots of the agency tree, by name (what /lapor and /transparansi offer the public)."""
    return list(db.session.scalars(
        sa.select(Agency).where(Agency.parent_id.is_(None), Agency.is_active.is_(True)).order_by(Agency.name)))


def agencies_in_scope(staff: Staff, *, include_inactive: bool = True) -> list[Agency]:
    """Every agency this staff member sees, in tree order (parents before children)."""
    query = sa.select(Agency).where(agency_scope(staff))
    if not include_inactive:
        query = query.where(Agency.is_active.is_(True))
    return sort_tree(list(db.session.scalars(query)))


def sort_tree(agencies: list[Agency]) -> list[Agency]:
    """Depth-first order with siblings by name, so a flat list reads as a tree."""
    by_parent: dict[int | None, list[Agency]] = {}
    ids = {a.id for a in agencies}
    for agency in agencies:
        key = agency.parent_id if agency.parent_id in ids else None
        by_parent.setdefault(key, []).append(agency)
    ordered: list[Agency] = []
    stack = sorted(by_parent.get(None, []), key=lambda a: a.name.lower(), reverse=True)
    while stack:
        agency = stack.pop()
        ordered.append(agency)
        stack.extend(sorted(by_parent.get(agency.id, []), key=lambda a: a.name.lower(), reverse=True))
    return ordered


def agency_choices(staff: Staff) -> list[tuple[int, str]]:
    """(id, indented label) pairs for select boxes, limited to the staff member's scope."""
    agencies = agencies_in_scope(staff, include_inactive=False)
    base_depth = min((a.depth for a in agencies), default=0)
    return [(a.id, f"{'— ' * (a.depth - base_depth)}{a.name} ({a.code})") for a in agencies]


def create_agency(actor: Staff | str | None, *, code: str, name: str, kind: AgencyKind,
                  parent: Agency | None) -> Agency:
    """Add an agency under parent (None for a new root)."""
    if db.session.scalar(sa.select(Agency.id).where(Agency.code == code)) is not None:
        raise MasterDataError(_l("Kode %(code)s sudah dipakai.", code=code))
    agency = Agency(code=code, name=name, kind=kind, parent=parent, path="", depth=parent.depth + 1 if parent else 0)
    db.session.add(agency)
    db.session.flush()
    agency.path = agency_path(agency.id, parent)
    record(actor, "agency.create", "agency", agency.id, f"Perangkat daerah {code} dibuat",
           {"code": code, "name": name, "kind": kind.value, "parent": parent.code if parent else None})
    return agency


def update_agency(actor: Staff | str | None, agency: Agency, *, code: str, name: str, kind: AgencyKind,
                  parent: Agency | None) -> Agency:
    """Edit an agency; a new parent moves its whole subtree."""
    clash = db.session.scalar(sa.select(Agency.id).where(Agency.code == code, Agency.id != agency.id))
    if clash is not None:
        raise MasterDataError(_l("Kode %(code)s sudah dipakai.", code=code))
    before = _agency_snapshot(agency)
    agency.code, agency.name, agency.kind = code, name, kind
    if (parent.id if parent else None) != agency.parent_id:
        move_subtree(agency, parent)
    after = _agency_snapshot(agency)
    if before != after:
        record(actor, "agency.update", "agency", agency.id, f"Perangkat daerah {code} diubah",
               {"before": before, "after": after})
    return agency


def move_subtree(agency: Agency, new_parent: Agency | None) -> None:
    """Re-hang agency (and everything below it) under new_parent, rewriting their paths."""
    if new_parent is not None and new_parent.path.startswith(agency.path):
        raise MasterDataError(_l("Perangkat daerah tidak bisa dipindah ke bawah dirinya sendiri."))
    old_path = agency.path
    new_path = agency_path(agency.id, new_parent)
    depth_shift = (new_parent.depth + 1 if new_parent else 0) - agency.depth
    db.session.flush()
    db.session.execute(
        sa.update(Agency)
        .where(subtree_clause(old_path))
        .values(path=sa.func.replace(Agency.path, old_path, new_path), depth=Agency.depth + depth_shift)
        .execution_options(synchronize_session=False)
    )
    agency.parent = new_parent
    db.session.flush()
    db.session.expire_all()


def set_agency_active(actor: Staff | str | None, agency: Agency, is_active: bool) -> int:
    """Deactivate (or reactivate) an agency and its whole subtree; returns how many agencies changed."""
    changed = db.session.execute(
        sa.update(Agency)
        .where(subtree_clause(agency.path), Agency.is_active.is_not(is_active))
        .values(is_active=is_active)
        .execution_options(synchronize_session=False)
    ).rowcount
    action = "agency.activate" if is_active else "agency.deactivate"
    verb = "diaktifkan" if is_active else "dinonaktifkan"
    record(actor, action, "agency", agency.id, f"Perangkat daerah {agency.code} beserta {changed - 1} sub-unit {verb}",
           {"code": agency.code, "changed": changed})
    db.session.expire_all()
    return changed


def _agency_snapshot(agency: Agency) -> dict[str, Any]:
    return {"code": agency.code, "name": agency.name, "kind": agency.kind.value,
            "parent": agency.parent.code if agency.parent else None}


def find_identity_clash(actor: Staff | str | None, values: dict[str, Any], employee_id: int | None) -> IdentityClash | None:
    """The first NIP or NIK of values that another employee holds, and whether that employee is in actor's scope."""
    for column in (Employee.nip, Employee.nik):
        number = values.get(column.key)
        if not number:
            continue
        other = db.session.execute(sa.select(Employee.id, Employee.name, Employee.agency_id).where(
            column == number, Employee.id != (employee_id or 0))).first()
        if other is not None:
            return IdentityClash(column.key, number, other.id, other.name, _sees_agency(actor, other.agency_id))
    return None


def _sees_agency(actor: Staff | str | None, agency_id: int) -> bool:
    """Whether actor's scope holds the agency; the CLI and system actors (no Staff) see everything."""
    return not getattr(actor, "is_scoped", False) or is_agency_in_scope(actor, agency_id)


def save_employee(actor: Staff | str | None, employee: Employee | None, cleaned: Cleaned, agency: Agency) -> Employee:
    """Create (employee None) or update an employee from checked values."""
    values = {k: v for k, v in cleaned.values.items() if k in EMPLOYEE_FIELDS}
    values["agency_id"] = agency.id
    clash = find_identity_clash(actor, values, employee.id if employee else None)
    if clash:
        if not clash.is_in_scope:
            # Someone typing numbers that belong elsewhere may be probing for names: leave a trace.
            record(actor, "employee.identity_clash", "employee", clash.holder_id,
                   f"{clash.column.upper()} milik pegawai di luar cakupan dicoba untuk unit {agency.code}",
                   {"column": clash.column, "agency": agency.code, "employee": employee.id if employee else None})
        raise IdentityTakenError(clash.message, is_audited=not clash.is_in_scope)
    if employee is None:
        employee = Employee(**values)
        db.session.add(employee)
        db.session.flush()
        record(actor, "employee.create", "employee", employee.id, f"Pegawai {employee.name} ditambahkan",
               {"agency": agency.code, "category": employee.category.value})
        return employee
    changes = {k: [_plain(getattr(employee, k)), _plain(v)] for k, v in values.items() if getattr(employee, k) != v}
    for key, value in values.items():
        setattr(employee, key, value)
    if changes:
        changes.pop("name_search", None)
        record(actor, "employee.update", "employee", employee.id, f"Data pegawai {employee.name} diubah",
               {"changed": sorted(changes)})
    return employee


def set_employee_active(actor: Staff | str | None, employee: Employee, is_active: bool) -> None:
    """Deactivate or reactivate one employee."""
    if employee.is_active == is_active:
        return
    employee.is_active = is_active
    verb = "diaktifkan" if is_active else "dinonaktifkan"
    record(actor, "employee.activate" if is_active else "employee.deactivate", "employee", employee.id,
           f"Pegawai {employee.name} {verb}")


def _plain(value: Any) -> Any:
    return getattr(value, "value", value)
