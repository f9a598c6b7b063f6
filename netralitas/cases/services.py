"""Cases: who may see one, opening one from a letter or report, evidence, the team, triage, the reporter kept apart.

Every step writes a CaseStep (the case's own timeline) and an audit entry; the caller commits once.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask import abort

from netralitas.audit.services import record
from netralitas.auth.models import Role, Staff
from netralitas.cases.models import Case, CaseEvidence, CaseMember, CaseMemberRole, CaseReporter, CaseSource, CaseStage, CaseStep
from netralitas.core.evidence import EvidenceFile, safe_file_name, store_evidence
from netralitas.core.messages import lazy_message as _l
from netralitas.db import utcnow
from netralitas.events.models import Event
from netralitas.extensions import db
from netralitas.masterdata.models import Employee
from netralitas.masterdata.scope import employee_scope

#: Where a case can be forwarded instead of decided by the employer (the SKB's referral paths).
FORWARD_TARGETS = {
    "gakkumdu": _l("Sentra Gakkumdu (dugaan politik uang atau tindak pidana pemilu)"),
    "bawaslu": _l("Bawaslu (pelanggaran hukum pemilu lainnya)"),
}


class CaseError(ValueError):
    """A step that cannot be taken as asked; the message says why in the reader's language."""


# --- who sees what ---------------------------------------------------------------------------------------------------

def may_open_cases(staff: Staff) -> bool:
    """Super admins and case officers open cases (a case officer for employees in their scope)."""
    return staff.role == Role.SUPER_ADMIN or staff.is_case_officer


def visible_cases(staff: Staff) -> sa.ColumnElement[bool]:
    """Filter on Case: a super admin sees all; a case officer the cases about employees in their scope; anyone
    else (an agency admin of the employee's own unit included) only the cases they are a member of."""
    if staff.role == Role.SUPER_ADMIN:
        return sa.true()
    member = sa.exists().where(CaseMember.case_id == Case.id, CaseMember.staff_id == staff.id)
    if staff.is_case_officer:
        in_scope = Case.employee_id.in_(sa.select(Employee.id).where(employee_scope(staff)))
        return sa.or_(in_scope, member)
    return member


def get_case(staff: Staff, case_id: int) -> Case:
    """The case if the staff member may see it, else a 404 (never reveal it exists)."""
    case = db.session.scalar(sa.select(Case).where(Case.id == case_id, visible_cases(staff)))
    if case is None:
        abort(404)
    return case


def may_run(staff: Staff, case: Case) -> bool:
    """Whether the staff member may take the case's steps (triage, team, evidence): super admins, case officers
    with the case in view, and the case's own officers."""
    if staff.role == Role.SUPER_ADMIN or staff.is_case_officer:
        return True
    return any(m.staff_id == staff.id and m.role == CaseMemberRole.OFFICER for m in case.members)


def cases_for(staff: Staff, *, stage: CaseStage | None = None, search: str = "") -> sa.Select:
    """The staff member's cases, newest first, narrowed by stage and by case number or employee name/NIP."""
    query = (sa.select(Case).join(Employee, Employee.id == Case.employee_id).where(visible_cases(staff))
             .order_by(Case.created_dt.desc(), Case.id.desc()))
    if stage is not None:
        query = query.where(Case.stage == stage)
    if search:
        like = f"%{search.lower()}%"
        query = query.where(sa.or_(sa.func.lower(Case.number).like(like), Employee.name_search.like(like),
                                   Employee.nip == search, Employee.nik == search))
    return query


# --- opening a case --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Intake:
    """What the intake form gives: the referral (or finding), the employee and the form of violation."""

    employee: Employee
    violation_form_id: int
    source: CaseSource
    received_on: date
    summary: str
    letter_number: str | None = None
    letter_date: date | None = None
    occurred_on: date | None = None
    known_on: date | None = None


@dataclass(frozen=True)
class Reporter:
    """Who reported, kept apart from the case (shown to super admins only)."""

    name: str
    contact: str | None = None
    note: str | None = None


