"""`flask serve`, the demo's one command: the development server and a jobs worker, stopped together."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta

import pytest
import sqlalchemy as sa

from netralitas.config import PROJECT_ROOT
from netralitas.db import utcnow
from netralitas.extensions import db
from netralitas.jobs.queue import queue_for
from netralitas.masterdata.models import PendingImport
from tests.reminders.conftest import free_port


def wait_for(url: str, seconds: float = 60) -> int:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (a local http URL)
                return response.status
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def children(pid: int) -> list[tuple[int, str]]:
    """(pid, command line) of the process's children, read from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat, open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append((int(entry), cmdline.read().replace(b"\0", b" ").decode()))
            except (OSError, IndexError, ValueError):
                continue
    return found


def is_alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_serve_answers_runs_jobs_and_stops_its_worker(app, make_staff):
    staff = make_staff()
    db.session.add(PendingImport(token="lama", staff_id=staff.id, kind="employees", filename="a.csv",
                                 content=b"nip\n", created_dt=utcnow() - timedelta(days=3)))
    db.session.commit()
    port = free_port()
    env = {**os.environ, "NETRALITAS_INSTANCE": app.instance_path, "JOBS_URL": "",
           "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "MAIL_SERVER": "", "REDIS_URL": ""}
    server = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "serve", "--port", str(port)],
                              cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert wait_for(f"http://127.0.0.1:{port}/healthz") == 200
        workers = [pid for pid, command in children(server.pid) if "jobs worker" in command]
        assert len(workers) == 1
        # The worker beside it takes jobs from the same queue the app writes to.
        assert queue_for(app).enqueue("purge_pending_uploads").get(blocking=True, timeout=60) == 1
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        assert not is_alive(workers[0])
    finally:
        if server.poll() is None:
            server.kill()
        output = server.communicate()[0]
    assert "Jobs worker on SQLite" in output
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PendingImport)) == 0
