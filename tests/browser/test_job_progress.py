"""A background job's page: the progress bar follows the job through its JSON, then the page shows the download."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from netralitas.auth.models import Role
from netralitas.auth.services import create_staff
from netralitas.db import utcnow
from netralitas.events import services as events
from netralitas.events.models import ElectionKind, EventStatus
from netralitas.extensions import db
from netralitas.jobs.models import Job, JobStatus
from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def _seed(app) -> int:
    with app.app_context():
        now = utcnow()
        event = events.create_event("test", name="Deklarasi Netralitas ASN Pilkada 2026", slug="pilkada-2026",
                                    election_kind=ElectionKind.PILKADA, opens_dt=now - timedelta(hours=1),
                                    closes_dt=now + timedelta(hours=6))
        events.set_status("test", event, EventStatus.OPEN)
        staff = create_staff("test", email="operator@uji.go.id", name="Operator", role=Role.OPERATOR,
                             password=PASSWORD)
        db.session.flush()
        job = Job(kind="status_list", started_by_id=staff.id, event_id=event.id, file_format="xlsx",
                  status=JobStatus.RUNNING, done=20000, total=100000)
        db.session.add(job)
        db.session.commit()
        return job.id


def _set(app, job_id: int, **values) -> None:
    with app.app_context():
        job = db.session.get(Job, job_id)
        for name, value in values.items():
            setattr(job, name, value)
        db.session.commit()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_progress_bar_follows_the_job(live_app, page_factory, viewport):
    app, base_url = live_app
    job_id = _seed(app)
    page = page_factory(viewport)
    log_in(page, base_url, "operator@uji.go.id")
    page.goto(f"{base_url}/admin/tugas/{job_id}")
    expect(page.locator("#job-progress")).to_have_attribute("value", "20000")
    _set(app, job_id, done=60000)
    expect(page.locator("#job-progress")).to_have_attribute("value", "60000")
    expect(page.locator("#job-done")).to_have_text("60.000")
    screenshot(page, f"job-progress-{'phone' if viewport is PHONE else 'desktop'}")
    _set(app, job_id, status=JobStatus.FAILED, error="Gagal membuat berkas (RuntimeError).", finished_dt=utcnow())
    expect(page.get_by_role("button", name="Coba lagi")).to_be_visible()  # the script reloaded the page
    assert page.console_errors == []
