"""Operational checks: the database connection and the certificate signing key, nothing else."""
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


def signing_key_is_usable() -> bool:
    """True when certificates can be signed: without a key every signature would fail after it was drawn."""
    from netralitas.certificates.services import has_usable_signing_key

    if has_usable_signing_key():
        return True
    log.warning("health check: no usable certificate signing key (run `flask keys generate`)")
    return False
