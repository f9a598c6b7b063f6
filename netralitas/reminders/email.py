"""Email reminders: a whole unit in one background job, at most one email per employee per local day.

The job (netralitas.jobs.tasks.email_reminders) calls `send_all`, which works through the due employees in batches
so that no database transaction stays open while the SMTP server is talked to (on SQLite an open write transaction
would hold up every signer):

1. `claim` inserts one EmailReminder row per recipient with INSERT … ON CONFLICT DO NOTHING on the unique
   (employee, day) constraint: a row someone else already inserted (another job, another staff member, another
   event) means "already reminded today" and that employee is skipped. Committed before anything is sent.
2. `send` talks to the SMTP server, one connection per batch, throttled; no database access. Messages the server
   refused for now (4xx, connection lost) are tried again after REMINDER_RETRY_DELAYS.
3. `release` deletes the rows of messages that did not go out, so a later run (today or later) reaches them.

A worker killed between steps 1 and 3 leaves its claimed rows: those employees (one batch at most) get no email
until the next day, and the re-run job counts them as already reminded. The rule errs on the side of "never two
emails a day": a missed reminder goes out tomorrow, a second one cannot be unsent.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from netralitas.audit.services import record
from netralitas.core.mail import BatchResult, Delivery, MailSettings, plain_address, plain_message, send_batch
from netralitas.core.sql import insert_on_conflict
from netralitas.db import utcnow
from netralitas.events.models import Event
from netralitas.events.rules import SigningWindow
from netralitas.extensions import db
from netralitas.masterdata.models import Agency, Employee
from netralitas.reminders.models import EmailReminder
from netralitas.reminders.services import closing_text, personal_links, reminder_text, unsigned_employees

if TYPE_CHECKING:
    from netralitas.auth.models import Staff


#: Windows in which a reminder makes sense: the personal link leads to a signing page that will accept them.
SENDABLE_WINDOWS = frozenset({SigningWindow.OPEN, SigningWindow.NOT_YET})


def local_today(tz_name: str) -> date:
    """Today's date in the display time zone: the day the one-email-a-day rule counts in."""
    return utcnow().astimezone(ZoneInfo(tz_name)).date()


def _reminded_on(day: date) -> sa.ColumnElement[bool]:
    return sa.exists().where(EmailReminder.employee_id == Employee.id, EmailReminder.sent_on == day)


@dataclass(frozen=True)
class Recipient:
    """One employee an email is due to: everything needed to send it, with no database access."""

    employee_id: int
    name: str
    address: str


@dataclass
class EmailPlan:
    """Who among a unit's unsigned employees gets an email now, and why the others do not."""

    #: Unsigned employees in the selection.
    unsigned: int = 0
    #: Without a usable email address.
    no_email: int = 0
    #: Already emailed today (by anyone, for any event).
    reminded_today: int = 0
    #: Due now, in order.
    due: list[Recipient] = field(default_factory=list)


def plan(event: Event, staff: Staff, unit: Agency | None, today: date) -> EmailPlan:
    """Sort the selection's unsigned employees into due / no email / already reminded today."""
    query = (unsigned_employees(event, staff, unit)
             .with_only_columns(Employee.id, Employee.name, Employee.email, _reminded_on(today),
                                maintain_column_froms=True))
    result = EmailPlan()
    for employee_id, name, email, reminded in db.session.execute(query):
        result.unsigned += 1
        address = plain_address(email)
        if address is None:
            result.no_email += 1
        elif reminded:
            result.reminded_today += 1
        else:
            result.due.append(Recipient(employee_id, name, address))
    return result


@dataclass
class EmailBatch:
    """Recipients claimed for one batch (their EmailReminder rows inserted), with their messages' text."""

    recipients: list[Recipient] = field(default_factory=list)
    #: EmailReminder id per employee id, for removing the rows of messages that did not go out.
    reminder_ids: dict[int, int] = field(default_factory=dict)
    #: Due, but claimed by someone else between the plan and the insert.
    lost_races: int = 0
    subject: str = ""
    bodies: dict[int, str] = field(default_factory=dict)


def claim(actor: Staff, event: Event, wanted: Sequence[Recipient], today: date, *, tz_name: str) -> EmailBatch:
    """Insert the reminder rows of the wanted employees; the ones already claimed today are skipped.

    The caller commits before sending, so other jobs see the claims at once.
    """
    batch = EmailBatch()
    if not wanted:
        return batch
    now = utcnow()
    rows = [{"event_id": event.id, "employee_id": r.employee_id, "sent_by_id": actor.id, "to_address": r.address,
             "sent_on": today, "sent_dt": now} for r in wanted]
    statement = (insert_on_conflict(db.session, EmailReminder).values(rows)
                 .on_conflict_do_nothing(index_elements=["employee_id", "sent_on"])
                 .returning(EmailReminder.id, EmailReminder.employee_id))
    batch.reminder_ids = {employee_id: reminder_id for reminder_id, employee_id in db.session.execute(statement)}
    batch.recipients = [r for r in wanted if r.employee_id in batch.reminder_ids]
    batch.lost_races = len(wanted) - len(batch.recipients)
    links = personal_links(event, batch.reminder_ids)
    closes = closing_text(event, tz_name)
    batch.subject = f"Pengingat: {event.name}"
    batch.bodies = {r.employee_id: reminder_text(r.name, event.name, closes, links.get(r.employee_id))
                    for r in batch.recipients}
    return batch


