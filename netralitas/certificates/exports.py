"""Bulk export of certificates: the live certificates of a unit subtree as one streamed ZIP of PDFs and a manifest.

Who is in it is the area of an events Audience (the staff member's scope and a unit checked to be in it);
the certificates are those of live (not revoked) signatures of the event, whether or not the employee is
still required to sign it.

The ZIP is written entry by entry into a sink that the response drains after each PDF, so memory holds
one batch of records and one PDF, never the archive. Entries are stored, not deflated: the PDFs are
compressed already. Their order is known (unit code, then name) and `daftar.csv` comes last.

Above BACKGROUND_EXPORT_ROWS certificates the same archive, byte for byte, is written by a background job
(`certificate_zip`) into an owner-only file instead of a response.
"""
from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask, current_app
from werkzeug.utils import secure_filename

from netralitas.audit.services import record
from netralitas.certificates.models import Certificate
from netralitas.certificates.pdf import CertificateSheet, Letterhead, render, sheet_of
from netralitas.core.spreadsheet import safe_cell
from netralitas.core.timezones import local_time
from netralitas.events.models import Event
from netralitas.events.rules import Audience
from netralitas.extensions import db
from netralitas.masterdata.models import Agency, Employee
from netralitas.signing.models import Signature

if TYPE_CHECKING:
    from netralitas.auth.models import Staff

#: Certificates loaded per database round trip (each carries a signature image of up to 150 KB).
BATCH_SIZE = 50
#: Largest ZIP: at ~30 ms per certificate about two and a half minutes; bigger sets go by unit. Above
#: BACKGROUND_EXPORT_ROWS it is built as a background job, not streamed from a request.
MAX_CERTIFICATES_PER_ZIP = 5000
MANIFEST_NAME = "daftar.csv"
MANIFEST_COLUMNS = ("nama", "nip", "nik", "unit", "kode_unit", "kategori", "waktu_tanda_tangan", "kehadiran",
                    "kode_sertifikat", "tautan_verifikasi", "berkas")
CSV_DELIMITER = ";"  # as the invitation CSV: Excel in Indonesian opens it in columns
ZIP_MIMETYPE = "application/zip"
#: Response header with the number of certificates in the ZIP, read by the page's progress display.
COUNT_HEADER = "X-Certificate-Count"


def live_conditions(audience: Audience) -> list[sa.ColumnElement[bool]]:
    """WHERE conditions on Certificate joined with Signature, Employee and Agency."""
    return [Signature.live_in(audience.event_id), audience.area_clause()]


def _from_certificates(*columns) -> sa.Select:
    return (sa.select(*columns).select_from(Certificate)
            .join(Signature, Certificate.signature_id == Signature.id)
            .join(Employee, Signature.employee_id == Employee.id)
            .join(Agency, Employee.agency_id == Agency.id))


def count_live(audience: Audience) -> int:
    """How many live certificates the audience's area holds."""
    return db.session.scalar(_from_certificates(sa.func.count()).where(*live_conditions(audience)))


def certificate_ids(audience: Audience) -> list[int]:
    """The live certificates of the audience's area in ZIP order: by unit code, then name."""
    query = (_from_certificates(Certificate.id).where(*live_conditions(audience))
             .order_by(Agency.code, Agency.id, Employee.name_search, Employee.id))
    return list(db.session.scalars(query))


def record_export(actor: Staff, event: Event, unit: Agency | None, count: int) -> None:
    """Audit the export of personal data: who, which event and unit, how many certificates."""
    unit_code = unit.code if unit is not None else None
    record(actor, "certificate.export", "event", event.id,
           f"Sertifikat {event.name} diekspor (ZIP, {count} sertifikat, unit {unit_code or 'semua'})",
           {"event": event.slug, "unit": unit_code, "count": count, "format": "zip"})


@dataclass(frozen=True)
class _Entry:
    """One certificate ready to render outside the app context: its path in the ZIP, sheet and manifest line."""

    path: str
    sheet: CertificateSheet
    manifest: list[str]


class _Sink(io.RawIOBase):
    """A write-only, unseekable file that keeps what was written until the stream takes it."""

    def __init__(self):
        super().__init__()
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def zip_stream(app: Flask, ids: list[int], base_url: str) -> Iterator[bytes]:
    """The ZIP, one chunk per certificate, then the manifest and the central directory.

    Like the invitation CSV stream it holds no Flask context between chunks (the server may drop the
    iterator half-way): each batch is read in a short app context and rendered outside it. A certificate
    revoked after the request counted it is left out. base_url is the public address resolved in the request.
    """
    sink = _Sink()
    for _count in _write_zip(sink, app, ids, base_url):
        yield sink.take()
    yield sink.take()


def write_zip(handle: IO[bytes], app: Flask, ids: list[int], base_url: str,
              progress: Callable[[int], None] | None = None) -> int:
    """The same ZIP as zip_stream, byte for byte, written into a file; the number of certificates in it.

    progress, when given, hears the number of certificates written after each one.
    """
    count = 0
    for count in _write_zip(_Forward(handle), app, ids, base_url):
        if progress is not None:
            progress(count)
    return count


