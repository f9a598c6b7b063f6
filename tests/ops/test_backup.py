"""`flask backup` / `flask restore`: a consistent SQLite copy taken while the app writes, restored and verified."""
from __future__ import annotations

import os
import stat
import subprocess
import threading
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

from netralitas import create_app
from netralitas.audit.services import record
from netralitas.extensions import db
from netralitas.ops import backup as backups

sqlite_only = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
postgres_only = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)


@pytest.fixture
def signed(make_agency, make_employee, make_event, sign_for):
    """An event with three signatures (each with its certificate and audit entry)."""
    agency = make_agency()
    event = make_event()
    return [sign_for(event, make_employee(agency)) for _ in range(3)]


class AuditWriter(threading.Thread):
    """Appends audit entries, one commit each, until stopped: the app writing during the backup."""

    def __init__(self, app):
        super().__init__(daemon=True)
        self.app, self.committed, self.stop, self.error = app, 0, threading.Event(), None
        self.progress = threading.Condition()

    def run(self) -> None:
        try:
            with self.app.app_context():
                while not self.stop.is_set():
                    record("test", "ops.tick", "tick", self.committed, "tick")
                    db.session.commit()
                    with self.progress:
                        self.committed += 1
                        self.progress.notify_all()
                db.session.remove()
        except Exception as exc:  # surfaced by the test, not lost in the thread
            self.error = exc
            with self.progress:
                self.progress.notify_all()

    def wait_for(self, count: int) -> None:
        with self.progress:
            assert self.progress.wait_for(lambda: self.committed >= count or self.error, timeout=60)
        assert self.error is None, self.error


def restored_app(tmp_path: Path, monkeypatch):
    """A second install (own instance folder and SQLite file) to restore into."""
    monkeypatch.setenv("NETRALITAS_INSTANCE", str(tmp_path / "instance2"))
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'restored.db'}"})


