"""The app's task queue: Huey over a SQLite file by default or Redis (JOBS_URL), each task run in an app context."""
from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from flask import Flask, current_app
from huey import Huey, PriorityRedisHuey, SqliteHuey
from huey.api import Result, TaskWrapper

from netralitas.core.files import create_private_file
from netralitas.jobs import tasks

#: Key prefix (Redis) and queue name (SQLite) shared by every web process and worker of this install.
QUEUE_NAME = "netralitas"
#: The embedded queue's file in the instance folder.
JOBS_FILE = "jobs.db"
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
#: Name prefix of a job's scheduled run.
SCHEDULED_PREFIX = "scheduled."

_build_lock = threading.Lock()


@dataclass(frozen=True)
class JobQueue:
    """One app's Huey instance, its registered tasks by name, and where it keeps them."""

    huey: Huey
    tasks: dict[str, TaskWrapper]
    storage: str

    def enqueue(self, name: str, *args: Any, **kwargs: Any) -> Result:
        """Put the named task on the queue; the Result answers once a worker has run it."""
        return self.tasks[name](*args, **kwargs)

    def waiting_job_ids(self) -> set[int]:
        """Ids of the staff jobs waiting on the queue (reads every waiting entry: the queue is short)."""
        return {task.args[0] for task in self.huey.pending() if task.name in tasks.ON_DEMAND and task.args}


def queue_for(app: Flask | None = None) -> JobQueue:
    """The app's queue, built on first use (a web process that never enqueues opens no queue storage)."""
    # The app itself, never the current_app proxy: worker threads run tasks with no context to resolve it in.
    app = app if app is not None else current_app._get_current_object()
    with _build_lock:
        if "jobs" not in app.extensions:
            app.extensions["jobs"] = build_queue(app)
    return app.extensions["jobs"]


def build_queue(app: Flask) -> JobQueue:
    """A Huey instance on the storage JOBS_URL names, with every task of netralitas.jobs.tasks registered."""
    url = app.config["JOBS_URL"]
    if url.startswith(REDIS_SCHEMES):
        huey: Huey = PriorityRedisHuey(QUEUE_NAME, url=url)
        storage = f"Redis {without_password(url)}"
    elif not url:
        path = Path(app.instance_path) / JOBS_FILE
        # Task arguments may carry personal data: owner-only before SQLite creates the file (and its -wal, -shm).
        create_private_file(path)
        huey = SqliteHuey(QUEUE_NAME, filename=str(path))
        storage = f"SQLite {path}"
    else:
        raise ValueError(f"JOBS_URL must be empty (SQLite in the instance folder) or redis://…, not {url!r}")
    registered = {}
    for job in tasks.SCHEDULED:
        body = in_app_context(app, job.body)
        # Huey keeps no result of a periodic run, so each job is also an ordinary task: enqueued by hand (or by a
        # test) it answers with its result. The schedule runs the same body.
        registered[job.name] = huey.task(name=job.name, retries=job.retries, retry_delay=job.retry_delay)(body)
        huey.periodic_task(job.schedule, name=f"{SCHEDULED_PREFIX}{job.name}", retries=job.retries,
                           retry_delay=job.retry_delay)(body)
    for name, body in tasks.ON_DEMAND.items():
        registered[name] = huey.task(name=name)(in_app_context(app, body))
    return JobQueue(huey, registered, storage)


def in_app_context(app: Flask, body: Callable[..., Any]) -> Callable[..., Any]:
    """Run a task body inside a fresh app context (its own database session), as a CLI command runs."""

    @functools.wraps(body)
    def run(*args: Any, **kwargs: Any) -> Any:
        with app.app_context():
            return body(*args, **kwargs)

    return run


def without_password(url: str) -> str:
    """The URL with any password replaced by ***, for status output and logs."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))
