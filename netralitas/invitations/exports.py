"""Exports of personal invitation codes (CSV for mail-merge, PDF slips): who is in them, their rows, the audit entry.

The slips PDF is built by one function for the direct download and for the background job (`invitation_slips`),
which large selections (over BACKGROUND_EXPORT_ROWS) must use.

The CSV is UTF-8 with a BOM and semicolon-separated: Excel set to Indonesian uses the comma as the decimal
mark and the semicolon as the list separator, so a double-click opens it in columns there; LibreOffice,
Google Sheets and our own importer detect the semicolon too. Every text cell goes through safe_cell.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, NamedTuple

import sqlalchemy as sa
from flask import Flask, current_app
from werkzeug.utils import secure_filename

from netralitas.audit.services import record
from netralitas.core.spreadsheet import safe_cell
from netralitas.core.sql import commit_retrying_once
from netralitas.core.timezones import local_time
from netralitas.events.models import Event, Invitation
from netralitas.events.rules import Audience
from netralitas.extensions import db
from netralitas.invitations import slips as slip_sheets
from netralitas.invitations.services import code_for, display_code, ensure_invitations, invitation_url
from netralitas.invitations.slips import Slip
from netralitas.masterdata.models import Agency, Employee
from netralitas.signing.models import Signature

if TYPE_CHECKING:
    from netralitas.auth.models import Staff

CSV_COLUMNS = ("nama", "nip", "nik", "unit", "kategori", "no_hp", "email", "kode", "tautan")
CSV_DELIMITER = ";"
CSV_MIMETYPE = "text/csv; charset=utf-8"
#: Rows fetched (and CSV lines written) per round trip while streaming.
BATCH_SIZE = 1000


class ExportRow(NamedTuple):
    """One employee's line in an export, with their live invitation's generation."""

    employee_id: int
    name: str
    nip: str | None
    nik: str | None
    unit: str
    category: str
    phone: str | None
    email: str | None
    generation: int


def signed_clause(event_id: int) -> sa.ColumnElement[bool]:
    """True for Employee rows that have signed this event."""
    return sa.exists().where(Signature.live_in(event_id), Signature.employee_id == Employee.id)


def _live_code_clause(event_id: int) -> sa.ColumnElement[bool]:
    return sa.exists().where(Invitation.event_id == event_id, Invitation.employee_id == Employee.id,
                             Invitation.revoked_dt.is_(None))


def _chosen(audience: Audience, unsigned_only: bool, *columns) -> sa.Select:
    """The audience's employees (only those who have not signed yet, for chasing late signers, when asked)."""
    query = audience.employees(*columns)
    return query.where(~signed_clause(audience.event_id)) if unsigned_only else query


def counts(audience: Audience, *, unsigned_only: bool = False) -> dict[str, int]:
    """How many employees the export holds, how many signed, how many already have a live code."""
    event_id = audience.event_id
    query = _chosen(audience, unsigned_only, sa.func.count(), sa.func.count().filter(signed_clause(event_id)),
                    sa.func.count().filter(_live_code_clause(event_id)))
    total, signed, with_code = db.session.execute(query).one()
    return {"total": total, "signed": signed, "with_code": with_code}


def prepare(event: Event, audience: Audience, *, unsigned_only: bool = False) -> int:
    """Give every employee of the export a live invitation; returns how many employees it holds."""
    ids = list(db.session.scalars(_chosen(audience, unsigned_only, Employee.id)))
    ensure_invitations(event, ids)
    return len(ids)


def record_export(actor: Staff, event: Event, unit: Agency | None, file_format: str, count: int, *,
                  unsigned_only: bool = False, employee: Employee | None = None) -> None:
    """Audit an export of personal data: who, which event and unit, what format, how many people."""
    unit_code = unit.code if unit is not None else None
    data = {"event": event.slug, "unit": unit_code, "format": file_format, "count": count,
            "unsigned_only": unsigned_only}
    if employee is not None:
        data["employee_id"] = employee.id
    record(actor, "invitation.export", "event", event.id,
           f"Kode undangan {event.name} diekspor ({file_format}, {count} pegawai, unit {unit_code or 'semua'})",
           data)


def rows_query(audience: Audience, *, unsigned_only: bool = False) -> sa.Select:
    """The export's employees with their live invitation, by unit then name (build it before streaming)."""
    return (
        _chosen(audience, unsigned_only, Employee.id, Employee.name, Employee.nip, Employee.nik, Agency.name,
                Employee.category, Employee.phone, Employee.email, Invitation.generation)
        .join(Invitation, sa.and_(Invitation.employee_id == Employee.id, Invitation.event_id == audience.event_id,
                                  Invitation.revoked_dt.is_(None)))
        .order_by(Agency.name, Agency.id, Employee.name_search, Employee.id)
        .execution_options(yield_per=BATCH_SIZE)
    )


def iter_rows(query: sa.Select) -> Iterator[ExportRow]:
    """Run a rows_query in the current session, BATCH_SIZE rows per fetch."""
    for row in db.session.execute(query):
        yield _export_row(row)


def _export_row(row: sa.Row) -> ExportRow:
    return ExportRow(row[0], row[1], row[2], row[3], row[4], row[5].value, row[6], row[7], row[8])


def employee_row(event: Event, employee: Employee) -> ExportRow | None:
    """One employee's row (an invitation is created first if they never had one); None when their code was ended."""
    ensure_invitations(event, [employee.id])
    generation = db.session.scalar(sa.select(Invitation.generation).where(
        Invitation.event_id == event.id, Invitation.employee_id == employee.id, Invitation.revoked_dt.is_(None)))
    if generation is None:
        return None
    return ExportRow(employee.id, employee.name, employee.nip, employee.nik, employee.agency.name,
                     employee.category.value, employee.phone, employee.email, generation)


