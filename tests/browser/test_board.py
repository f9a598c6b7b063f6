"""The venue board on a projector-sized screen: counts and the attendance code come in, and keep coming after sign-out."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from netralitas.auth.models import Role
from netralitas.auth.services import create_staff
from netralitas.core.identity import make_nip_pns
from netralitas.db import utcnow
from netralitas.events import services as events
from netralitas.events.models import ElectionKind, EventStatus
from netralitas.extensions import db
from netralitas.invitations.services import ensure_invitations
from netralitas.masterdata.models import AgencyKind, Category, Employee
from netralitas.masterdata.services import create_agency
from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
PROJECTOR = {"width": 1280, "height": 720}


def _seed(app) -> None:
    with app.app_context():
        agency = create_agency("test", code="DISDIK", name="Dinas Pendidikan", kind=AgencyKind.DINAS, parent=None)
        now = utcnow()
        event = events.create_event("test", name="Deklarasi Netralitas ASN Pilkada 2026", slug="pilkada-2026",
                                    election_kind=ElectionKind.PILKADA, opens_dt=now - timedelta(hours=1),
                                    closes_dt=now + timedelta(hours=6))
        events.set_status("test", event, EventStatus.OPEN)
        employees = [Employee(name=f"Guru {i + 1}", name_search=f"guru {i + 1}", category=Category.PNS,
                              nip=make_nip_pns(date(1985, 1, 1) + timedelta(days=i), 2010, 3, "P", i + 1),
                              agency=agency) for i in range(3)]
        db.session.add_all(employees)
        db.session.flush()
        ensure_invitations(event, [e.id for e in employees])
        create_staff("test", email="operator@uji.go.id", name="Operator", role=Role.OPERATOR, password=PASSWORD)
        db.session.commit()


def test_board_shows_counts_and_code_and_outlives_the_sign_in(live_app, page_factory):
    app, base_url = live_app
    _seed(app)
    operator = page_factory(PROJECTOR)
    log_in(operator, base_url, "operator@uji.go.id")
    operator.goto(f"{base_url}/e/pilkada-2026/board")
    # expect() polls from Playwright's own script; wait_for_function(str) evals in the page, which the CSP forbids.
    expect(operator.locator("#required")).to_have_text("3")
    code = operator.text_content("#attendance-code")
    assert re.fullmatch(r"[0-9A-Z]{4}", code or ""), code
    assert operator.is_hidden("#stale")
    screenshot(operator, "board-projector")
    # The operator signs out in another tab (or the sign-in expires): the projector goes on polling with its key.
    other_tab = operator.context.new_page()
    other_tab.goto(f"{base_url}/")
    other_tab.evaluate("document.querySelector(\"form[action$='/keluar']\").submit()")
    other_tab.wait_for_url(f"{base_url}/masuk")
    assert other_tab.goto(f"{base_url}/e/pilkada-2026/board").url.startswith(f"{base_url}/masuk")
    with operator.expect_response(lambda r: "/board.json?k=" in r.url and r.status == 200, timeout=10_000):
        pass
    assert operator.is_hidden("#stale")
    assert operator.console_errors == []
