"""The staff screens in a real browser, on a phone and on a laptop: no CSP violations, usable layout."""
from __future__ import annotations

import pytest

from netralitas.auth.models import Role
from netralitas.auth.services import create_staff
from netralitas.core.identity import make_nik, make_nip_pns
from netralitas.extensions import db
from netralitas.masterdata.models import AgencyKind
from netralitas.masterdata.services import create_agency
from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _seed(app):
    from datetime import date

    with app.app_context():
        root = create_agency("test", code="KOTA", name="Pemerintah Kota Uji", kind=AgencyKind.PEMERINTAH, parent=None)
        dinas = create_agency("test", code="KOTA.DIK", name="Dinas Pendidikan", kind=AgencyKind.DINAS, parent=root)
        create_agency("test", code="KOTA.DIK.SD1", name="SD Negeri 1", kind=AgencyKind.UNIT, parent=dinas)
        create_staff("test", email="admin@uji.go.id", name="Admin Uji", role=Role.SUPER_ADMIN, password=PASSWORD)
        db.session.commit()
    return make_nip_pns(date(1985, 4, 12), 2010, 3, "P", 7), make_nik("327301", date(1985, 4, 12), "P", 12)


def test_phone_admin_can_add_and_find_an_employee(live_app, page_factory):
    app, base_url = live_app
    nip, nik = _seed(app)
    page = page_factory()
    log_in(page, base_url)
    screenshot(page, "admin-home-phone")

    page.goto(f"{base_url}/admin/perangkat-daerah")
    assert not page.get_by_text("SD Negeri 1").is_visible()  # deeper levels start collapsed
    page.locator("summary", has_text="1 sub-unit").last.click()
    assert page.get_by_text("SD Negeri 1").is_visible()
    screenshot(page, "agency-tree-phone")

    page.goto(f"{base_url}/admin/pegawai/baru")
    page.fill("input[name=nama]", "Siti Rahayu <b>Uji</b>")
    page.fill("input[name=nip]", nip[:8] + " " + nip[8:14] + " " + nip[14] + " " + nip[15:])
    page.fill("input[name=nik]", nik)
    page.select_option("select[name=agency_id]", label="— — SD Negeri 1 (KOTA.DIK.SD1)")
    page.click("main button[type=submit]")
    assert page.get_by_text("disimpan").first.is_visible()
    assert page.get_by_text(nip).is_visible()
    screenshot(page, "employee-detail-phone")

    page.goto(f"{base_url}/admin/pegawai?q={nip[:10]}")
    assert page.get_by_role("link", name="Siti Rahayu <b>Uji</b>").is_visible()
    screenshot(page, "employee-list-phone")
    # The navigation collapses on a phone and opens with the (vendored) Bootstrap script.
    page.click("button.navbar-toggler")
    page.get_by_role("link", name="Log audit").wait_for(state="visible")
    assert page.console_errors == []


def test_laptop_layout_and_invalid_input_message(live_app, page_factory):
    app, base_url = live_app
    _seed(app)
    page = page_factory({"width": 1366, "height": 900})
    log_in(page, base_url)
    page.goto(f"{base_url}/admin/pegawai/baru")
    page.fill("input[name=nama]", "Budi")
    page.fill("input[name=nip]", "12345")
    page.click("main button[type=submit]")
    assert page.get_by_text("NIP harus 18 digit").is_visible()
    assert page.input_value("input[name=nama]") == "Budi"  # nothing typed is lost
    screenshot(page, "employee-form-error-laptop")
    assert page.console_errors == []
