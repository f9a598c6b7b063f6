"""The scheduled jobs: their bodies (in Huey's immediate mode), their schedule, and the queue built from JOBS_URL."""
from __future__ import annotations

import stat
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from netralitas.audit.models import AuditAnchor
from netralitas.audit.services import record
from netralitas.db import utcnow
from netralitas.extensions import db
from netralitas.jobs.queue import JOBS_FILE, queue_for, without_password
from netralitas.masterdata.imports.importer import store_pending_import
from netralitas.masterdata.models import PendingImport


def pending_upload(staff, *, age: timedelta) -> PendingImport:
    pending = PendingImport(token=f"t{age.total_seconds():.0f}", staff_id=staff.id, kind="employees",
                            filename="pegawai.csv", content=b"nip\n", created_dt=utcnow() - age)
    db.session.add(pending)
    db.session.commit()
    return pending


def remaining_tokens() -> set[str]:
    db.session.expire_all()
    return set(db.session.scalars(sa.select(PendingImport.token)))


@pytest.fixture
def immediate_queue(app):
    queue = queue_for(app)
    queue.huey.immediate = True  # tasks run in this process on enqueue, over in-memory storage
    return queue


def test_purge_job_deletes_only_uploads_older_than_a_day(immediate_queue, make_staff):
    staff = make_staff()
    pending_upload(staff, age=timedelta(days=1, minutes=1))
    pending_upload(staff, age=timedelta(hours=23))
    assert immediate_queue.enqueue("purge_pending_uploads")() == 1
    assert remaining_tokens() == {f"t{timedelta(hours=23).total_seconds():.0f}"}


def test_next_upload_still_purges_old_ones(app, make_staff):
    staff = make_staff()
    pending_upload(staff, age=timedelta(days=2))
    fresh = store_pending_import(staff, "employees", "baru.csv", b"nip\n")
    db.session.commit()
    assert remaining_tokens() == {fresh.token}


def test_anchor_job_keeps_and_logs_the_chain_head(immediate_queue, caplog):
    for i in range(3):
        record("tester", "test.append", "thing", i, f"entri {i}")
    db.session.commit()
    with caplog.at_level("INFO", logger="netralitas.jobs"):
        kept = immediate_queue.enqueue("anchor_audit_chain")()
    db.session.expire_all()
    anchor = db.session.scalar(sa.select(AuditAnchor))
    assert kept == {"seq": 3, "entry_hash": anchor.entry_hash}
    assert f"entry #3 hash {anchor.entry_hash}" in caplog.text


def test_anchor_job_on_an_empty_chain_keeps_nothing(immediate_queue):
    assert immediate_queue.enqueue("anchor_audit_chain")() is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditAnchor)) == 0


def test_both_jobs_run_once_a_day(app):
    huey = queue_for(app).huey
    day = datetime(2026, 3, 1)
    runs: dict[str, int] = {}
    for minute in range(24 * 60):
        for task in huey.read_periodic(day + timedelta(minutes=minute)):
            runs[task.name] = runs.get(task.name, 0) + 1
    assert runs == {"scheduled.purge_pending_uploads": 1, "scheduled.purge_job_files": 1,
                    "scheduled.anchor_audit_chain": 1, "scheduled.purge_closed_reports": 1,
                    "scheduled.requeue_stalled_jobs": 24 * 60,
                    # every day, Sunday included: the digest itself skips the calendar's days off
                    "scheduled.case_digest": 1}


def test_default_queue_is_an_owner_only_sqlite_file(app):
    queue = queue_for(app)
    path = Path(app.instance_path) / JOBS_FILE
    assert queue.storage == f"SQLite {path}"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_redis_url_picks_redis(app):
    app.config["JOBS_URL"] = "redis://:geheim@127.0.0.1:6379/7"
    queue = queue_for(app)  # builds no connection until used
    assert queue.storage == "Redis redis://:***@127.0.0.1:6379/7"
    assert type(queue.huey).__name__ == "PriorityRedisHuey"


def test_an_unknown_jobs_url_is_refused(app):
    app.config["JOBS_URL"] = "amqp://localhost"
    with pytest.raises(ValueError, match="JOBS_URL"):
        queue_for(app)


def test_without_password_leaves_plain_urls():
    assert without_password("redis://127.0.0.1:6379/7") == "redis://127.0.0.1:6379/7"


def test_status_command(runner):
    result = runner.invoke(args=["jobs", "status"])
    assert result.exit_code == 0, result.output
    assert "Storage: SQLite" in result.output
    assert "Waiting: 0" in result.output
    assert ("Scheduled: anchor_audit_chain, case_digest, purge_closed_reports, purge_job_files, "
            "purge_pending_uploads, requeue_stalled_jobs") in result.output
