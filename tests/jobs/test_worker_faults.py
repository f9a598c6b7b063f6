"""kill -9 of a real worker mid-job: a new worker finishes the job, no file is half-served, no email goes out twice.

Each test runs `flask jobs worker` subprocesses against the test app's database with its queue storage: a SQLite
database with the instance's SQLite queue file, PostgreSQL with Redis database 8; JOB_STALE_SECONDS=2 so the restarted worker's
first sweep takes the killed worker's job for lost at once. Every wait polls with a generous timeout; nothing
asserts on time.
"""
from __future__ import annotations

import ctypes
import io
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa
from flask import Flask

from netralitas.audit.models import AuditEntry
from netralitas.auth.models import Role
from netralitas.config import PROJECT_ROOT
from netralitas.db import utcnow
from netralitas.extensions import db
from netralitas.jobs import services
from netralitas.jobs.models import Job, JobStatus
from netralitas.jobs.queue import queue_for
from netralitas.masterdata.models import Agency, AgencyKind, Category, Employee
from netralitas.reminders.models import EmailReminder
from netralitas.reports.statuses import StatusFilter
from tests.conftest import require_redis
from tests.reminders.conftest import Inbox, free_port

pytestmark = pytest.mark.usefixtures("fast_passwords")

#: Redis database 8: test_worker.py uses 7, a developer's own install 0.
JOBS_REDIS_URL = os.environ.get("TEST_FAULTS_REDIS_URL", "redis://127.0.0.1:6379/8")
#: A running job whose heartbeat is older than this is lost: short, so the restarted worker re-runs it at once.
STALE_SECONDS = 2
#: Enough rows that the XLSX takes seconds to build, so the kill lands after the first progress write and before
#: the end (progress is written at most once a second, every 2,000 rows).
XLSX_ROWS = 40_000
#: Employees emailed, and the pace that makes the mailing last ~8 s (2,400 a minute, 10 per batch).
EMAIL_EMPLOYEES = 300
EMAIL_BATCH = 10
EMAILS_PER_MINUTE = 2400
#: Generous: a busy 2-core machine may be slow, but a job that never ends must not hang the run.
TIMEOUT = 180


@pytest.fixture
def jobs_url(backend, app) -> str:
    """The queue storage the test app and its workers share: the instance's jobs.db beside SQLite, Redis database 8
    beside PostgreSQL (the embedded default and the production layout; each storage and each database once, which
    keeps these slow tests to two runs each)."""
    if backend == "postgresql":
        require_redis()
        app.config["JOBS_URL"] = JOBS_REDIS_URL
        queue_for(app).huey.flush()  # an entry left by an earlier run must not run in this one
    return app.config["JOBS_URL"]


def _die_with_pytest() -> None:
    """In the worker before exec: SIGKILL when the test process dies (a killed test run leaves no worker behind to
    take another run's entries off the shared Redis queue)."""
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG (Linux)


class Workers:
    """`flask jobs worker` subprocesses on the test app's database and queue; every one is killed at teardown."""

    def __init__(self, app: Flask, jobs_url: str, logs: Path) -> None:
        self.app, self.jobs_url, self.logs = app, jobs_url, logs
        self.started: list[subprocess.Popen] = []
        self.stopped: set[int] = set()

    def start(self, **settings: str) -> subprocess.Popen:
        """A new worker (no periodic jobs: only its start-up sweep requeues), with extra environment settings."""
        env = {**os.environ, "NETRALITAS_INSTANCE": self.app.instance_path, "JOBS_URL": self.jobs_url,
               "DATABASE_URL": self.app.config["SQLALCHEMY_DATABASE_URI"], "MAIL_SERVER": "", "REDIS_URL": "",
               "PUBLIC_BASE_URL": self.app.config["PUBLIC_BASE_URL"], "JOB_STALE_SECONDS": str(STALE_SECONDS),
               "PYTHONUNBUFFERED": "1", **settings}
        log = (self.logs / f"worker-{len(self.started) + 1}.log").open("wb")
        worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "jobs", "worker", "--no-periodic"],
                                  cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, preexec_fn=_die_with_pytest)
        log.close()
        self.started.append(worker)
        return worker

    def kill(self, worker: subprocess.Popen) -> None:
        """kill -9: no signal handler, no finally, no commit of anything in flight."""
        self.stopped.add(worker.pid)
        worker.kill()  # one process: the consumer runs its jobs in threads
        worker.wait(30)

    def stop(self, worker: subprocess.Popen) -> None:
        """SIGINT: the worker finishes what it runs, then exits."""
        self.stopped.add(worker.pid)
        worker.send_signal(signal.SIGINT)
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(30)

    def check_alive(self) -> None:
        """Fail at once (with its log) when a worker the test did not stop has exited."""
        for worker in self.started:
            if worker.pid not in self.stopped and worker.poll() is not None:
                pytest.fail(f"worker exited with {worker.returncode}:\n{self.output()}")

    def output(self) -> str:
        return "\n".join(f"--- {path.name}\n{path.read_text(errors='replace')[-4000:]}"
                         for path in sorted(self.logs.glob("worker-*.log")))

    def kill_all(self) -> None:
        for worker in self.started:
            if worker.poll() is None:
                worker.kill()
                worker.wait(30)