def send(batch: EmailBatch, recipients: Sequence[Recipient], settings: MailSettings, *, interval: float,
         sleep: Callable[[float], None] = time.sleep) -> BatchResult:
    """Send the batch's messages to `recipients` (all or the ones being retried) over one SMTP connection."""
    messages = [plain_message(settings, r.address, batch.subject, batch.bodies[r.employee_id]) for r in recipients]
    return send_batch(settings, messages, interval=interval, sleep=sleep)


def release(batch: EmailBatch, sent: set[int]) -> None:
    """Delete the claims of the batch's employees who got no email (the caller commits)."""
    unsent = [reminder_id for employee_id, reminder_id in batch.reminder_ids.items() if employee_id not in sent]
    if unsent:
        db.session.execute(sa.delete(EmailReminder).where(EmailReminder.id.in_(unsent)))


@dataclass
class EmailReport:
    """The counts a reminder job shows when it is done and stores in its audit entry."""

    due: int = 0
    sent_to: list[int] = field(default_factory=list)
    failed_to: list[int] = field(default_factory=list)
    #: Already emailed today, so skipped (including any claimed by someone else meanwhile).
    skipped: int = 0
    no_email: int = 0
    #: The first failure's text (the server's answer), for the job page.
    error: str = ""

    def as_summary(self) -> dict:
        return {"sent": len(self.sent_to), "failed": len(self.failed_to), "skipped": self.skipped,
                "no_email": self.no_email, "error": self.error[:300]}


@dataclass(frozen=True)
class Pace:
    """How fast and how persistently a reminder job sends (from the REMINDER_* settings)."""

    batch_size: int
    #: Seconds between two messages (60 / REMINDER_EMAILS_PER_MINUTE), 0 = unthrottled.
    interval: float
    #: Waits before each new try of temporarily refused messages.
    retry_delays: tuple[float, ...]

    @classmethod
    def from_config(cls, config: Mapping) -> Pace:
        per_minute = int(config["REMINDER_EMAILS_PER_MINUTE"])
        return cls(max(int(config["REMINDER_EMAIL_BATCH"]), 1), 60.0 / per_minute if per_minute > 0 else 0.0,
                   tuple(config["REMINDER_RETRY_DELAYS"]))


class Progress(Protocol):
    """The job's progress reporter (netralitas.jobs.services.Progress)."""

    def __call__(self, done: int, total: int | None = None, *, force: bool = False) -> None: ...

    def wait(self, seconds: float) -> None: ...


def send_all(actor: Staff, event: Event, unit: Agency | None, settings: MailSettings, progress: Progress, *,
             today: date, tz_name: str, pace: Pace, sleep: Callable[[float], None] = time.sleep) -> EmailReport:
    """Email every due employee of the selection, batch by batch, retrying temporary failures; audits once."""
    staff_plan = plan(event, actor, unit, today)
    report = EmailReport(due=len(staff_plan.due), skipped=staff_plan.reminded_today, no_email=staff_plan.no_email)
    progress(0, len(staff_plan.due))
    for start in range(0, len(staff_plan.due), pace.batch_size):
        batch = claim(actor, event, staff_plan.due[start:start + pace.batch_size], today, tz_name=tz_name)
        db.session.commit()
        report.skipped += batch.lost_races
        pending, sent = batch.recipients, set()
        for delay in (0.0, *pace.retry_delays):
            if delay:
                progress.wait(delay)
            result = send(batch, pending, settings, interval=pace.interval, sleep=sleep)
            retry = []
            for recipient, outcome in zip(pending, result.outcomes, strict=True):
                if outcome.delivery == Delivery.SENT:
                    sent.add(recipient.employee_id)
                    report.sent_to.append(recipient.employee_id)
                    continue
                report.error = report.error or outcome.error
                if outcome.temporary:
                    retry.append(recipient)
                else:
                    report.failed_to.append(recipient.employee_id)
            pending = retry
            if not pending:
                break
        report.failed_to += [r.employee_id for r in pending]
        release(batch, sent)
        db.session.commit()
        progress(min(start + pace.batch_size, len(staff_plan.due)))
    if report.sent_to or report.failed_to:
        _record(actor, event, unit, report)
    return report


def _record(actor: Staff, event: Event, unit: Agency | None, report: EmailReport) -> None:
    unit_code = unit.code if unit is not None else None
    record(actor, "reminder.email", "event", event.id,
           f"Pengingat email {event.name}: {len(report.sent_to)} terkirim, {len(report.failed_to)} gagal "
           f"(unit {unit_code or 'semua'})",
           {"event": event.slug, "unit": unit_code, **report.as_summary(), "error": report.error[:300] or None,
            "sent_to": report.sent_to, "failed_to": report.failed_to})
