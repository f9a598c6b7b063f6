"""Operational checks that touch nothing but the database connection."""
from __future__ import annotations

import logging

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from netralitas.extensions import db

log = logging.getLogger("netralitas.ops")


def database_is_reachable() -> bool:
    """True when a `SELECT 1` succeeds on a fresh checkout from the pool; never raises for database faults."""
    try:
        # A connection of its own, not db.session: the check must not leave a transaction or state behind.
        with db.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except SQLAlchemyError as exc:  # OperationalError, pool TimeoutError, a DBAPI error on connect...
        log.warning("health check: database unavailable (%s)", exc.__class__.__name__)
        return False
    return True
