"""The daily case digest: one email a working day to each case officer, listing the cases in their view whose running
deadline is past or near.

The scheduled job (netralitas.jobs.tasks.case_digest) calls `send_daily`, which works like the email reminders:

1. `plan` finds every open case whose deadline is OVERDUE or DUE_SOON (one calendar, one pass over the open cases),
   then, per active case officer, the ones `visible_cases` lets them see. An officer with nothing due gets nothing.
2. `claim` inserts one CaseDigest row per officer with ON CONFLICT DO NOTHING on (staff, day), committed before
   anything is sent: a row already there means "already sent today", so a second run the same day sends nothing.
3. The messages go out over one SMTP connection; the rows of messages that did not go out are deleted again, so a
   retry (the job's, five minutes later, when a failure may pass) reaches those officers.

What the email names: the case number, the employee's unit, the stage and what is due. No employee name or NIP: an
officer's mailbox is read on phones, forwarded and kept longer than the case file, and the identity of a disciplined
employee is not public (UU KIP art. 17h); the link opens the case, behind the login, for the rest.

Always Indonesian, like the reminder emails: a scheduled job has no reader's language to follow.
"""
from __future__ import annotations

import enum
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from babel.dates import format_date
from flask import current_app
from flask_babel import force_locale

from netralitas.audit.services import record
from netralitas.auth.models import Staff
from netralitas.calendar.services import WorkCalendar, default_years, local_today, work_calendar
from netralitas.cases.deadlines import DeadlineState
from netralitas.cases.digest_models import CaseDigest
from netralitas.cases.models import OPEN_STAGES, Case, CaseStage
from netralitas.cases.services import visible_cases
from netralitas.cases.steps import running_deadlines
from netralitas.core.mail import Delivery, MailSettings, plain_address, plain_message, send_batch
from netralitas.core.sql import insert_on_conflict
from netralitas.core.urls import public_url
from netralitas.db import utcnow
from netralitas.extensions import db
from netralitas.legal import services as legal
from netralitas.masterdata.models import Agency, Employee

log = logging.getLogger(__name__)

#: Stages in which a case can have a running deadline.
#: Dates in the email, as Indonesians write them: "Jumat, 21 Februari 2025".
DATE_FORMAT = "EEEE, d MMMM y"
EMAIL_LOCALE = "id"


class DigestSkip(enum.StrEnum):
    """Why a run sent nothing without looking at any case."""

    MAIL_NOT_SET = "mail_not_set"
    NOT_A_WORKING_DAY = "not_a_working_day"


class DigestRetryError(RuntimeError):
    """Some digests failed for a reason that may pass (4xx, connection lost): raised so the queue runs the job again."""


@dataclass(frozen=True)
class DueCase:
    """One line of a digest: a case whose deadline is past or near."""

    case_id: int
    number: str
    stage: CaseStage
    #: "Dinas A (DINAS-A)": the employee's unit, never the employee.
    unit: str
    #: What is due, in words: the deadline rule's label from the legal catalogue.
    due_label: str
    due_on: date
    state: DeadlineState
    #: Working days from today to the due date (negative once overdue).
    working_days_left: int


@dataclass(frozen=True)
class Digest:
    """One officer's email: overdue cases first, then the ones due soon, each by due date."""

    staff_id: int
    staff_name: str
    address: str
    overdue: tuple[DueCase, ...]
    due_soon: tuple[DueCase, ...]

    @property
    def case_count(self) -> int:
        return len(self.overdue) + len(self.due_soon)


@dataclass
class DigestPlan:
    """Who gets a digest today, and why the other case officers do not."""

    #: Open cases with a deadline past or near, in anyone's view.
    due_cases: int = 0
    #: Active case officers.
    officers: int = 0
    #: Case officers with nothing due in their view (no email).
    nothing_due: int = 0
    #: Case officers whose account email is not one plain address.
    no_address: int = 0
    digests: list[Digest] = field(default_factory=list)


