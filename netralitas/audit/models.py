"""The append-only, hash-chained audit log."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from netralitas.db import UTCDateTime, utcnow
from netralitas.extensions import db


class AuditEntry(db.Model):
    """One state change: who did what to which object; chained to the entry before it."""

    __tablename__ = "audit_entries"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: Position in the chain, 1, 2, 3, … without gaps.
    seq: so.Mapped[int] = so.mapped_column(unique=True)
    created_dt: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_staff_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("staff.id"), index=True)
    #: Who acted, as text that survives account changes ("admin@…", "system", "signer:123").
    actor_label: so.Mapped[str] = so.mapped_column(sa.String(200))
    action: so.Mapped[str] = so.mapped_column(sa.String(60), index=True)
    target_type: so.Mapped[str] = so.mapped_column(sa.String(40))
    target_id: so.Mapped[str | None] = so.mapped_column(sa.String(60))
    summary: so.Mapped[str] = so.mapped_column(sa.String(500))
    #: Canonical JSON (sorted keys) of the details; hashed as stored.
    data_json: so.Mapped[str] = so.mapped_column(sa.Text, default="{}")
    prev_hash: so.Mapped[str] = so.mapped_column(sa.String(64))
    entry_hash: so.Mapped[str] = so.mapped_column(sa.String(64))


class AuditHead(db.Model):
    """Single row holding the chain's tip; locking it serialises appends and exposes tail truncation."""

    __tablename__ = "audit_head"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    seq: so.Mapped[int] = so.mapped_column(default=0)
    entry_hash: so.Mapped[str] = so.mapped_column(sa.String(64))


class AuditAnchor(db.Model):
    """The chain's last entry as it was on a day (append-only): a removed tail plus a rewritten head shows here."""

    __tablename__ = "audit_anchors"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    created_dt: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    #: Position of the anchored entry; a rewritten chain reuses positions, so this (not the row id) is looked up.
    seq: so.Mapped[int] = so.mapped_column(index=True)
    #: That entry's hash when anchored; it covers every entry before it through the chain.
    entry_hash: so.Mapped[str] = so.mapped_column(sa.String(64))
