"""What holds NIK, birth dates and phone numbers is owner-only: the instance folder, the SQLite files, backups."""
from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa

from netralitas import create_app
from netralitas.extensions import db
from netralitas.masterdata.models import AgencyKind
from netralitas.masterdata.services import create_agency
from netralitas.ops import backup


def _small_database(path: Path) -> Path:
    """A SQLite file with the tables a backup checks for, and one NIK."""
    with sqlite3.connect(path) as connection:
        for table in ("audit_entries", "signatures", "certificates"):
            connection.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY)")
        connection.execute("CREATE TABLE employees (nik TEXT)")
        connection.execute("INSERT INTO employees VALUES ('3273014101800001')")
    connection.close()
    return path


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def usual_umask():
    """The umask of a typical service account (022), whatever the test runner's is."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.fixture
def fresh_instance(tmp_path, monkeypatch, usual_umask) -> Path:
    instance = tmp_path / "instance"
    monkeypatch.setenv("NETRALITAS_INSTANCE", str(instance))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return instance


def test_a_fresh_install_keeps_the_database_and_its_companions_owner_only(fresh_instance):
    app = create_app({"TESTING": True})
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/netralitas.db")
    with app.app_context():
        db.create_all()  # what `db upgrade` does to the file
        create_agency("test", code="PEMKOT", name="Pemerintah Kota Uji", kind=AgencyKind.PEMERINTAH, parent=None)
        db.session.commit()
        database = fresh_instance / "netralitas.db"
        files = [database, database.with_name("netralitas.db-wal"), database.with_name("netralitas.db-shm")]
        assert all(path.exists() for path in files)  # WAL mode, a connection still open
        assert {path.name: _mode(path) for path in files} == {path.name: 0o600 for path in files}
        db.engine.dispose()
    assert _mode(fresh_instance) == 0o700
    assert _mode(fresh_instance / "secret_key") == 0o600 and _mode(fresh_instance / "invitation_key") == 0o600


def test_a_readable_database_of_an_older_version_is_tightened(fresh_instance):
    fresh_instance.mkdir(mode=0o755)
    os.chmod(fresh_instance, 0o755)  # noqa: S103  (as an older version left it)
    database = fresh_instance / "netralitas.db"
    sqlite3.connect(database).close()
    os.chmod(database, 0o644)
    app = create_app({"TESTING": True})
    with app.app_context():
        db.session.execute(sa.text("SELECT 1"))  # the first connection tightens the file
        assert _mode(database) == 0o600
        db.session.remove()
        db.engine.dispose()
    assert _mode(fresh_instance) == 0o700


def test_a_backup_is_never_readable_by_others_not_even_while_it_is_written(tmp_path, usual_umask, monkeypatch):
    source = _small_database(tmp_path / "live.db")
    seen = []
    real_counts = backup._checked_counts

    def counts_and_mode(path):
        seen.append(_mode(path))  # the partial copy, already complete, before it is moved into place
        return real_counts(path)

    monkeypatch.setattr(backup, "_checked_counts", counts_and_mode)
    copy = backup.backup_sqlite(source, tmp_path / "copy.db")
    assert seen == [0o600] and _mode(copy.path) == 0o600


def test_a_restored_database_is_owner_only(tmp_path, usual_umask):
    source = _small_database(tmp_path / "backup.db")
    restored, _ = backup.restore_sqlite(source, tmp_path / "restored.db", force=False)
    assert _mode(restored.path) == 0o600


def test_pending_uploads_live_in_the_owner_only_database():
    from netralitas.masterdata.models import PendingImport

    assert PendingImport.__tablename__ in db.metadata.tables  # no upload file of their own to protect