@dataclass
class DigestRun:
    """What one run did: the counts its audit entry and log line carry."""

    day: date
    skipped: DigestSkip | None = None
    plan: DigestPlan = field(default_factory=DigestPlan)
    sent_to: list[int] = field(default_factory=list)
    failed_to: list[int] = field(default_factory=list)
    #: Digests already sent today (a second run, or a run that raced this one).
    already_sent: int = 0
    #: Failures that may pass: the queue's retry reaches them.
    temporary_failures: int = 0
    error: str = ""

    def as_summary(self) -> dict:
        return {"day": self.day.isoformat(), "skipped": self.skipped.value if self.skipped else None,
                "due_cases": self.plan.due_cases, "officers": self.plan.officers, "nothing_due": self.plan.nothing_due,
                "no_address": self.plan.no_address, "sent": len(self.sent_to), "failed": len(self.failed_to),
                "already_sent": self.already_sent, "error": self.error[:300] or None}


# --- who gets which lines ----------------------------------------------------------------------------------------------

def due_cases(today: date, calendar: WorkCalendar, due_soon: int) -> dict[int, DueCase]:
    """Every open case whose running deadline is OVERDUE or DUE_SOON today, by case id."""
    labels = {rule.key: rule.label for rule in legal.deadline_rules()}
    rows = db.session.execute(
        sa.select(Case, Agency.code, Agency.name).join(Employee, Employee.id == Case.employee_id)
        .join(Agency, Agency.id == Employee.agency_id).where(Case.stage.in_(OPEN_STAGES))).all()
    deadlines = running_deadlines([case for case, _code, _name in rows], today=today, calendar=calendar,
                                  days_for=legal.deadline_days, due_soon=due_soon)
    found = {}
    for case, unit_code, unit_name in rows:
        deadline = deadlines.get(case.id)
        if deadline is None or deadline.state == DeadlineState.ON_TIME:
            continue
        found[case.id] = DueCase(case.id, case.number, case.stage, f"{unit_name} ({unit_code})",
                                 labels.get(deadline.key, deadline.key), deadline.due_on, deadline.state,
                                 deadline.working_days_left)
    return found


def case_officers() -> list[Staff]:
    """The accounts a digest is for: active, with the case-officer flag (super admins only when they carry it)."""
    return list(db.session.scalars(sa.select(Staff).where(Staff.is_case_officer.is_(True),
                                                           Staff.is_active_account.is_(True)).order_by(Staff.id)))


def plan(today: date, calendar: WorkCalendar, due_soon: int) -> DigestPlan:
    """The day's digests: per active case officer, the due cases `visible_cases` lets them see."""
    due = due_cases(today, calendar, due_soon)
    officers = case_officers()
    result = DigestPlan(due_cases=len(due), officers=len(officers))
    for staff in officers:
        address = plain_address(staff.email)
        if address is None:
            result.no_address += 1
            continue
        seen = set(db.session.scalars(sa.select(Case.id).where(Case.id.in_(due), visible_cases(staff)))) if due else set()
        lines = sorted((due[case_id] for case_id in seen), key=lambda line: (line.due_on, line.number))
        if not lines:
            result.nothing_due += 1
            continue
        result.digests.append(Digest(
            staff.id, staff.name, address, tuple(line for line in lines if line.state == DeadlineState.OVERDUE),
            tuple(line for line in lines if line.state == DeadlineState.DUE_SOON)))
    return result


# --- the email -----------------------------------------------------------------------------------------------------------

def digest_subject(digest: Digest, today: date) -> str:
    """'Kasus netralitas: 1 terlambat, 2 segera jatuh tempo (Rabu, 26 Februari 2025)'."""
    parts = []
    if digest.overdue:
        parts.append(f"{len(digest.overdue)} terlambat")
    if digest.due_soon:
        parts.append(f"{len(digest.due_soon)} segera jatuh tempo")
    return f"Kasus netralitas: {', '.join(parts)} ({_day(today)})"


def digest_text(digest: Digest, today: date, links: Mapping[int, str]) -> str:
    """The email's body: overdue cases, then cases due soon, each with what is due, the due date and a link."""
    with force_locale(EMAIL_LOCALE):
        stages = _stage_labels()
        lines = [f"Yth. {digest.staff_name},", "",
                 f"Berikut kasus netralitas dalam lingkup Anda yang tenggatnya sudah lewat atau segera tiba, per "
                 f"{_day(today)}."]
        for title, cases in (("TERLAMBAT", digest.overdue), ("SEGERA JATUH TEMPO", digest.due_soon)):
            if not cases:
                continue
            lines += ["", f"{title} ({len(cases)})"]
            for line in cases:
                lines += [f"- {line.number} · {line.unit} · {stages[line.stage]}",
                          f"  {line.due_label}: jatuh tempo {_day(line.due_on)} ({_days_left(line, today)})",
                          f"  {links[line.case_id]}"]
    lines += ["", "Email ini dikirim otomatis setiap hari kerja kepada petugas kasus. Nama pegawai sengaja tidak "
                  "dicantumkan; rincian kasus ada di tautan, setelah Anda masuk."]
    return "\n".join(lines)


