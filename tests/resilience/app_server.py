"""Run the app under a real gunicorn (with the project's gunicorn.conf.py hooks) for tests that need real processes."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: Settings a developer's shell may hold that would point a test server at real data or change what it checks.
_UNSET = {"DATABASE_URL", "SECRET_KEY", "INVITATION_KEY", "FLASK_APP", "REDIS_URL", "RATELIMIT_STORAGE_URI",
          "TRUSTED_PROXIES", "GUNICORN_CMD_ARGS", "WEB_CONCURRENCY"}
_LISTENING = re.compile(r"Listening at: http://[\d.]+:(\d+)")


def clean_env(instance: Path, **settings: str) -> dict[str, str]:
    """This process's environment without app settings, over the given instance folder, plus the given settings."""
    env = {k: v for k, v in os.environ.items() if k not in _UNSET}
    env["NETRALITAS_INSTANCE"] = str(instance)
    env.update(settings)
    return env


def gunicorn_command(*options: str) -> list[str]:
    """The command line that serves app:app from the project root, as the README runs it."""
    return [sys.executable, "-m", "gunicorn", *options, "app:app"]


@dataclass
class GunicornServer:
    """A gunicorn started by `running_gunicorn`: its port and the file its log goes to."""

    port: int
    log_file: Path

    def log(self) -> str:
        return self.log_file.read_text(errors="replace")


@contextmanager
def running_gunicorn(env: dict[str, str], log_file: Path, *options: str) -> Iterator[GunicornServer]:
    """Start gunicorn on a free loopback port, yield once it listens, and stop it gracefully (SIGTERM) afterwards."""
    with log_file.open("w") as log:
        process = subprocess.Popen(gunicorn_command("--bind", "127.0.0.1:0", "--no-control-socket", *options), cwd=ROOT, env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
    try:
        yield GunicornServer(_wait_for_port(process, log_file), log_file)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for_port(process: subprocess.Popen, log_file: Path, deadline_s: float = 60) -> int:
    """The port gunicorn reports in its log; fails with that log when gunicorn exits or never listens."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        found = _LISTENING.search(log_file.read_text(errors="replace"))
        if found:
            return int(found.group(1))
        if process.poll() is not None:
            break
        time.sleep(0.05)
    raise AssertionError(f"gunicorn did not start listening:\n{log_file.read_text(errors='replace')}")
