"""Real database faults during a signature: SQLite locked past its busy timeout, PostgreSQL unreachable or its
connection killed mid-transaction. The signer gets the 503 "coba lagi" page, nothing is half-stored, and the same
resubmission succeeds once the database is back.
"""
from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy import event

from netralitas.audit.models import AuditEntry
from netralitas.audit.services import verify_chain
from netralitas.certificates.models import Certificate
from netralitas.extensions import db
from netralitas.signing import services as signing
from netralitas.signing.models import Signature
from tests.ops.conftest import broken_app  # noqa: F401  (fixture: the same app with an unreachable database)

sqlite_only = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
postgres_only = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)


def stored() -> tuple[int, int, int]:
    """Signatures, certificates and signature audit entries in the database."""
    count = sa.func.count()
    return (db.session.scalar(sa.select(count).select_from(Signature)),
            db.session.scalar(sa.select(count).select_from(Certificate)),
            db.session.scalar(sa.select(count).select_from(AuditEntry).where(AuditEntry.action == "signature.create")))


def verified_signer(client, invited) -> None:
    response = client.post(f"/e/{invited.event.slug}", data={"code": invited.code, "birth_date": invited.birth})
    assert response.status_code == 302


def assert_try_again_page(response) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "coba lagi" in response.text and "belum tersimpan" in response.text


def assert_signed_once(response) -> None:
    assert response.status_code == 302 and response.headers["Location"].endswith("/selesai")
    db.session.rollback()
    assert stored() == (1, 1, 1)
    assert verify_chain().is_intact


@pytest.fixture
def busy_timeout(app):
    """Set SQLite's busy timeout (ms) for this app's new connections; production waits 10 s."""
    listeners = []

    def set_to(timeout: int) -> None:
        def apply(dbapi_connection, record) -> None:
            dbapi_connection.execute(f"PRAGMA busy_timeout={timeout}")

        event.listen(db.engine, "connect", apply)  # runs after db.py's own listener
        listeners.append(apply)
        db.session.rollback()  # gives the connection back to the pool, keeps the test's objects attached
        db.engine.dispose()
        assert db.session.execute(sa.text("PRAGMA busy_timeout")).scalar() == timeout
        db.session.rollback()

    yield set_to
    for apply in listeners:
        event.remove(db.engine, "connect", apply)
    db.engine.dispose()


@pytest.fixture
def write_lock(app):
    """Another process's connection holding SQLite's write lock (BEGIN IMMEDIATE) until released."""
    path = Path(db.engine.url.database)
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    yield holder
    if holder.in_transaction:
        holder.execute("ROLLBACK")
    holder.close()


@sqlite_only
def test_sqlite_locked_longer_than_the_busy_timeout(client, invited, busy_timeout, write_lock):
    busy_timeout(300)  # the lock is held until released below: whatever the timeout, it runs out
    verified_signer(client, invited)
    response = client.post(f"/e/{invited.event.slug}/deklarasi", data=invited.declaration())
    assert_try_again_page(response)
    write_lock.execute("ROLLBACK")  # the other writer finishes
    assert stored() == (0, 0, 0)

    retry = client.post(f"/e/{invited.event.slug}/deklarasi", data=invited.declaration())
    assert_signed_once(retry)


@sqlite_only
def test_sqlite_lock_shorter_than_the_busy_timeout_is_waited_out(client, invited, busy_timeout, write_lock):
    busy_timeout(30_000)  # far beyond the 0.2 s the lock is held, even on a loaded machine
    verified_signer(client, invited)
    release = threading.Timer(0.2, write_lock.execute, args=("ROLLBACK",))
    release.start()
    response = client.post(f"/e/{invited.event.slug}/deklarasi", data=invited.declaration())
    release.join()
    assert_signed_once(response)


def test_database_unreachable_then_back(app, client, invited, broken_app):  # noqa: F811
    """Both backends: the same signer session on an app whose database is unreachable, then on the real one."""
    verified_signer(client, invited)
    cut_off = broken_app.test_client()
    cut_off.set_cookie("session", client.get_cookie("session").value)
    response = cut_off.post(f"/e/{invited.event.slug}/deklarasi", data=invited.declaration())
    assert_try_again_page(response)
    assert stored() == (0, 0, 0)

    retry = client.post(f"/e/{invited.event.slug}/deklarasi", data=invited.declaration())
    assert_signed_once(retry)


def admin_connection():
    url = db.engine.url
    return psycopg.connect(host=url.host, port=url.port, user=url.username, dbname="postgres", autocommit=True)


@postgres_only
def test_postgresql_connection_killed_in_the_middle_of_a_signature(client, invited, monkeypatch):
    """The server ends the backend after the signature row was written, before its certificate: all or nothing."""
    verified_signer(client, invited)
    issue = signing.issue_certificate

    def killed_then_issue(signature):
        pid = db.session.execute(sa.text("SELECT pg_backend_pid()")).scalar()
        with admin_connection() as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        return issue(signature)

    monkeypatch.setattr(signing, "issue_certificate", killed_then_issue)
    response = client.post(f"/e/{invited.event.slug}/deklarasi", data=invited.declaration())
    assert_try_again_page(response)
    assert stored() == (0, 0, 0)

    monkeypatch.undo()
    retry = client.post(f"/e/{invited.event.slug}/deklarasi", data=invited.declaration())
    assert_signed_once(retry)


@postgres_only
def test_postgresql_restart_between_requests_is_invisible(client, invited):
    """Every pooled connection dies (as on a server restart): pool_pre_ping reconnects, the signer sees nothing."""
    verified_signer(client, invited)
    form = invited.declaration()
    db.session.rollback()  # the test's own connection goes back to the pool, to be killed with the others
    with admin_connection() as admin:
        killed = admin.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                               "WHERE datname = %s AND pid <> pg_backend_pid()", (db.engine.url.database,)).fetchone()[0]
    assert killed >= 1
    response = client.post(f"/e/{invited.event.slug}/deklarasi", data=form)
    assert_signed_once(response)
