"""A staff member's background job: what it builds, for whom and within which scope, and how far it got."""
from __future__ import annotations

import enum
import json
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from netralitas.db import UTCDateTime, enum_column, utcnow
from netralitas.extensions import db


class JobStatus(enum.StrEnum):
    """Where a background job stands; the job page and its JSON show it."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class JobProblem(enum.StrEnum):
    """Why a job failed; the job page says it in the reader's language (jobs.views.PROBLEM_MESSAGES)."""

    NOT_ALLOWED = "not_allowed"  # the starter lost the role or was deactivated
    OUT_OF_SCOPE = "out_of_scope"  # the event or unit is gone or no longer in the starter's scope
    WORKER_LOST = "worker_lost"  # its worker died every time it was tried
    MAIL_NOT_SET = "mail_not_set"  # MAIL_SERVER / MAIL_FROM empty
    NOT_SENDABLE = "not_sendable"  # the event no longer takes signatures
    TOO_LARGE = "too_large"  # more rows than one file may hold
    SMTP = "smtp"  # the mail server refused or could not be reached (the detail says what it answered)
    ERROR = "error"  # anything else (the detail names the exception class)


class Job(db.Model):
    """One piece of work started from a page and run by the worker (an export into instance/job-files/, a mailing).

    The row, not the queue, is the record: a job whose worker died (its heartbeat stopped) or whose queue entry was
    lost (the queue was down, Redis restarted) is put on the queue again by netralitas.jobs.services.requeue_stalled.
    """

    __tablename__ = "jobs"
    #: The worker's sweep looks for queued and running jobs.
    __table_args__ = (sa.Index("ix_jobs_status", "status"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: The task that builds it (e.g. "status_list"); also the Huey task's name.
    kind: so.Mapped[str] = so.mapped_column(sa.String(40))
    started_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("staff.id"), index=True)
    #: Scope and parameters, kept so the worker (and every download) re-checks access as the starter.
    event_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("events.id"))
    unit_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("agencies.id"))
    #: The file's extension ("xlsx", "pdf", "zip"); empty for a job that builds no file (email reminders).
    file_format: so.Mapped[str] = so.mapped_column(sa.String(10))
    #: The status list's filters (StatusFilter.as_data()) as canonical JSON.
    params_json: so.Mapped[str] = so.mapped_column(sa.Text, default="{}")
    status: so.Mapped[JobStatus] = enum_column(JobStatus, default=JobStatus.QUEUED)
    done: so.Mapped[int] = so.mapped_column(default=0)
    total: so.Mapped[int] = so.mapped_column(default=0)
    #: The name the download gets; the file on disk is named by the job's id.
    file_name: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    problem: so.Mapped[JobProblem | None] = enum_column(JobProblem, nullable=True)
    #: Technical detail beside the problem (the SMTP server's answer, an exception class); never personal data.
    error: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    created_dt: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    finished_dt: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    expires_dt: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: Last sign of life: queued, claimed by a worker, or progress reported. A running job whose heartbeat is older
    #: than JOB_STALE_SECONDS lost its worker.
    heartbeat_dt: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: Times a worker has started it (a retry by hand starts again at 0).
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    #: What the finished job reports beyond done/total (e.g. emails sent, failed, skipped) as JSON.
    summary_json: so.Mapped[str] = so.mapped_column(sa.Text, default="{}")

    @property
    def summary(self) -> dict:
        return json.loads(self.summary_json or "{}")

    @property
    def percent(self) -> int:
        return 100 if self.status == JobStatus.DONE else (100 * self.done // self.total if self.total else 0)
