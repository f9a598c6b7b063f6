"""Completion exports: the completion table and the per-employee status list as CSV and XLSX, and their audit entries.

Who is in them comes from the two shared report queries (completion() and employee_statuses()), so scope and
counting are decided in one place. Headers are Indonesian; every cell goes through core.spreadsheet.safe_cell.

CSV: UTF-8 with a BOM, semicolon-separated and with a decimal comma (66,7), like the invitation CSV: Excel set to
Indonesian opens it in columns and reads the percentages as numbers. The status list is streamed from a database
cursor, BATCH_SIZE rows per chunk, outside any Flask context.

XLSX: openpyxl's write-only mode into a temporary file, which the response then streams (see export_views).
openpyxl cannot hand out the zip before the workbook is saved, so streaming while building would mean writing
SpreadsheetML by hand; write-only mode keeps memory flat instead and the file is on disk for the send.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any

import sqlalchemy as sa
from werkzeug.utils import secure_filename

from netralitas.audit.services import record
from netralitas.certificates.models import Certificate
from netralitas.certificates.services import display_code
from netralitas.core.spreadsheet import CSV_BOM, XlsxSheet, csv_chunk, write_xlsx_stream
from netralitas.core.timezones import utc_to_local, zone_label
from netralitas.db import utcnow
from netralitas.events.models import Event
from netralitas.events.progress import Progress
from netralitas.events.rules import Audience
from netralitas.extensions import db
from netralitas.masterdata.models import Agency, Category, Employee
from netralitas.reports.completion import Completion
from netralitas.reports.statuses import StatusFilter, employee_statuses
from netralitas.signing.models import Signature

if TYPE_CHECKING:
    from netralitas.auth.models import Staff

#: Rows fetched (and CSV lines written) per round trip while streaming.
BATCH_SIZE = 2000
CSV_DELIMITER = ";"
SIGNED, UNSIGNED = "Sudah", "Belum"
ATTENDED, REMOTE = "Hadir", "Jarak jauh"
TOTAL_LABEL = "JUMLAH"
COUNT_COLUMNS = ("Wajib", "Sudah", "Belum", "Persentase (%)", "Hadir", "Jarak jauh")
AGENCY_COLUMNS = ("Kode unit", "Nama unit", "Kode induk", "Tingkat", *COUNT_COLUMNS)
CATEGORY_COLUMNS = ("Kategori", *COUNT_COLUMNS)
AGENCY_WIDTHS = (16, 48, 16, 8, 10, 10, 10, 14, 10, 10)
STATUS_WIDTHS = (16, 40, 36, 21, 19, 11, 8, 22, 10, 19)
#: What the status list selects from employee_statuses(), in export order.
_STATUS_FIELDS = (Agency.code, Agency.name, Employee.name, Employee.nip, Employee.nik, Employee.category,
                  Signature.signed_dt, Signature.is_attended, Certificate.code)


# --- the per-employee status list ----------------------------------------------------------------------------------

def status_columns(tz_name: str) -> tuple[str, ...]:
    """The status list's header; the signing time is local, so its column names the zone (WIB, WITA, WIT)."""
    return ("Kode unit", "Unit kerja", "Nama", "NIP", "NIK", "Kategori", "Status",
            f"Waktu tanda tangan ({zone_label(tz_name, utcnow())})", "Kehadiran", "Kode sertifikat")


def status_query(event: Event, staff: Staff, unit: Agency | None, wanted: StatusFilter) -> sa.Select:
    """The status list's rows (only the exported columns) for the staff member's scope, in the drill-down's order."""
    query = employee_statuses(Audience.of(event, staff, unit), status=wanted.status, category=wanted.category,
                              search=wanted.search)
    return query.with_only_columns(*_STATUS_FIELDS)