def open_case(actor: Staff, intake: Intake, reporter: Reporter | None = None) -> Case:
    """A new case at triage with the actor as its officer; the caller commits."""
    if not may_open_cases(actor):
        raise CaseError(_l("Hanya petugas kasus yang dapat membuka kasus."))
    if intake.source.is_letter and not (intake.letter_number and intake.letter_date):
        raise CaseError(_l("Rekomendasi atau surat memerlukan nomor dan tanggal surat."))
    case = Case(number=_next_number(intake.received_on.year), employee_id=intake.employee.id,
                violation_form_id=intake.violation_form_id, source=intake.source, letter_number=intake.letter_number,
                letter_date=intake.letter_date, received_on=intake.received_on, occurred_on=intake.occurred_on,
                known_on=intake.known_on, summary=intake.summary, stage=CaseStage.TRIAGE, created_by_id=actor.id)
    case.members.append(CaseMember(staff_id=actor.id, role=CaseMemberRole.OFFICER))
    db.session.add(case)
    db.session.flush()
    if reporter is not None:  # no relationship from Case: loading a case never loads who reported it
        db.session.add(CaseReporter(case_id=case.id, name=reporter.name, contact=reporter.contact, note=reporter.note))
    add_step(actor, case, "opened", intake.source.value)
    # The audit entry names the case and the source, not the employee: the log is read more widely than cases.
    record(actor, "case.open", "case", case.id, f"Kasus {case.number} dibuka ({intake.source.value})",
           {"number": case.number, "source": intake.source.value, "has_reporter": reporter is not None})
    return case


def _next_number(year: int) -> str:
    """'KN-<year>-<n>': the next free number of the year (a unique constraint settles a race: the caller retries)."""
    prefix = f"KN-{year}-"
    last = db.session.scalar(sa.select(sa.func.max(Case.number)).where(Case.number.startswith(prefix)))
    n = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{n:04d}"


# --- evidence --------------------------------------------------------------------------------------------------------

def add_evidence(actor: Staff, case: Case, file_name: str, evidence: EvidenceFile) -> CaseEvidence:
    """Store a cleaned evidence file (owner-only, by its hash: the same file twice is stored once); the caller
    commits."""
    store_evidence(evidence)
    return attach_evidence(actor, case, safe_file_name(file_name, evidence.extension), evidence.content_type,
                           len(evidence.content), evidence.sha256)


def attach_evidence(actor: Staff, case: Case, file_name: str, content_type: str, size: int, sha256: str) -> CaseEvidence:
    """Put an already stored evidence file on the case (a public report's, when the report becomes a case)."""
    item = CaseEvidence(case=case, file_name=file_name, content_type=content_type, size=size, sha256=sha256,
                        uploaded_by_id=actor.id)
    db.session.add(item)
    add_step(actor, case, "evidence_added", item.file_name)
    record(actor, "case.evidence", "case", case.id, f"Bukti ditambahkan pada kasus {case.number}",
           {"number": case.number, "sha256": sha256, "size": size, "type": content_type})
    return item


def evidence_file(case: Case, evidence_id: int) -> CaseEvidence:
    item = next((e for e in case.evidence if e.id == evidence_id), None)
    if item is None:
        abort(404)
    return item


def record_evidence_view(actor: Staff, case: Case, item: CaseEvidence) -> None:
    record(actor, "case.evidence_view", "case", case.id, f"Bukti kasus {case.number} dibuka",
           {"number": case.number, "evidence": item.id})


# --- the team --------------------------------------------------------------------------------------------------------

