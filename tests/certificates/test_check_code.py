"""/cek: the printed code typed by hand, forgiving about case and dashes, strict about the check symbol."""
from __future__ import annotations

import pytest

from netralitas.certificates import services
from netralitas.core import codes
from tests.certificates.conftest import verdict_of_page


def _check(client, typed: str):
    return client.post("/cek", data={"code": typed})


def _typed_forms(display: str) -> list[str]:
    """How people type 'NTR-7K2Q-M9XP-3': lower case, no dashes, spaces, no prefix, O for 0 and L for 1."""
    bare = display.replace("-", "")
    return [display, display.lower(), bare.lower(), bare[3:], " ".join(display.split("-")).lower(),
            display.replace("0", "O").replace("1", "l")]


def test_form_is_shown(client):
    page = client.get("/cek")
    assert page.status_code == 200 and 'name="code"' in page.text and "NTR-7K2Q-M9XP-3" in page.text
    assert page.headers["Cache-Control"] == "no-store"


def test_code_typed_any_way_finds_the_certificate(client, certify):
    certificate = certify(name="Budi Santoso")
    display = services.display_code(certificate.code)
    for typed in _typed_forms(display):
        page = _check(client, typed)
        assert page.status_code == 200 and verdict_of_page(page) == "VALID", typed
        assert "Budi S••••••" in page.text and display in page.text
        assert certificate.signature.employee.nip not in page.text
        assert page.headers["Cache-Control"] == "no-store"


def test_a_wrong_check_symbol_asks_to_check_again(client, certify):
    code = certify().code
    wrong = next(symbol for symbol in codes.CHECK_ALPHABET if symbol != code[-1] and symbol in codes.ALPHABET)
    page = _check(client, services.display_code(code[:-1] + wrong))
    assert page.status_code == 422 and "periksa kembali" in page.text
    assert "huruf atau angka, adalah karakter pemeriksa" in page.text  # the check character may be a digit
    assert "data-verdict" not in page.text  # the form again, not a verdict about someone's certificate


def test_a_swapped_pair_of_characters_is_caught_by_the_check_symbol(client, certify):
    code = certify().code
    body = code[:-1]
    swapped = next(body[:i] + body[i + 1] + body[i] + body[i + 2:] for i in range(len(body) - 1) if body[i] != body[i + 1])
    page = _check(client, services.display_code(swapped + code[-1]))
    assert page.status_code == 422 and "periksa kembali" in page.text


@pytest.mark.parametrize("typed", ["NTR-7K2Q", "7K2QM9XP3XX", "NTR-7K2Q-M9XP-33"])
def test_a_wrong_length_says_how_the_code_looks(client, typed):
    page = _check(client, typed)
    assert page.status_code == 422 and "9 huruf/angka" in page.text


def test_an_empty_code_is_refused(client):
    page = _check(client, "   ")
    assert page.status_code == 422 and "Ketik kode" in page.text


def test_a_well_formed_code_nobody_holds_is_not_valid(client):
    code = codes.with_check("ZZZZZZZZ")
    page = _check(client, code)
    assert page.status_code == 404 and verdict_of_page(page) == "NOT_VALID"
    assert services.display_code(code) in page.text


def test_a_revoked_certificate_shows_revoked(client, certify, revoke):
    certificate = revoke(certify())
    page = _check(client, services.display_code(certificate.code))
    assert page.status_code == 200 and verdict_of_page(page) == "REVOKED"
    assert "Kasus disiplin" not in page.text  # the reason is shown to a signed-in super admin only


@pytest.fixture
def limited_client(make_rate_limited_app):
    return make_rate_limited_app(CERTIFICATE_LOOKUP_FAILURES_PER_IP="3 per minute",
                                 CERTIFICATE_LOOKUP_FAILURES_PER_SESSION="3 per minute").test_client()


def test_failed_lookups_are_rate_limited_per_session(limited_client, certify):
    display = services.display_code(certify().code)
    for _ in range(5):
        assert _check(limited_client, display).status_code == 200  # found certificates are free
    misses = [codes.with_check(f"ZZZZZZZ{c}") for c in "0123"]
    statuses = [_check(limited_client, miss).status_code for miss in misses[:2]] + [_check(limited_client, "x").status_code]
    assert statuses == [404, 404, 422]
    blocked = _check(limited_client, display)  # even a real code waits now
    assert blocked.status_code == 429
    assert limited_client.get(f"/v/{certify().token}").status_code == 200  # scanning a QR is not limited
