"""Backups: an online SQLite copy (the backup API, consistent while the app writes), the key files, a checked restore.

PostgreSQL is backed up with its own tools (`pg_dump`/`pg_restore`): this module writes the exact commands and can
run `pg_dump` when it is installed.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from netralitas.core.files import create_private_file

#: Tables a Netralitas database has, whatever its migration: a file without them is not one of ours.
REQUIRED_TABLES = ("audit_entries", "signatures", "certificates", "employees")
#: Instance files that are secrets the database cannot replace (each may instead come from the environment).
SECRET_FILES = {"invitation_key": "INVITATION_KEY", "secret_key": "SECRET_KEY"}


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; str() says why and what to do."""


@dataclass
class KeysCopy:
    """What the key backup holds, and the secrets it could not hold (set in the environment instead)."""

    folder: Path
    files: list[str] = field(default_factory=list)
    from_environment: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SqliteCopy:
    """A finished, checked SQLite copy and the rows of each table in it."""

    path: Path
    row_counts: dict[str, int]


def sqlite_file(url: sa.URL) -> Path | None:
    """The database file of a SQLite URL; None for any other database (or an in-memory SQLite)."""
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def timestamped_name(now: datetime | None = None, suffix: str = ".db") -> str:
    """netralitas-YYYYMMDD-HHMMSS<suffix>, in UTC so names sort in time order on any server."""
    return f"netralitas-{(now or datetime.now(UTC)):%Y%m%d-%H%M%S}{suffix}"


def backup_target(dest: Path, suffix: str = ".db", now: datetime | None = None) -> Path:
    """DEST itself, or a timestamped file inside DEST when it is a folder; never an existing file."""
    target = dest / timestamped_name(now, suffix) if dest.is_dir() else dest
    if target.exists():
        raise BackupError(f"{target} already exists; choose another name or a folder (a timestamped name is used).")
    if not target.parent.is_dir():
        raise BackupError(f"Folder {target.parent} does not exist.")
    return target