def add_member(actor: Staff, case: Case, staff: Staff, role: CaseMemberRole) -> CaseMember:
    """Put a staff member on the case's team; the caller commits."""
    if not staff.is_active:
        raise CaseError(_l("Akun staf ini tidak aktif."))
    if (staff.role == Role.LIAISON) != (role == CaseMemberRole.LIAISON):
        raise CaseError(_l("Akun penghubung hanya dapat menjadi penghubung, dan peran penghubung hanya untuk akun "
                           "penghubung."))
    if any(m.staff_id == staff.id and m.role == role for m in case.members):
        raise CaseError(_l("Staf ini sudah menjadi anggota tim dengan peran tersebut."))
    member = CaseMember(case=case, staff_id=staff.id, role=role)
    db.session.add(member)
    add_step(actor, case, "member_added", staff.name)
    record(actor, "case.member", "case", case.id, f"Anggota tim kasus {case.number} ditambahkan",
           {"number": case.number, "staff": staff.id, "role": role.value})
    return member


# --- triage ----------------------------------------------------------------------------------------------------------

class TriageOutcome(enum.StrEnum):
    """What triage decides."""

    CONTINUE = "continue"
    FORWARD = "forward"
    CLOSE = "close"


def triage(actor: Staff, case: Case, outcome: TriageOutcome, *, reason: str = "", forward_to: str | None = None) -> None:
    """Continue to examination, forward (Gakkumdu, Bawaslu) or close as unfounded; the caller commits."""
    if case.stage != CaseStage.TRIAGE:
        raise CaseError(_l("Kasus ini sudah melewati tahap penelaahan."))
    reason = (reason or "").strip()
    if outcome == TriageOutcome.CONTINUE:
        case.stage = CaseStage.EXAMINATION
    elif outcome == TriageOutcome.FORWARD:
        if forward_to not in FORWARD_TARGETS:
            raise CaseError(_l("Pilih tujuan penerusan."))
        if not reason:
            raise CaseError(_l("Tuliskan alasan penerusan."))
        case.stage, case.forwarded_to, case.triage_reason = CaseStage.FORWARDED, forward_to, reason
    elif outcome == TriageOutcome.CLOSE:
        if not reason:
            raise CaseError(_l("Tuliskan alasan kasus ditutup karena tidak terbukti."))
        case.stage, case.triage_reason = CaseStage.CLOSED, reason
    else:
        raise CaseError(_l("Pilih hasil penelaahan."))
    add_step(actor, case, f"triage_{outcome}", reason or None)
    record(actor, "case.triage", "case", case.id, f"Penelaahan kasus {case.number}: {outcome}",
           {"number": case.number, "outcome": outcome, "forward_to": forward_to})


# --- the reporter, kept apart ----------------------------------------------------------------------------------------

def reporter_for(actor: Staff, case: Case) -> CaseReporter | None:
    """The reporter's identity for a super admin, each look audited; anyone else gets a 404."""
    if actor.role != Role.SUPER_ADMIN:
        abort(404)
    reporter = db.session.scalar(sa.select(CaseReporter).where(CaseReporter.case_id == case.id))
    record(actor, "case.reporter_view", "case", case.id, f"Identitas pelapor kasus {case.number} dilihat",
           {"number": case.number, "exists": reporter is not None})
    return reporter


# --- the employee's declarations -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SignedDeclaration:
    """One declaration the employee signed, as the case shows it."""

    event_name: str
    signed_dt: datetime
    text_sha256: str
    certificate_code: str | None
    is_revoked: bool


def declarations_of(employee_id: int) -> list[SignedDeclaration]:
    """The employee's signed declarations, newest first, with their certificates."""
    from netralitas.certificates.models import Certificate
    from netralitas.signing.models import Signature

    rows = db.session.execute(
        sa.select(Event.name, Signature.signed_dt, Signature.text_sha256, Certificate.code, Signature.revoked_dt)
        .join(Event, Event.id == Signature.event_id).outerjoin(Certificate, Certificate.signature_id == Signature.id)
        .where(Signature.employee_id == employee_id).order_by(Signature.signed_dt.desc()))
    return [SignedDeclaration(name, signed, digest, code, revoked is not None)
            for name, signed, digest, code, revoked in rows]


def add_step(actor: Staff | None, case: Case, kind: str, note: str | None = None) -> None:
    case.steps.append(CaseStep(kind=kind, actor_id=actor.id if actor else None, note=note, at_dt=utcnow()))
