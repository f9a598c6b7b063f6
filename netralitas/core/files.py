"""Owner-only files and folders for what holds personal data (the SQLite database, backups)."""
from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

#: Group and other permission bits: none of them on files holding NIK, birth dates and phone numbers.
SHARED_BITS = 0o077


def make_private(path: Path) -> None:
    """Remove group and other permissions from an existing file or folder (a no-op when already private)."""
    with contextlib.suppress(FileNotFoundError):
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & SHARED_BITS:
            os.chmod(path, mode & ~SHARED_BITS)


def create_private_file(path: Path) -> None:
    """Create an empty owner-only file unless it exists (then only make it private).

    SQLite gives a database's -wal, -shm and -journal files the permissions of the database file itself, so an
    owner-only database created this way before SQLite opens it keeps all its companions owner-only too.
    """
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        make_private(path)
