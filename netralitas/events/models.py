"""Declaration events, who must sign them, their versioned texts and personal invitations."""
from __future__ import annotations

import enum
import json
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from netralitas.db import UTCDateTime, enum_column, utcnow
from netralitas.extensions import db
from netralitas.masterdata.models import Agency, Category, Employee

if TYPE_CHECKING:
    from netralitas.events.rules import SigningRule


class ElectionKind(enum.StrEnum):
    """The election a declaration is made for."""

    PEMILU = "PEMILU"
    PILKADA = "PILKADA"
    LAINNYA = "LAINNYA"


class EventStatus(enum.StrEnum):
    """Draft events are invisible to signers; only open events accept signatures."""

    DRAFT = "DRAFT"
    OPEN = "OPEN"
    CLOSED = "CLOSED"


#: Roots of the agency subtrees an event covers; no rows means every agency.
event_agencies = sa.Table(
    "event_agencies",
    db.metadata,
    sa.Column("event_id", sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("agency_id", sa.ForeignKey("agencies.id"), primary_key=True),
)


class Event(db.Model):
    """One declaration campaign, e.g. "Deklarasi Netralitas ASN Pilkada 2024"."""

    __tablename__ = "events"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: Short URL name: the venue link is /e/<slug>.
    slug: so.Mapped[str] = so.mapped_column(sa.String(60), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    election_kind: so.Mapped[ElectionKind] = enum_column(ElectionKind)
    status: so.Mapped[EventStatus] = enum_column(EventStatus, default=EventStatus.DRAFT)
    opens_dt: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    closes_dt: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    #: When on, a signature made with the board's rotating code counts as attended.
    is_attendance_on: so.Mapped[bool] = so.mapped_column(default=True)
    #: Secret behind the rotating attendance code shown on the board.
    attendance_secret: so.Mapped[str] = so.mapped_column(sa.String(64))
    #: Categories that must sign, comma-separated; empty means all.
    categories_csv: so.Mapped[str] = so.mapped_column(sa.String(100), default="")
    created_dt: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_dt: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    agencies: so.Mapped[list[Agency]] = so.relationship(secondary=event_agencies)
    texts: so.Mapped[list[DeclarationText]] = so.relationship(
        back_populates="event", order_by="DeclarationText.version", cascade="all, delete-orphan")

    @property
    def categories(self) -> list[Category]:
        """Categories that must sign (all of them when none were chosen)."""
        chosen = [Category(c) for c in self.categories_csv.split(",") if c]
        return chosen or list(Category)

    @property
    def current_text(self) -> DeclarationText | None:
        """The newest text version: the one new signers sign."""
        return self.texts[-1] if self.texts else None

    @property
    def rule(self) -> SigningRule:
        """Who must sign this event."""
        from netralitas.events.rules import SigningRule  # rules reads EventStatus from this module

        return SigningRule.of(self.categories, (agency.path for agency in self.agencies))


class DeclarationText(db.Model):
    """One version of an event's declaration; frozen once anybody has signed it."""

    __tablename__ = "declaration_texts"
    __table_args__ = (sa.UniqueConstraint("event_id", "version"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    version: so.Mapped[int]
    title: so.Mapped[str] = so.mapped_column(sa.String(300))
    preamble: so.Mapped[str] = so.mapped_column(sa.Text)
    #: JSON list of the numbered points, each ticked by the signer.
    points_json: so.Mapped[str] = so.mapped_column(sa.Text)
    closing: so.Mapped[str] = so.mapped_column(sa.Text)
    #: SHA-256 of the canonical text (see events.texts.canonical_text); stored in every signature.
    sha256: so.Mapped[str] = so.mapped_column(sa.String(64))
    created_dt: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    event: so.Mapped[Event] = so.relationship(back_populates="texts")

    @property
    def points(self) -> list[str]:
        return json.loads(self.points_json)


class Invitation(db.Model):
    """An employee's personal code for one event, stored only as a digest; re-issuing revokes it."""

    __tablename__ = "invitations"
    __table_args__ = (
        # At most one live invitation per employee and event.
        sa.Index("uq_invitations_live", "event_id", "employee_id", unique=True,
                 sqlite_where=sa.text("revoked_dt IS NULL"), postgresql_where=sa.text("revoked_dt IS NULL")),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    employee_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("employees.id"), index=True)
    #: 0 for the first code, +1 for each re-issue; part of the code derivation.
    generation: so.Mapped[int] = so.mapped_column(default=0)
    #: SHA-256 of the normalised code; the code itself is never stored.
    code_digest: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    issued_dt: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    revoked_dt: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    event: so.Mapped[Event] = so.relationship()
    employee: so.Mapped[Employee] = so.relationship()
