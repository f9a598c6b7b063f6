"""core.sql: the dialect INSERT that skips duplicates, and the commit that runs its work again after one race."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from netralitas.audit.models import AuditHead
from netralitas.core.sql import commit_retrying_once, insert_on_conflict
from netralitas.extensions import db


def _heads() -> list[int]:
    return list(db.session.scalars(sa.select(AuditHead.id).order_by(AuditHead.id)))


def test_insert_on_conflict_skips_an_existing_key(app):
    for seq in (1, 2):
        db.session.execute(insert_on_conflict(db.session, AuditHead).values(id=7, seq=seq, entry_hash="0" * 64)
                           .on_conflict_do_nothing())
    db.session.commit()
    assert db.session.get(AuditHead, 7).seq == 1  # the second row was skipped, not merged


def test_commit_retrying_once_drops_the_first_attempt_and_commits_the_second(app):
    attempts = []

    def work() -> str:
        attempts.append(len(attempts))
        db.session.add(AuditHead(id=10 + len(attempts), seq=0, entry_hash="0" * 64))
        if len(attempts) == 1:
            db.session.flush()
            raise IntegrityError("INSERT", {}, Exception("a concurrent transaction won"))
        return "done"

    assert commit_retrying_once(db.session, work) == "done"
    db.session.expire_all()
    assert attempts == [0, 1] and _heads() == [12]  # the first attempt's row was rolled back


def test_commit_retrying_once_raises_a_second_clash(app):
    def work() -> None:
        raise IntegrityError("INSERT", {}, Exception("not a race any more"))

    with pytest.raises(IntegrityError):
        commit_retrying_once(db.session, work)