def _stage_labels() -> Mapping[CaseStage, str]:
    # The case screens' own stage names (one home for them); read in the email's locale.
    from netralitas.cases.forms import STAGE_LABELS

    return {stage: str(label) for stage, label in STAGE_LABELS.items()}


def _day(day: date) -> str:
    return format_date(day, DATE_FORMAT, locale=EMAIL_LOCALE)


def _days_left(line: DueCase, today: date) -> str:
    if line.state == DeadlineState.OVERDUE:
        return f"lewat {max(-line.working_days_left, 1)} hari kerja"
    if line.due_on == today:
        return "hari ini"
    return f"{line.working_days_left} hari kerja lagi"


def case_links(case_ids: Sequence[int], base_url: str) -> dict[int, str]:
    """The case page's public address for each case (built from the route, outside any request)."""
    adapter = current_app.url_map.bind("localhost")
    return {case_id: public_url(base_url, adapter.build("cases.detail", {"case_id": case_id}))
            for case_id in case_ids}


# --- one run ---------------------------------------------------------------------------------------------------------------

def claim(digests: Sequence[Digest], today: date) -> list[Digest]:
    """Insert the day's CaseDigest rows; the digests whose row already existed are left out. The caller commits."""
    if not digests:
        return []
    now = utcnow()
    rows = [{"staff_id": d.staff_id, "to_address": d.address, "sent_on": today, "case_count": d.case_count,
             "sent_dt": now} for d in digests]
    statement = (insert_on_conflict(db.session, CaseDigest).values(rows)
                 .on_conflict_do_nothing(index_elements=["staff_id", "sent_on"]).returning(CaseDigest.staff_id))
    claimed = set(db.session.scalars(statement))
    return [d for d in digests if d.staff_id in claimed]


def release(staff_ids: Sequence[int], today: date) -> None:
    """Delete the day's rows of digests that did not go out, so a later run sends them (the caller commits)."""
    if staff_ids:
        db.session.execute(sa.delete(CaseDigest).where(CaseDigest.staff_id.in_(staff_ids), CaseDigest.sent_on == today))


def send_daily(config: Mapping | None = None, today: date | None = None) -> DigestRun:
    """Send today's digests (nothing on a day off or without mail settings); audits a run that looked at cases.

    Commits: the claims before sending, the releases and the audit entry after.
    """
    config = config if config is not None else current_app.config
    today = today or local_today()
    run = DigestRun(day=today)
    settings = MailSettings.from_config(config)
    if settings.problem:
        run.skipped = DigestSkip.MAIL_NOT_SET
        return run
    calendar = work_calendar(default_years(today))
    if not calendar.is_working_day(today):
        run.skipped = DigestSkip.NOT_A_WORKING_DAY
        return run
    run.plan = plan(today, calendar, int(config["CASE_DUE_SOON_WORKING_DAYS"]))
    claimed = claim(run.plan.digests, today)
    run.already_sent = len(run.plan.digests) - len(claimed)
    links = case_links([line.case_id for d in claimed for line in (*d.overdue, *d.due_soon)],
                       config["PUBLIC_BASE_URL"])
    messages = [plain_message(settings, d.address, digest_subject(d, today), digest_text(d, today, links))
                for d in claimed]
    db.session.commit()  # claims are visible to any other run before a message leaves
    result = send_batch(settings, messages)
    for digest, outcome in zip(claimed, result.outcomes, strict=True):
        if outcome.delivery == Delivery.SENT:
            run.sent_to.append(digest.staff_id)
            continue
        run.failed_to.append(digest.staff_id)
        run.error = run.error or outcome.error
        run.temporary_failures += outcome.temporary
    release(run.failed_to, today)
    _record(run)
    db.session.commit()
    return run


def _record(run: DigestRun) -> None:
    record(None, "case.digest", "case", None,
           f"Ringkasan tenggat kasus {run.day.isoformat()}: {len(run.sent_to)} terkirim, {len(run.failed_to)} gagal",
           {**run.as_summary(), "sent_to": run.sent_to, "failed_to": run.failed_to})