def backup_sqlite(source: Path, target: Path) -> SqliteCopy:
    """Copy a live SQLite database with the online backup API, check it, and move it into place atomically."""
    if not source.is_file():
        raise BackupError(f"Database file {source} does not exist.")
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        # Owner-only before SQLite writes a byte (its journal takes the same mode): names, NIP/NIK and signatures.
        create_private_file(partial)
        _copy_database(source, partial)
        counts = _checked_counts(partial)
        _fsync(partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return SqliteCopy(target, counts)


def _copy_database(source: Path, target: Path) -> None:
    # pages=-1 copies everything in one step under one read snapshot: in WAL mode the app keeps writing meanwhile,
    # and the copy is the database as of one commit. (Page-by-page steps restart whenever another connection
    # writes, and might never finish during a burst.)
    with _connect(source) as src, _connect(target) as dst:
        src.backup(dst, pages=-1)
        # A self-contained file: no -wal/-shm companions needed to open it, even from read-only media.
        dst.execute("PRAGMA journal_mode=DELETE")


def _connect(path: Path) -> _Closing:
    return _Closing(sqlite3.connect(path, timeout=30))


class _Closing:
    """sqlite3's own context manager commits but does not close; this one closes."""

    def __init__(self, connection: sqlite3.Connection):
        self.connection = connection

    def __enter__(self) -> sqlite3.Connection:
        return self.connection

    def __exit__(self, *exc) -> None:
        self.connection.close()


def integrity_problems(path: Path) -> list[str]:
    """`PRAGMA integrity_check` findings (empty when the file is sound) plus missing Netralitas tables."""
    try:
        with _connect(path) as conn:
            found = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        return [f"not a readable SQLite database ({exc})"]
    problems = [] if found == ["ok"] else found[:10]
    missing = [name for name in REQUIRED_TABLES if name not in tables]
    if missing:
        problems.append(f"not a Netralitas database (missing tables: {', '.join(missing)})")
    return problems


def row_counts(path: Path) -> dict[str, int]:
    """Rows per table of a SQLite file (sorted by table name)."""
    with _connect(path) as conn:
        names = sorted(row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"))
        # Names come from sqlite_master of the file itself, quoted as identifiers.
        return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


def _checked_counts(path: Path) -> dict[str, int]:
    problems = integrity_problems(path)
    if problems:
        raise BackupError(f"The copy failed its integrity check: {'; '.join(problems)}")
    return row_counts(path)


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def copy_keys(keys_dir: Path, instance_path: Path, target: Path) -> KeysCopy:
    """Copy the certificate keys folder and the instance secrets into a new owner-only folder."""
    if target.exists():
        raise BackupError(f"{target} already exists.")
    target.mkdir(mode=0o700)
    os.chmod(target, 0o700)  # mkdir's mode is filtered by the umask
    result = KeysCopy(target)
    if keys_dir.is_dir():
        (target / "keys").mkdir(mode=0o700)
        for item in sorted(keys_dir.iterdir()):
            if item.is_file() and not item.name.startswith("."):
                _copy_private(item, target / "keys" / item.name)
                result.files.append(f"keys/{item.name}")
    for name, variable in SECRET_FILES.items():
        if os.environ.get(variable):
            result.from_environment.append(variable)
        elif (instance_path / name).is_file():
            _copy_private(instance_path / name, target / name)
            result.files.append(name)
    return result


def _copy_private(source: Path, target: Path) -> None:
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle, source.open("rb") as original:
        shutil.copyfileobj(original, handle)


def restore_sqlite(source: Path, target: Path, *, force: bool) -> tuple[SqliteCopy, Path | None]:
    """Check SOURCE, keep a copy of the current database (if any), then copy SOURCE over it.

    Returns the restored database with its row counts, and where the previous database was saved.
    """
    if not source.is_file():
        raise BackupError(f"Backup file {source} does not exist.")
    problems = integrity_problems(source)
    if problems:
        raise BackupError(f"{source} cannot be restored: {'; '.join(problems)}")
    if source.resolve() == target.resolve():
        raise BackupError("The backup file is the application's database itself.")
    previous = None
    if target.exists():
        if not force:
            raise BackupError(f"The application database {target} exists. Stop the app, then restore with --force "
                              "(the current database is saved next to it first).")
        saved_as = target.with_name(f"{target.stem}.before-restore-{datetime.now(UTC):%Y%m%d-%H%M%S}{target.suffix}")
        previous = backup_sqlite(target, saved_as).path
    create_private_file(target)
    with _connect(source) as src, _connect(target) as dst:
        # Through SQLite, not a file copy: the target's -wal and -shm files stay consistent with its new content.
        src.backup(dst, pages=-1)
    return SqliteCopy(target, _checked_counts(target)), previous


def pg_dump_command(url: sa.URL, target: Path) -> list[str]:
    """The pg_dump command line for a database URL (password left out: libpq reads PGPASSWORD or ~/.pgpass)."""
    return ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}", libpq_url(url)]


def createdb_command(url: sa.URL) -> list[str]:
    """The createdb command line for the database a URL names, on the same server as the same user."""
    options = [f"--{name}={value}" for name, value in (("host", url.host), ("port", url.port), ("username", url.username))
               if value]
    return ["createdb", *options, str(url.database)]


def pg_restore_command(url: sa.URL, source: str) -> list[str]:
    """The pg_restore command line that loads a dump into the (new, empty) database URL names."""
    return ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
            f"--dbname={libpq_url(url)}", source]


def libpq_url(url: sa.URL) -> str:
    """The URL as libpq's tools read it: no SQLAlchemy driver suffix, no password."""
    # Built afresh: URL.set(password=None) leaves the password in place.
    bare = sa.URL.create("postgresql", username=url.username, host=url.host, port=url.port, database=url.database,
                         query=url.query)
    return bare.render_as_string(hide_password=False)


def run_pg_dump(url: sa.URL, target: Path) -> None:
    """Run pg_dump to TARGET (password through the environment, never the command line)."""
    if shutil.which("pg_dump") is None:
        raise BackupError("pg_dump is not installed here (Debian: apt-get install postgresql-client).")
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    create_private_file(target)  # pg_dump writes into it and keeps its owner-only mode
    # A fixed argument list, no shell; the URL comes from our own configuration.
    result = subprocess.run(pg_dump_command(url, target), env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        target.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed ({result.returncode}): {result.stderr.strip()[:2000]}")
    os.chmod(target, 0o600)
