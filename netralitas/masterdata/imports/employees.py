"""Employee import: check rows with the shared rules, match by NIP else NIK, then bulk insert and update."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from netralitas.core.messages import lazy_message as _l
from netralitas.core.spreadsheet import Sheet, SpreadsheetError
from netralitas.extensions import db
from netralitas.masterdata.imports.plan import ImportPlan, flag_duplicates, row_list
from netralitas.masterdata.models import Agency, Employee
from netralitas.masterdata.rules import clean_employee, normalize_code
from netralitas.masterdata.services import EMPLOYEE_FIELDS

COLUMNS = ("nama", "nip", "nik", "kategori", "kode_unit", "tanggal_lahir", "jenis_kelamin", "jabatan", "no_hp", "email")
REQUIRED_COLUMNS = ("nama", "kategori", "kode_unit")
#: The column each field comes from; a field whose column is missing from the file is left as stored.
FIELD_COLUMNS = {
    "name": "nama", "name_search": "nama", "category": "kategori", "nip": "nip", "nik": "nik",
    "birth_date": "tanggal_lahir", "gender": "jenis_kelamin", "position": "jabatan", "agency_id": "kode_unit",
    "phone": "no_hp", "email": "email",
}
IDENTITY_FIELDS = ("nip", "nik")


@dataclass
class Registry:
    """Everything the import compares against, read once: employees by id, NIP and NIK; agencies by code."""

    employees: dict[int, Any] = field(default_factory=dict)
    by_nip: dict[str, int] = field(default_factory=dict)
    by_nik: dict[str, int] = field(default_factory=dict)
    agency_ids: dict[str, int] = field(default_factory=dict)
    inactive_agencies: set[str] = field(default_factory=set)

    def label(self, employee_id: int) -> str:
        """How a message names an existing employee (imports are for super admins, who see every employee)."""
        employee = self.employees[employee_id]
        return f"{employee.name} ({employee.nip or employee.nik})"


@dataclass
class EmployeePlan(ImportPlan):
    """Rows to insert and rows to update (by primary key) for the valid lines of the file."""

    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)

    def apply(self) -> None:
        """Two bulk statements; no ORM objects per row."""
        if self.updates:
            db.session.execute(sa.update(Employee), self.updates)
        if self.inserts:
            # render_nulls keeps one statement shape for rows with and without a NIP, so they batch together.
            db.session.execute(sa.insert(Employee).execution_options(render_nulls=True), self.inserts)


def load_registry() -> Registry:
    """Read every employee's compared fields and every agency code in two queries."""
    registry = Registry()
    columns = [Employee.id, *(getattr(Employee, name) for name in EMPLOYEE_FIELDS)]
    for row in db.session.execute(sa.select(*columns)):
        registry.employees[row.id] = row
        if row.nip:
            registry.by_nip[row.nip] = row.id
        if row.nik:
            registry.by_nik[row.nik] = row.id
    for agency_id, code, is_active in db.session.execute(sa.select(Agency.id, Agency.code, Agency.is_active)):
        registry.agency_ids[normalize_code(code)] = agency_id
        if not is_active:
            registry.inactive_agencies.add(normalize_code(code))
    return registry


def plan_employees(sheet: Sheet) -> EmployeePlan:
    """Check every row and work out what importing the valid ones would change."""
    if "nip" not in sheet.columns and "nik" not in sheet.columns:
        raise SpreadsheetError(_l("Kolom nip atau nik wajib ada di baris judul (minimal salah satu)."))
    registry = load_registry()
    plan = EmployeePlan(total_rows=len(sheet.rows))
    rows_by = {"nip": defaultdict(list), "nik": defaultdict(list), "target": defaultdict(list)}
    candidates = []
    for number, raw in sheet.rows:
        values, target, matched_on = _check_row(plan, registry, number, raw)
        for key in IDENTITY_FIELDS:
            if values[key]:
                rows_by[key][values[key]].append(number)
        if target is not None:
            rows_by["target"][target].append((number, matched_on))
        candidates.append((number, values, target))
    flag_duplicates(plan, rows_by["nip"], "nip", "NIP")
    flag_duplicates(plan, rows_by["nik"], "nik", "NIK")
    _flag_shared_targets(plan, registry, rows_by["target"])
    fields = [name for name, column in FIELD_COLUMNS.items() if column in sheet.columns]
    for number, values, target in candidates:
        if not plan.is_bad(number):
            _add_change(plan, values, registry.employees.get(target), fields)
    plan.created, plan.updated = len(plan.inserts), len(plan.updates)
    return plan


def _check_row(plan: EmployeePlan, registry: Registry, number: int,
               raw: dict[str, Any]) -> tuple[dict[str, Any], int | None, str]:
    cleaned = clean_employee(raw)
    for column, message in cleaned.errors:
        plan.error(number, column, message)
    for message in cleaned.warnings:
        plan.warn(number, message)
    values = cleaned.values
    code = values["agency_code"]
    values["agency_id"] = registry.agency_ids.get(code)
    if code and values["agency_id"] is None:
        plan.error(number, "kode_unit", _l("Kode unit %(code)s tidak ditemukan; impor perangkat daerahnya terlebih "
                                           "dahulu", code=code))
    elif code in registry.inactive_agencies:
        plan.warn(number, _l("Unit %(code)s berstatus nonaktif", code=code))
    return values, *_match(plan, registry, number, values)


def _match(plan: EmployeePlan, registry: Registry, number: int, values: dict[str, Any]) -> tuple[int | None, str]:
    """The existing employee this row describes and the column that found it: NIP first, else NIK."""
    nip, nik = values["nip"], values["nik"]
    by_nip = registry.by_nip.get(nip) if nip else None
    by_nik = registry.by_nik.get(nik) if nik else None
    if by_nip is not None:
        if by_nik is not None and by_nik != by_nip:
            plan.error(number, "nik", _l("NIP %(nip)s milik %(owner)s, tetapi NIK %(nik)s milik pegawai lain: "
                                         "%(other)s", nip=nip, owner=registry.label(by_nip), nik=nik,
                                         other=registry.label(by_nik)))
        return by_nip, "nip"
    if by_nik is not None:
        stored_nip = registry.employees[by_nik].nip
        if nip and stored_nip:
            plan.error(number, "nip", _l("NIK %(nik)s terdaftar untuk %(owner)s dengan NIP lain (%(nip)s)", nik=nik,
                                         owner=registry.label(by_nik), nip=stored_nip))
        return by_nik, "nik"
    return None, ""


def _flag_shared_targets(plan: EmployeePlan, registry: Registry,
                         rows_by_target: dict[int, list[tuple[int, str]]]) -> None:
    """Rows that each look unique but reach the same stored employee (one by NIP, another by NIK)."""
    for target, matches in rows_by_target.items():
        if len(matches) < 2:
            continue
        for row, column in matches:
            others = row_list([other for other, _ in matches if other != row])
            plan.error(row, column, _l("Baris ini dan baris %(rows)s sama-sama menunjuk %(employee)s", rows=others,
                                       employee=registry.label(target)))


def _add_change(plan: EmployeePlan, values: dict[str, Any], stored: Any, fields: list[str]) -> None:
    if stored is None:
        plan.inserts.append({name: values[name] for name in EMPLOYEE_FIELDS})
        return
    new = {name: values[name] for name in fields}
    for name in IDENTITY_FIELDS:
        if name in new and new[name] is None:
            new[name] = getattr(stored, name)  # an empty cell never erases a stored NIP/NIK
    if any(new[name] != getattr(stored, name) for name in fields):
        plan.updates.append({"id": stored.id, **new})
    else:
        plan.unchanged += 1
