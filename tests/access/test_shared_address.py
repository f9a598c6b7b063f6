"""One device guessing behind a shared address (stadium Wi-Fi) must not lock out everyone else there.

The address limit counts only unknown codes and never stops a code that exists; the per-code limit still stops
birth-date guessing for a known code. At /cek each browser session is held to its own limit, and a session over
it is never told whether a code exists.
"""
from __future__ import annotations

import pytest

from netralitas.certificates import services as certificates
from netralitas.core import codes
from tests.certificates.conftest import certify  # noqa: F401  (the fixture, shared as is)

STADIUM = {"REMOTE_ADDR": "10.9.9.9"}


@pytest.fixture
def stadium(make_rate_limited_app):
    """The app with tiny limits: 3 unknown codes per address, 2 failures per code, 3 failed lookups per session."""
    return make_rate_limited_app(SIGNER_FAILURES_PER_IP="3 per minute", SIGNER_FAILURES_PER_CODE="2 per minute",
                                 CERTIFICATE_LOOKUP_FAILURES_PER_IP="3 per minute",
                                 CERTIFICATE_LOOKUP_FAILURES_PER_SESSION="3 per minute")


def _enter(client, slug, code, birth):
    return client.post(f"/e/{slug}", data={"code": code, "birth_date": birth}, environ_base=STADIUM)


def _exhaust_address(app, slug):
    guesser = app.test_client()
    statuses = [_enter(guesser, slug, f"ZZZZZ-ZZZZZ-ZZ{c}", "01-01-1980").status_code for c in "0123"]
    assert statuses == [422, 422, 422, 429]
    return guesser


def test_a_known_code_gets_in_when_the_address_is_exhausted(stadium, invited):
    slug = invited.event.slug
    guesser = _exhaust_address(stadium, slug)
    assert _enter(guesser, slug, "ZZZZZ-ZZZZZ-ZZ9", "01-01-1980").status_code == 429
    phone = stadium.test_client()  # another phone on the same Wi-Fi
    assert phone.get(f"/i/{invited.code}", environ_base=STADIUM).status_code == 200
    assert _enter(phone, slug, invited.code, invited.birth).status_code == 302


def test_a_personal_link_opens_when_the_address_is_exhausted(stadium, invited):
    guesser = stadium.test_client()
    statuses = [guesser.get(f"/i/ZZZZZ-ZZZZZ-ZZ{c}", environ_base=STADIUM).status_code for c in "0123"]
    assert statuses == [422, 422, 422, 429]
    assert stadium.test_client().get(f"/i/{invited.code}", environ_base=STADIUM).status_code == 200


def test_the_per_code_limit_still_stops_birth_date_guessing(stadium, invited):
    slug = invited.event.slug
    _exhaust_address(stadium, slug)
    phone = stadium.test_client()
    statuses = [_enter(phone, slug, invited.code, f"0{day}-03-1950").status_code for day in range(1, 4)]
    assert statuses == [422, 422, 429]
    assert _enter(stadium.test_client(), slug, invited.code, invited.birth).status_code == 429


def _check(client, code):
    return client.post("/cek", data={"code": code}, environ_base=STADIUM)


MISSES = [codes.with_check(f"ZZZZZZZ{c}") for c in "0123456789"]


def test_cek_a_guessing_session_is_stopped_and_learns_nothing(stadium, certify):  # noqa: F811
    real = certificates.display_code(certify().code)
    guesser = stadium.test_client()
    assert guesser.get("/cek", environ_base=STADIUM).status_code == 200
    statuses = [_check(guesser, miss).status_code for miss in MISSES[:4]]
    assert statuses == [404, 404, 404, 429]
    found = _check(guesser, real)  # over its limit: a real code gets the same 429 as a miss
    assert found.status_code == 429 and "VALID" not in found.text
    assert _check(guesser, MISSES[5]).status_code == 429


def test_cek_other_browsers_verify_while_the_address_is_exhausted(stadium, certify):  # noqa: F811
    real = certificates.display_code(certify().code)
    neighbours = [stadium.test_client() for _ in range(3)]
    for neighbour in neighbours:  # they opened the form before (or while) the guesser worked
        assert neighbour.get("/cek", environ_base=STADIUM).status_code == 200
    script = stadium.test_client(use_cookies=False)  # a script that drops cookies is held to the address limit
    assert [_check(script, miss).status_code for miss in MISSES[:4]] == [404, 404, 404, 429]
    assert _check(script, real).status_code == 429  # nothing revealed past the limit
    for neighbour in neighbours:
        assert _check(neighbour, real).status_code == 200
        assert _check(neighbour, MISSES[6]).status_code == 404