def code_of(event_id: int, row: ExportRow) -> str:
    """The row's current invitation code (derived again, never stored)."""
    return code_for(event_id, row.employee_id, row.generation)


def csv_stream(app: Flask, engine: sa.Engine, event_id: int, query: sa.Select, base_url: str) -> Iterator[str]:
    """The CSV for a streamed response, BATCH_SIZE lines per chunk: BOM and header first.

    Between chunks it holds only a database connection, never a Flask context: the server may drop the
    iterator half-way (client gone) without leaving a context pushed. Each chunk is built in a short app context;
    base_url is the public address resolved in the request (core.urls.public_base_url), which is gone by then.
    """
    yield "\ufeff" + _csv_text([CSV_COLUMNS])  # the BOM makes Excel read UTF-8, not the ANSI code page
    with engine.connect() as connection:
        for batch in connection.execution_options(yield_per=BATCH_SIZE).execute(query).partitions():
            with app.app_context():
                chunk = _csv_text(_csv_cells(event_id, _export_row(row), base_url) for row in batch)
            yield chunk


def _csv_cells(event_id: int, row: ExportRow, base_url: str) -> list[str]:
    """One CSV line's cells, every one formula-safe."""
    code = code_of(event_id, row)
    cells = (row.name, row.nip, row.nik, row.unit, row.category, row.phone, row.email, display_code(code),
             invitation_url(code, base_url))
    return [safe_cell(cell or "") for cell in cells]


def _csv_text(lines: Iterable[Iterable[str]]) -> str:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=CSV_DELIMITER).writerows(lines)
    return buffer.getvalue()


def slips(event_id: int, export_rows: Iterable[ExportRow], base_url: str | None = None) -> Iterator[Slip]:
    """The printable slip of each row; base_url as for invitation_url (a job has no request to ask)."""
    for row in export_rows:
        code = code_of(event_id, row)
        yield Slip(name=row.name, unit=row.unit, category=row.category, code=code, url=invitation_url(code, base_url))


def deadline_text(event: Event) -> str:
    """The signing deadline as the slips print it, in the display time zone."""
    return local_time(event.closes_dt, current_app.config["BABEL_DEFAULT_TIMEZONE"])


def build_slips_pdf(event: Event, audience: Audience, *, unsigned_only: bool = False, base_url: str | None = None,
                    progress: Callable[[int], None] | None = None, beat: Callable[[], None] | None = None) -> bytes:
    """The slips PDF of a prepared export (see `prepare`): one slip per employee with a live code, in export order.

    progress hears the number of slips drawn so far; beat is called before and after fpdf2 writes the document out,
    a step that moves no count (a background job keeps its heartbeat with it).
    """
    drawn: Iterable[Slip] = slips(event.id, iter_rows(rows_query(audience, unsigned_only=unsigned_only)), base_url)
    if progress is not None:
        drawn = _counted(drawn, progress)
    return slip_sheets.slips_pdf(event.name, drawn, closes=deadline_text(event), beat=beat)


def _counted(items: Iterable[Slip], progress: Callable[[int], None]) -> Iterator[Slip]:
    for count, item in enumerate(items, start=1):
        yield item
        progress(count)


def file_name(event: Event, unit: Agency | None, unsigned_only: bool, extension: str) -> str:
    """The download's name, for the direct download and the background job alike."""
    unit_code = unit.code if unit is not None else "semua"
    suffix = "-belum-tanda-tangan" if unsigned_only else ""
    return secure_filename(f"kode-undangan-{event.slug}-{unit_code}{suffix}.{extension}")


# --- the background job --------------------------------------------------------------------------------------------

def slips_job_params(unsigned_only: bool, base_url: str) -> dict:
    """What a slips job keeps besides event and unit: the unsigned-only choice and the public address resolved in the
    request that started it (with PUBLIC_BASE_URL empty, the worker has no request to ask)."""
    return {"unsigned_only": unsigned_only, "base_url": base_url}


def invitation_slips(job_id: int) -> None:
    """The background job: build a staff member's slips PDF into the job's file, audited once it is built."""
    from netralitas.jobs.models import JobProblem
    from netralitas.jobs.services import Finished, JobRefused, job_event, run, write_job_file
    from netralitas.masterdata.scope import get_unit_in_scope

    def body(job, staff, progress) -> Finished:
        event = job_event(job)
        unit = get_unit_in_scope(staff, job.unit_id)
        params = json.loads(job.params_json or "{}")
        unsigned_only = bool(params.get("unsigned_only"))
        audience = Audience.of(event, staff, unit)
        if counts(audience, unsigned_only=unsigned_only)["total"] > slip_sheets.MAX_SLIPS_PER_PDF:
            raise JobRefused(JobProblem.TOO_LARGE)
        # Committed before the build: the progress writes go through a connection of their own (SQLite: one writer).
        count = commit_retrying_once(db.session, lambda: prepare(event, audience, unsigned_only=unsigned_only))
        progress(0, count)
        content = build_slips_pdf(event, audience, unsigned_only=unsigned_only, base_url=params.get("base_url"),
                                  progress=progress, beat=progress.beat)
        write_job_file(job, lambda handle: handle.write(content))
        progress.beat()
        record_export(staff, event, unit, "pdf", count, unsigned_only=unsigned_only)
        return Finished(count, file_name(event, unit, unsigned_only, "pdf"))

    run(job_id, body)
