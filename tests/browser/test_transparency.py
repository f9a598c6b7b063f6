"""/transparansi in Chromium on a phone: it fits the screen (no sideways scrolling), hides small counts, and the
print page is what a DPRD member prints."""
from __future__ import annotations

from datetime import timedelta

from netralitas.db import utcnow
from netralitas.events.models import ElectionKind, EventStatus
from netralitas.events.services import create_event, set_status
from netralitas.extensions import db
from netralitas.masterdata.models import AgencyKind, Category, Employee
from netralitas.masterdata.services import create_agency
from tests.browser.conftest import screenshot

LONG_EVENT_NAME = "Deklarasi Netralitas Pegawai Pemilihan Gubernur, Bupati dan Wali Kota Serentak Tahun 2026"


def _city(app) -> None:
    """A city with two agencies (one with a long name), 12 and 3 employees, and an event with a long name."""
    with app.app_context():
        city = create_agency("test", code="KOTA", name="Pemerintah Kota Uji", kind=AgencyKind.PEMERINTAH, parent=None)
        big = create_agency("test", code="DINAS-A", name="Dinas Pemberdayaan Perempuan, Perlindungan Anak, "
                                                          "Pengendalian Penduduk dan Keluarga Berencana", kind=AgencyKind.DINAS,
                            parent=city)
        small = create_agency("test", code="DINAS-B", name="Inspektorat", kind=AgencyKind.BADAN, parent=city)
        serial = 0
        for agency, count in ((big, 12), (small, 3)):
            for n in range(count):
                serial += 1
                db.session.add(Employee(name=f"Pegawai {agency.code} {n}", name_search=f"pegawai {n}",
                                        category=Category.KONTRAK, agency=agency, nik=f"327301010190{serial:04d}"))
        event = create_event("test", name=LONG_EVENT_NAME, slug="pilkada-uji", election_kind=ElectionKind.PILKADA,
                             opens_dt=utcnow() - timedelta(hours=1), closes_dt=utcnow() + timedelta(days=1))
        set_status("test", event, EventStatus.OPEN)
        db.session.commit()


def test_transparency_page_fits_a_phone_and_prints(live_app, page_factory):
    app, base_url = live_app
    _city(app)
    page = page_factory()
    page.goto(f"{base_url}/transparansi")
    assert page.url.endswith("/transparansi/KOTA")  # one government: straight to its page
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone: {width} px wide"
    # Inspektorat has 3 employees required: shown as "< 5", never as 3.
    row = page.locator("tr", has_text="Inspektorat").inner_text().replace("\xa0", " ")
    assert "< 5" in row and "\t3\t" not in f"\t{row}\t"
    assert "Pegawai DINAS-A" not in page.content()
    assert not page.console_errors, page.console_errors
    screenshot(page, "transparency-phone")
    printed = page_factory({"width": 1024, "height": 1400})
    printed.goto(f"{base_url}/transparansi/KOTA/cetak")
    assert "Dicetak pada" in printed.inner_text("body") and printed.locator("nav, form").count() == 0
    screenshot(printed, "transparency-print")
