"""Staff sign-in: credentials, safe redirects, rate limit, session lifetime and CSRF."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from flask_login import user_logged_in

from netralitas.auth import models as auth_models
from netralitas.auth.models import Role, Staff
from netralitas.extensions import db

pytestmark = pytest.mark.usefixtures("fast_passwords")
PASSWORD = "rahasia-123456"  # what conftest's make_staff gives every account

FAILED_LOGIN = "Email atau kata sandi salah, atau akun tidak aktif."
NEW_PASSWORD = "sandi-baru-98765"


def post_login(client, email: str, password: str = PASSWORD, **kwargs):
    return client.post("/masuk", data={"email": email, "password": password}, **kwargs)


def is_signed_in(client) -> bool:
    """True when a login-only page opens; anonymous visitors are sent to /masuk."""
    response = client.get("/akun/kata-sandi")
    if response.status_code == 302:
        assert urlsplit(response.headers["Location"]).path == "/masuk"
        return False
    assert response.status_code == 200
    return True


def copy_session(source, target) -> None:
    """Give target the exact session cookie source holds (a stolen or copied cookie)."""
    target.set_cookie("session", source.get_cookie("session").value)


def test_login_success_redirects_home(app, client, make_staff):
    staff = make_staff(Role.VIEWER)
    response = post_login(client, staff.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert is_signed_in(client)
    assert db.session.get(Staff, staff.id).last_login_dt is not None


def test_login_email_is_case_insensitive(client, make_staff):
    make_staff(Role.VIEWER, email="budi@contoh.go.id")
    assert post_login(client, "  BUDI@Contoh.go.id ").status_code == 302
    assert is_signed_in(client)


def test_failed_logins_look_identical(app, client, make_staff):
    """Wrong password, unknown email and inactive account give the same page: no user enumeration."""
    active = make_staff(Role.VIEWER, email="aktif@contoh.go.id")
    inactive = make_staff(Role.VIEWER, email="nonaktif@contoh.go.id")
    inactive.is_active_account = False
    db.session.commit()
    attempts = {
        "wrong password": (active.email, "salah-sekali-123"),
        "unknown email": ("tidakada@contoh.go.id", PASSWORD),
        "inactive account": (inactive.email, PASSWORD),
    }
    pages = {}
    for label, (email, password) in attempts.items():
        response = post_login(client, email, password)
        assert response.status_code == 200, label
        body = response.get_data(as_text=True)
        assert FAILED_LOGIN in body, label
        pages[label] = body.replace(email, "EMAIL")
        assert not is_signed_in(client), label
    assert len(set(pages.values())) == 1, "failed-login pages differ between the cases"
    assert db.session.get(Staff, inactive.id).last_login_dt is None


def test_failed_logins_cost_the_same_password_check(client, make_staff, monkeypatch):
    """An unknown email or an inactive account must cost one hash check too (no timing oracle)."""
    active = make_staff(Role.VIEWER)
    inactive = make_staff(Role.VIEWER)
    inactive.is_active_account = False
    db.session.commit()
    calls = []
    real_check = auth_models.check_password_hash

    def counting_check(password_hash, password):
        calls.append(password_hash)
        return real_check(password_hash, password)

    monkeypatch.setattr(auth_models, "check_password_hash", counting_check)
    for email, password in ((active.email, "salah-sekali-123"), ("tidakada@contoh.go.id", PASSWORD),
                            (inactive.email, PASSWORD)):
        calls.clear()
        post_login(client, email, password)
        assert len(calls) == 1, f"{email}: {len(calls)} password checks"


def test_login_form_requires_both_fields(client):
    response = client.post("/masuk", data={"email": "", "password": ""})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Email wajib diisi." in body
    assert "Kata sandi wajib diisi." in body


def test_anonymous_is_sent_to_login_and_back(client, make_staff):
    staff = make_staff(Role.VIEWER)
    response = client.get("/admin/pegawai?q=budi")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/masuk"
    response = client.post(f"/masuk?{location.query}", data={"email": staff.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/pegawai?q=budi"


@pytest.mark.parametrize("target", ["/admin/pegawai", "/admin/pegawai?status=semua&q=a%20b", "/akun/kata-sandi"])
def test_login_follows_a_safe_next(client, make_staff, target):
    staff = make_staff(Role.VIEWER)
    response = post_login(client, staff.email, query_string={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == target


@pytest.mark.parametrize("target", [
    "//evil.com", "///evil.com", "https://evil.com", "http:evil.com", "/\\evil.com", "\\\\evil.com",
    "/\t/evil.com", "/\\/evil.com", "javascript:alert(1)", "evil.com", "",
])
def test_login_ignores_an_unsafe_next(client, make_staff, target):
    staff = make_staff(Role.VIEWER)
    response = post_login(client, staff.email, query_string={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_rate_limit(rate_limited_app, make_staff):
    staff = make_staff(Role.VIEWER)
    client = rate_limited_app.test_client()
    for _ in range(3):
        assert post_login(client, staff.email, "salah-sekali-123").status_code == 200
    response = post_login(client, staff.email)  # even the right password is refused now
    assert response.status_code == 429
    body = response.get_data(as_text=True)
    assert "Terlalu banyak percobaan" in body
    assert "Tunggu sekitar satu menit" in body
    assert not is_signed_in(client)
    assert client.get("/masuk").status_code == 200  # only POSTs count


def test_login_rate_limit_per_email_holds_across_addresses(rate_limited_app, make_staff):
    """Credential stuffing from many addresses still meets the per-account limit."""
    staff = make_staff(Role.VIEWER)
    client = rate_limited_app.test_client()
    for n in range(3):
        response = post_login(client, staff.email, "salah-sekali-123", environ_base={"REMOTE_ADDR": f"10.0.0.{n}"})
        assert response.status_code == 200
    response = post_login(client, staff.email, environ_base={"REMOTE_ADDR": "10.0.0.99"})
    assert response.status_code == 429
    other = make_staff(Role.VIEWER)
    response = post_login(client, other.email, environ_base={"REMOTE_ADDR": "10.0.0.100"})
    assert response.status_code == 302  # another account from a fresh address is not blocked


def test_login_starts_a_fresh_session(app, client, make_staff):
    """Session fixation: what was in the session before login is gone, and the cookie changes."""
    staff = make_staff(Role.VIEWER)
    with client.session_transaction() as session:
        session["planted"] = "by-attacker"
        session["lang"] = "en"
    before = client.get_cookie("session").value
    assert post_login(client, staff.email).status_code == 302
    after = client.get_cookie("session").value
    assert after != before
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["lang"] == "en"  # the language choice is kept on purpose
        assert session["_user_id"].startswith(f"{staff.id}:")
    attacker = app.test_client()
    attacker.set_cookie("session", before)
    assert not is_signed_in(attacker)


def test_logout_is_post_only(client, make_staff, login_as):
    login_as(make_staff(Role.VIEWER))
    assert client.get("/keluar").status_code == 405
    assert is_signed_in(client)


def test_logout_invalidates_a_copied_cookie(app, client, make_staff, login_as):
    login_as(make_staff(Role.VIEWER))
    thief = app.test_client()
    copy_session(client, thief)
    assert is_signed_in(thief)
    response = client.post("/keluar")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/masuk"
    assert not is_signed_in(client)
    assert not is_signed_in(thief)


def change_password(client, old: str, new: str = NEW_PASSWORD, confirm: str | None = None):
    return client.post("/akun/kata-sandi", data={
        "old_password": old, "new_password": new, "confirm": new if confirm is None else confirm})


def test_change_password_requires_the_old_password(app, client, make_staff, login_as):
    staff = make_staff(Role.VIEWER)
    login_as(staff)
    response = change_password(client, "bukan-sandi-lama")
    assert response.status_code == 200
    assert "Kata sandi lama salah." in response.get_data(as_text=True)
    assert db.session.get(Staff, staff.id).check_password(PASSWORD)


@pytest.mark.parametrize(("new", "confirm", "message"), [
    ("pendek", "pendek", "Minimal 10 karakter."),
    (NEW_PASSWORD, NEW_PASSWORD + "x", "Kedua kata sandi tidak sama."),
])
def test_change_password_checks_the_new_password(client, make_staff, login_as, new, confirm, message):
    staff = make_staff(Role.VIEWER)
    login_as(staff)
    response = change_password(client, PASSWORD, new, confirm)
    assert message in response.get_data(as_text=True)
    assert db.session.get(Staff, staff.id).check_password(PASSWORD)


def test_change_password_ends_other_sessions_only(app, client, make_staff, login_as):
    staff = make_staff(Role.VIEWER)
    login_as(staff)
    laptop = app.test_client()
    assert post_login(laptop, staff.email).status_code == 302
    old_cookie = client.get_cookie("session").value
    response = change_password(client, PASSWORD)
    assert response.status_code == 302
    assert is_signed_in(client)
    assert not is_signed_in(laptop)
    replay = app.test_client()
    replay.set_cookie("session", old_cookie)
    assert not is_signed_in(replay)
    assert post_login(app.test_client(), staff.email, PASSWORD).status_code == 200
    assert post_login(app.test_client(), staff.email, NEW_PASSWORD).status_code == 302


def test_deactivation_by_an_admin_ends_the_session(app, client, make_staff, login_as):
    staff = make_staff(Role.VIEWER)
    login_as(staff)
    admin = make_staff(Role.SUPER_ADMIN)
    admin_client = app.test_client()
    assert post_login(admin_client, admin.email).status_code == 302
    response = admin_client.post(f"/admin/staf/{staff.id}", data={
        "email": staff.email, "name": staff.name, "role": "viewer", "agency_id": "0", "password": ""})
    assert response.status_code == 302
    assert not db.session.get(Staff, staff.id).is_active_account
    assert not is_signed_in(client)


def test_deactivated_account_loses_its_session_however_it_was_deactivated(client, make_staff, login_as):
    """Deactivation written straight to the database (a script, a future import) must also end sessions."""
    staff = make_staff(Role.VIEWER)
    login_as(staff)
    staff.is_active_account = False
    db.session.commit()
    assert not is_signed_in(client)


def csrf_token_of(client, path: str) -> str:
    body = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', body) or re.search(
        r'name="csrf_token" value="([^"]+)"', body)
    assert match, "no CSRF token on the page"
    return match.group(1)


def test_login_without_csrf_token_is_rejected(app, client, make_staff):
    app.config["WTF_CSRF_ENABLED"] = True
    staff = make_staff(Role.VIEWER)
    response = post_login(client, staff.email)
    assert response.status_code == 400
    assert "Permintaan tidak valid" in response.get_data(as_text=True)
    assert not is_signed_in(client)
    token = csrf_token_of(client, "/masuk")
    response = client.post("/masuk", data={"email": staff.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert is_signed_in(client)


def test_logout_without_csrf_token_is_rejected(app, client, make_staff, login_as):
    staff = make_staff(Role.VIEWER)
    login_as(staff)
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/keluar").status_code == 400
    assert is_signed_in(client)


def test_change_password_signs_the_real_account_back_in(app, client, make_staff, login_as):
    """user_logged_in receivers get the account itself (not the current_user proxy, which would recurse)."""
    staff = make_staff(Role.VIEWER, email="sinyal@contoh.go.id")
    login_as(staff)
    seen = []

    def receiver(sender, user, **extra):
        seen.append(user.email)

    user_logged_in.connect(receiver, app)
    try:
        assert change_password(client, PASSWORD).status_code == 302
    finally:
        user_logged_in.disconnect(receiver, app)
    assert seen == ["sinyal@contoh.go.id"]
