"""Email reminders: at most one per employee per local day, claimed in the database before anything is sent.

A batch runs in three steps so that no database transaction stays open while the SMTP server is talked to
(on SQLite an open write transaction would hold up every signer):

1. `claim_batch` inserts one EmailReminder row per recipient with INSERT … ON CONFLICT DO NOTHING on the
   unique (employee, day) constraint: a row someone else already inserted (another click, another
   staff member, another event) means "already reminded today" and that employee is skipped. The caller commits.
2. `send` talks to the SMTP server, one connection for the whole batch; no database access.
3. `settle` deletes the rows of messages that failed or were not tried (so a retry, today or later,
   reaches them), writes the audit entry, and the caller commits.

A worker killed between steps 1 and 3 leaves its claimed rows: those employees get no email until the
next day. The rule errs on the side of "never two emails a day": a missed reminder goes out tomorrow, a
second one cannot be unsent.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from netralitas.audit.services import record
from netralitas.core.mail import BatchResult, Delivery, MailSettings, plain_address, plain_message, send_batch
from netralitas.core.sql import insert_on_conflict
from netralitas.db import utcnow
from netralitas.events.models import Event
from netralitas.extensions import db
from netralitas.masterdata.models import Agency, Employee
from netralitas.reminders.models import EmailReminder
from netralitas.reminders.services import closing_text, personal_links, reminder_text, unsigned_employees

if TYPE_CHECKING:
    from netralitas.auth.models import Staff


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
    #: Due now, in order; only the first `limit` go out in one batch.
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

    event_id: int
    plan: EmailPlan
    limit: int
    recipients: list[Recipient] = field(default_factory=list)
    #: EmailReminder id per employee id, for removing the rows of messages that did not go out.
    reminder_ids: dict[int, int] = field(default_factory=dict)
    #: Due, but another request claimed them between the plan and the insert.
    lost_races: int = 0
    subject: str = ""
    bodies: dict[int, str] = field(default_factory=dict)


def claim_batch(actor: Staff, event: Event, staff_plan: EmailPlan, today: date, *, limit: int, tz_name: str) -> EmailBatch:
    """Insert the reminder rows of up to `limit` due employees; the ones already claimed today are skipped.

    The caller commits before sending, so other requests see the claims at once.
    """
    batch = EmailBatch(event_id=event.id, plan=staff_plan, limit=limit)
    wanted = staff_plan.due[:limit]
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


def send(batch: EmailBatch, settings: MailSettings, *, seconds: float) -> BatchResult:
    """Send the batch's messages over one SMTP connection (no database access)."""
    messages = [plain_message(settings, r.address, batch.subject, batch.bodies[r.employee_id]) for r in batch.recipients]
    return send_batch(settings, messages, seconds=seconds)


@dataclass(frozen=True)
class EmailReport:
    """The counts shown after a batch and stored in its audit entry."""

    sent: int
    failed: int
    #: Already emailed today, so skipped (including any claimed by someone else meanwhile).
    skipped: int
    no_email: int
    #: Still due: beyond this batch's limit or its time budget; the next click sends them.
    remaining: int
    error: str = ""


def settle(actor: Staff, event: Event, unit: Agency | None, batch: EmailBatch, result: BatchResult) -> EmailReport:
    """Remove the claims of messages that did not go out, audit the batch; the caller commits."""
    sent_ids = [r.employee_id for r, o in zip(batch.recipients, result.outcomes, strict=True) if o.delivery == Delivery.SENT]
    failed_ids = [r.employee_id for r, o in zip(batch.recipients, result.outcomes, strict=True)
                  if o.delivery == Delivery.FAILED]
    untried = len(batch.recipients) - len(sent_ids) - len(failed_ids)
    sent = set(sent_ids)
    unsent = [reminder_id for employee_id, reminder_id in batch.reminder_ids.items() if employee_id not in sent]
    if unsent:
        db.session.execute(sa.delete(EmailReminder).where(EmailReminder.id.in_(unsent)))
    report = EmailReport(sent=len(sent_ids), failed=len(failed_ids),
                         skipped=batch.plan.reminded_today + batch.lost_races, no_email=batch.plan.no_email,
                         remaining=max(len(batch.plan.due) - batch.limit, 0) + untried,
                         error=result.connection_error or next((o.error for o in result.outcomes if o.error), ""))
    if batch.recipients:
        unit_code = unit.code if unit is not None else None
        record(actor, "reminder.email", "event", event.id,
               f"Pengingat email {event.name}: {report.sent} terkirim, {report.failed} gagal (unit {unit_code or 'semua'})",
               {"event": event.slug, "unit": unit_code, "sent": report.sent, "failed": report.failed,
                "skipped": report.skipped, "no_email": report.no_email, "remaining": report.remaining,
                "sent_to": sent_ids, "failed_to": failed_ids, "error": report.error[:300] or None})
    return report