def status_count(query: sa.Select) -> int:
    """How many rows the status list holds now (for the audit entry of a streamed export)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))


def status_cells(row: Sequence[Any], tz_name: str, *, as_text: bool) -> list[Any]:
    """One employee's cells: the signing time as local text (CSV) or a naive local datetime (XLSX)."""
    unit_code, unit_name, name, nip, nik, category, signed_dt, is_attended, certificate_code = row
    signed_local: datetime | str | None = None
    presence = ""
    if signed_dt is not None:
        signed_local = utc_to_local(signed_dt, tz_name).replace(microsecond=0)
        if as_text:
            signed_local = signed_local.strftime("%Y-%m-%d %H:%M:%S")
        presence = ATTENDED if is_attended else REMOTE
    category_value = category.value if isinstance(category, Category) else category
    return [unit_code, unit_name, name, nip, nik, category_value, UNSIGNED if signed_dt is None else SIGNED,
            signed_local, presence, display_code(certificate_code) if certificate_code else None]


def status_csv_stream(engine: sa.Engine, query: sa.Select, tz_name: str) -> Iterator[str]:
    """The status list as CSV chunks: BOM and header first, then BATCH_SIZE lines per chunk.

    It holds a database connection of its own and no Flask context between chunks: the server may drop the
    iterator half-way (client gone), and the request's session is gone by the time it runs.
    """
    yield CSV_BOM + csv_chunk([status_columns(tz_name)], CSV_DELIMITER)
    with engine.connect() as connection:
        for batch in connection.execution_options(yield_per=BATCH_SIZE).execute(query).partitions():
            yield csv_chunk((status_cells(row, tz_name, as_text=True) for row in batch), CSV_DELIMITER)


def write_status_xlsx(handle: IO[bytes], query: sa.Select, tz_name: str,
                      progress: Callable[[int], None] | None = None) -> int:
    """The status list as one XLSX sheet written into handle, rows streamed from the session; the row count.

    progress, when given, hears the rows written so far every BATCH_SIZE rows (a background job shows it).
    """
    rows = db.session.execute(query.execution_options(yield_per=BATCH_SIZE))
    cells: Iterable[list[Any]] = (status_cells(row, tz_name, as_text=False) for row in rows)
    if progress is not None:
        cells = _reporting(cells, progress)
    return write_xlsx_stream(handle, [XlsxSheet("Status pegawai", status_columns(tz_name), cells, STATUS_WIDTHS)])[0]


def _reporting(rows: Iterable[list[Any]], progress: Callable[[int], None]) -> Iterator[list[Any]]:
    """The rows unchanged, telling progress the count so far every BATCH_SIZE rows."""
    count = 0
    for count, row in enumerate(rows, start=1):
        yield row
        if count % BATCH_SIZE == 0:
            progress(count)


# --- the completion table ------------------------------------------------------------------------------------------

def agency_rows(result: Completion) -> list[list[Any]]:
    """Every agency in the result, parents before children, then the scope's total.

    The parent code is blank at the top of the exported tree (the scope's root, or the ?unit= asked for).
    """
    rows = []
    for row in result.walk():
        parent = result.agencies.get(row.parent_id) if row.parent_id else None
        rows.append([row.code, row.name, parent.code if parent else None, row.depth, *_counts(row)])
    rows.append([None, TOTAL_LABEL, None, None, *_counts(result.total)])
    return rows


def category_rows(result: Completion) -> list[list[Any]]:
    """One row per category of the event (in the usual order), then the total."""
    order = list(Category)
    categories = sorted(result.by_category, key=order.index)
    return [[c.value, *_counts(result.by_category[c])] for c in categories] + [[TOTAL_LABEL, *_counts(result.total)]]


def summary_rows(result: Completion, scope: str, printed: str) -> list[list[Any]]:
    """The workbook's first sheet: what the file is, when it was made, and the headline figures."""
    total = result.total
    return [["Acara", result.event.name], ["Lingkup", scope], ["Dibuat", printed], ["Wajib", total.required],
            ["Sudah", total.signed], ["Belum", total.unsigned], ["Persentase (%)", total.percent],
            ["Hadir", total.attended], ["Jarak jauh", total.remote]]


