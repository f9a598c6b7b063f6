"""One click emails a unit from the browser: the job page's bar moves while a real worker sends, then the counts."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import expect

from netralitas.auth.models import Role
from netralitas.auth.services import create_staff
from netralitas.config import PROJECT_ROOT
from netralitas.core.identity import make_nip_pns
from netralitas.db import utcnow
from netralitas.events.models import ElectionKind, EventStatus
from netralitas.events.services import create_event, set_status
from netralitas.extensions import db
from netralitas.masterdata.models import AgencyKind, Category, Employee
from netralitas.masterdata.services import create_agency
from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD
from tests.jobs.test_worker import stop_worker
from tests.reminders.conftest import Inbox, free_port

pytestmark = pytest.mark.browser
TEACHERS = 40


def _seed(app) -> tuple[int, int]:
    with app.app_context():
        root = create_agency("test", code="KOTA", name="Pemerintah Kota Uji", kind=AgencyKind.PEMERINTAH, parent=None)
        dinas = create_agency("test", code="KOTA.DIK", name="Dinas Pendidikan", kind=AgencyKind.DINAS, parent=root)
        for n in range(1, TEACHERS + 1):
            db.session.add(Employee(name=f"Guru {n:02d}", name_search=f"guru {n:02d}", category=Category.PNS,
                                    agency=dinas, nip=make_nip_pns(date(1985, 1 + n % 12, n % 28 + 1), 2010, 3, "P", n),
                                    email=f"guru{n:02d}@sekolah.go.id"))
        create_staff("test", email="admin@uji.go.id", name="Admin Uji", role=Role.SUPER_ADMIN, password=PASSWORD)
        event = create_event("test", name="Deklarasi Netralitas ASN Pilkada 2026", slug="pilkada-2026",
                             election_kind=ElectionKind.PILKADA, opens_dt=utcnow() - timedelta(hours=1),
                             closes_dt=utcnow() + timedelta(days=2))
        set_status("test", event, EventStatus.OPEN)
        db.session.commit()
        return event.id, dinas.id


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


@pytest.mark.parametrize(("viewport", "name"), [({"width": 390, "height": 844}, "phone")])
def test_one_click_then_a_moving_bar_then_the_counts(live_app, page_factory, smtp, viewport, name):
    app, base_url = live_app
    inbox, port = smtp
    mail = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(port), "MAIL_FROM": "netralitas@contoh.go.id"}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_FROM="netralitas@contoh.go.id")
    event_id, unit_id = _seed(app)
    # A real worker on the app's database and queue file, sending 10 a second: the bar has time to move.
    env = {**os.environ, **mail, "NETRALITAS_INSTANCE": app.instance_path, "JOBS_URL": "", "REDIS_URL": "",
           "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "REMINDER_EMAILS_PER_MINUTE": "600",
           "REMINDER_EMAIL_BATCH": "10"}
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "jobs", "worker", "--no-periodic"],
                              cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        page = page_factory(viewport)
        log_in(page, base_url)
        page.goto(f"{base_url}/admin/acara/{event_id}/pengingat?unit={unit_id}")
        page.get_by_role("link", name="Kirim pengingat email…").click()
        page.get_by_role("button", name=f"Kirim {TEACHERS} email").click()
        expect(page.locator("h1")).to_contain_text("Pengingat email")
        bar = page.locator("#job-progress")
        expect(bar).to_have_attribute("max", str(TEACHERS), timeout=30_000)  # the worker took it and counted
        screenshot(page, f"reminder-job-running-{name}")
        expect(page.locator("#summary")).to_contain_text(f"{TEACHERS} terkirim, 0 gagal", timeout=60_000)
        screenshot(page, f"reminder-job-done-{name}")
        assert page.console_errors == []
    finally:
        output = stop_worker(worker)
    addresses = [address for received in inbox.received for address in received.rcpt_tos]
    assert sorted(addresses) == [f"guru{n:02d}@sekolah.go.id" for n in range(1, TEACHERS + 1)], output
