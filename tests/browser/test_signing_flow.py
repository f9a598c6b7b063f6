"""A signer on a phone: venue page, code, declaration, finger-drawn signature, confirmation."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from netralitas.core.identity import make_nik, make_nip_pns
from netralitas.db import utcnow
from netralitas.events import services as events
from netralitas.events.models import ElectionKind, EventStatus
from netralitas.extensions import db
from netralitas.invitations.services import code_for, display_code, ensure_invitations
from netralitas.masterdata.models import AgencyKind, Category, Employee
from netralitas.masterdata.services import create_agency
from netralitas.signing.models import Signature
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser
#: True when any pixel of the signature canvas is not transparent.
HAS_INK = """() => { const c = document.getElementById('pad');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  for (let i = 3; i < d.length; i += 4) { if (d[i]) { return true; } } return false; }"""


def _open_event_with_signer(app):
    with app.app_context():
        agency = create_agency("test", code="DIK", name="Dinas Pendidikan", kind=AgencyKind.DINAS, parent=None)
        born = date(1988, 3, 9)
        employee = Employee(name="Ni Luh Putu Wédari", name_search="ni luh putu wédari", category=Category.PNS,
                            nip=make_nip_pns(born, 2012, 1, "P", 3), nik=make_nik("510101", born, "P", 4),
                            birth_date=born, agency=agency)
        db.session.add(employee)
        now = utcnow()
        event = events.create_event("test", name="Deklarasi Netralitas Pilkada 2026", slug="pilkada-2026",
                                    election_kind=ElectionKind.PILKADA, opens_dt=now - timedelta(hours=1),
                                    closes_dt=now + timedelta(hours=5), is_attendance_on=True)
        events.set_status("test", event, EventStatus.OPEN)
        db.session.flush()
        ensure_invitations(event, [employee.id])
        db.session.commit()
        return display_code(code_for(event.id, employee.id, 0)), event.slug, len(event.current_text.points)


def _draw(page, selector: str) -> None:
    """A finger stroke: pointer events across the signature box (scrolled into view first)."""
    page.locator(selector).scroll_into_view_if_needed()
    box = page.locator(selector).bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + w * 0.1, y + h * 0.7)
    page.mouse.down()
    for step in range(1, 21):
        page.mouse.move(x + w * (0.1 + 0.04 * step), y + h * (0.7 - 0.5 * ((step % 5) / 5)), steps=2)
    page.mouse.up()


def test_phone_signer_full_flow(live_app, page_factory):
    app, base_url = live_app
    code, slug, points = _open_event_with_signer(app)
    page = page_factory()
    page.goto(f"{base_url}/e/{slug}")
    screenshot(page, "signer-1-venue-phone")
    page.fill("input[name=code]", code.lower())
    page.fill("input[name=birth_date]", "09-03-1988")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/e/{slug}/deklarasi")
    assert page.get_by_text("Ni Luh Putu Wédari").first.is_visible()

    # Submitting without drawing is stopped in the page, nothing is sent.
    assert not page.locator("#pad-empty").is_visible()  # no error before the signer has done anything
    for index in range(1, points + 1):
        page.check(f"input[name=point][value='{index}']")
    page.fill("input[name=typed_name]", "Ni Luh Putu Wedari")
    page.click("#submit")
    assert page.locator("#pad-empty").is_visible()

    _draw(page, "#pad")
    assert not page.locator("#pad-empty").is_visible()  # drawing clears the message
    screenshot(page, "signer-2-declaration-phone")
    page.click("#submit")
    page.wait_for_url(f"{base_url}/e/{slug}/selesai")
    assert page.get_by_text("deklarasi Anda tercatat").is_visible()
    image_ok = page.evaluate("() => { const i = document.querySelector('img.sig'); return i.complete && i.naturalWidth > 0; }")
    assert image_ok
    screenshot(page, "signer-3-done-phone")
    assert page.console_errors == []
    with app.app_context():
        stored = db.session.scalars(sa.select(Signature)).all()
        assert len(stored) == 1 and stored[0].signature_png.startswith(b"\x89PNG")
        assert stored[0].is_attended is False


def test_clear_button_empties_the_pad(live_app, page_factory):
    app, base_url = live_app
    code, slug, _ = _open_event_with_signer(app)
    page = page_factory()
    page.goto(f"{base_url}/i/{code}")
    page.fill("input[name=birth_date]", "09/03/1988")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/e/{slug}/deklarasi")
    _draw(page, "#pad")
    assert page.evaluate(HAS_INK)
    page.click("#pad-clear")
    assert not page.evaluate(HAS_INK)
    page.fill("input[name=typed_name]", "Ni Luh Putu Wedari")
    page.click("#submit")
    assert page.locator("#pad-empty").is_visible()


def test_certificate_qr_from_the_screen_verifies(live_app, page_factory, tmp_path):
    """Sign, open the certificate, photograph the screen, decode the QR, follow it: VALID."""
    import zxingcpp
    from PIL import Image

    app, base_url = live_app
    code, slug, points = _open_event_with_signer(app)
    page = page_factory()
    page.goto(f"{base_url}/i/{code}")
    page.fill("input[name=birth_date]", "09-03-1988")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/e/{slug}/deklarasi")
    for index in range(1, points + 1):
        page.check(f"input[name=point][value='{index}']")
    _draw(page, "#pad")
    page.fill("input[name=typed_name]", "Ni Luh Putu Wédari")
    page.click("#submit")
    page.wait_for_url(f"{base_url}/e/{slug}/selesai")
    shot = tmp_path / "certificate.png"
    page.locator(".cert-qr canvas").wait_for()  # drawn by certificate-qr.js on the phone
    page.locator(".cert-qr").screenshot(path=str(shot))
    screenshot(page, "signer-4-certificate-phone")
    decoded = [result.text for result in zxingcpp.read_barcodes(Image.open(shot), formats=zxingcpp.BarcodeFormat.QRCode)]
    assert len(decoded) == 1 and decoded[0].startswith(f"{base_url}/v/")
    with app.app_context():
        from netralitas.certificates.models import Certificate
        from netralitas.certificates.services import verify_url

        assert decoded[0] == verify_url(db.session.scalar(sa.select(Certificate)))
    verifier = page_factory()
    verifier.goto(decoded[0])
    assert verifier.locator("[data-verdict]").get_attribute("data-verdict") == "VALID"
    assert verifier.locator(".verdict-word").inner_text().strip().endswith("VALID")
    screenshot(verifier, "verify-valid-phone")
    assert page.console_errors == [] and verifier.console_errors == []
