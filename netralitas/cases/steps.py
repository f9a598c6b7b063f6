"""A case after triage: summons I and II on working-day rules, attendance, the examination record, the decision and
its decree, delivery, and the report back to the referrer (PP 94/2021; the day counts are legal-catalogue settings).

Every step writes a CaseStep and an audit entry; the caller commits once. A step taken out of order is refused with
a CaseError saying what has to happen first.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta

from netralitas.audit.services import record
from netralitas.auth.models import Role, Staff
from netralitas.calendar.services import WorkCalendar
from netralitas.cases import paperwork
from netralitas.cases.deadlines import CaseDeadline, CaseSteps, DeadlineState, current_deadline
from netralitas.cases.models import (
    OPEN_STAGES,
    Attendance,
    Case,
    CaseDecision,
    CaseExamination,
    CaseMemberRole,
    CaseStage,
    CaseSummons,
    RecordSigning,
)
from netralitas.cases.services import CaseError, add_step, visible_cases
from netralitas.core.images import ImageError, check_signature_png
from netralitas.core.messages import lazy_message as _l
from netralitas.extensions import db
from netralitas.legal.models import Sanction
from netralitas.legal.services import sanction_group, violation_form

#: Two summons rounds at most: a second absence leads to a decision on the evidence.
LAST_ROUND = 2


def steps_by_case(case_ids: list[int]) -> dict[int, CaseSteps]:
    """Each case's summonses and decision, loaded for a whole list in two queries (what its deadline runs from)."""
    if not case_ids:
        return {}
    found: dict[int, list[CaseSummons]] = {}
    for summons in db.session.scalars(sa.select(CaseSummons).where(CaseSummons.case_id.in_(case_ids))
                                      .order_by(CaseSummons.case_id, CaseSummons.round)):
        found.setdefault(summons.case_id, []).append(summons)
    decisions = {decision.case_id: (decision, remedy) for decision, remedy in db.session.execute(
        sa.select(CaseDecision, Sanction.remedy_deadline).join(Sanction, Sanction.id == CaseDecision.sanction_id)
        .where(CaseDecision.case_id.in_(case_ids)))}
    return {case_id: CaseSteps(tuple(found.get(case_id, ())), *decisions.get(case_id, (None, "objection_window")))
            for case_id in case_ids}


def running_deadlines(cases: Sequence[Case], *, today: date, calendar: WorkCalendar, days_for,
                      due_soon: int) -> dict[int, CaseDeadline]:
    """The running deadline of each case that has one, by case id (a list's rows, the daily digest)."""
    loaded = steps_by_case([case.id for case in cases])
    found = {}
    for case in cases:
        deadline = current_deadline(case, calendar, days_for, today, due_soon=due_soon, steps=loaded[case.id])
        if deadline is not None:
            found[case.id] = deadline
    return found


@dataclass(frozen=True)
class DeadlineCounts:
    """How many of a staff member's open cases are past or near their running deadline (the home page's flag)."""

    overdue: int = 0
    due_soon: int = 0


def deadline_counts(staff: Staff, *, today: date, calendar: WorkCalendar, days_for, due_soon: int) -> DeadlineCounts:
    """Count the open cases the staff member may see by the state of their running deadline."""
    open_cases = db.session.scalars(sa.select(Case).where(visible_cases(staff), Case.stage.in_(OPEN_STAGES))).all()
    states = [d.state for d in running_deadlines(open_cases, today=today, calendar=calendar, days_for=days_for,
                                                 due_soon=due_soon).values()]
    return DeadlineCounts(states.count(DeadlineState.OVERDUE), states.count(DeadlineState.DUE_SOON))


def summonses(case: Case) -> list[CaseSummons]:
    return list(db.session.scalars(sa.select(CaseSummons).where(CaseSummons.case_id == case.id)
                                   .order_by(CaseSummons.round)))


def next_round(case: Case) -> int | None:
    """1 or 2 when a summons may be issued now; None when not (one is pending, the employee came, or two absences)."""
    if case.stage != CaseStage.EXAMINATION:
        return None
    issued = summonses(case)
    if not issued:
        return 1
    last = issued[-1]
    return last.round + 1 if last.attendance == Attendance.ABSENT and last.round < LAST_ROUND else None


@dataclass(frozen=True)
class SummonsPlan:
    """What a summons must respect: the earliest examination day for an issue date, and for round 2 the last day it
    may be issued."""

    earliest_exam_on: date
    latest_issue_on: date | None


def summons_plan(case: Case, issued_on: date, calendar: WorkCalendar, days_for) -> SummonsPlan:
    """The working-day rules for a summons issued on `issued_on`: the examination at least `summons_notice` working
    days later; a second summons within `second_summons` working days of the missed examination."""
    earliest = calendar.add_working_days(issued_on, days_for("summons_notice"))
    latest = None
    if next_round(case) == LAST_ROUND:
        latest = calendar.add_working_days(summonses(case)[0].exam_on, days_for("second_summons"))
    return SummonsPlan(earliest, latest)


