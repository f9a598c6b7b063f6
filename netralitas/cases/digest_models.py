"""Daily case digests sent, one row each; the database allows one per case officer per local day."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from netralitas.db import UTCDateTime, utcnow
from netralitas.extensions import db


class CaseDigest(db.Model):
    """One digest email claimed for (and, once the row stays, sent to) a case officer on a day."""

    __tablename__ = "case_digests"
    __table_args__ = (
        # One digest per officer per (local) day, however often the job runs: a second run finds the row and skips.
        sa.UniqueConstraint("staff_id", "sent_on"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    staff_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("staff.id", ondelete="CASCADE"))
    #: The address it went to (the account's email may change later).
    to_address: so.Mapped[str] = so.mapped_column(sa.String(200))
    #: Local calendar day (the display time zone) the digest is for.
    sent_on: so.Mapped[date]
    #: How many cases it listed (overdue and due soon together).
    case_count: so.Mapped[int]
    sent_dt: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
