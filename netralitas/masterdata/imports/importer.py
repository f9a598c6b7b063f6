"""Spreadsheet import of agencies and employees: preview, all-or-nothing import, pending uploads, templates."""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import current_app

from netralitas.audit.services import record
from netralitas.core import spreadsheet
from netralitas.core.identity import make_nik, make_nip_pns
from netralitas.core.spreadsheet import Sheet, SpreadsheetError
from netralitas.db import utcnow
from netralitas.extensions import db
from netralitas.masterdata.imports import agencies, employees
from netralitas.masterdata.imports.plan import ImportPlan, RowError, RowWarning
from netralitas.masterdata.models import PendingImport

if TYPE_CHECKING:
    from netralitas.auth.models import Staff

__all__ = ["ImportReport", "RowError", "RowWarning", "SpreadsheetError", "KINDS", "preview_import", "run_import",
           "preview_agencies", "import_agencies", "preview_employees", "import_employees", "template_file",
           "store_pending_import", "get_pending_import", "discard_pending_import"]

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
PENDING_LIFETIME = timedelta(days=1)
FILENAME_MAX = 255


@dataclass(frozen=True)
class ImportKind:
    """One importable sheet: its columns, how its rows are planned, and how it is named and audited."""

    key: str
    label: str
    columns: tuple[str, ...]
    required_columns: tuple[str, ...]
    planner: Callable[[Sheet], ImportPlan]
    template_name: str
    example_row: Callable[[], list[Any]]
    text_columns: tuple[str, ...] = ()

    @property
    def action(self) -> str:
        return f"import.{self.key}"


def _example_agency() -> list[Any]:
    return ["PEMKOT", "Pemerintah Kota Contoh", "", "PEMERINTAH"]


def _example_employee() -> list[Any]:
    born = date(1985, 3, 12)
    return ["Siti Aminah", make_nip_pns(born, 2010, 3, "P", 1), make_nik("327301", born, "P", 1), "PNS", "PEMKOT",
            born, "P", "Analis Kebijakan", "081234567890", "siti.aminah@contoh.go.id"]


KINDS: dict[str, ImportKind] = {
    "agencies": ImportKind("agencies", "perangkat daerah", agencies.COLUMNS, agencies.REQUIRED_COLUMNS,
                           agencies.plan_agencies, "templat_perangkat_daerah", _example_agency,
                           text_columns=("kode", "kode_induk")),
    "employees": ImportKind("employees", "pegawai", employees.COLUMNS, employees.REQUIRED_COLUMNS,
                            employees.plan_employees, "templat_pegawai", _example_employee,
                            text_columns=("nip", "nik", "kode_unit", "no_hp")),
}


@dataclass(frozen=True)
class ImportReport:
    """Outcome of a preview or an import run: counts, every bad row, every warning."""

    kind: str
    filename: str
    total_rows: int
    created: int
    updated: int
    unchanged: int
    invalid: int
    errors: list[RowError]
    warnings: list[RowWarning]
    ignored_columns: list[str]
    only_valid: bool = False
    was_applied: bool = False

    @property
    def valid_rows(self) -> int:
        return self.created + self.updated + self.unchanged

    @property
    def is_importable(self) -> bool:
        """A clean file always is; a file with bad rows only when asked to skip them and some are good."""
        return not self.errors or (self.only_valid and self.valid_rows > 0)

    def summary(self) -> str:
        """Indonesian one-liner with the counts, used by the audit log, flash messages and the CLI."""
        label = KINDS[self.kind].label
        return (f"Impor {label} dari {self.filename}: {self.created} dibuat, {self.updated} diubah, "
                f"{self.unchanged} tidak berubah, {self.invalid} baris bermasalah")


def preview_import(kind: str, content: bytes, filename: str, *, only_valid: bool = False) -> ImportReport:
    """Check a file against the database and report what importing it would do; writes nothing."""
    return _plan(KINDS[kind], content, filename, only_valid)[0]


def run_import(kind: str, actor: Staff | str | None, content: bytes, filename: str, *,
               only_valid: bool = False) -> ImportReport:
    """Import a file in the caller's transaction, or nothing at all when it is not importable; caller commits."""
    spec = KINDS[kind]
    report, plan = _plan(spec, content, filename, only_valid)
    if not report.is_importable:
        return report
    plan.apply()
    record(actor, spec.action, "import", None, report.summary(), {
        "filename": report.filename, "sha256": hashlib.sha256(content).hexdigest(), "rows": report.total_rows,
        "created": report.created, "updated": report.updated, "unchanged": report.unchanged,
        "invalid": report.invalid, "only_valid": only_valid,
    })
    return replace(report, was_applied=True)


