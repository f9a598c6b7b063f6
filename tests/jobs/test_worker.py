"""A real worker (`flask jobs worker` in its own process) runs queued jobs, on both queue storages."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import timedelta

import pytest
import sqlalchemy as sa

from netralitas.config import PROJECT_ROOT
from netralitas.db import utcnow
from netralitas.extensions import db
from netralitas.jobs.queue import queue_for
from netralitas.masterdata.models import PendingImport
from tests.conftest import require_redis

#: Redis database 7: tests never touch the 0 a developer's own install uses.
JOBS_REDIS_URL = os.environ.get("TEST_JOBS_REDIS_URL", "redis://127.0.0.1:6379/7")


@pytest.fixture(params=["sqlite-file", "redis"])
def jobs_url(request, app) -> str:
    if request.param == "redis":
        require_redis()
        app.config["JOBS_URL"] = JOBS_REDIS_URL
        queue_for(app).huey.flush()  # a queue left by an earlier run must not answer for this one
    return app.config["JOBS_URL"]


def start_worker(app, jobs_url: str) -> subprocess.Popen:
    env = {**os.environ, "NETRALITAS_INSTANCE": app.instance_path, "JOBS_URL": jobs_url,
           "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "MAIL_SERVER": "", "REDIS_URL": ""}
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "jobs", "worker", "--no-periodic"],
                            cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def stop_worker(worker: subprocess.Popen) -> str:
    worker.send_signal(signal.SIGINT)  # graceful: finish running jobs, then exit
    try:
        output, _ = worker.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        output, _ = worker.communicate()
    return output


def test_worker_runs_a_queued_job(app, jobs_url, make_staff):
    staff = make_staff()
    db.session.add(PendingImport(token="lama", staff_id=staff.id, kind="employees", filename="a.csv",
                                 content=b"nip\n", created_dt=utcnow() - timedelta(days=3)))
    db.session.commit()
    result = queue_for(app).enqueue("purge_pending_uploads")
    worker = start_worker(app, jobs_url)
    try:
        purged = result.get(blocking=True, timeout=90)
    finally:
        output = stop_worker(worker)
    assert purged == 1, output
    assert "purged 1 pending upload(s)" in output
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PendingImport)) == 0
