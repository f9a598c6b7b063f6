"""What the worker runs: the daily upkeep jobs, each a thin wrapper over a domain service that commits and logs."""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from huey import crontab

from netralitas.extensions import db

log = logging.getLogger("netralitas.jobs")


def purge_pending_uploads() -> int:
    """Delete spreadsheet uploads nobody confirmed within a day; returns how many."""
    from netralitas.masterdata.imports.importer import purge_expired_imports

    count = purge_expired_imports()
    db.session.commit()
    log.info("purged %d pending upload(s) older than a day", count)
    return count


def anchor_audit_chain() -> dict[str, Any] | None:
    """Keep and log the audit chain's head; returns {"seq", "entry_hash"} (None while the chain is empty)."""
    from netralitas.audit.services import anchor_chain_head

    anchor = anchor_chain_head()
    db.session.commit()
    if anchor is None:
        log.info("audit anchor: the chain is empty, nothing to anchor")
        return None
    # The log line is the copy outside the database: a rewritten database cannot rewrite the shipped logs.
    log.info("audit anchor: entry #%d hash %s", anchor.seq, anchor.entry_hash)
    return {"seq": anchor.seq, "entry_hash": anchor.entry_hash}


@dataclass(frozen=True)
class DailyJob:
    """A job the worker enqueues on its schedule (Huey's clock is UTC)."""

    name: str
    body: Callable[[], Any]
    schedule: Callable[[Any], bool]
    #: A database restarting at night should not cost a day: retry a few times, minutes apart.
    retries: int = 3
    retry_delay: int = 300


#: 19:xx UTC is 02:xx in Jakarta (03:xx Makassar, 04:xx Jayapura): after every event day has ended.
DAILY = (
    DailyJob("purge_pending_uploads", purge_pending_uploads, crontab(minute="0", hour="19")),
    DailyJob("anchor_audit_chain", anchor_audit_chain, crontab(minute="10", hour="19")),
)


def status_list(job_id: int) -> None:
    """Build a staff member's status-list XLSX (the job row records progress, the file and any failure)."""
    from netralitas.jobs.services import build_status_list

    build_status_list(job_id)


#: Tasks a staff member starts from a page, by name (= Job.kind). No retries: the job page offers "coba lagi".
ON_DEMAND: dict[str, Callable[..., Any]] = {"status_list": status_list}
