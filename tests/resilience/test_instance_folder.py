"""An instance folder that cannot be written stops start-up with one clear line naming it, never a traceback."""
from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from netralitas import InstanceFolderError, create_app
from tests.resilience.app_server import ROOT, clean_env, gunicorn_command


@pytest.fixture
def blocked_folder(tmp_path) -> Path:
    """A folder path under a regular file: cannot be created even by root (chmod would not stop root)."""
    (tmp_path / "a-file").write_text("not a folder")
    return tmp_path / "a-file" / "instance"


def test_folder_under_a_file(blocked_folder, monkeypatch):
    monkeypatch.setenv("NETRALITAS_INSTANCE", str(blocked_folder))
    with pytest.raises(InstanceFolderError, match=f"{blocked_folder} is not writable \\(Not a directory\\)"):
        create_app({"TESTING": True})


@pytest.mark.parametrize(("code", "reason"), [(errno.ENOSPC, "No space left on device"),
                                              (errno.EACCES, "Permission denied"),
                                              (errno.EROFS, "Read-only file system")])
def test_full_disk_or_read_only_folder(tmp_path, monkeypatch, code, reason):
    folder = tmp_path / "instance"
    monkeypatch.setenv("NETRALITAS_INSTANCE", str(folder))

    def refuse(self, *args, **kwargs):
        raise OSError(code, os.strerror(code), str(self))

    monkeypatch.setattr(Path, "write_text", refuse)
    with pytest.raises(InstanceFolderError) as caught:
        create_app({"TESTING": True})
    assert str(folder) in str(caught.value) and reason in str(caught.value)
    assert "NETRALITAS_INSTANCE" in str(caught.value)  # says what to do, too


def test_flask_cli_prints_one_line_and_exits_nonzero(blocked_folder):
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"], cwd=ROOT,
                            env=clean_env(blocked_folder), capture_output=True, text=True, timeout=60)
    assert result.returncode == 4
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.strip().splitlines() == [
        f"netralitas: Instance folder {blocked_folder} is not writable (Not a directory). "
        "Free disk space or fix its permissions, or point NETRALITAS_INSTANCE elsewhere."]


def test_gunicorn_stops_before_starting_workers(blocked_folder):
    # gunicorn.conf.py checks the folder in the master: no worker starts, so none can race another to halt gunicorn.
    result = subprocess.run(gunicorn_command("--workers", "2", "--bind", "127.0.0.1:0"),
                            cwd=ROOT, env=clean_env(blocked_folder), capture_output=True, text=True, timeout=60)
    output = result.stdout + result.stderr
    assert result.returncode == 4
    assert f"netralitas: Instance folder {blocked_folder} is not writable" in output
    assert "Booting worker" not in output
    assert "Traceback" not in output


def test_gunicorn_without_the_config_file_halts_when_the_worker_cannot_load(blocked_folder):
    # Started without gunicorn.conf.py (another folder, another -c): app.py's exit status stops gunicorn instead.
    result = subprocess.run(gunicorn_command("-c", os.devnull, "--workers", "1", "--bind", "127.0.0.1:0"),
                            cwd=ROOT, env=clean_env(blocked_folder), capture_output=True, text=True, timeout=60)
    output = result.stdout + result.stderr
    assert result.returncode == 4
    assert "App failed to load" in output
    assert f"netralitas: Instance folder {blocked_folder} is not writable" in output
    assert "Traceback" not in output