#: Rows written by one import above which the planner statistics are refreshed at once.
ANALYZE_AFTER_ROWS = 1000


def refresh_statistics(kind: str, report: ImportReport) -> None:
    """After a large import (committed), let the query planner see the new table sizes at once.

    On stale statistics PostgreSQL planned the per-employee status list of a fresh 100,000-row
    import as a nested loop (18 s instead of 0.1 s) until autovacuum's next ANALYZE.
    """
    if report.created + report.updated < ANALYZE_AFTER_ROWS:
        return
    table = {"agencies": "agencies", "employees": "employees"}[kind]
    db.session.execute(sa.text(f"ANALYZE {table}"))
    db.session.commit()


def preview_agencies(content: bytes, filename: str, *, only_valid: bool = False) -> ImportReport:
    """Preview an agency file."""
    return preview_import("agencies", content, filename, only_valid=only_valid)


def import_agencies(actor: Staff | str | None, content: bytes, filename: str, *, only_valid: bool = False) -> ImportReport:
    """Import an agency file (caller commits)."""
    return run_import("agencies", actor, content, filename, only_valid=only_valid)


def preview_employees(content: bytes, filename: str, *, only_valid: bool = False) -> ImportReport:
    """Preview an employee file."""
    return preview_import("employees", content, filename, only_valid=only_valid)


def import_employees(actor: Staff | str | None, content: bytes, filename: str, *, only_valid: bool = False) -> ImportReport:
    """Import an employee file (caller commits)."""
    return run_import("employees", actor, content, filename, only_valid=only_valid)


def _plan(spec: ImportKind, content: bytes, filename: str, only_valid: bool) -> tuple[ImportReport, ImportPlan]:
    filename = clean_filename(filename)
    max_bytes = current_app.config.get("MAX_CONTENT_LENGTH") or DEFAULT_MAX_BYTES
    sheet = spreadsheet.read_sheet(content, filename, known_columns=spec.columns,
                                   required_columns=spec.required_columns, max_bytes=max_bytes)
    plan = spec.planner(sheet)
    report = ImportReport(
        kind=spec.key, filename=filename, total_rows=plan.total_rows, created=plan.created, updated=plan.updated,
        unchanged=plan.unchanged, invalid=len(plan.bad_rows), errors=sorted(plan.errors),
        warnings=sorted(plan.warnings), ignored_columns=sheet.ignored_columns, only_valid=only_valid,
    )
    return report, plan


def clean_filename(filename: str | None) -> str:
    """The bare file name (no folders), shortened to fit the column while keeping its extension."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip() or "berkas"
    if len(name) <= FILENAME_MAX:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension) > 10:
        return name[:FILENAME_MAX]
    return stem[:FILENAME_MAX - len(extension) - 1] + "." + extension


def template_file(kind: str, file_format: str) -> tuple[bytes, str, str]:
    """(content, mimetype, download name) of the blank template: header plus one example row."""
    spec = KINDS[kind]
    rows = [spec.example_row()]
    if file_format == "xlsx":
        content = spreadsheet.write_xlsx(spec.columns, rows, text_columns=spec.text_columns)
        return content, spreadsheet.XLSX_MIMETYPE, f"{spec.template_name}.xlsx"
    if file_format == "csv":
        return spreadsheet.write_csv(spec.columns, rows), spreadsheet.CSV_MIMETYPE, f"{spec.template_name}.csv"
    raise ValueError(f"unknown template format {file_format!r}")


def store_pending_import(staff: Staff, kind: str, filename: str, content: bytes) -> PendingImport:
    """Keep an upload until its preview is confirmed; also clears uploads older than a day."""
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}")
    purge_expired_imports()
    pending = PendingImport(token=secrets.token_urlsafe(32), staff_id=staff.id, kind=kind,
                            filename=clean_filename(filename), content=content)
    db.session.add(pending)
    return pending


def purge_expired_imports() -> int:
    """Delete uploads older than PENDING_LIFETIME (their spreadsheets hold personal data); the caller commits."""
    result = db.session.execute(sa.delete(PendingImport).where(PendingImport.created_dt < utcnow() - PENDING_LIFETIME))
    return result.rowcount


def get_pending_import(staff: Staff, token: str) -> PendingImport | None:
    """The staff member's own, unexpired upload with this token; None for anyone else's."""
    return db.session.scalar(sa.select(PendingImport).where(
        PendingImport.token == token, PendingImport.staff_id == staff.id,
        PendingImport.created_dt >= utcnow() - PENDING_LIFETIME,
    ))


def discard_pending_import(pending: PendingImport) -> None:
    """Forget an upload (after its import, or when the admin cancels)."""
    db.session.delete(pending)
