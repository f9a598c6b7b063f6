"""Rate limits of the public report pages: every /lapor POST counts per browser (its visitor id) and per address; at
/lapor/status only receipts that fail count, per browser, and per address for requests without a visitor id, so one
guesser behind a shared address (an office, a campus Wi-Fi) does not lock the others out. SQLite and PostgreSQL."""
from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from netralitas.extensions import db
from netralitas.public_reports import services
from netralitas.public_reports.models import PublicReport, PublicReportEvidence
from tests.public_reports.conftest import report_form

#: Small limits so a handful of requests reach them.
LIMITS = {"PUBLIC_REPORTS_PER_SESSION": "3 per minute", "PUBLIC_REPORTS_PER_IP": "5 per minute",
          "REPORT_STATUS_FAILURES_PER_SESSION": "3 per minute", "REPORT_STATUS_FAILURES_PER_IP": "4 per minute"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def address(n: int) -> dict:
    return {"REMOTE_ADDR": f"10.20.0.{n}"}


@pytest.fixture
def limited(make_rate_limited_app, city):
    """The app with rate limits on (the small ones above), over the city's database."""
    return make_rate_limited_app(**LIMITS)


def report_count() -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count(PublicReport.id)))


def post_report(client, city, where: dict, **overrides):
    return client.post("/lapor", data=report_form(city.city, **overrides), environ_base=where)


def look_up(client, receipt: str, where: dict):
    return client.post("/lapor/status", data={"receipt": receipt}, environ_base=where)


def missing_receipt() -> str:
    """A receipt that is well formed (its check symbol right) and names no report."""
    return services.display_receipt(services.new_receipt())


# --- /lapor ------------------------------------------------------------------------------------------------------------

def test_report_posts_are_limited_per_browser_accepted_or_refused(limited, city):
    browser = limited.test_client()
    here = address(1)
    for _ in range(5):  # reading the form never counts
        assert browser.get("/lapor", environ_base=here).status_code == 200
    statuses = [post_report(browser, city, here).status_code,
                post_report(browser, city, here, description="pendek").status_code,  # refused, still counted
                post_report(browser, city, here).status_code]
    assert statuses == [302, 422, 302]
    assert report_count() == 2
    blocked = post_report(browser, city, here)  # a valid report, but the fourth POST of this browser
    assert blocked.status_code == 429
    assert report_count() == 2
    assert browser.get("/lapor", environ_base=here).status_code == 200  # the form still opens
    # Another browser (another address, so the address limit stays out of it) is not held back.
    assert post_report(limited.test_client(), city, address(2)).status_code == 302
    assert report_count() == 3


def test_report_posts_without_cookies_are_limited_per_address(limited, city):
    script = limited.test_client(use_cookies=False)  # a new visitor id each time: only the address holds it
    here = address(3)
    statuses = [post_report(script, city, here, website="http://spam.example").status_code for _ in range(6)]
    assert statuses == [422] * 5 + [429]
    # Every POST from that address counts, a browser's too (an office behind one address gets a generous limit).
    assert post_report(limited.test_client(), city, here).status_code == 429
    # Elsewhere nothing changed.
    assert post_report(limited.test_client(), city, address(4)).status_code == 302
    assert report_count() == 1


def test_evidence_posts_are_limited_per_browser(limited, city, send_report):
    receipt = send_report()  # through the app without limits
    browser = limited.test_client()
    here = address(5)
    assert browser.get("/lapor/status", environ_base=here).status_code == 200
    statuses = [browser.post("/lapor/status/bukti", environ_base=here, content_type="multipart/form-data",
                             data={"receipt": receipt, "evidence": [(io.BytesIO(PDF + bytes([n])), f"{n}.pdf")]}
                             ).status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(PublicReportEvidence.id))) == 3


# --- /lapor/status -----------------------------------------------------------------------------------------------------

def test_failed_lookups_are_limited_per_browser_and_found_receipts_are_free(limited, city, send_report):
    receipt = send_report()
    browser = limited.test_client()
    here = address(6)
    assert browser.get("/lapor/status", environ_base=here).status_code == 200
    for _ in range(6):  # more found lookups than the limit allows failures: none of them count
        assert look_up(browser, receipt, here).status_code == 200
    wrong_check = receipt[:-1] + ("7" if receipt[-1] != "7" else "8")  # one wrong character
    statuses = [look_up(browser, missing_receipt(), here).status_code, look_up(browser, wrong_check, here).status_code,
                look_up(browser, "x", here).status_code]
    assert statuses == [404, 422, 422]
    assert look_up(browser, missing_receipt(), here).status_code == 429
    over = look_up(browser, receipt, here)  # over the limit a real receipt waits too: the guesser learns nothing
    assert over.status_code == 429 and 'data-status' not in over.get_data(as_text=True)


def test_empty_lookups_count_as_failures(limited, city):
    browser = limited.test_client()
    here = address(7)
    browser.get("/lapor/status", environ_base=here)
    assert [look_up(browser, "", here).status_code for _ in range(4)] == [422, 422, 422, 429]


def test_a_second_browser_on_the_same_address_is_not_locked_out(limited, city, send_report):
    receipt = send_report()
    shared = address(8)
    neighbour = limited.test_client()
    assert neighbour.get("/lapor/status", environ_base=shared).status_code == 200  # opened the form, as people do
    guesser = limited.test_client()
    guesser.get("/lapor/status", environ_base=shared)
    assert [look_up(guesser, missing_receipt(), shared).status_code for _ in range(4)] == [404, 404, 404, 429]
    # A script that drops its cookie is held by the address limit instead.
    script = limited.test_client(use_cookies=False)
    assert [look_up(script, missing_receipt(), shared).status_code for _ in range(5)] == [404] * 4 + [429]
    # The neighbour, on the same address, still finds their report and may still mistype.
    assert look_up(neighbour, receipt, shared).status_code == 200
    assert look_up(neighbour, missing_receipt(), shared).status_code == 404
    assert look_up(neighbour, receipt, shared).status_code == 200
