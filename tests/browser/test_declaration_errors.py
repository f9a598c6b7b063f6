"""A refused declaration keeps the finger-drawn signature and lists every problem at once."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from netralitas.extensions import db
from netralitas.signing.models import Signature
from tests.browser.conftest import screenshot
from tests.browser.test_signing_flow import HAS_INK, _draw, _open_event_with_signer

pytestmark = pytest.mark.browser


def test_server_side_refusal_keeps_the_drawing_and_lists_all_errors(live_app, page_factory):
    app, base_url = live_app
    code, slug, points = _open_event_with_signer(app)
    page = page_factory()  # a phone: 390x844
    page.goto(f"{base_url}/e/{slug}")
    page.fill("input[name=code]", code)
    page.fill("input[name=birth_date]", "9 Maret 1988")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/e/{slug}/deklarasi")

    page.check("input[name=point][value='1']")  # the other points unticked, and no name typed
    _draw(page, "#pad")
    page.click("#submit")
    page.wait_for_load_state("load")
    alert = page.locator(".note-danger")
    assert alert.is_visible()
    text = alert.inner_text()
    assert "Centang semua butir" in text and "Ketik nama lengkap" in text, text
    page.wait_for_function(HAS_INK)  # the drawing came back (redrawn from the page's data-drawing)
    screenshot(page, "signer-declaration-errors-phone")
    assert [e for e in page.console_errors if "status of 422" not in e] == []  # no CSP or script error

    # Fixing only what was wrong is enough: the restored drawing is sent again.
    for index in range(2, points + 1):
        page.check(f"input[name=point][value='{index}']")
    page.fill("input[name=typed_name]", "Ni Luh Putu Wedari")
    page.click("#submit")
    page.wait_for_url(f"{base_url}/e/{slug}/selesai")
    with app.app_context():
        stored = db.session.scalar(sa.select(Signature))
        assert stored is not None and stored.signature_png.startswith(b"\x89PNG")
