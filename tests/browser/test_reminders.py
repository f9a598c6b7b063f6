"""The reminder list in a real browser: WhatsApp links, flagged numbers, the copy button, no CSP violations."""
from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from netralitas.auth.models import Role
from netralitas.auth.services import create_staff
from netralitas.core.identity import make_nip_pns
from netralitas.db import utcnow
from netralitas.events.models import ElectionKind, EventStatus
from netralitas.events.services import create_event, set_status
from netralitas.extensions import db
from netralitas.masterdata.models import AgencyKind, Category, Employee
from netralitas.masterdata.services import create_agency
from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
PEOPLE = [("Ani Lestari", "0812-1111-2222", "ani@contoh.go.id"), ("Ni Luh Putu Ayu Wédari", "(021) 555-1234", None),
          ("Tono Sugiarto", None, None), ("Budi Santoso", "+62 813 2222 3333", "budi@contoh.go.id")]


def _seed(app) -> int:
    with app.app_context():
        root = create_agency("test", code="KOTA", name="Pemerintah Kota Uji", kind=AgencyKind.PEMERINTAH, parent=None)
        dinas = create_agency("test", code="KOTA.DIK", name="Dinas Pendidikan", kind=AgencyKind.DINAS, parent=root)
        for n, (name, phone, email) in enumerate(PEOPLE, start=1):
            db.session.add(Employee(name=name, name_search=name.lower(), category=Category.PNS, agency=dinas,
                                    nip=make_nip_pns(date(1985, 4, n), 2010, 3, "P", n), phone=phone, email=email))
        create_staff("test", email="admin@uji.go.id", name="Admin Uji", role=Role.SUPER_ADMIN, password=PASSWORD)
        event = create_event("test", name="Deklarasi Netralitas ASN Pilkada 2026", slug="pilkada-2026",
                             election_kind=ElectionKind.PILKADA, opens_dt=utcnow() - timedelta(hours=1),
                             closes_dt=utcnow() + timedelta(days=2))
        set_status("test", event, EventStatus.OPEN)
        db.session.commit()
        return event.id


@pytest.mark.parametrize(("viewport", "name"), [({"width": 390, "height": 844}, "phone"),
                                                ({"width": 1366, "height": 900}, "laptop")])
def test_reminder_list(live_app, page_factory, viewport, name):
    app, base_url = live_app
    app.config["MAIL_SERVER"] = ""
    event_id = _seed(app)
    page = page_factory(viewport)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    log_in(page, base_url)
    page.goto(f"{base_url}/admin/acara/{event_id}/pengingat")
    whatsapp = page.get_by_role("link", name="WhatsApp")
    assert whatsapp.count() == 2
    href = urlsplit(whatsapp.first.get_attribute("href"))
    assert href.netloc == "wa.me" and href.path == "/6281211112222"
    assert f"{base_url}/i/" in parse_qs(href.query)["text"][0]
    assert page.get_by_text("bukan nomor HP").is_visible()
    assert page.get_by_text("Tidak ada nomor HP").is_visible()
    assert page.get_by_role("button", name="Kirim pengingat email…").is_disabled()
    screenshot(page, f"reminders-{name}")

    page.locator("details.reminder-message summary").first.click()
    copy = page.get_by_role("button", name="Salin pesan").first
    copy.click()  # visible only once the script has run: the CSP allowed it
    page.get_by_role("button", name="Tersalin").first.wait_for(state="visible")
    message = page.locator("details.reminder-message textarea").first.input_value()
    assert page.evaluate("navigator.clipboard.readText()") == message
    screenshot(page, f"reminders-message-{name}")

    # With SMTP settings the button leads to the confirmation step (a GET: nothing is sent from here).
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_FROM="netralitas@contoh.go.id")
    page.goto(f"{base_url}/admin/acara/{event_id}/pengingat")
    page.get_by_role("link", name="Kirim pengingat email…").click()
    assert page.get_by_role("button", name="Kirim 2 email").is_visible()
    screenshot(page, f"reminders-email-confirm-{name}")
    assert page.console_errors == []
