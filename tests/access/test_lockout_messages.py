"""Lockouts say so in Indonesian, tell the client when to come back, and reveal nothing about accounts.

(Session fixation, logout invalidating a copied cookie and the old password on a password change are tested in
tests/auth/test_login.py.)
"""
from __future__ import annotations

import pytest

from netralitas.auth.models import Role

pytestmark = pytest.mark.usefixtures("fast_passwords")

LOCKED_OUT = ("Terlalu banyak percobaan", "Tunggu")


def login(client, email: str, password: str, address: str):
    return client.post("/masuk", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address})


def assert_locked_out(response) -> int:
    """The 429 page in Indonesian with a Retry-After in seconds; returns that wait."""
    assert response.status_code == 429
    body = response.get_data(as_text=True)
    assert all(words in body for words in LOCKED_OUT), body[:500]
    assert '<html lang="id">' in body
    wait = int(response.headers["Retry-After"])
    assert wait > 0
    return wait


def test_an_account_locked_by_failures_from_many_addresses(rate_limited_app, make_staff):
    staff = make_staff(Role.VIEWER)
    client = rate_limited_app.test_client()
    for n in range(3):
        assert login(client, staff.email, "salah-sekali-123", f"10.1.0.{n}").status_code == 200
    response = login(client, staff.email, "rahasia-123456", "10.1.0.99")  # even the right password waits now
    assert assert_locked_out(response) <= 60  # LOGIN_RATE_LIMIT here is 3 per minute
    assert "Tunggu sekitar satu menit" in response.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_lockout_does_not_reveal_whether_an_account_exists(rate_limited_app, make_staff):
    """An unknown email is locked out after the same failures, with the same page."""
    staff = make_staff(Role.VIEWER, email="ada@contoh.go.id")
    pages = {}
    for email in (staff.email, "tidak-ada@contoh.go.id"):
        client = rate_limited_app.test_client()
        statuses = [login(client, email, "salah-sekali-123", f"10.2.{len(pages)}.{n}").status_code for n in range(4)]
        assert statuses == [200, 200, 200, 429], email
        pages[email] = login(client, email, "salah-sekali-123", "10.2.9.9").get_data(as_text=True)
    assert pages[staff.email] == pages["tidak-ada@contoh.go.id"]


@pytest.fixture
def limited_signing(make_rate_limited_app):
    """The app with the production signer limits (5 failures per code per 15 minutes) switched on."""
    return make_rate_limited_app().test_client()


def test_a_signer_code_locked_by_wrong_birth_dates(limited_signing, invited):
    statuses = [limited_signing.post(f"/e/{invited.event.slug}", data={"code": invited.code,
                                                                       "birth_date": f"0{day}-02-1950"}).status_code
                for day in range(1, 7)]
    assert statuses == [422] * 5 + [429]
    blocked = limited_signing.post(f"/e/{invited.event.slug}", data={"code": invited.code, "birth_date": invited.birth})
    wait = assert_locked_out(blocked)
    assert 60 < wait <= 15 * 60  # the per-code window
    assert "Tunggu paling lama 15 menit" in blocked.get_data(as_text=True)  # not "about a minute"
    with limited_signing.session_transaction() as session:
        assert "signer" not in session