def _counts(counts: Progress) -> list[Any]:
    return [counts.required, counts.signed, counts.unsigned, counts.percent, counts.attended, counts.remote]


def completion_csv(result: Completion) -> str:
    """The table per agency with its total, a blank line, then the table per category (two sections, one file)."""
    text = csv_chunk(_decimal_comma([AGENCY_COLUMNS, *agency_rows(result), []]), CSV_DELIMITER)
    return CSV_BOM + text + csv_chunk(_decimal_comma([CATEGORY_COLUMNS, *category_rows(result)]), CSV_DELIMITER)


def _decimal_comma(rows: Iterable[Sequence[Any]]) -> Iterator[list[Any]]:
    for row in rows:
        yield [f"{value:.1f}".replace(".", ",") if isinstance(value, float) else value for value in row]


def write_completion_xlsx(handle: IO[bytes], result: Completion, scope: str, printed: str) -> None:
    """Three sheets: a summary, the table per agency, the table per category."""
    write_xlsx_stream(handle, [
        XlsxSheet("Ringkasan", ("Keterangan", "Nilai"), summary_rows(result, scope, printed), (18, 60)),
        XlsxSheet("Per unit", AGENCY_COLUMNS, agency_rows(result), AGENCY_WIDTHS),
        XlsxSheet("Per kategori", CATEGORY_COLUMNS, category_rows(result), (14, *AGENCY_WIDTHS[4:])),
    ])


# --- audit ---------------------------------------------------------------------------------------------------------

def export_file_name(kind: str, event: Event, staff: Staff, unit: Agency | None, extension: str, tz_name: str,
                     suffix: str = "") -> str:
    """'<kind>-<event slug>-<unit code or semua>[-suffix]-<local date>.<ext>', ASCII only."""
    today = utc_to_local(utcnow(), tz_name).strftime("%Y%m%d")
    parts = [kind, event.slug, scope_code(staff, unit), suffix, today]
    return secure_filename("-".join(part for part in parts if part) + f".{extension}")


def scope_code(staff: Staff, unit: Agency | None) -> str:
    """What an export covers, as the audit and file names say it: the unit's code, the account's own root, or 'semua'."""
    if unit is not None:
        return unit.code
    if staff.is_scoped:
        return staff.agency.code if staff.agency is not None else "tidak-ada"
    return "semua"


def scope_root(staff: Staff, unit: Agency | None) -> Agency | None:
    """The agency whose subtree an export covers: the unit asked for, the account's own root, or None for all."""
    return unit if unit is not None else staff.agency if staff.is_scoped else None


def scope_label(staff: Staff, unit: Agency | None) -> str:
    """What an export covers, in words for the printed recap and the workbook's summary sheet."""
    root = scope_root(staff, unit)
    if root is None:
        return "Tidak ada unit" if staff.is_scoped else "Semua perangkat daerah"
    return f"{root.name} ({root.code}) beserta sub-unitnya"


def record_status_export(actor: Staff, event: Event, unit: Agency | None, wanted: StatusFilter, file_format: str,
                         count: int) -> None:
    """Audit an export of personal data (names, NIP, NIK, signing times): who, which event, scope, filters, rows."""
    scope = scope_code(actor, unit)
    record(actor, "report.status_export", "event", event.id,
           f"Daftar status pegawai {event.name} diekspor ({file_format}, {count} pegawai, lingkup {scope})",
           {"event": event.slug, "scope": scope, "format": file_format, "count": count, **wanted.as_data()})


def record_completion_export(actor: Staff, event: Event, unit: Agency | None, file_format: str, agencies: int) -> None:
    """Audit an export of the completion figures (aggregates, no personal data; recorded all the same)."""
    scope = scope_code(actor, unit)
    record(actor, "report.completion_export", "event", event.id,
           f"Rekap penandatanganan {event.name} diekspor ({file_format}, {agencies} unit, lingkup {scope})",
           {"event": event.slug, "scope": scope, "format": file_format, "count": agencies})
