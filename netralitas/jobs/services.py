"""Background jobs of staff members: start one, run it once per claim, report progress, recover lost ones, serve files.

The Job row is the record and the queue only carries its id. A task claims its row (queued → running) before doing
anything, so a job put on the queue twice runs once; a job whose worker died keeps a stale heartbeat and is put back
by `requeue_stalled`; a job that could not be queued (queue down) stays queued and is picked up the same way.
Functions that change rows let the caller commit, except `claim`, `Progress` and `run`, which make the job's state
visible to other processes while it runs.
"""
from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import IO, Any, TypeVar

import sqlalchemy as sa
from flask import current_app
from werkzeug.exceptions import NotFound

from netralitas.audit.services import record
from netralitas.auth.access import EXPORTERS
from netralitas.auth.models import Role, Staff
from netralitas.core.files import create_private_file, make_private
from netralitas.db import utcnow
from netralitas.events.models import Event
from netralitas.extensions import db
from netralitas.jobs.models import Job, JobProblem, JobStatus
from netralitas.masterdata.models import Agency

log = logging.getLogger("netralitas.jobs")

FILES_DIR = "job-files"
#: Suffix of a file being written; it is renamed to its final name only when complete.
PARTIAL = ".part"
T = TypeVar("T")


class JobRefused(Exception):
    """The job cannot be done as asked; the problem (and any detail) is what its page shows."""

    def __init__(self, problem: JobProblem, detail: str = "", summary: dict[str, Any] | None = None) -> None:
        super().__init__(problem.value, detail)
        self.problem, self.detail, self.summary = problem, detail, summary or {}


@dataclass(frozen=True)
class Finished:
    """What a job body reports when it is done: how many items, the download's name, counts for the page."""

    count: int
    file_name: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)


def start(staff: Staff, kind: str, event: Event, unit: Agency | None, *, file_format: str = "",
          params: dict | None = None) -> Job:
    """A new queued job of `kind` for the staff member's scope; the caller commits, then calls `enqueue`."""
    # Not audited here: the work is audited when it is done (as the synchronous path is), each download on its own;
    # the row itself says who asked for what, when.
    job = Job(kind=kind, started_by_id=staff.id, event_id=event.id, unit_id=unit.id if unit else None,
              file_format=file_format, params_json=json.dumps(params or {}, sort_keys=True), heartbeat_dt=utcnow())
    db.session.add(job)
    db.session.flush()
    return job


def enqueue(job: Job) -> bool:
    """Put the committed job's task on the queue; False when the queue is unreachable (the job stays queued and
    `requeue_stalled` queues it once the queue answers again)."""
    from netralitas.jobs.queue import queue_for

    try:
        queue_for().enqueue(job.kind, job.id)
    except Exception as exc:  # Redis down, SQLite file unwritable: the web keeps serving, nothing is lost
        log.warning("job #%d not queued yet: %s: %s", job.id, exc.__class__.__name__, exc)
        return False
    return True


def retry(job: Job, staff: Staff) -> None:
    """Put a failed job back as queued, as if new (the caller commits, then enqueues)."""
    job.status, job.done, job.total, job.problem, job.error = JobStatus.QUEUED, 0, 0, None, None
    job.finished_dt = job.expires_dt = None
    job.attempts, job.heartbeat_dt, job.summary_json = 0, utcnow(), "{}"
    record(staff, "job.retry", "job", job.id, f"Tugas {job.kind} #{job.id} diulang")


def fail(job: Job, problem: JobProblem, detail: str = "") -> None:
    job.status, job.problem, job.error = JobStatus.FAILED, problem, detail[:500] or None
    job.finished_dt = utcnow()


