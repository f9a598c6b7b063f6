"""The signer's pages through HTTP: messages, nothing stored on bad input, safe resubmits, small pages."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from netralitas.events.models import EventStatus
from netralitas.extensions import db
from netralitas.signing.models import Signature
from tests.conftest import data_url, signature_png

STATIC = Path(__file__).resolve().parents[2] / "static"


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Signature))


def _enter(client, invited, **overrides):
    data = {"code": invited.code, "birth_date": invited.birth, "attendance": ""}
    data.update(overrides)
    return client.post(f"/e/{invited.event.slug}", data=data)


def test_venue_page_and_full_flow(client, invited):
    page = client.get(f"/e/{invited.event.slug}")
    assert page.status_code == 200 and "Kode undangan" in page.text and invited.event.name in page.text
    entered = _enter(client, invited)
    assert entered.status_code == 302 and entered.location.endswith("/deklarasi")
    form = client.get(f"/e/{invited.event.slug}/deklarasi")
    assert "Siti Rahayu" in form.text and invited.employee.nip not in form.text  # NIP shown masked only
    assert invited.employee.nip[:4] in form.text and invited.employee.nip[-4:] in form.text
    signed = client.post(f"/e/{invited.event.slug}/deklarasi", data=invited.declaration())
    assert signed.status_code == 302 and signed.location.endswith("/selesai")
    done = client.get(f"/e/{invited.event.slug}/selesai")
    assert "tercatat" in done.text and invited.event.current_text.sha256[:16] in done.text
    image = client.get(f"/e/{invited.event.slug}/tanda-tangan.png")
    assert image.status_code == 200 and image.data.startswith(b"\x89PNG")
    assert _count() == 1


def test_resubmitting_after_a_dropped_connection_is_safe(client, invited):
    _enter(client, invited)
    first = client.post(f"/e/{invited.event.slug}/deklarasi", data=invited.declaration())
    again = client.post(f"/e/{invited.event.slug}/deklarasi", data=invited.declaration())
    assert first.location == again.location
    assert _count() == 1


def test_personal_link_prefills_the_code(client, invited):
    page = client.get(f"/i/{invited.code}")
    assert page.status_code == 200 and f'value="{invited.code}"' in page.text
    unknown = client.get("/i/ZZZZZ-ZZZZZ")
    assert unknown.status_code == 422 and "tidak dikenal" in unknown.text.lower()


@pytest.mark.parametrize("overrides, message", [
    ({"code": "ZZZZZ-ZZZZZ"}, "Kode undangan tidak dikenal"),
    ({"birth_date": "01-01-1950"}, "Tanggal lahir tidak cocok"),
    ({"birth_date": ""}, "Masukkan tanggal lahir"),
    ({"attendance": "99999"}, "Kode kehadiran salah"),
])
def test_bad_entry_shows_its_message(client, invited, overrides, message):
    response = _enter(client, invited, **overrides)
    assert response.status_code == 422 and message in response.text
    assert client.get(f"/e/{invited.event.slug}/deklarasi").status_code == 302  # no access granted


@pytest.mark.parametrize("overrides, message", [
    ({"point": ["1", "2"]}, "Centang semua butir"),
    ({"typed_name": "Orang Lain"}, "Ketik nama lengkap"),
    ({"signature": ""}, "Tanda tangan belum digambar"),
    ({"signature": "data:image/png;base64,R0lGODlhAQABAAAAACw="}, "PNG"),
    ({"signature": data_url(b"\x89PNG\r\n\x1a\n" + b"\x00" * 2000)}, "rusak"),
])
def test_bad_declaration_keeps_input_and_stores_nothing(client, invited, overrides, message):
    _enter(client, invited)
    response = client.post(f"/e/{invited.event.slug}/deklarasi", data=invited.declaration(**overrides))
    assert response.status_code == 422 and message in response.text
    if "point" in overrides:
        assert response.text.count("checked") == 2  # the ticks made are kept
    assert _count() == 0


def test_oversized_signature_is_refused(app, client, invited):
    app.config["SIGNATURE_MAX_BYTES"] = 1000
    _enter(client, invited)
    response = client.post(f"/e/{invited.event.slug}/deklarasi", data=invited.declaration(
        signature=data_url(signature_png())))
    assert response.status_code == 422 and "terlalu besar" in response.text
    assert _count() == 0


def test_closed_event_refuses_and_draft_event_is_hidden(client, make_agency, make_employee, make_event, invite):
    agency = make_agency()
    closed = invite(make_event(status=EventStatus.CLOSED), make_employee(agency))
    page = client.get(f"/e/{closed.event.slug}")
    assert "sudah ditutup" in page.text
    response = _enter(client, closed)
    assert response.status_code == 422 and "sudah ditutup" in response.text
    draft = invite(make_event(status=EventStatus.DRAFT), make_employee(agency))
    assert client.get(f"/e/{draft.event.slug}").status_code == 404
    assert client.get(f"/i/{draft.code}").status_code == 422
    assert _count() == 0


def test_event_closing_between_entry_and_submit(client, invited):
    _enter(client, invited)
    invited.event.status = EventStatus.CLOSED
    db.session.commit()
    response = client.post(f"/e/{invited.event.slug}/deklarasi", data=invited.declaration())
    assert response.status_code == 422 and "ditutup" in response.text
    assert _count() == 0


def test_leaving_ends_the_signer_session(client, invited):
    _enter(client, invited)
    client.post(f"/e/{invited.event.slug}/keluar")
    assert client.get(f"/e/{invited.event.slug}/deklarasi").status_code == 302


@pytest.fixture
def limited_client(make_rate_limited_app):
    return make_rate_limited_app(SIGNER_FAILURES_PER_CODE="3 per minute", SIGNER_FAILURES_PER_IP="6 per minute").test_client()


def test_guessing_a_birth_date_is_rate_limited_per_code(limited_client, invited):
    statuses = [_enter(limited_client, invited, birth_date=f"0{d}-01-1950").status_code for d in range(1, 6)]
    assert statuses[:3] == [422, 422, 422] and statuses[3] == 429
    blocked = _enter(limited_client, invited)  # even the right birth date waits now
    assert blocked.status_code == 429 and "Terlalu banyak" in blocked.text


def test_guessing_codes_is_rate_limited_per_address_but_successes_do_not_count(limited_client, invited):
    for _ in range(5):
        assert _enter(limited_client, invited).status_code == 302  # successes are free
    statuses = [_enter(limited_client, invited, code=f"ZZZZZ-ZZZZ{c}").status_code for c in "0123456789"]
    assert 429 in statuses and statuses.index(429) == 6


def test_signer_pages_are_small_and_self_contained(client, invited):
    pages = [client.get(f"/e/{invited.event.slug}")]
    _enter(client, invited)
    pages.append(client.get(f"/e/{invited.event.slug}/deklarasi"))
    for page in pages:
        html = page.text
        assert not re.search(r'(src|href)="(https?:)?//', html), "external reference on a signer page"
        assets = re.findall(r'(?:src|href)="/static/([^"?]+)', html)
        total = len(page.data) + sum((STATIC / asset).stat().st_size for asset in assets)
        assert total < 100 * 1024, (page.request.path, total)


def test_unicode_digits_as_points_are_refused_not_a_server_error(client, invited):
    # "²" and "①" pass str.isdigit() but not int(); a full-width "１" must not tick point 1 either.
    _enter(client, invited)
    response = client.post(f"/e/{invited.event.slug}/deklarasi",
                           data=invited.declaration(point=["²", "①", "１"]))
    assert response.status_code == 422 and _count() == 0
