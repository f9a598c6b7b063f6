"""The download page in Chromium: the script streams the ZIP, counts certificates as they arrive, then saves it."""
from __future__ import annotations

import zipfile
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from netralitas.auth.models import Role
from netralitas.auth.services import create_staff
from netralitas.db import utcnow
from netralitas.events import services as events
from netralitas.events.models import ElectionKind, EventStatus
from netralitas.extensions import db
from netralitas.invitations.services import code_for, display_code, ensure_invitations
from netralitas.masterdata.models import AgencyKind, Category, Employee
from netralitas.masterdata.services import create_agency
from netralitas.signing import services as signing
from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD, signature_png

pytestmark = pytest.mark.browser
SIGNERS = ("Ni Luh Putu Ayu Wédari", "Nur'aini Çelik", "Budi Santoso")


def _seed(app) -> int:
    """Three signed certificates in one agency and a super admin; returns the event id."""
    with app.app_context():
        root = create_agency("test", code="KOTA", name="Pemerintah Kota Uji", kind=AgencyKind.PEMERINTAH, parent=None)
        dinas = create_agency("test", code="KOTA.DIK", name="Dinas Pendidikan", kind=AgencyKind.DINAS, parent=root)
        create_staff("test", email="admin@uji.go.id", name="Admin Uji", role=Role.SUPER_ADMIN, password=PASSWORD)
        event = events.create_event("test", name="Deklarasi Uji", slug="uji", election_kind=ElectionKind.PILKADA,
                                    opens_dt=utcnow() - timedelta(hours=1), closes_dt=utcnow() + timedelta(days=1))
        events.set_status("test", event, EventStatus.OPEN)
        employees = [Employee(name=name, name_search=name.lower(), category=Category.KONTRAK, agency=dinas,
                              nik=f"32730115048500{i:02d}", birth_date=date(1985, 4, 15)) for i, name in enumerate(SIGNERS)]
        db.session.add_all(employees)
        db.session.commit()
        ensure_invitations(event, [e.id for e in employees])
        db.session.commit()
        for employee in employees:
            code = display_code(code_for(event.id, employee.id, 0))
            access = signing.verify_signer(event, code, "15-04-1985", "")
            signing.sign(access, ticked=set(range(1, len(event.current_text.points) + 1)), typed_name=employee.name,
                         signature_png=signature_png(), client_ip="10.0.0.1", user_agent="browser test",
                         max_png_bytes=200_000)
            db.session.commit()
        return event.id


def test_zip_download_shows_progress_and_saves_the_file(live_app, page_factory, tmp_path):
    app, base_url = live_app
    event_id = _seed(app)
    page = page_factory({"width": 1280, "height": 900})
    log_in(page, base_url)

    page.goto(f"{base_url}/admin/acara/{event_id}/sertifikat")
    assert page.locator("#certificate-count").inner_text() == "3"
    with page.expect_download() as download_info:
        page.click("#zip-download")
    download = download_info.value
    expect(page.locator("#zip-status")).to_contain_text("Selesai", timeout=30_000)
    assert page.locator("#zip-status").inner_text() == "Selesai: 3 sertifikat. Berkas ZIP sudah disimpan."
    assert page.locator("#zip-bar").get_attribute("max") == "3"
    screenshot(page, "certificate-export-done")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert download.suggested_filename == "sertifikat-uji-semua.zip"
    with zipfile.ZipFile(saved) as archive:
        assert len(archive.namelist()) == 4 and archive.namelist()[-1] == "daftar.csv"
    assert page.console_errors == []
