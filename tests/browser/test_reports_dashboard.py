"""The completion dashboard in a real browser: an agency admin opens it, expands the tree, reaches the unsigned list."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from netralitas.auth.models import Role
from netralitas.auth.services import create_staff
from netralitas.certificates.models import Certificate
from netralitas.core.identity import make_nip_pns
from netralitas.db import utcnow
from netralitas.events import services as events
from netralitas.events.models import ElectionKind, EventStatus, Invitation
from netralitas.extensions import db
from netralitas.invitations.services import ensure_invitations
from netralitas.masterdata.models import AgencyKind, Category, Employee
from netralitas.masterdata.services import create_agency
from netralitas.signing.models import Signature
from tests.browser.conftest import PHONE, log_in, screenshot
from tests.conftest import PASSWORD, signature_png

pytestmark = pytest.mark.browser
LAPTOP = {"width": 1366, "height": 900}
#: (code, name, parent code, employees, signed)
UNITS = [
    ("KOTA", "Pemerintah Kota Mekarsari", None, 3, 3),
    ("DINKES", "Dinas Kesehatan", "KOTA", 6, 4),
    ("DINKES.PKM1", "UPTD Puskesmas Kecamatan Sukamaju Kota", "DINKES", 8, 2),
    ("DINKES.PKM1.PUSTU", "Puskesmas Pembantu Desa Cibeureum Hilir", "DINKES.PKM1", 5, 0),
    ("DINKES.RSUD", "RSUD dr. Soekardjo (BLUD)", "DINKES", 12, 11),
    ("DISDIK", "Dinas Pendidikan dan Kebudayaan", "KOTA", 9, 9),
    ("DISHUB", "Dinas Perhubungan", "KOTA", 4, 1),
]


def _seed(app) -> None:
    """The units above, their employees, one open event and signatures spread over the last hour."""
    with app.app_context():
        agencies = {}
        for code, name, parent, _, _ in UNITS:
            kind = AgencyKind.PEMERINTAH if parent is None else AgencyKind.DINAS if "." not in code else AgencyKind.UNIT
            agencies[code] = create_agency("test", code=code, name=name, kind=kind, parent=agencies.get(parent))
        now = utcnow()
        event = events.create_event("test", name="Deklarasi Netralitas ASN Pilkada 2026", slug="pilkada-2026",
                                    election_kind=ElectionKind.PILKADA, opens_dt=now - timedelta(hours=2),
                                    closes_dt=now + timedelta(hours=6))
        events.set_status("test", event, EventStatus.OPEN)
        n = 0
        signed: list[int] = []
        for code, _, _, employees, signers in UNITS:
            for i in range(employees):
                n += 1
                category = (Category.PNS, Category.PPPK, Category.KONTRAK, Category.BLUD)[n % 4]
                employee = Employee(name=f"Pegawai {code.split('.')[-1].title()} {i + 1}",
                                    name_search=f"pegawai {code.split('.')[-1].lower()} {i + 1}", category=category,
                                    nip=make_nip_pns(date(1980, 1, 1) + timedelta(days=n), 2005, 3, "L", n),
                                    agency=agencies[code])
                db.session.add(employee)
                db.session.flush()
                if i < signers:
                    signed.append(employee.id)
        ensure_invitations(event, signed)
        invitations = {i.employee_id: i.id for i in db.session.query(Invitation)}
        png = signature_png()
        for k, employee_id in enumerate(signed):
            signature = Signature(event_id=event.id, employee_id=employee_id, invitation_id=invitations[employee_id],
                                  text_id=event.current_text.id, text_sha256=event.current_text.sha256,
                                  typed_name="Uji", signature_png=png, is_attended=k % 3 != 0,
                                  signed_dt=now - timedelta(minutes=(k * 7) % 100), client_ip="10.0.0.1",
                                  user_agent="pytest")
            db.session.add(signature)
            db.session.flush()
            # A stand-in certificate (the page shows only its code): seeding stays independent of the signing keys.
            db.session.add(Certificate(signature_id=signature.id, code=f"TEST{k:05d}", token="x", kid="test"))
        create_staff("test", email="admin@uji.go.id", name="Admin Kota", role=Role.SUPER_ADMIN, password=PASSWORD)
        create_staff("test", email="dinkes@uji.go.id", name="Admin Dinkes", role=Role.AGENCY_ADMIN,
                     password=PASSWORD, agency_id=agencies["DINKES"].id)
        db.session.commit()


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_agency_admin_reaches_the_unsigned_list(live_app, page_factory, viewport):
    app, base_url = live_app
    _seed(app)
    name = "laptop" if viewport is LAPTOP else "phone"
    page = page_factory(viewport)
    log_in(page, base_url, "dinkes@uji.go.id")
    if viewport is PHONE:
        page.click("button.navbar-toggler")
    page.get_by_role("link", name="Rekap", exact=True).click()  # click 1
    page.wait_for_url("**/rekap")
    assert page.locator("#rk-total-counts").inner_text() == "17 dari 31"
    assert page.get_by_text("Dinas Pendidikan").count() == 0  # another agency: not in scope
    tree = page.locator(".rk-tree-root")
    pustu = tree.get_by_role("link", name="Puskesmas Pembantu Desa Cibeureum Hilir")
    assert not pustu.is_visible()  # deeper levels start collapsed
    screenshot(page, f"reports-dashboard-{name}")
    page.locator("summary", has_text="UPTD Puskesmas Kecamatan").locator(".rk-pct").click()
    pustu.wait_for(state="visible")
    page.get_by_role("button", name="Tutup semua").click()
    assert not tree.get_by_role("link", name="UPTD Puskesmas Kecamatan Sukamaju Kota").is_visible()
    page.get_by_role("button", name="Buka semua").click()
    pustu.wait_for(state="visible")
    screenshot(page, f"reports-dashboard-expanded-{name}")
    # The row of the puskesmas fits the screen: nothing sticks out to the right.
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

    page.locator("#rk-unsigned-link").click()  # click 2
    page.wait_for_url("**/rekap/pegawai?status=belum")
    rows = page.locator("table.rk-status-table tbody tr")
    assert rows.count() == 14
    assert page.locator("tr.rk-is-signed").count() == 0
    assert page.get_by_text("Pegawai Pustu 1", exact=True).is_visible()
    screenshot(page, f"reports-unsigned-{name}")
    assert page.console_errors == []


def test_super_admin_dashboard_and_signed_list(live_app, page_factory):
    app, base_url = live_app
    _seed(app)
    page = page_factory(LAPTOP)
    log_in(page, base_url, "admin@uji.go.id")
    page.goto(f"{base_url}/admin/acara")
    page.get_by_role("link", name="Rekap capaian").click()
    assert page.locator("#rk-total-counts").inner_text() == "30 dari 47"
    assert page.locator(".rk-lowest-name").first.inner_text() == "Puskesmas Pembantu Desa Cibeureum Hilir"
    assert page.locator("svg.chart-svg rect.chart-bar").count() > 5
    page.select_option("#rk-sort", "persen")
    page.get_by_role("button", name="Terapkan").click()
    page.wait_for_url("**sort=persen")
    screenshot(page, "reports-dashboard-super-laptop")
    page.locator(".rk-tree-root").get_by_role("link", name="Dinas Perhubungan").click()
    page.locator(".rk-pills a", has_text="Sudah").click()
    assert page.locator("tr.rk-is-signed").count() == 1
    assert page.locator(".rk-cert").first.inner_text().startswith("NTR-")
    screenshot(page, "reports-signed-laptop")
    assert page.console_errors == []
