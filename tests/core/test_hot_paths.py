"""Shortcuts past a library's public path give what the library's own path gives (bench/README.md, "Hot paths").

Each test here breaks when an upgrade of the pinned library changes the internals the shortcut reads.
"""
from __future__ import annotations

import pytest
from babel import Locale
from flask import g, session
from flask.sessions import SecureCookieSessionInterface
from flask_babel import force_locale, get_locale
from flask_limiter import Limiter
from flask_login import current_user, login_user

from netralitas.core.formatting import active_locale
from netralitas.extensions import limiter
from netralitas.ops.logging import _staff_id
from tests.conftest import PASSWORD

# g._flask_babel (Flask-Babel 4.0.0): core/formatting.active_locale

@pytest.mark.parametrize("language", ["id", "en"])
def test_active_locale_is_flask_babels_locale(app, language):
    other = "en" if language == "id" else "id"
    with app.test_request_context("/"):
        session["lang"] = language  # the visitor's choice, as the language switch stores it
        assert active_locale() == get_locale() == Locale.parse(language)  # before Flask-Babel cached it on g
        assert active_locale() == get_locale()  # after
        with force_locale(other):
            assert active_locale() == get_locale() == Locale.parse(other)
        assert active_locale() == get_locale() == Locale.parse(language)
    with app.app_context():  # outside a request: the default language, as get_locale() says
        assert active_locale() == get_locale()


# g._login_user (Flask-Login 0.6.3): ops/logging._staff_id

def test_the_logged_staff_is_flask_logins_current_user(app, client, make_staff, login_as):
    staff = make_staff()
    with app.test_request_context("/"):
        assert _staff_id() is None  # nobody loaded: no query to find out
        login_user(staff)
        assert g._login_user is current_user._get_current_object()
        assert _staff_id() == current_user.id == staff.id
    login_as(staff)
    with client:
        client.get("/akun/kata-sandi")  # a page that loads the user from the session cookie
        assert session.get("_user_id")  # Flask-Login's session key, read by certificates.views as well
        assert g._login_user is current_user._get_current_object()
        assert _staff_id() == staff.id
    with client:
        client.get("/healthz")  # a page that never asks who is signed in: not loaded, so not logged
        assert "_login_user" not in g
        assert _staff_id() is None


# Limiter._check_request_limit and limit_manager (Flask-Limiter 4.1.1): netralitas.drop_app_wide_limit_check

def test_view_limits_apply_without_the_app_wide_hook(rate_limited_app, make_staff):
    hooks = rate_limited_app.before_request_funcs.get(None, [])
    assert not [hook for hook in hooks if getattr(hook, "__func__", None) is Limiter._check_request_limit]
    manager = limiter.limit_manager
    assert not manager.default_limits and not manager.application_limits  # what the drop relies on
    staff = make_staff()
    client = rate_limited_app.test_client()
    answers = [client.post("/masuk", data={"email": staff.email, "password": "salah-sekali-123"}).status_code
               for _ in range(3)]
    assert answers == [200, 200, 200]
    assert client.post("/masuk", data={"email": staff.email, "password": PASSWORD}).status_code == 429


# SecureCookieSessionInterface.get_signing_serializer (Flask 3.1.3): core/sessions.CookieSessions

def test_session_cookies_are_what_flasks_own_interface_reads_and_writes(app):
    stock = SecureCookieSessionInterface()
    ours = app.session_interface
    payload = {"lang": "en", "signer": {"access": [1, 2], "since": 1_700_000_000}}
    assert stock.get_signing_serializer(app).loads(ours.get_signing_serializer(app).dumps(payload)) == payload
    assert ours.get_signing_serializer(app).loads(stock.get_signing_serializer(app).dumps(payload)) == payload
