"""Signatures: one per employee per event, each bound to the exact text version it was made on."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from netralitas.db import UTCDateTime, enum_column, utcnow
from netralitas.events.models import DeclarationText, Event
from netralitas.extensions import db
from netralitas.masterdata.models import Employee

if TYPE_CHECKING:
    from netralitas.certificates.models import Certificate


class RevocationReason(enum.StrEnum):
    """Why a certificate (and its signature) was revoked."""

    DATA_ERROR = "DATA_ERROR"
    WITHDRAWN = "WITHDRAWN"
    DISCIPLINARY = "DISCIPLINARY"
    OTHER = "OTHER"


class Signature(db.Model):
    """A signed declaration: who, which event, which text (and its hash), how and when."""

    __tablename__ = "signatures"
    __table_args__ = (
        # The database, not a prior check, guarantees one live (not revoked) signature per employee and event.
        sa.Index("uq_signatures_live", "event_id", "employee_id", unique=True,
                 sqlite_where=sa.text("revoked_dt IS NULL"), postgresql_where=sa.text("revoked_dt IS NULL")),
        sa.Index("ix_signatures_event_signed", "event_id", "signed_dt"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("events.id"))
    employee_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("employees.id"), index=True)
    invitation_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("invitations.id"))
    text_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("declaration_texts.id"))
    #: SHA-256 of the text as shown to the signer, copied so the record stands on its own.
    text_sha256: so.Mapped[str] = so.mapped_column(sa.String(64))
    #: The full name the signer typed under the declaration.
    typed_name: so.Mapped[str] = so.mapped_column(sa.String(200))
    #: The drawn signature as a checked PNG.
    signature_png: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary)
    #: True when made with a valid attendance code from the venue board, else remote.
    is_attended: so.Mapped[bool]
    signed_dt: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    client_ip: so.Mapped[str] = so.mapped_column(sa.String(45))
    user_agent: so.Mapped[str] = so.mapped_column(sa.String(300))

    #: Set when a super admin revokes the certificate; the employee may then sign again.
    revoked_dt: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    revocation_reason: so.Mapped[RevocationReason | None] = enum_column(RevocationReason, nullable=True)
    revocation_note: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    revoked_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("staff.id"))

    event: so.Mapped[Event] = so.relationship()
    employee: so.Mapped[Employee] = so.relationship()
    text: so.Mapped[DeclarationText] = so.relationship()
    certificate: so.Mapped[Certificate] = so.relationship(back_populates="signature")

    @property
    def is_revoked(self) -> bool:
        return self.revoked_dt is not None

    @classmethod
    def live_in(cls, event_id: int | sa.ColumnElement) -> sa.ColumnElement[bool]:
        """Signatures of an event that count: every one that was not revoked."""
        return sa.and_(cls.event_id == event_id, cls.revoked_dt.is_(None))
