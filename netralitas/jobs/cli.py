"""`flask jobs …`: run the worker, look at the queue (thin wrappers over netralitas.jobs.queue)."""
from __future__ import annotations

import logging

import click
from flask.cli import AppGroup

from netralitas.jobs import tasks
from netralitas.jobs.queue import queue_for

jobs_group = AppGroup("jobs", help="Background jobs: the worker and the queue's state.")


@jobs_group.command("worker")
@click.option("--threads", default=2, show_default=True, help="Jobs run at the same time.")
@click.option("--periodic/--no-periodic", default=True, show_default=True,
              help="Enqueue the daily jobs; with several workers, leave it on for one of them only.")
def worker_command(threads: int, periodic: bool) -> None:
    """Run jobs from the queue until stopped (SIGINT waits for running jobs, SIGTERM stops now)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    queue = queue_for()
    click.echo(f"Jobs worker on {queue.storage}: {threads} thread(s), daily jobs {'on' if periodic else 'off'}.")
    consumer = queue.huey.create_consumer(workers=threads, worker_type="thread", periodic=periodic)
    consumer.run()


@jobs_group.command("status")
def status_command() -> None:
    """Where the queue lives, how many jobs wait and how many are scheduled for later."""
    queue = queue_for()
    click.echo(f"Storage: {queue.storage}")
    try:
        click.echo(f"Waiting: {queue.huey.pending_count()}")
        click.echo(f"Scheduled: {queue.huey.scheduled_count()}")
    except Exception as exc:  # Redis down or unreachable: say so instead of a traceback
        raise click.ClickException(f"queue storage not reachable: {exc.__class__.__name__}: {exc}") from exc
    click.echo("Daily: " + ", ".join(sorted(job.name for job in tasks.DAILY)))
