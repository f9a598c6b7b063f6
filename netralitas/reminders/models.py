"""Email reminders sent, one row each; the database allows one per employee per day."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from netralitas.db import UTCDateTime, utcnow
from netralitas.extensions import db


class EmailReminder(db.Model):
    """One reminder email sent to an employee about an event."""

    __tablename__ = "email_reminders"
    __table_args__ = (
        # At most one email reminder per employee per (local) day, whoever sends it and for whichever event.
        sa.UniqueConstraint("employee_id", "sent_on"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    employee_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("employees.id"))
    sent_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("staff.id"))
    #: The address it went to (the employee's email may change later).
    to_address: so.Mapped[str] = so.mapped_column(sa.String(200))
    #: Local calendar day (DISPLAY timezone) the reminder was sent on.
    sent_on: so.Mapped[date]
    sent_dt: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