def summon(actor: Staff, case: Case, *, letter_number: str, issued_on: date, exam_on: date, exam_time: str,
           place: str, calendar: WorkCalendar, days_for) -> CaseSummons:
    """Issue summons I or II; refused when out of turn or against the working-day rules."""
    round_ = next_round(case)
    if round_ is None:
        raise CaseError(_l("Surat panggilan tidak dapat dibuat sekarang: panggilan sebelumnya belum dicatat "
                           "kehadirannya, pegawai sudah hadir, atau sudah dua kali dipanggil."))
    plan = summons_plan(case, issued_on, calendar, days_for)
    if plan.latest_issue_on is not None and issued_on > plan.latest_issue_on:
        raise CaseError(_l("Panggilan kedua harus dibuat paling lambat %(day)s (hari kerja sejak tanggal pemeriksaan "
                           "pertama).", day=plan.latest_issue_on.strftime("%d-%m-%Y")))
    if exam_on < plan.earliest_exam_on:
        raise CaseError(_l("Tanggal pemeriksaan paling cepat %(day)s: surat panggilan harus diterima beberapa hari "
                           "kerja sebelumnya.", day=plan.earliest_exam_on.strftime("%d-%m-%Y")))
    if not calendar.is_working_day(exam_on):
        raise CaseError(_l("Tanggal pemeriksaan jatuh pada hari libur (%(reason)s).",
                           reason=calendar.day_off_reason(exam_on)))
    summons = CaseSummons(case_id=case.id, round=round_, letter_number=letter_number, issued_on=issued_on,
                          exam_on=exam_on, exam_time=exam_time, place=place, created_by_id=actor.id)
    db.session.add(summons)
    previous = summonses(case)[0] if round_ == LAST_ROUND else None
    paperwork.issue_summons(actor, case, summons, previous)
    add_step(actor, case, f"summons_{round_}", letter_number)
    record(actor, "case.summons", "case", case.id, f"Panggilan {round_} kasus {case.number}",
           {"number": case.number, "round": round_, "exam_on": exam_on.isoformat()})
    return summons


def record_attendance(actor: Staff, case: Case, summons: CaseSummons, *, attended: bool, today: date) -> None:
    """Whether the employee came; a second absence moves the case to a decision on the evidence."""
    if summons.case_id != case.id or summons.attendance != Attendance.PENDING:
        raise CaseError(_l("Kehadiran untuk panggilan ini sudah dicatat."))
    if today < summons.exam_on:
        raise CaseError(_l("Kehadiran baru dapat dicatat pada atau setelah tanggal pemeriksaan."))
    summons.attendance = Attendance.ATTENDED if attended else Attendance.ABSENT
    if not attended and summons.round == LAST_ROUND:
        case.stage = CaseStage.DECISION
    add_step(actor, case, "attended" if attended else "absent", f"panggilan {summons.round}")
    record(actor, "case.attendance", "case", case.id, f"Kehadiran panggilan {summons.round} kasus {case.number}",
           {"number": case.number, "round": summons.round, "attended": attended})


def record_examination(actor: Staff, case: Case, *, held_on: date, place: str, text: str, signing: RecordSigning,
                       signature_png: bytes | None = None, refusal_note: str | None = None,
                       max_signature_bytes: int = 150 * 1024) -> CaseExamination:
    """The examination record (BAP) of an attended examination; the case then waits for the decision."""
    attended = [s for s in summonses(case) if s.attendance == Attendance.ATTENDED]
    if case.stage != CaseStage.EXAMINATION or not attended:
        raise CaseError(_l("Berita acara dibuat setelah pegawai hadir memenuhi panggilan."))
    if signing == RecordSigning.SCREEN:
        try:  # the same checks as a declaration's drawing: a PNG, sane size, not blank
            check_signature_png(signature_png or b"", max_bytes=max_signature_bytes)
        except ImageError as exc:
            raise CaseError(str(exc)) from exc
    if signing == RecordSigning.REFUSED and not (refusal_note or "").strip():
        raise CaseError(_l("Catat keterangan penolakan menandatangani."))
    examination = CaseExamination(case_id=case.id, held_on=held_on, place=place, record=text, signing=signing,
                                  signature_png=signature_png if signing == RecordSigning.SCREEN else None,
                                  refusal_note=refusal_note if signing == RecordSigning.REFUSED else None,
                                  created_by_id=actor.id)
    db.session.add(examination)
    paperwork.issue_examination(actor, case, examination)
    case.stage = CaseStage.DECISION
    add_step(actor, case, "examined", signing.value)
    record(actor, "case.examination", "case", case.id, f"Berita acara pemeriksaan kasus {case.number}",
           {"number": case.number, "signing": signing.value})
    return examination


def examination_of(case: Case) -> CaseExamination | None:
    return db.session.scalar(sa.select(CaseExamination).where(CaseExamination.case_id == case.id))


