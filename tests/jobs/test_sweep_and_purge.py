"""The job frame on its own: claim once, the sweep that re-queues lost jobs, whole-or-nothing files, the daily purge."""
from __future__ import annotations

import os
from datetime import timedelta

import pytest
import sqlalchemy as sa

from netralitas.auth.models import Role
from netralitas.db import utcnow
from netralitas.extensions import db
from netralitas.jobs import services
from netralitas.jobs.models import Job, JobProblem, JobStatus


@pytest.fixture
def new_job(make_staff, make_event):
    staff = make_staff(Role.OPERATOR)
    event = make_event()

    def make(status: JobStatus = JobStatus.QUEUED, *, age: float = 0, attempts: int = 0, **values) -> Job:
        job = services.start(staff, "status_list", event, None, file_format="xlsx")
        job.status, job.attempts = status, attempts
        job.heartbeat_dt = utcnow() - timedelta(seconds=age)
        for name, value in values.items():
            setattr(job, name, value)
        db.session.commit()
        return job

    return make


def test_a_job_is_claimed_once(app, new_job):
    job = new_job()
    claimed = services.claim(job.id)
    assert claimed is not None and (claimed.status, claimed.attempts) == (JobStatus.RUNNING, 1)
    assert services.claim(job.id) is None  # the same id taken from the queue a second time does nothing


def test_the_sweep_requeues_lost_and_unqueued_jobs_only(app, new_job):
    stale = app.config["JOB_STALE_SECONDS"] + 5
    lost = new_job(JobStatus.RUNNING, age=stale, attempts=1)
    alive = new_job(JobStatus.RUNNING, age=1, attempts=1)
    hopeless = new_job(JobStatus.RUNNING, age=stale, attempts=app.config["JOB_MAX_ATTEMPTS"])
    never_queued = new_job(JobStatus.QUEUED, age=stale)
    waiting_in_line = new_job(JobStatus.QUEUED, age=stale)
    just_queued = new_job(JobStatus.QUEUED, age=1)
    done = new_job(JobStatus.DONE, age=stale)
    put = []

    swept = services.requeue_stalled(lambda: {waiting_in_line.id}, lambda job: put.append(job.id))

    assert sorted(swept.requeued) == sorted(put) == sorted([lost.id, never_queued.id])
    assert swept.failed == [hopeless.id]
    db.session.expire_all()
    assert db.session.get(Job, lost.id).status == JobStatus.QUEUED
    assert db.session.get(Job, alive.id).status == JobStatus.RUNNING
    assert (db.session.get(Job, hopeless.id).status, db.session.get(Job, hopeless.id).problem) == (
        JobStatus.FAILED, JobProblem.WORKER_LOST)
    for untouched in (waiting_in_line, just_queued):
        assert db.session.get(Job, untouched.id).status == JobStatus.QUEUED
    assert db.session.get(Job, done.id).status == JobStatus.DONE
    # Requeued jobs got a fresh heartbeat: the next sweep a minute later leaves them to the queue.
    assert services.requeue_stalled(lambda: {waiting_in_line.id}, put.append).requeued == []


def test_a_job_file_appears_whole_or_not_at_all(app, new_job):
    job = new_job(JobStatus.RUNNING)

    def broken(handle):
        handle.write(b"half a file")
        raise OSError("disk full")

    with pytest.raises(OSError):
        services.write_job_file(job, broken)
    path = services.job_path(job)
    assert not path.exists()
    assert list(path.parent.iterdir()) == []  # and no partial file left behind
    seen = []

    def writer(handle):
        handle.write(b"PK complete")
        seen.append(path.exists())  # while writing, the final name does not exist yet
        return 11

    assert services.write_job_file(job, writer) == 11
    assert seen == [False]
    assert path.read_bytes() == b"PK complete"
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_the_daily_purge_removes_expired_files_and_old_rows(app, new_job):
    now = utcnow()
    live = new_job(JobStatus.DONE, expires_dt=now + timedelta(hours=1), finished_dt=now, file_name="a.xlsx")
    expired = new_job(JobStatus.DONE, expires_dt=now - timedelta(minutes=1), finished_dt=now - timedelta(days=1),
                      file_name="b.xlsx")
    running = new_job(JobStatus.RUNNING)
    old = new_job(JobStatus.FAILED, finished_dt=now - timedelta(days=app.config["JOB_ROWS_DAYS"] + 1))
    recent_failure = new_job(JobStatus.FAILED, finished_dt=now - timedelta(days=1))
    folder = services.job_path(live).parent
    folder.mkdir(mode=0o700, exist_ok=True)
    for name in (f"{live.id}.xlsx", f"{expired.id}.xlsx", f"{running.id}.xlsx.part", "999999.xlsx.part"):
        (folder / name).write_bytes(b"x")

    kept_files = sorted([f"{live.id}.xlsx", f"{running.id}.xlsx.part"])
    old_id, kept_rows = old.id, {recent_failure.id, expired.id}

    purged = services.purge_job_files()
    db.session.commit()

    assert sorted(os.listdir(folder)) == kept_files
    assert (purged.files, purged.rows) == (2, 1)
    left = set(db.session.scalars(sa.select(Job.id)))
    assert old_id not in left
    assert kept_rows <= left  # an expired file's row stays (its page says so)


def test_waiting_before_a_retry_keeps_the_heartbeat_fresh(app, new_job):
    job = new_job(JobStatus.RUNNING, age=3600)
    slept = []
    services.Progress(job.id).wait(25, sleep=slept.append)
    db.session.expire_all()
    assert utcnow() - db.session.get(Job, job.id).heartbeat_dt < timedelta(minutes=1)
    assert sum(slept) == 25 and max(slept) <= 10  # beats at least every 10 s while it waits