def _write_zip(target: io.RawIOBase, app: Flask, ids: list[int], base_url: str) -> Iterator[int]:
    """Write the ZIP into an unseekable target, yielding how many certificates are in after each one; the manifest
    and the central directory follow the last yield.

    The target is unseekable on purpose: zipfile then writes each entry once, front to back, the same way for a
    response and for a file.
    """
    letterhead = Letterhead.from_config(app.config, base_url)
    manifest: list[list[str]] = []
    with zipfile.ZipFile(target, mode="w", compression=zipfile.ZIP_STORED) as archive:
        for start in range(0, len(ids), BATCH_SIZE):
            with app.app_context():
                entries = _load_entries(ids[start:start + BATCH_SIZE], letterhead)
            for entry in entries:
                archive.writestr(_zip_info(entry.path, entry.sheet.signed_dt, letterhead.timezone),
                                 render(entry.sheet, letterhead))
                manifest.append(entry.manifest)
                yield len(manifest)
        archive.writestr(_zip_info(MANIFEST_NAME, None, letterhead.timezone), manifest_csv(manifest))


class _Forward(io.RawIOBase):
    """A write-only, unseekable view of a file: what is written goes straight on to it."""

    def __init__(self, handle: IO[bytes]):
        super().__init__()
        self._handle = handle

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        return self._handle.write(bytes(data))


def _load_entries(batch: list[int], letterhead: Letterhead) -> list[_Entry]:
    """The batch's live certificates with everything they print, in the batch's order."""
    query = (
        sa.select(Certificate).join(Certificate.signature)
        .where(Certificate.id.in_(batch), Signature.revoked_dt.is_(None))
        .options(so.contains_eager(Certificate.signature).options(
            so.joinedload(Signature.employee).joinedload(Employee.agency),
            so.joinedload(Signature.event), so.joinedload(Signature.text)))
    )
    found = {certificate.id: certificate for certificate in db.session.scalars(query).unique()}
    entries = []
    for certificate_id in batch:
        certificate = found.get(certificate_id)
        if certificate is None:
            continue
        sheet = sheet_of(certificate, letterhead.public_base_url)
        employee = certificate.signature.employee
        path = zip_path(employee.agency.code, sheet.id_number, employee.name)
        row = [employee.name, employee.nip, employee.nik, employee.agency.name, employee.agency.code,
               sheet.category, local_time(sheet.signed_dt, letterhead.timezone), "hadir" if sheet.is_attended else "jarak jauh",
               sheet.code, sheet.verify_url, path]
        entries.append(_Entry(path, sheet, [safe_cell(cell or "") for cell in row]))
    return entries


def zip_path(unit_code: str, id_number: str, name: str) -> str:
    """'<unit-code>/<NIP-or-NIK>-<name>.pdf' with only safe ASCII characters (no '..', no separators)."""
    unit = re.sub(r"[^A-Za-z0-9._-]+", "-", unit_code).strip(".-") or "unit"
    return f"{unit}/{_safe_part(id_number, 20)}-{_safe_part(name, 60)}.pdf"


def _safe_part(text: str, max_length: int) -> str:
    """Letters and digits of text (accents folded to ASCII), words joined by '-', at most max_length characters."""
    folded = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", folded).strip("-")[:max_length].strip("-") or "tanpa-nama"


def _zip_info(path: str, moment, tz_name: str) -> zipfile.ZipInfo:
    """A stored entry dated at the signing time in the display time zone (ZIP dates have no zone)."""
    info = zipfile.ZipInfo(path)
    if moment is not None:
        info.date_time = moment.astimezone(ZoneInfo(tz_name)).timetuple()[:6]
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    return info


def manifest_csv(rows: list[list[str]]) -> bytes:
    """UTF-8 with a BOM, semicolon-separated; cells are formula-safe already."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER)
    writer.writerow(MANIFEST_COLUMNS)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def file_name(event: Event, unit: Agency | None) -> str:
    """The download's name, for the streamed ZIP and the background job alike."""
    unit_code = unit.code if unit is not None else "semua"
    return secure_filename(f"sertifikat-{event.slug}-{unit_code}.zip")


# --- the background job --------------------------------------------------------------------------------------------

def certificate_zip(job_id: int) -> None:
    """The background job: write a staff member's certificate ZIP into the job's file, audited once it is built.

    The job keeps {"base_url"}: the public address resolved in the request that started it (with PUBLIC_BASE_URL
    empty, the worker has no request to ask).
    """
    from netralitas.jobs.models import JobProblem
    from netralitas.jobs.services import Finished, JobRefused, job_event, run, write_job_file
    from netralitas.masterdata.scope import get_unit_in_scope

    def body(job, staff, progress) -> Finished:
        event = job_event(job)
        unit = get_unit_in_scope(staff, job.unit_id)
        ids = certificate_ids(Audience.of(event, staff, unit))
        if len(ids) > MAX_CERTIFICATES_PER_ZIP:
            raise JobRefused(JobProblem.TOO_LARGE)
        progress(0, len(ids))
        base_url = json.loads(job.params_json or "{}").get("base_url") or ""
        app = current_app._get_current_object()
        count = write_job_file(job, lambda handle: write_zip(handle, app, ids, base_url, progress))
        progress.beat()
        record_export(staff, event, unit, count)
        return Finished(count, file_name(event, unit))

    run(job_id, body)
