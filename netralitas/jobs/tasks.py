"""What the worker runs: scheduled upkeep and the jobs staff start from a page, each calling domain services.

A scheduled job commits and logs; an on-demand job is a body run inside `services.run`, which claims the Job row,
checks the starter, and records the outcome.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app
from huey import crontab

from netralitas.certificates.exports import certificate_zip
from netralitas.db import utcnow
from netralitas.extensions import db
from netralitas.invitations.exports import invitation_slips

log = logging.getLogger("netralitas.jobs")


def purge_pending_uploads() -> int:
    """Delete spreadsheet uploads nobody confirmed within a day; returns how many."""
    from netralitas.masterdata.imports.importer import purge_expired_imports

    count = purge_expired_imports()
    db.session.commit()
    log.info("purged %d pending upload(s) older than a day", count)
    return count


def purge_job_files() -> dict[str, int]:
    """Delete expired job files and old job rows; returns {"files", "rows"}."""
    from netralitas.jobs.services import purge_job_files as purge

    done = purge()
    db.session.commit()
    log.info("purged %d expired job file(s) and %d old job row(s)", done.files, done.rows)
    return {"files": done.files, "rows": done.rows}


def purge_closed_reports() -> dict[str, int]:
    """Erase the personal data of public reports closed longer than the retention period; returns the counts."""
    from netralitas.public_reports.retention import purge_closed_reports as purge
    from netralitas.public_reports.retention import remove_files

    done = purge(utcnow(), current_app.config["PUBLIC_REPORT_RETENTION_DAYS"])
    db.session.commit()
    removed = remove_files(done.files)  # after the commit: a rolled-back purge never loses a file
    log.info("erased the personal data of %d closed public report(s), %d evidence file(s)", len(done.numbers), removed)
    return {"reports": len(done.numbers), "files": removed}


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


def requeue_stalled_jobs() -> dict[str, list[int]]:
    """Queue again the jobs whose worker died or whose queue entry was lost; returns {"requeued", "failed"} ids."""
    from netralitas.jobs.queue import queue_for
    from netralitas.jobs.services import requeue_stalled

    queue = queue_for(current_app)
    swept = requeue_stalled(queue.waiting_job_ids, lambda job: queue.enqueue(job.kind, job.id))
    return {"requeued": swept.requeued, "failed": swept.failed}


def case_digest() -> dict[str, Any]:
    """Email each case officer the cases in their view whose deadline is past or near (working days only)."""
    from netralitas.cases import digest

    run = digest.send_daily()
    if run.skipped is not None:
        log.info("case digest %s: skipped (%s)", run.day, run.skipped)
    else:
        log.info("case digest %s: %d sent, %d failed, %d already sent, %d officer(s) with nothing due", run.day,
                 len(run.sent_to), len(run.failed_to), run.already_sent, run.plan.nothing_due)
    if run.temporary_failures:
        # The claims of the failed ones were released: the queue's retry (retry_delay later) reaches only them.
        raise digest.DigestRetryError(f"{run.temporary_failures} digest(s) not sent yet: {run.error}")
    return run.as_summary()


@dataclass(frozen=True)
class ScheduledJob:
    """A job the worker enqueues on its schedule (Huey's clock is UTC)."""

    name: str
    body: Callable[[], Any]
    schedule: Callable[[Any], bool]
    #: A database restarting at night should not cost a day: retry a few times, minutes apart.
    retries: int = 3
    retry_delay: int = 300


#: 19:xx UTC is 02:xx in Jakarta (03:xx Makassar, 04:xx Jayapura): after every event day has ended.
SCHEDULED = (
    ScheduledJob("purge_pending_uploads", purge_pending_uploads, crontab(minute="0", hour="19")),
    ScheduledJob("purge_job_files", purge_job_files, crontab(minute="5", hour="19")),
    ScheduledJob("anchor_audit_chain", anchor_audit_chain, crontab(minute="10", hour="19")),
    ScheduledJob("purge_closed_reports", purge_closed_reports, crontab(minute="15", hour="19")),
    # 00:00 UTC is 07:00 in Jakarta (08:00 Makassar, 09:00 Jayapura): in the inbox when the office opens. Every day;
    # the job itself skips the days the working-day calendar marks off (weekends, holidays, cuti bersama).
    ScheduledJob("case_digest", case_digest, crontab(minute="0", hour="0")),
    # Every minute: a job whose worker was killed runs again within JOB_STALE_SECONDS plus a minute.
    ScheduledJob("requeue_stalled_jobs", requeue_stalled_jobs, crontab(), retries=0),
)


def status_list(job_id: int) -> None:
    """Build a staff member's status-list XLSX into the job's file."""
    from netralitas.jobs.services import Finished, job_event, run, write_job_file
    from netralitas.masterdata.scope import get_unit_in_scope
    from netralitas.reports import exports
    from netralitas.reports.statuses import StatusFilter

    def body(job, staff, progress) -> Finished:
        event = job_event(job)
        unit = get_unit_in_scope(staff, job.unit_id)
        data = json.loads(job.params_json or "{}")
        wanted = StatusFilter.from_args({"status": data.get("status") or "", "kategori": data.get("category") or "",
                                         "q": data.get("search") or ""})
        query = exports.status_query(event, staff, unit, wanted)
        progress(0, exports.status_count(query))
        tz_name = current_app.config["BABEL_DEFAULT_TIMEZONE"]
        count = write_job_file(job, lambda handle: exports.write_status_xlsx(handle, query, tz_name, progress))
        exports.record_status_export(staff, event, unit, wanted, "xlsx", count)
        return Finished(count, exports.export_file_name("status", event, staff, unit, "xlsx", tz_name,
                                                        wanted.status.value if wanted.status else ""))

    run(job_id, body)


def email_reminders(job_id: int) -> None:
    """Email every unsigned employee of the job's unit who has an address and was not reminded today."""
    from netralitas.core.mail import MailSettings
    from netralitas.events.rules import window
    from netralitas.jobs.models import JobProblem
    from netralitas.jobs.services import Finished, JobRefused, job_event, run
    from netralitas.masterdata.scope import get_unit_in_scope
    from netralitas.reminders import email

    def body(job, staff, progress) -> Finished:
        event = job_event(job)
        unit = get_unit_in_scope(staff, job.unit_id)
        settings = MailSettings.from_config(current_app.config)
        if settings.problem:
            raise JobRefused(JobProblem.MAIL_NOT_SET)
        if window(event) not in email.SENDABLE_WINDOWS:
            raise JobRefused(JobProblem.NOT_SENDABLE)
        tz_name = current_app.config["BABEL_DEFAULT_TIMEZONE"]
        report = email.send_all(staff, event, unit, settings, progress, today=email.local_today(tz_name),
                                tz_name=tz_name, pace=email.Pace.from_config(current_app.config))
        if report.failed_to and not report.sent_to:
            db.session.commit()  # keep the audit entry of the attempt; the job fails so "coba lagi" is offered
            raise JobRefused(JobProblem.SMTP, report.error, report.as_summary())
        return Finished(report.due, summary=report.as_summary())

    run(job_id, body)


#: Tasks a staff member starts from a page, by name (= Job.kind). No Huey retries: a job that fails says why and
#: offers "coba lagi"; a job whose worker died is re-run by requeue_stalled_jobs.
ON_DEMAND: dict[str, Callable[..., Any]] = {"status_list": status_list, "email_reminders": email_reminders,
                                            "invitation_slips": invitation_slips, "certificate_zip": certificate_zip}