@pytest.fixture
def workers(app, jobs_url, tmp_path):
    started = Workers(app, jobs_url, tmp_path)
    try:
        yield started
    finally:
        started.kill_all()


@pytest.fixture
def smtp_inbox():
    """An SMTP server in this process on a free port (aiosmtpd, tests/reminders' Inbox); yields (inbox, port)."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


def wait_for(workers: Workers, what: str, condition: Callable[[], Any], timeout: float = TIMEOUT, *,
             job_id: int | None = None) -> Any:
    """Poll until condition() is truthy and return it; fail (with the workers' logs) after timeout seconds, or at
    once when a worker died unasked or the job (when given) failed."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        workers.check_alive()
        if job_id is not None and (job := job_now(job_id)).status == JobStatus.FAILED:
            pytest.fail(f"job failed ({job.problem}: {job.error}) while waiting for {what}:\n{workers.output()}")
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} within {timeout:.0f} s:\n{workers.output()}")
        time.sleep(0.05)


def job_now(job_id: int) -> Job:
    """The job as committed by any process now (a fresh transaction, no cached row)."""
    db.session.rollback()
    return db.session.get(Job, job_id, populate_existing=True)


def heartbeat_is_stale(job_id: int) -> bool:
    job = job_now(job_id)
    return job.heartbeat_dt < utcnow() - timedelta(seconds=STALE_SECONDS + 0.5)


def insert_employees(agency: Agency, count: int, *, with_email: bool = False) -> list[int]:
    """count PNS employees of the agency, in one bulk INSERT; their ids."""
    born = date(1980, 1, 1)
    db.session.execute(sa.insert(Employee), [
        {"name": f"Pegawai Uji {i:05d}", "name_search": f"pegawai uji {i:05d}", "category": Category.PNS,
         "nip": f"198001012005{i:06d}", "nik": f"3273{i:012d}", "birth_date": born, "agency_id": agency.id,
         "email": f"pegawai{i:05d}@contoh.go.id" if with_email else None} for i in range(count)])
    db.session.commit()
    return list(db.session.scalars(sa.select(Employee.id).where(Employee.agency_id == agency.id)))


def audit_count(action: str) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.action == action))


def only_job() -> Job:
    db.session.rollback()
    return db.session.scalars(sa.select(Job)).one()


@pytest.fixture
def city(make_agency, make_event) -> dict[str, Any]:
    kota = make_agency("KOTA", name="Pemerintah Kota Uji", kind=AgencyKind.PEMERINTAH)
    return {"kota": kota, "event": make_event(name="Deklarasi Uji Gangguan", slug="uji-gangguan")}


def test_killed_xlsx_job_is_built_again_and_never_served_half(app, client, login_as, workers, city, make_staff):
    insert_employees(city["kota"], XLSX_ROWS)
    staff = make_staff(Role.OPERATOR)
    login_as(staff)
    assert client.post(f"/admin/acara/{city['event'].id}/rekap/pegawai.xlsx/tugas").status_code == 302
    job_id = only_job().id

    first = workers.start()
    wait_for(workers, "progress", lambda: (job := job_now(job_id)).status == JobStatus.RUNNING and job.done > 0,
             job_id=job_id)
    workers.kill(first)

    job = job_now(job_id)
    assert job.status == JobStatus.RUNNING, workers.output()
    assert 0 < job.done < XLSX_ROWS, (job.done, "the kill must land mid-job: raise XLSX_ROWS")
    final = services.job_path(job)
    assert not final.exists()
    assert final.with_name(final.name + services.PARTIAL).exists()  # what the killed worker was writing
    assert client.get(f"/admin/tugas/{job_id}/unduh").status_code == 404
    assert audit_count("report.status_export") == 0

    wait_for(workers, "a stale heartbeat", lambda: heartbeat_is_stale(job_id))
    second = workers.start()
    job = wait_for(workers, "the re-run's end", lambda: (j := job_now(job_id)).status in (
        JobStatus.DONE, JobStatus.FAILED) and j)
    workers.stop(second)
    assert (job.status, job.problem, job.error) == (JobStatus.DONE, None, None), workers.output()
    assert (job.done, job.total, job.attempts) == (XLSX_ROWS, XLSX_ROWS, 2)
    assert not final.with_name(final.name + services.PARTIAL).exists()

    response = client.get(f"/admin/tugas/{job_id}/unduh")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True).active
    names = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(names) == len(set(names)) == XLSX_ROWS
    assert audit_count("report.status_export") == 1


