"""Writing and checking the hash-chained audit log."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from netralitas.audit.models import AuditAnchor, AuditEntry, AuditHead
from netralitas.core.sql import insert_on_conflict
from netralitas.db import utcnow
from netralitas.extensions import db

if TYPE_CHECKING:
    from netralitas.auth.models import Staff

GENESIS_HASH = "0" * 64
HEAD_ID = 1


def canonical_json(data: dict[str, Any] | None) -> str:
    """Deterministic JSON text (sorted keys, no spaces) so the stored text is what gets hashed."""
    return json.dumps(data or {}, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


@dataclass(frozen=True)
class EntryFields:
    """The fields of an audit entry its hash covers, before it is written (an AuditEntry row has the same names)."""

    seq: int
    created_dt: datetime
    actor_staff_id: int | None
    actor_label: str
    action: str
    target_type: str
    target_id: str | None
    summary: str
    data_json: str
    prev_hash: str


def entry_digest(entry: AuditEntry | EntryFields) -> str:
    """SHA-256 over every stored field of an entry plus the previous entry's hash."""
    material = [
        entry.prev_hash, entry.seq, _utc_text(entry), entry.actor_staff_id, entry.actor_label,
        entry.action, entry.target_type, entry.target_id, entry.summary, entry.data_json,
    ]
    return hashlib.sha256(json.dumps(material, ensure_ascii=False).encode()).hexdigest()


def _utc_text(entry: AuditEntry | EntryFields) -> str:
    # UTCDateTime hands back aware UTC values, so this text is the same on every database.
    return entry.created_dt.strftime("%Y-%m-%dT%H:%M:%S.%f")


@cache
def _lock_head_statement() -> sa.Update:
    """A no-op UPDATE of the tip row that returns it: takes the chain's write lock and reads the tip at once."""
    head = AuditHead.__table__
    return sa.update(head).where(head.c.id == HEAD_ID).values(seq=head.c.seq).returning(head.c.seq, head.c.entry_hash)


def _lock_head() -> tuple[int, str]:
    """Write-lock the chain's tip (a write, so SQLite queues writers too) and return its (seq, entry_hash).

    Core statements on the session's connection: the same locks as ORM objects for a third of the CPU, on the
    path every signature takes. Locking again later in the same transaction is harmless.
    """
    connection = db.session.connection()
    row = connection.execute(_lock_head_statement()).one_or_none()
    if row is None:
        # The very first entry: writers racing to create the tip must not fail on its primary key.
        # ON CONFLICT DO NOTHING makes the loser wait for the winner's commit and then find the row.
        connection.execute(insert_on_conflict(db.session, AuditHead.__table__)
                           .values(id=HEAD_ID, seq=0, entry_hash=GENESIS_HASH).on_conflict_do_nothing())
        row = connection.execute(_lock_head_statement()).one()
    return row.seq, row.entry_hash


def actor_label_of(actor: Staff | str | None) -> str:
    """Readable label for whoever acted."""
    if actor is None:
        return "system"
    if isinstance(actor, str):
        return actor
    return actor.email


def record(
    actor: Staff | str | None,
    action: str,
    target_type: str,
    target_id: Any,
    summary: str,
    data: dict[str, Any] | None = None,
) -> int:
    """Append one audit entry in the caller's transaction and return its seq; the caller commits."""
    db.session.flush()  # the caller's pending changes first, as an ORM flush would (nothing to do when clean)
    seq, prev_hash = _lock_head()
    entry = EntryFields(
        seq=seq + 1,
        created_dt=utcnow(),
        actor_staff_id=getattr(actor, "id", None),
        actor_label=actor_label_of(actor)[:200],
        action=action,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        summary=summary[:500],
        data_json=canonical_json(data),
        prev_hash=prev_hash,
    )
    entry_hash = entry_digest(entry)
    connection = db.session.connection()
    connection.execute(AuditEntry.__table__.insert(), {**vars(entry), "entry_hash": entry_hash})
    connection.execute(_move_head_statement(), {"seq": entry.seq, "entry_hash": entry_hash})
    return entry.seq


@cache
def _move_head_statement() -> sa.Update:
    head = AuditHead.__table__
    return sa.update(head).where(head.c.id == HEAD_ID).values(seq=sa.bindparam("seq"),
                                                              entry_hash=sa.bindparam("entry_hash"))


@dataclass(frozen=True)
class ChainReport:
    """Outcome of a full chain check."""

    is_intact: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""


def verify_chain(batch_size: int = 5000) -> ChainReport:
    """Recompute every link; report the first entry that was edited, removed or reordered."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    query = sa.select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=batch_size)
    for entry in db.session.scalars(query):
        if entry.seq != expected_seq:
            return ChainReport(False, checked, expected_seq, f"entry {expected_seq} is missing (next is {entry.seq})")
        if entry.prev_hash != expected_prev:
            return ChainReport(False, checked, entry.seq, "previous-hash link does not match")
        if entry_digest(entry) != entry.entry_hash:
            return ChainReport(False, checked, entry.seq, "content does not match its hash (edited)")
        expected_prev = entry.entry_hash
        expected_seq += 1
        checked += 1
    head = db.session.get(AuditHead, HEAD_ID)
    head_seq, head_hash = (head.seq, head.entry_hash) if head else (0, GENESIS_HASH)
    if head_seq != checked or head_hash != expected_prev:
        return ChainReport(False, checked, checked + 1, f"chain tip says {head_seq} entries, found {checked} (tail removed)")
    return ChainReport(True, checked)


def anchor_chain_head() -> AuditAnchor | None:
    """Keep the chain's last entry (position and hash) as an anchor; None while the chain is empty. Caller commits.

    The chain alone cannot tell a removed tail from a shorter history once the tip row is rewritten to match;
    an anchor (and its line in the log, kept elsewhere) remembers how far the chain reached and how it ended.
    """
    last = db.session.execute(sa.select(AuditEntry.seq, AuditEntry.entry_hash)
                              .order_by(AuditEntry.seq.desc()).limit(1)).one_or_none()
    if last is None:
        return None
    anchor = AuditAnchor(seq=last.seq, entry_hash=last.entry_hash)
    db.session.add(anchor)
    db.session.flush()
    return anchor


def verify_anchors() -> ChainReport:
    """Check that every anchored entry still exists with its anchored hash; report the first that does not."""
    query = (sa.select(AuditAnchor.id, AuditAnchor.created_dt, AuditAnchor.seq, AuditAnchor.entry_hash,
                       AuditEntry.entry_hash.label("found_hash"))
             .outerjoin(AuditEntry, AuditEntry.seq == AuditAnchor.seq)
             .order_by(AuditAnchor.seq, AuditAnchor.id))
    checked = 0
    for anchor in db.session.execute(query):
        day = anchor.created_dt.strftime("%Y-%m-%d %H:%M UTC")
        if anchor.found_hash is None:
            return ChainReport(False, checked, anchor.seq, f"anchor of {day} names an entry that is gone (tail removed)")
        if anchor.found_hash != anchor.entry_hash:
            return ChainReport(False, checked, anchor.seq, f"hash differs from the anchor of {day} (chain rewritten)")
        checked += 1
    return ChainReport(True, checked)
