"""The staff home (open events) and the audit log's data column, in a browser on a phone and a laptop."""
from __future__ import annotations

import pytest

from netralitas.audit.services import record
from netralitas.auth.models import Role
from netralitas.auth.services import create_staff
from netralitas.extensions import db
from netralitas.masterdata.models import AgencyKind
from netralitas.masterdata.services import create_agency
from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
LAPTOP = {"width": 1280, "height": 800}


def _seed(app):
    from datetime import timedelta

    from netralitas.db import utcnow
    from netralitas.events.models import ElectionKind, EventStatus
    from netralitas.events.services import create_event

    with app.app_context():
        root = create_agency("test", code="KOTA", name="Pemerintah Kota Uji", kind=AgencyKind.PEMERINTAH, parent=None)
        create_agency("test", code="KOTA.DIK", name="Dinas Pendidikan", kind=AgencyKind.DINAS, parent=root)
        create_staff("test", email="admin@uji.go.id", name="Admin Uji", role=Role.SUPER_ADMIN, password=PASSWORD)
        now = utcnow()
        event = create_event("test", name="Deklarasi Netralitas Pilkada 2026", slug="pilkada-2026",
                     election_kind=ElectionKind.PILKADA, opens_dt=now - timedelta(hours=1),
                     closes_dt=now + timedelta(days=1), is_attendance_on=True, categories=None, agencies=[])
        event.status = EventStatus.OPEN  # set directly: opening needs the signing key, not what this test is about
        record("admin@uji.go.id", "event.update", "event", 1, "Acara diubah",
               {"event": "pilkada-2026", "categories": ["PNS", "PPPK", "KONTRAK"], "is_attendance_on": True,
                "before": {"name": "Deklarasi lama", "closes": "2026-11-22T08:00:00+00:00"},
                "text_sha256": "9f2c" * 16})
        db.session.commit()


@pytest.mark.parametrize("viewport", [None, LAPTOP], ids=["phone", "laptop"])
def test_home_and_audit_log_screens(live_app, page_factory, viewport):
    app, base_url = live_app
    _seed(app)
    page = page_factory(viewport)
    log_in(page, base_url)
    assert page.get_by_role("link", name="Rekap capaian").is_visible()
    screenshot(page, f"home-{'laptop' if viewport else 'phone'}")
    page.goto(f"{base_url}/admin/audit/")
    assert page.locator("dl.audit-kv dt", has_text="categories").first.is_visible()
    screenshot(page, f"audit-log-{'laptop' if viewport else 'phone'}")
    assert page.console_errors == []