def test_killed_mailing_sends_nobody_two_emails(app, client, login_as, workers, city, make_staff, smtp_inbox):
    inbox, port = smtp_inbox
    employee_ids = insert_employees(city["kota"], EMAIL_EMPLOYEES, with_email=True)
    mail = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(port), "MAIL_USE_TLS": "false", "MAIL_USE_SSL": "false",
            "MAIL_USERNAME": "", "MAIL_PASSWORD": "", "MAIL_FROM": "Netralitas <netralitas@contoh.go.id>",
            "MAIL_TIMEOUT": "5"}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_FROM=mail["MAIL_FROM"])  # the page checks it
    pace = {"REMINDER_EMAIL_BATCH": str(EMAIL_BATCH), "REMINDER_EMAILS_PER_MINUTE": str(EMAILS_PER_MINUTE),
            "REMINDER_RETRY_DELAYS": ""}
    login_as(make_staff(Role.OPERATOR))
    response = client.post(f"/admin/acara/{city['event'].id}/pengingat/email")
    job_id = only_job().id
    assert response.headers["Location"].endswith(f"/admin/tugas/{job_id}")

    first = workers.start(**mail, **pace)
    wait_for(workers, "the first emails", lambda: len(inbox.received) >= 3 * EMAIL_BATCH, job_id=job_id)
    workers.kill(first)
    received_before = len(inbox.received)
    assert received_before < EMAIL_EMPLOYEES, "the kill must land mid-job: lower EMAILS_PER_MINUTE"
    assert job_now(job_id).status == JobStatus.RUNNING
    assert audit_count("reminder.email") == 0

    wait_for(workers, "a stale heartbeat", lambda: heartbeat_is_stale(job_id))
    second = workers.start(**mail, **pace)
    job = wait_for(workers, "the re-run's end", lambda: (j := job_now(job_id)).status in (
        JobStatus.DONE, JobStatus.FAILED) and j)
    workers.stop(second)
    assert job.status == JobStatus.DONE, workers.output()
    assert job.attempts == 2

    per_address = Counter(address for message in inbox.received for address in message.rcpt_tos)
    assert [address for address, count in per_address.items() if count > 1] == []
    address_of = dict(db.session.execute(sa.select(Employee.email, Employee.id)).all())
    emailed = {address_of[address] for address in per_address}
    claimed = set(db.session.scalars(sa.select(EmailReminder.employee_id)))
    assert claimed == set(employee_ids)  # everyone is counted as reminded today, so no third run mails them again
    # Claimed but never sent: only what the killed worker held in its batch at the moment it died.
    missed = claimed - emailed
    assert len(missed) <= EMAIL_BATCH, sorted(missed)
    assert len(emailed) + len(missed) == EMAIL_EMPLOYEES
    # The re-run skipped everyone the killed run had claimed and mailed the rest.
    assert job.summary["sent"] + job.summary["skipped"] == EMAIL_EMPLOYEES
    assert job.summary["failed"] == 0
    assert audit_count("reminder.email") == 1


def test_a_job_queued_twice_runs_once(app, workers, city, make_employee, make_staff):
    for n in range(3):
        make_employee(city["kota"], name=f"Pegawai {n}")
    job = services.start(make_staff(Role.OPERATOR), "status_list", city["event"], None, file_format="xlsx",
                         params=StatusFilter().as_data())
    db.session.commit()
    assert services.enqueue(job) and services.enqueue(job)  # the same id twice (a double click, a requeue race)
    huey = queue_for(app).huey
    assert huey.pending_count() == 2

    worker = workers.start()
    wait_for(workers, "both entries taken", lambda: job_now(job.id).status == JobStatus.DONE
             and huey.pending_count() == 0, job_id=job.id)
    workers.stop(worker)  # SIGINT: a second run still in progress would finish first

    done = job_now(job.id)
    assert (done.status, done.attempts, done.total) == (JobStatus.DONE, 1, 3)
    assert audit_count("report.status_export") == 1
