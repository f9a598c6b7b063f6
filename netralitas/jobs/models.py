"""A staff member's background job: what it builds, for whom and within which scope, and how far it got."""
from __future__ import annotations

import enum
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


class Job(db.Model):
    """One export started from a page and built by the worker; its file lives in instance/job-files/."""

    __tablename__ = "jobs"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: The task that builds it (e.g. "status_list"); also the Huey task's name.
    kind: so.Mapped[str] = so.mapped_column(sa.String(40))
    started_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("staff.id"), index=True)
    #: Scope and parameters, kept so the worker (and every download) re-checks access as the starter.
    event_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("events.id"))
    unit_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("agencies.id"))
    file_format: so.Mapped[str] = so.mapped_column(sa.String(10))
    #: The status list's filters (StatusFilter.as_data()) as canonical JSON.
    params_json: so.Mapped[str] = so.mapped_column(sa.Text, default="{}")
    status: so.Mapped[JobStatus] = enum_column(JobStatus, default=JobStatus.QUEUED)
    done: so.Mapped[int] = so.mapped_column(default=0)
    total: so.Mapped[int] = so.mapped_column(default=0)
    #: The name the download gets; the file on disk is named by the job's id.
    file_name: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    error: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    created_dt: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    finished_dt: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    expires_dt: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    @property
    def percent(self) -> int:
        return 100 if self.status == JobStatus.DONE else (100 * self.done // self.total if self.total else 0)