def claim(job_id: int) -> Job | None:
    """Mark a queued job running for this worker and return it; None when it is not queued (done, failed, or
    already claimed: the same id was on the queue twice)."""
    claimed = db.session.execute(
        sa.update(Job).where(Job.id == job_id, Job.status == JobStatus.QUEUED)
        .values(status=JobStatus.RUNNING, heartbeat_dt=utcnow(), attempts=Job.attempts + 1)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return db.session.get(Job, job_id) if claimed.rowcount == 1 else None


class Progress:
    """Stores how far a running job is, committed at once on a connection of its own (the session may be busy
    streaming rows); writes at most once a second unless forced, and each write is the job's heartbeat."""

    def __init__(self, job_id: int, *, interval: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.job_id, self.interval, self.clock = job_id, interval, clock
        self.done, self.total = 0, 0
        self._written_at: float | None = None

    def __call__(self, done: int, total: int | None = None, *, force: bool = False) -> None:
        self.done = done
        if total is not None:
            self.total = total
        now = self.clock()
        if force or total is not None or self._written_at is None or now - self._written_at >= self.interval:
            self._written_at = now
            with db.engine.begin() as connection:
                connection.execute(sa.update(Job).where(Job.id == self.job_id)
                                   .values(done=self.done, total=self.total, heartbeat_dt=utcnow()))

    def beat(self) -> None:
        """Say the job is alive during a long step that moves no count (rendering a PDF, zipping)."""
        self(self.done, force=True)

    def wait(self, seconds: float, sleep: Callable[[float], None] = time.sleep) -> None:
        """Sleep (before a retry) while keeping the heartbeat fresh, so the job is not taken for lost."""
        step = max(min(current_app.config["JOB_STALE_SECONDS"] / 3, 10.0), 0.05)
        while seconds > 0:
            self.beat()
            sleep(min(step, seconds))
            seconds -= step


def run(job_id: int, body: Callable[[Job, Staff, Progress], Finished]) -> None:
    """A task's frame: claim the job, check its starter may still do it, run the body, record the outcome."""
    job = claim(job_id)
    if job is None:
        return
    try:
        staff = db.session.get(Staff, job.started_by_id)
        if staff is None or not staff.is_active or staff.role not in EXPORTERS:
            raise JobRefused(JobProblem.NOT_ALLOWED)
        finished = body(job, staff, Progress(job.id))
        db.session.refresh(job)
        job.status, job.done, job.total = JobStatus.DONE, finished.count, finished.count
        job.file_name, job.summary_json = finished.file_name, json.dumps(finished.summary, sort_keys=True)
        job.finished_dt = utcnow()
        job.expires_dt = job.finished_dt + keep_files_for() if finished.file_name else None
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        summary: dict[str, Any] = {}
        if isinstance(exc, JobRefused):
            problem, detail, summary = exc.problem, exc.detail, exc.summary
        elif isinstance(exc, NotFound):  # get_unit_in_scope / get_or_404 as the starter
            problem, detail = JobProblem.OUT_OF_SCOPE, ""
        else:
            log.exception("job #%d failed", job_id)
            problem, detail = JobProblem.ERROR, exc.__class__.__name__
        job = db.session.get(Job, job_id)
        fail(job, problem, detail)
        job.summary_json = json.dumps(summary, sort_keys=True)
        db.session.commit()


def job_event(job: Job) -> Event:
    """The job's event, or the job is refused (deleted meanwhile)."""
    event = db.session.get(Event, job.event_id) if job.event_id else None
    if event is None:
        raise JobRefused(JobProblem.OUT_OF_SCOPE)
    return event


def job_path(job: Job) -> Path:
    return Path(current_app.instance_path) / FILES_DIR / f"{job.id}.{job.file_format}"


def write_job_file(job: Job, write: Callable[[IO[bytes]], T]) -> T:
    """Write the job's owner-only file through `write(handle)` under a temporary name, then rename it into place:
    a download never sees half a file, and a re-run replaces the file whole."""
    path = job_path(job)
    path.parent.mkdir(mode=0o700, exist_ok=True)
    make_private(path.parent)
    partial = path.with_name(path.name + PARTIAL)
    create_private_file(partial)
    try:
        with partial.open("wb") as handle:
            result = write(handle)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, path)
    return result


def keep_files_for() -> timedelta:
    return timedelta(hours=current_app.config["JOB_FILES_HOURS"])


def stale_before() -> Any:
    return utcnow() - timedelta(seconds=current_app.config["JOB_STALE_SECONDS"])


@dataclass(frozen=True)
class Sweep:
    """What one `requeue_stalled` pass did."""

    requeued: list[int]
    failed: list[int]


def requeue_stalled(queued_ids: Callable[[], set[int]], put: Callable[[Job], None]) -> Sweep:
    """Queue again the jobs no worker is on: running with a stale heartbeat (the worker died; failed after
    JOB_MAX_ATTEMPTS tries) and queued for longer than JOB_STALE_SECONDS without an entry on the queue (it was down).

    `queued_ids` reads the job ids waiting on the queue; `put` enqueues one job. Commits.
    """
    limit = stale_before()
    now = utcnow()
    requeued, failed = [], []
    lost = db.session.scalars(sa.select(Job).where(
        Job.status == JobStatus.RUNNING, sa.or_(Job.heartbeat_dt.is_(None), Job.heartbeat_dt < limit)))
    for job in lost:
        if job.attempts >= current_app.config["JOB_MAX_ATTEMPTS"]:
            fail(job, JobProblem.WORKER_LOST)
            failed.append(job.id)
        else:
            job.status, job.heartbeat_dt = JobStatus.QUEUED, now
            requeued.append(job)
    waiting = db.session.scalars(sa.select(Job).where(
        Job.status == JobStatus.QUEUED, sa.or_(Job.heartbeat_dt.is_(None), Job.heartbeat_dt < limit))).all()
    if waiting:
        on_queue = queued_ids()
        for job in waiting:
            if job.id not in on_queue:
                job.heartbeat_dt = now
                requeued.append(job)
    db.session.commit()
    for job in requeued:
        put(job)
    for job_id in failed:
        log.warning("job #%d failed: its worker stopped on every attempt", job_id)
    if requeued:
        log.info("queued again: %s", ", ".join(f"#{job.id}" for job in requeued))
    return Sweep([job.id for job in requeued], failed)


@dataclass(frozen=True)
class Purge:
    """What one `purge_job_files` pass removed."""

    files: int
    rows: int


def purge_job_files() -> Purge:
    """Delete expired job files (and partial files a dead worker left) and job rows older than JOB_ROWS_DAYS.

    The caller commits. A file is removed only once its job says it expired, so a download in progress is never cut.
    """
    now = utcnow()
    folder = Path(current_app.instance_path) / FILES_DIR
    live = {job_path(job).name for job in db.session.scalars(
        sa.select(Job).where(Job.status == JobStatus.DONE, Job.expires_dt > now))}
    running = {job_id for job_id in db.session.scalars(
        sa.select(Job.id).where(Job.status.in_((JobStatus.QUEUED, JobStatus.RUNNING))))}
    files = 0
    if folder.is_dir():
        for path in folder.iterdir():
            job_id = path.name.split(".", 1)[0]
            if path.name in live or (path.name.endswith(PARTIAL) and job_id.isdigit() and int(job_id) in running):
                continue
            path.unlink(missing_ok=True)
            files += 1
    old = now - timedelta(days=current_app.config["JOB_ROWS_DAYS"])
    rows = db.session.execute(sa.delete(Job).where(
        Job.status.in_((JobStatus.DONE, JobStatus.FAILED)), Job.finished_dt < old)).rowcount
    return Purge(files, rows)


def jobs_of(staff: Staff) -> sa.Select:
    """The staff member's jobs, newest first."""
    return sa.select(Job).where(Job.started_by_id == staff.id).order_by(Job.created_dt.desc(), Job.id.desc())


def find_job(staff: Staff, job_id: int) -> Job | None:
    """The job if the staff member started it (a super admin sees every job), else None."""
    job = db.session.get(Job, job_id)
    if job is None or (job.started_by_id != staff.id and staff.role != Role.SUPER_ADMIN):
        return None
    return job


def downloadable(job: Job) -> bool:
    """Done, with a file, not expired, and the file still there."""
    return (job.status == JobStatus.DONE and job.file_name is not None and job.expires_dt is not None
            and job.expires_dt > utcnow() and job_path(job).is_file())


def record_download(staff: Staff, job: Job) -> None:
    record(staff, "job.download", "job", job.id, f"Berkas tugas {job.kind} #{job.id} diunduh",
           {"kind": job.kind, "event": job.event_id, "unit": job.unit_id, "count": job.total})
