"""Background jobs of staff members: start one (audited, enqueued), let the task report progress, find and serve them.

Functions that change rows let the caller commit, except where the task must make its progress visible while it runs
(report_progress writes on a connection of its own, beside the session that streams the rows).
"""
from __future__ import annotations

import json
import logging
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from netralitas.audit.services import record
from netralitas.auth.access import EXPORTERS
from netralitas.auth.models import Role, Staff
from netralitas.core.files import create_private_file, make_private
from netralitas.db import utcnow
from netralitas.events.models import Event
from netralitas.extensions import db
from netralitas.jobs.models import Job, JobStatus
from netralitas.masterdata.models import Agency
from netralitas.masterdata.scope import get_unit_in_scope
from netralitas.reports import exports
from netralitas.reports.statuses import StatusFilter

log = logging.getLogger("netralitas.jobs")

#: The Huey task that builds a status list (registered in netralitas.jobs.queue).
STATUS_LIST = "status_list"
#: A finished job's file may be downloaded this long; then it is gone.
KEEP_FOR = timedelta(hours=24)
FILES_DIR = "job-files"
QUEUE_DOWN = "Antrean tugas tidak dapat dihubungi; coba lagi nanti."


def start_status_list(staff: Staff, event: Event, unit: Agency | None, wanted: StatusFilter) -> Job:
    """A new queued job building the status list as XLSX for the staff member's scope (the caller commits, enqueues)."""
    job = Job(kind=STATUS_LIST, started_by_id=staff.id, event_id=event.id, unit_id=unit.id if unit else None,
              file_format="xlsx", params_json=json.dumps(wanted.as_data(), sort_keys=True))
    # Not audited here: the export is audited when the file is built (as the synchronous export is), and each
    # download on its own; the row itself says who asked for what, when.
    db.session.add(job)
    db.session.flush()
    return job


def enqueue(job: Job) -> bool:
    """Put the job's task on the queue (the row must be committed first); False, and the job failed, if unreachable."""
    from netralitas.jobs.queue import queue_for

    try:
        queue_for().enqueue(job.kind, job.id)
    except Exception as exc:  # Redis down, SQLite file unwritable: the web keeps serving, the job says why
        log.warning("job #%d not queued: %s: %s", job.id, exc.__class__.__name__, exc)
        fail(job, QUEUE_DOWN)
        return False
    return True


def retry(job: Job, staff: Staff) -> None:
    """Put a failed job back as queued (the caller commits, then enqueues)."""
    job.status, job.done, job.total, job.error = JobStatus.QUEUED, 0, 0, None
    job.finished_dt = job.expires_dt = None
    record(staff, "job.retry", "job", job.id, f"Tugas {job.kind} #{job.id} diulang")


def fail(job: Job, reason: str) -> None:
    job.status, job.error = JobStatus.FAILED, reason[:500]
    job.finished_dt = utcnow()


def report_progress(job_id: int, done: int, total: int | None = None) -> None:
    """Store how far a running job is, committed at once on its own connection (the session is busy streaming)."""
    values: dict = {"done": done}
    if total is not None:
        values["total"] = total
    with db.engine.begin() as connection:
        connection.execute(sa.update(Job).where(Job.id == job_id).values(**values))


def job_path(job: Job) -> Path:
    return Path(current_app.instance_path) / FILES_DIR / f"{job.id}.{job.file_format}"


def build_status_list(job_id: int) -> None:
    """The task's body: check access as the starter again, write the XLSX into the job's owner-only file."""
    job = db.session.get(Job, job_id)
    if job is None or job.status != JobStatus.QUEUED:
        return
    job.status = JobStatus.RUNNING
    db.session.commit()
    try:
        staff = db.session.get(Staff, job.started_by_id)
        event = db.session.get(Event, job.event_id)
        if staff is None or not staff.is_active or staff.role not in EXPORTERS or event is None:
            raise PermissionError("starter may no longer export this list")
        unit = get_unit_in_scope(staff, job.unit_id)
        wanted = StatusFilter.from_args(_filter_args(job))
        query = exports.status_query(event, staff, unit, wanted)
        report_progress(job.id, 0, exports.status_count(query))
        path = job_path(job)
        path.parent.mkdir(mode=0o700, exist_ok=True)
        make_private(path.parent)
        create_private_file(path)
        tz_name = current_app.config["BABEL_DEFAULT_TIMEZONE"]
        with path.open("wb") as handle:
            count = exports.write_status_xlsx(handle, query, tz_name, lambda done: report_progress(job.id, done))
        db.session.refresh(job)
        job.status, job.done, job.total = JobStatus.DONE, count, count
        job.finished_dt = utcnow()
        job.expires_dt = job.finished_dt + KEEP_FOR
        job.file_name = exports.export_file_name("status", event, staff, unit, "xlsx", tz_name,
                                                 wanted.status.value if wanted.status else "")
        exports.record_status_export(staff, event, unit, wanted, "xlsx", count)
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        log.exception("job #%d failed", job_id)
        job = db.session.get(Job, job_id)
        fail(job, _reason(exc))
        db.session.commit()


def _reason(exc: Exception) -> str:
    """What the job page says went wrong (no traceback, no data)."""
    if isinstance(exc, PermissionError):
        return "Anda tidak lagi berwenang mengekspor daftar ini."
    if getattr(exc, "code", None) == 404:
        return "Acara atau unit tidak lagi berada dalam lingkup Anda."
    return f"Gagal membuat berkas ({exc.__class__.__name__})."


def _filter_args(job: Job) -> dict[str, str]:
    data = json.loads(job.params_json or "{}")
    return {"status": data.get("status") or "", "kategori": data.get("category") or "", "q": data.get("search") or ""}


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
    """Done, not expired, and its file still there."""
    return (job.status == JobStatus.DONE and job.expires_dt is not None and job.expires_dt > utcnow()
            and job_path(job).is_file())


def record_download(staff: Staff, job: Job) -> None:
    record(staff, "job.download", "job", job.id, f"Berkas tugas {job.kind} #{job.id} diunduh",
           {"kind": job.kind, "event": job.event_id, "unit": job.unit_id, "count": job.total})
