"""The triage queue: who sees which report, claiming one, matching it to an employee privately, and ending it as a
case, a referral or a dismissal with a reason the reporter reads.

Every step writes a PublicReportStep and an audit entry with the report number (never the person's name); the caller
commits once. Only the case officer holding a report (who claimed it) takes its steps.
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import abort

from netralitas.audit.services import record
from netralitas.auth.models import Role, Staff
from netralitas.calendar.services import local_date
from netralitas.cases import services as cases
from netralitas.cases.models import Case, CaseSource
from netralitas.core.messages import lazy_message as _l
from netralitas.core.numbers import plain_int
from netralitas.db import utcnow
from netralitas.extensions import db
from netralitas.legal.referrals import referral_channels
from netralitas.masterdata.models import Agency, Employee
from netralitas.masterdata.scope import agency_scope, employee_scope
from netralitas.public_reports.models import (
    QUEUE_STAGES,
    PublicReport,
    PublicReportEvidence,
    PublicReportStep,
    ReportStage,
)
from netralitas.public_reports.topics import topic as topic_of

#: Forward target for a person who does not work for this government (another region's employee, a villager).
OTHER_AUTHORITY = "instansi_lain"
#: Shortest public reason: a word or two does not tell a reporter why.
MIN_REASON = 20


class TriageError(ValueError):
    """A triage step that cannot be taken as asked; str() is the message in the reader's language."""


def forward_targets() -> dict[str, str]:
    """Where a report can be sent instead of becoming a case here: the referral channels and another authority."""
    targets: dict[str, str] = {channel.key: channel.name for channel in referral_channels()}
    targets[OTHER_AUTHORITY] = str(_l("Instansi atau pemerintah daerah lain (terlapor bukan pegawai di sini)"))
    return targets


# --- who sees what ---------------------------------------------------------------------------------------------------

def visible_reports(staff: Staff) -> sa.ColumnElement[bool]:
    """Filter on PublicReport: super admins see all; a case officer the reports addressed to a government whose root is
    in their scope, and reports matched to an employee in their scope; anyone else none."""
    if staff.role == Role.SUPER_ADMIN:
        return sa.true()
    if not cases.may_open_cases(staff):
        return sa.false()
    government_in_scope = PublicReport.government_id.in_(sa.select(Agency.id).where(agency_scope(staff)))
    matched_in_scope = PublicReport.employee_id.in_(sa.select(Employee.id).where(employee_scope(staff)))
    return sa.or_(government_in_scope, matched_in_scope)


def get_report(staff: Staff, report_id: int) -> PublicReport:
    """The report if the staff member may see it, else a 404."""
    report = db.session.scalar(sa.select(PublicReport).where(PublicReport.id == report_id, visible_reports(staff)))
    if report is None:
        abort(404)
    return report


def queue_for(staff: Staff, *, stages: tuple[ReportStage, ...] = QUEUE_STAGES, mine: bool = False,
              search: str = "") -> sa.Select:
    """The reports the staff member sees in these stages, oldest waiting first; by number or the name as written."""
    query = (sa.select(PublicReport).where(visible_reports(staff), PublicReport.stage.in_(stages))
             .order_by(PublicReport.created_dt, PublicReport.id))
    if mine:
        query = query.where(PublicReport.claimed_by_id == staff.id)
    search = search.strip()
    if search:
        number = plain_int(search.upper().removeprefix("LM-"))
        by_number = PublicReport.id == number if number is not None else sa.false()
        by_name = sa.func.lower(PublicReport.subject_name).contains(search.lower(), autoescape=True)
        query = query.where(sa.or_(by_number, by_name))
    return query


def queue_count(staff: Staff) -> int:
    """Reports waiting for anyone to claim them (the home page's and the menu's figure)."""
    return db.session.scalar(sa.select(sa.func.count(PublicReport.id))
                             .where(visible_reports(staff), PublicReport.stage == ReportStage.RECEIVED)) or 0


# --- claiming --------------------------------------------------------------------------------------------------------

def claim(actor: Staff, report: PublicReport) -> None:
    """Take a waiting report; someone else's stays theirs until they (or a super admin) release it."""
    if report.stage not in QUEUE_STAGES:
        raise TriageError(_l("Laporan ini sudah selesai ditelaah."))
    if report.claimed_by_id not in (None, actor.id):
        raise TriageError(_l("Laporan ini sedang ditelaah petugas lain."))
    report.claimed_by_id, report.claimed_dt, report.stage = actor.id, utcnow(), ReportStage.IN_REVIEW
    _step(actor, report, "claimed", "public_report.claim", f"Laporan {report.number} diambil untuk ditelaah")


def release(actor: Staff, report: PublicReport) -> None:
    """Put a claimed report back in the queue (its holder, or a super admin for someone who left)."""
    if report.stage != ReportStage.IN_REVIEW:
        raise TriageError(_l("Laporan ini tidak sedang ditelaah."))
    if report.claimed_by_id != actor.id and actor.role != Role.SUPER_ADMIN:
        raise TriageError(_l("Hanya petugas yang menelaah laporan ini yang dapat mengembalikannya ke antrean."))
    report.claimed_by_id, report.claimed_dt, report.stage = None, None, ReportStage.RECEIVED
    _step(actor, report, "released", "public_report.release", f"Laporan {report.number} dikembalikan ke antrean")


