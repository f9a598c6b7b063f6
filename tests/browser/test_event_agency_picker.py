"""The event form's agency picker on a phone: tap checkboxes, search filters the tree, the event keeps the choice."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from netralitas.auth.models import Role
from netralitas.auth.services import create_staff
from netralitas.events.models import Event
from netralitas.extensions import db
from netralitas.masterdata.models import AgencyKind
from netralitas.masterdata.services import create_agency
from tests.browser.conftest import PHONE, log_in, screenshot
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _seed(app) -> dict[str, int]:
    with app.app_context():
        root = create_agency("test", code="KOTA", name="Pemerintah Kota Uji", kind=AgencyKind.PEMERINTAH, parent=None)
        dinkes = create_agency("test", code="DINKES", name="Dinas Kesehatan", kind=AgencyKind.DINAS, parent=root)
        create_agency("test", code="PKM-01", name="Puskesmas Melati", kind=AgencyKind.UNIT, parent=dinkes)
        create_agency("test", code="PKM-02", name="Puskesmas Mawar", kind=AgencyKind.UNIT, parent=dinkes)
        disdik = create_agency("test", code="DISDIK", name="Dinas Pendidikan", kind=AgencyKind.DINAS, parent=root)
        create_agency("test", code="SDN-01", name="SD Negeri 1", kind=AgencyKind.UNIT, parent=disdik)
        dishub = create_agency("test", code="DISHUB", name="Dinas Perhubungan", kind=AgencyKind.DINAS, parent=root)
        create_staff("test", email="admin@uji.go.id", name="Operator Uji", role=Role.OPERATOR, password=PASSWORD)
        db.session.commit()
        return {"dinkes": dinkes.id, "disdik": disdik.id, "dishub": dishub.id}


def test_phone_operator_picks_two_agencies_by_tapping(live_app, browser):
    app, base_url = live_app
    ids = _seed(app)
    context = browser.new_context(viewport=PHONE, has_touch=True, locale="id-ID")
    page = context.new_page()
    errors = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, base_url)
    page.goto(f"{base_url}/admin/acara/baru")
    page.fill("input[name=name]", "Deklarasi Pilkada Uji")

    search = page.locator(".agency-search")
    assert search.is_visible()  # shown by the script (hidden without it)
    search.fill("puskes")
    assert page.get_by_text("Puskesmas Mawar").is_visible()
    assert page.get_by_text("Dinas Kesehatan").is_visible()  # the parent stays, for context
    assert not page.get_by_text("Dinas Perhubungan").is_visible()
    assert not page.get_by_text("SD Negeri 1").is_visible()
    screenshot(page, "event-agency-picker-search-phone")
    search.fill("")

    page.locator(f"input[name=agency_ids][value='{ids['dinkes']}']").tap()
    puskesmas = page.get_by_role("checkbox", name="Puskesmas Melati")
    assert puskesmas.is_checked() and puskesmas.is_disabled()  # included with its parent
    page.locator(f"input[name=agency_ids][value='{ids['dishub']}']").tap()
    page.locator(".agency-picker").scroll_into_view_if_needed()
    screenshot(page, "event-agency-picker-phone")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base_url}/admin/acara/*")
    assert errors == []
    context.close()

    with app.app_context():
        event = db.session.scalar(sa.select(Event))
        assert sorted(a.id for a in event.agencies) == sorted([ids["dinkes"], ids["dishub"]])