def invoke(app, *args: str):
    """Run a CLI command against APP (the test's own app context would otherwise win)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def audit_entries() -> int:
    return db.session.scalar(sa.text("SELECT count(*) FROM audit_entries"))


def database_file(app) -> Path:
    return Path(sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database)


@sqlite_only
def test_backup_while_the_app_writes_then_restore_and_verify(app, runner, signed, tmp_path, monkeypatch):
    before = audit_entries()
    writer = AuditWriter(app)
    writer.start()
    try:
        writer.wait_for(20)
        result = runner.invoke(args=["backup", str(tmp_path)])
        started_after = writer.committed
        writer.wait_for(started_after + 20)  # the writer kept committing while and after the copy was made
    finally:
        writer.stop.set()
        writer.join(30)
    assert writer.error is None, writer.error
    assert result.exit_code == 0, result.output
    (copy,) = tmp_path.glob("netralitas-*.db")
    assert "integrity check ok" in result.output and str(copy) in result.output
    assert "NOT in this backup" in result.stderr
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    counts = backups.row_counts(copy)
    assert counts["signatures"] == counts["certificates"] == 3
    assert before + 20 <= counts["audit_entries"] < before + writer.committed  # a snapshot from amid the writes

    target = restored_app(tmp_path, monkeypatch)
    restore = invoke(target, "restore", str(copy))
    assert restore.exit_code == 0, restore.output
    assert backups.row_counts(database_file(target)) == counts
    verify = invoke(target, "audit", "verify")
    assert verify.exit_code == 0, verify.output
    assert f"{counts['audit_entries']} entries verified" in verify.output
    with target.app_context():
        db.engine.dispose()


@sqlite_only
def test_restore_refuses_to_replace_a_database_unless_forced(app, runner, signed, tmp_path, monkeypatch):
    assert runner.invoke(args=["backup", str(tmp_path / "first.db")]).exit_code == 0
    entries = backups.row_counts(tmp_path / "first.db")["audit_entries"]
    target = restored_app(tmp_path, monkeypatch)
    assert invoke(target, "restore", str(tmp_path / "first.db")).exit_code == 0
    with target.app_context():  # the restored install goes on: one more audit entry
        record("test", "ops.after", "tick", 1, "after the restore")
        db.session.commit()
        db.engine.dispose()

    refused = invoke(target, "restore", str(tmp_path / "first.db"))
    assert refused.exit_code == 1 and "--force" in refused.output
    assert backups.row_counts(database_file(target))["audit_entries"] == entries + 1

    forced = invoke(target, "restore", str(tmp_path / "first.db"), "--force")
    assert forced.exit_code == 0, forced.output
    assert backups.row_counts(database_file(target))["audit_entries"] == entries
    (saved,) = tmp_path.glob("restored.before-restore-*.db")
    assert backups.row_counts(saved)["audit_entries"] == entries + 1
    with target.app_context():
        db.engine.dispose()


@sqlite_only
def test_restore_checks_the_source_first(app, runner, tmp_path, monkeypatch):
    target = restored_app(tmp_path, monkeypatch)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"SQLite format 3\x00" + os.urandom(8192))
    other = tmp_path / "other.db"
    with backups._connect(other) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY)")
    for source, reason in ((junk, "cannot be restored"), (other, "not a Netralitas database"),
                           (tmp_path / "missing.db", "does not exist")):
        result = invoke(target, "restore", str(source))
        assert result.exit_code != 0 and reason in result.output, result.output
    assert not database_file(target).exists()


@sqlite_only
def test_backup_with_keys_is_owner_only_and_never_overwrites(app, runner, tmp_path):
    dest = tmp_path / "copy.db"
    result = runner.invoke(args=["backup", str(dest), "--with-keys"])
    assert result.exit_code == 0, result.output
    keys = tmp_path / "copy.db.keys"
    kid = (Path(app.config["KEYS_DIR"]) / "current").read_text().strip()
    assert {p.name for p in (keys / "keys").iterdir()} == {"current", f"{kid}.key.pem", f"{kid}.pub.pem"}
    assert (keys / "invitation_key").read_bytes() == (Path(app.instance_path) / "invitation_key").read_bytes()
    assert stat.S_IMODE(keys.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in keys.rglob("*") if p.is_file())
    assert "NOT in this backup" not in result.stderr

    again = runner.invoke(args=["backup", str(dest)])
    assert again.exit_code == 1 and "already exists" in again.output


@sqlite_only  # the app under test is a second one on a PostgreSQL URL; it never connects, so one run is enough
def test_postgresql_backup_prints_pg_dump_commands_without_the_password(app, tmp_path):
    url = "postgresql+psycopg://netralitas:s3cret-pass@db.internal:5433/netralitas"
    other = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    result = invoke(other, "backup", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "pg_dump --format=custom" in result.output
    assert "postgresql://netralitas@db.internal:5433/netralitas" in result.output
    assert "pg_restore" in result.output and "netralitas_restored" in result.output
    assert "s3cret" not in result.output + result.stderr
    assert not list(tmp_path.iterdir())  # nothing written, nothing connected to


@postgres_only
def test_postgresql_dump_restores_into_a_new_database(app, runner, signed, tmp_path, monkeypatch):
    result = runner.invoke(args=["backup", str(tmp_path), "--run-pg-dump"])
    assert result.exit_code == 0, result.output
    (dump,) = tmp_path.glob("netralitas-*.dump")
    restored = db.engine.url.set(database=f"{db.engine.url.database}_restored")
    with psycopg.connect(backups.libpq_url(db.engine.url.set(database="postgres")), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{restored.database}"')
    try:
        for command in (backups.createdb_command(restored), backups.pg_restore_command(restored, str(dump))):
            subprocess.run(command, check=True, capture_output=True)
        monkeypatch.setenv("NETRALITAS_INSTANCE", str(tmp_path / "instance2"))
        target = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": restored.render_as_string(False)})
        verify = invoke(target, "audit", "verify")
        assert verify.exit_code == 0, verify.output
        with target.app_context():
            copied = db.session.scalar(sa.text("SELECT count(*) FROM certificates"))
            db.session.remove()
            db.engine.dispose()
        assert copied == 3
    finally:
        with psycopg.connect(backups.libpq_url(db.engine.url.set(database="postgres")), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{restored.database}" WITH (FORCE)')
