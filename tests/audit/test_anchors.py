"""Daily anchors of the audit chain head: kept, and checked by `flask audit verify`."""
from __future__ import annotations

import sqlalchemy as sa

from netralitas.audit.models import AuditAnchor
from netralitas.audit.services import anchor_chain_head, entry_digest, record, verify_anchors, verify_chain
from netralitas.extensions import db


def append(n: int) -> None:
    for i in range(1, n + 1):
        record("tester", "test.append", "thing", i, f"entri {i}", {"i": i})
    db.session.commit()


def tamper(sql: str, **params) -> None:
    db.session.execute(sa.text(sql), params)
    db.session.commit()
    db.session.expire_all()


def anchor() -> AuditAnchor:
    made = anchor_chain_head()
    db.session.commit()
    return made


def cut_tail_and_rewrite_head(keep: int) -> None:
    """What an intruder with database access does: drop the last entries and point the tip at the new last one."""
    tamper("DELETE FROM audit_entries WHERE seq > :keep", keep=keep)
    last_hash = db.session.scalar(sa.text("SELECT entry_hash FROM audit_entries WHERE seq = :keep"), {"keep": keep})
    tamper("UPDATE audit_head SET seq = :keep, entry_hash = :hash", keep=keep, hash=last_hash)


def test_anchor_keeps_the_last_entry(app):
    append(3)
    made = anchor()
    last = db.session.execute(sa.text("SELECT seq, entry_hash FROM audit_entries ORDER BY seq DESC")).first()
    assert (made.seq, made.entry_hash) == tuple(last)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditAnchor)) == 1


def test_an_empty_chain_has_nothing_to_anchor(app):
    assert anchor_chain_head() is None
    assert verify_anchors().is_intact


def test_anchors_match_an_intact_chain(app):
    append(2)
    anchor()
    append(2)
    anchor()
    report = verify_anchors()
    assert report.is_intact and report.checked == 2


def test_a_removed_tail_with_a_rewritten_head_is_caught_by_the_anchor(app):
    append(5)
    anchor()
    cut_tail_and_rewrite_head(keep=3)
    assert verify_chain().is_intact  # the chain alone cannot tell: this is what the anchor is for
    report = verify_anchors()
    assert not report.is_intact
    assert report.broken_seq == 5
    assert "gone" in report.reason


def test_a_rewritten_history_is_caught_by_the_anchor(app):
    append(4)
    anchor()
    # Rewrite entry 4 and recompute its hash and the tip: the chain is self-consistent again.
    tamper("UPDATE audit_entries SET summary = 'disamarkan' WHERE seq = 4")
    entry = db.session.execute(sa.text("SELECT * FROM audit_entries WHERE seq = 4")).mappings().one()
    from netralitas.audit.models import AuditEntry

    rewritten = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.seq == 4))
    new_hash = entry_digest(rewritten)
    assert new_hash != entry["entry_hash"]
    tamper("UPDATE audit_entries SET entry_hash = :h WHERE seq = 4", h=new_hash)
    tamper("UPDATE audit_head SET entry_hash = :h", h=new_hash)
    assert verify_chain().is_intact
    report = verify_anchors()
    assert not report.is_intact
    assert report.broken_seq == 4
    assert "rewritten" in report.reason


def test_verify_command_checks_anchors(runner):
    append(4)
    anchor()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "4 entries verified, 1 anchors match" in result.output
    cut_tail_and_rewrite_head(keep=2)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "BROKEN at entry #4" in result.output