def may_decide(staff: Staff, case: Case) -> bool:
    """The PPK's decision is recorded by the case's PPK delegate (or a super admin)."""
    return staff.role == Role.SUPER_ADMIN or any(
        m.staff_id == staff.id and m.role == CaseMemberRole.PPK_DELEGATE for m in case.members)


def sanction_menu(case: Case) -> list[Sanction]:
    """The sanctions open to this case: the employee's group (PNS, PPPK, non-ASN) at the level the form carries."""
    form = violation_form(case.violation_form_id)
    group = sanction_group(case.employee.category)
    return list(db.session.scalars(sa.select(Sanction).where(
        Sanction.employee_group == group, Sanction.level == form.sanction_level, Sanction.is_active)
        .order_by(Sanction.position, Sanction.id)))


def decide(actor: Staff, case: Case, *, sanction: Sanction, reasons: str, decree_number: str, decree_on: date,
           in_force_from: date | None) -> CaseDecision:
    """Record the decision and its decree (SK); the case then waits for delivery and the report back."""
    if case.stage != CaseStage.DECISION:
        raise CaseError(_l("Keputusan dicatat setelah pemeriksaan (atau dua kali tidak hadir)."))
    if not may_decide(actor, case):
        raise CaseError(_l("Keputusan dicatat oleh pejabat yang ditunjuk PPK dalam tim kasus."))
    if sanction.id not in {s.id for s in sanction_menu(case)}:
        raise CaseError(_l("Jenis hukuman ini tidak sesuai dengan kategori pegawai atau tingkat pelanggarannya."))
    until = in_force_from + relativedelta(months=sanction.duration_months) if in_force_from and \
        sanction.duration_months else None
    absences = [s for s in summonses(case) if s.attendance == Attendance.ABSENT]
    decision = CaseDecision(case_id=case.id, sanction_id=sanction.id, on_evidence_only=len(absences) >= LAST_ROUND,
                            reasons=reasons, decree_number=decree_number, decree_on=decree_on,
                            in_force_from=in_force_from, in_force_until=until, decided_by_id=actor.id)
    db.session.add(decision)
    paperwork.issue_decree(actor, case, decision, sanction)
    case.stage = CaseStage.DECIDED
    add_step(actor, case, "decided", decree_number)
    record(actor, "case.decision", "case", case.id, f"Keputusan kasus {case.number} ({sanction.code})",
           {"number": case.number, "sanction": sanction.code, "decree": decree_number,
            "on_evidence_only": decision.on_evidence_only})
    return decision


def decision_of(case: Case) -> CaseDecision | None:
    return db.session.scalar(sa.select(CaseDecision).where(CaseDecision.case_id == case.id))


def deliver(actor: Staff, case: Case, *, delivered_on: date) -> None:
    """The decree reached the employee: the objection window starts."""
    decision = decision_of(case)
    if decision is None or decision.delivered_on is not None:
        raise CaseError(_l("Tidak ada keputusan yang menunggu penyampaian."))
    if delivered_on < decision.decree_on:
        raise CaseError(_l("Tanggal penyampaian tidak boleh sebelum tanggal keputusan."))
    decision.delivered_on = delivered_on
    add_step(actor, case, "delivered", delivered_on.isoformat())
    record(actor, "case.delivery", "case", case.id, f"Keputusan kasus {case.number} disampaikan",
           {"number": case.number, "delivered_on": delivered_on.isoformat()})


def report_back(actor: Staff, case: Case, *, letter_number: str, sent_on: date, revoke_certificates: bool) -> int:
    """The referrer is told; optionally the employee's certificates are revoked ("disciplinary case"). Returns how
    many certificates were revoked."""
    decision = decision_of(case)
    if case.stage != CaseStage.DECIDED or decision is None or decision.delivered_on is None:
        raise CaseError(_l("Laporan tindak lanjut dibuat setelah keputusan disampaikan kepada pegawai."))
    revoked = _revoke_certificates(actor, case) if revoke_certificates else 0
    paperwork.issue_report_back(actor, case, decision, db.session.get(Sanction, decision.sanction_id),
                                letter_number=letter_number, sent_on=sent_on)
    case.stage = CaseStage.REPORTED
    add_step(actor, case, "reported", letter_number)
    record(actor, "case.report_back", "case", case.id, f"Tindak lanjut kasus {case.number} dilaporkan",
           {"number": case.number, "letter": letter_number, "certificates_revoked": revoked})
    return revoked


def _revoke_certificates(actor: Staff, case: Case) -> int:
    from netralitas.certificates.models import Certificate
    from netralitas.certificates.services import revoke
    from netralitas.signing.models import RevocationReason, Signature

    live = db.session.scalars(sa.select(Certificate).join(Signature, Signature.id == Certificate.signature_id).where(
        Signature.employee_id == case.employee_id, Signature.revoked_dt.is_(None))).all()
    for certificate in live:
        revoke(actor, certificate, RevocationReason.DISCIPLINARY, f"Kasus {case.number}")
    return len(live)
