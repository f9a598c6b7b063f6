"""Public reports from the reporter's side: the receipt, taking a report in, finding it again, adding evidence.

Nothing here needs a login. A report is stored only whole: the caller checks the form and every file first, then
calls submit(); a refused post leaves no row and no file behind. Each change writes an audit entry naming the report
number, never the person it is about; the caller commits once.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from netralitas.audit.services import record
from netralitas.cases.models import Case, CaseStage, CaseStep
from netralitas.core import codes
from netralitas.core.evidence import EvidenceFile, safe_file_name, store_evidence
from netralitas.core.messages import lazy_message as _l
from netralitas.extensions import db
from netralitas.public_reports.models import PublicReport, PublicReportEvidence, PublicReportStep
from netralitas.public_reports.status import CASE_OUTCOME_REASONS, PublicStatus, public_status

#: Random symbols in a receipt (75 bits: unguessable, like an invitation code), followed by one check symbol.
RECEIPT_SYMBOLS = 15
RECEIPT_PREFIX = "LAP"
#: Steps whose time the reporter may see as "last change": not the private matching to an employee.
REPORTER_VISIBLE_STEPS = frozenset({"received", "evidence_added", "claimed", "released", "case_opened", "forwarded",
                                    "dismissed"})
#: The case steps after which the reporter reads the outcome (CASE_OUTCOME_REASONS): their time is the last change.
CASE_ENDING_STEPS = ("triage_close", "triage_forward", "decided")
#: Who the audit log names for what a reporter does.
REPORTER = "pelapor (publik)"


class ReportError(ValueError):
    """A report or an addition that cannot be taken; str() is the message in the reader's language."""


@dataclass(frozen=True)
class ReportDraft:
    """What the /lapor form gives, already checked and trimmed."""

    government_id: int
    subject_name: str
    topic: str
    description: str
    subject_position: str | None = None
    subject_unit: str | None = None
    subject_handle: str | None = None
    occurred_on: date | None = None
    place: str | None = None
    known_on: date | None = None
    reporter_name: str | None = None
    reporter_contact: str | None = None


@dataclass(frozen=True)
class Upload:
    """A cleaned evidence file and the name it was sent under."""

    file_name: str
    evidence: EvidenceFile


# --- the receipt -----------------------------------------------------------------------------------------------------

def new_receipt() -> str:
    """A fresh receipt code: random symbols and their check symbol."""
    return codes.with_check(codes.random_code(RECEIPT_SYMBOLS))


def display_receipt(receipt: str) -> str:
    """'LAP-7K2Q-M9XP-3ABC-DEFG' for printing and reading aloud."""
    return f"{RECEIPT_PREFIX}-{codes.group(receipt, 4)}"


def parse_receipt(typed: str) -> str:
    """The receipt as typed (prefix, dashes, spaces and case do not matter), or CodeError when it cannot be right:
    one wrong, missing or extra character is refused before any lookup."""
    raw = "".join((typed or "").split()).upper()
    if raw.startswith(RECEIPT_PREFIX):  # before normalising, which would read its L as a one
        raw = raw[len(RECEIPT_PREFIX):]
    body = codes.parse_checked(raw, RECEIPT_SYMBOLS)
    return codes.with_check(body)


def find_by_receipt(receipt: str) -> PublicReport | None:
    """The report this (parsed) receipt was given for."""
    return db.session.scalar(sa.select(PublicReport).where(PublicReport.receipt_digest == codes.digest(receipt)))


# --- taking a report in ----------------------------------------------------------------------------------------------

def submit(draft: ReportDraft, uploads: list[Upload]) -> tuple[PublicReport, str]:
    """Store a new report with its evidence; returns it and its receipt (shown once, kept only as a hash)."""
    receipt = new_receipt()
    report = PublicReport(receipt_digest=codes.digest(receipt), **vars(draft))
    db.session.add(report)
    for upload in uploads:
        _attach(report, upload)
    report.steps.append(PublicReportStep(kind="received"))
    db.session.flush()
    record(REPORTER, "public_report.receive", "public_report", report.id, f"Laporan masyarakat {report.number} diterima",
           {"number": report.number, "topic": draft.topic, "files": len(uploads),
            "identified": bool(draft.reporter_name), "contact": bool(draft.reporter_contact)})
    return report, receipt


def add_reporter_evidence(report: PublicReport, uploads: list[Upload], *, max_files: int) -> None:
    """Evidence the reporter adds later through the receipt, while the report is still open."""
    if status_of(report) in (PublicStatus.CLOSED, PublicStatus.FORWARDED):
        raise ReportError(_l("Laporan ini sudah selesai ditangani; bukti tidak dapat ditambahkan lagi."))
    if len(report.evidence) + len(uploads) > max_files:
        raise ReportError(_l("Satu laporan paling banyak memuat %(n)d berkas bukti.", n=max_files))
    for upload in uploads:
        _attach(report, upload)
    report.steps.append(PublicReportStep(kind="evidence_added", note=str(len(uploads))))
    db.session.flush()
    record(REPORTER, "public_report.evidence", "public_report", report.id,
           f"Bukti ditambahkan pelapor pada laporan {report.number}", {"number": report.number, "files": len(uploads)})


def _attach(report: PublicReport, upload: Upload) -> None:
    evidence = upload.evidence
    store_evidence(evidence)
    report.evidence.append(PublicReportEvidence(
        file_name=safe_file_name(upload.file_name, evidence.extension), content_type=evidence.content_type,
        size=len(evidence.content), sha256=evidence.sha256))


# --- what the reporter sees ------------------------------------------------------------------------------------------

def case_stage_of(report: PublicReport) -> CaseStage | None:
    """The stage of the case opened on the report, if any."""
    if report.case_id is None:
        return None
    return db.session.scalar(sa.select(Case.stage).where(Case.id == report.case_id))


def status_of(report: PublicReport) -> PublicStatus:
    """The report's public stage."""
    return public_status(report.stage, case_stage_of(report))


@dataclass(frozen=True)
class ReporterView:
    """All /lapor/status shows: the stage, the public reason once closed or forwarded, dates and a file count."""

    status: PublicStatus
    reason: str | None
    received_dt: datetime
    updated_dt: datetime
    evidence_count: int
    may_add_evidence: bool


def reporter_view(report: PublicReport) -> ReporterView:
    """What the holder of the receipt may know: nothing of the matching, the case or its people."""
    case_stage = case_stage_of(report)
    status = public_status(report.stage, case_stage)
    reason = report.public_reason
    if case_stage is not None and status in (PublicStatus.CLOSED, PublicStatus.FORWARDED):
        reason = str(CASE_OUTCOME_REASONS[case_stage])
    changed = max((step.at_dt for step in report.steps if step.kind in REPORTER_VISIBLE_STEPS), default=report.created_dt)
    if reason is not None and report.case_id is not None:  # the case's ending is the change the reporter now sees
        ended = db.session.scalar(sa.select(sa.func.max(CaseStep.at_dt)).where(
            CaseStep.case_id == report.case_id, CaseStep.kind.in_(CASE_ENDING_STEPS)))
        changed = max(changed, ended or changed)
    return ReporterView(status, reason, report.created_dt, changed, len(report.evidence),
                        status not in (PublicStatus.CLOSED, PublicStatus.FORWARDED))
