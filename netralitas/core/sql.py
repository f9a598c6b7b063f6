"""SQLAlchemy helpers with no domain knowledge: an INSERT that can skip duplicates, a commit that survives one race.

They take the session as an argument (no app, no models), so they stay as pure as the rest of core.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, scoped_session

T = TypeVar("T")

#: The dialect INSERT constructs that offer ON CONFLICT DO NOTHING (both supported databases do), by dialect name.
INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def insert_on_conflict(session: Session | scoped_session, table: Any) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into table for the session's database, with `.on_conflict_do_nothing()` available."""
    return INSERTS[session.get_bind().dialect.name](table)


def commit_retrying_once(session: Session | scoped_session, work: Callable[[], T]) -> T:
    """Run work and commit; if a concurrent transaction committed the same unique rows first, roll back and run again.

    Meant for find-or-create work: the second run finds the rows the other transaction created, which are just as
    good. A second clash is not a race any more and is raised.
    """
    try:
        result = work()
        session.commit()
        return result
    except IntegrityError:
        session.rollback()
    result = work()
    session.commit()
    return result
