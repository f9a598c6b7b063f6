"""`flask jobs …`: run the worker, look at the queue (thin wrappers over netralitas.jobs.queue)."""
from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys

import click
from flask.cli import AppGroup, ScriptInfo, run_command

from netralitas.jobs import tasks
from netralitas.jobs.queue import queue_for

jobs_group = AppGroup("jobs", help="Background jobs: the worker and the queue's state.")


@jobs_group.command("worker")
@click.option("--threads", default=2, show_default=True, help="Jobs run at the same time.")
@click.option("--periodic/--no-periodic", default=True, show_default=True,
              help="Enqueue the scheduled jobs; with several workers, leave it on for one of them only.")
def worker_command(threads: int, periodic: bool) -> None:
    """Run jobs from the queue until stopped (SIGINT waits for running jobs, SIGTERM stops now)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    queue = queue_for()
    click.echo(f"Jobs worker on {queue.storage}: {threads} thread(s), scheduled jobs {'on' if periodic else 'off'}.")
    try:  # jobs a killed worker left, or queued while the queue was down: re-run now rather than within a minute
        tasks.requeue_stalled_jobs()
    except Exception as exc:  # the queue or database not up yet: the every-minute sweep catches up
        click.echo(f"First sweep skipped: {exc.__class__.__name__}: {exc}", err=True)
    consumer = queue.huey.create_consumer(workers=threads, worker_type="thread", periodic=periodic)
    consumer.run()


@jobs_group.command("status")
def status_command() -> None:
    """Where the queue lives, how many jobs wait and how many are scheduled for later."""
    queue = queue_for()
    click.echo(f"Storage: {queue.storage}")
    try:
        click.echo(f"Waiting: {queue.huey.pending_count()}")
        click.echo(f"Delayed: {queue.huey.scheduled_count()}")
    except Exception as exc:  # Redis down or unreachable: say so instead of a traceback
        raise click.ClickException(f"queue storage not reachable: {exc.__class__.__name__}: {exc}") from exc
    click.echo("Scheduled: " + ", ".join(sorted(job.name for job in tasks.SCHEDULED)))


@click.command("serve")
@click.option("--host", "-h", default="127.0.0.1", show_default=True)
@click.option("--port", "-p", default=5000, show_default=True, type=int)
@click.option("--threads", default=2, show_default=True, help="The worker's threads.")
@click.pass_context
def serve_command(ctx: click.Context, host: str, port: int, threads: int) -> None:
    """Run the development server with a jobs worker beside it; Ctrl+C stops both (the demo's one command)."""
    app_path = ctx.ensure_object(ScriptInfo).app_import_path or os.environ.get("FLASK_APP") or "app"
    # A process of its own, as in production: the dev server's threads and reloads never touch the worker.
    # SIGTERM (systemd, `timeout`, `kill`) must also stop the worker: turn it into an exit that runs `finally`.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", app_path, "jobs", "worker",  # noqa: S603
                               "--threads", str(threads)])
    try:
        ctx.invoke(run_command, host=host, port=port, reload=False, debugger=False, with_threads=True)
    finally:
        worker.terminate()  # SIGTERM: the worker stops now; an unfinished job is re-run when it next starts
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