def _holding(actor: Staff, report: PublicReport) -> None:
    if report.stage != ReportStage.IN_REVIEW or report.claimed_by_id != actor.id:
        raise TriageError(_l("Ambil laporan ini untuk ditelaah terlebih dahulu."))


# --- matching and ending a report ------------------------------------------------------------------------------------

def government_of(report: PublicReport) -> Agency:
    return db.session.get(Agency, report.government_id)


def match_employee(actor: Staff, report: PublicReport, employee: Employee) -> None:
    """Record privately which employee the description fits (in the actor's scope and the report's government)."""
    _holding(actor, report)
    government = government_of(report)
    in_reach = db.session.scalar(
        sa.select(Employee.id).join(Agency, Agency.id == Employee.agency_id)
        .where(Employee.id == employee.id, employee_scope(actor), Agency.path.startswith(government.path,
                                                                                          autoescape=True)))
    if in_reach is None:
        raise TriageError(_l("Pegawai ini tidak berada dalam lingkup Anda atau pemerintah daerah yang dilapori."))
    report.employee_id = employee.id
    _step(actor, report, "matched", "public_report.match", f"Laporan {report.number} dicocokkan dengan pegawai",
          {"employee": employee.id})


def open_case(actor: Staff, report: PublicReport, violation_form_id: int) -> Case:
    """Turn the report into a case on the matched employee: the report's words, dates and evidence go with it, the
    reporter's identity to the case's reporter record (super admins only)."""
    _holding(actor, report)
    if report.employee_id is None:
        raise TriageError(_l("Cocokkan laporan dengan seorang pegawai terlebih dahulu."))
    employee = db.session.get(Employee, report.employee_id)
    intake = cases.Intake(employee=employee, violation_form_id=violation_form_id, source=CaseSource.PUBLIC,
                          received_on=received_on(report), summary=case_summary(report),
                          occurred_on=report.occurred_on, known_on=report.known_on)
    reporter = None
    if report.reporter_name or report.reporter_contact:
        reporter = cases.Reporter(report.reporter_name or str(_l("(tanpa nama)")), report.reporter_contact,
                                  f"Laporan masyarakat {report.number}")
    case = cases.open_case(actor, intake, reporter)
    for item in report.evidence:
        cases.attach_evidence(actor, case, item.file_name, item.content_type, item.size, item.sha256)
    report.stage, report.case_id = ReportStage.CASE, case.id
    _step(actor, report, "case_opened", "public_report.case", f"Laporan {report.number} menjadi kasus {case.number}",
          {"case": case.number}, note=case.number)
    return case


def case_summary(report: PublicReport) -> str:
    """The case's summary from the report: what the reporter chose and wrote, who, when and where as they said."""
    chosen = topic_of(report.topic)
    lines = [f"Laporan masyarakat {report.number}.",
             f"Terlapor (menurut pelapor): {report.subject_name}"
             + "".join(f"; {part}" for part in (report.subject_position, report.subject_unit, report.subject_handle)
                       if part),
             f"Perbuatan: {chosen.text if chosen else report.topic}"]
    if report.occurred_on or report.place:
        when = report.occurred_on.isoformat() if report.occurred_on else "-"
        lines.append(f"Waktu dan tempat: {when}, {report.place or '-'}")
    lines.append("")
    lines.append(report.description)
    return "\n".join(lines)


def forward(actor: Staff, report: PublicReport, target: str, public_reason: str) -> None:
    """Send the report where it belongs instead (Bawaslu, Gakkumdu, BKN, another government), telling the reporter."""
    _holding(actor, report)
    if target not in forward_targets():
        raise TriageError(_l("Pilih tujuan penerusan."))
    report.public_reason = _reason(public_reason)
    report.stage, report.forwarded_to = ReportStage.FORWARDED, target
    _step(actor, report, "forwarded", "public_report.forward", f"Laporan {report.number} diteruskan ({target})",
          {"to": target}, note=report.public_reason)


def dismiss(actor: Staff, report: PublicReport, public_reason: str) -> None:
    """Close the report without a case, with a reason the reporter reads on the status page."""
    _holding(actor, report)
    report.public_reason = _reason(public_reason)
    report.stage = ReportStage.DISMISSED
    _step(actor, report, "dismissed", "public_report.dismiss", f"Laporan {report.number} ditutup",
          note=report.public_reason)


def _reason(text: str) -> str:
    reason = (text or "").strip()
    if len(reason) < MIN_REASON:
        raise TriageError(_l("Tuliskan alasan yang dapat dibaca pelapor (paling sedikit %(n)d karakter).", n=MIN_REASON))
    return reason


def _step(actor: Staff, report: PublicReport, kind: str, action: str, summary: str, data: dict | None = None, *,
          note: str | None = None) -> None:
    report.steps.append(PublicReportStep(kind=kind, actor_id=actor.id, note=note))
    record(actor, action, "public_report", report.id, summary, {"number": report.number, **(data or {})})


def record_evidence_view(actor: Staff, report: PublicReport, item: PublicReportEvidence) -> None:
    """Audit that a staff member opened one of the report's evidence files."""
    record(actor, "public_report.evidence_view", "public_report", report.id, f"Bukti laporan {report.number} dibuka",
           {"number": report.number, "evidence": item.id})


def received_on(report: PublicReport) -> date:
    """The local day the report came in (a case opened on it counts from that day)."""
    return local_date(report.created_dt)
