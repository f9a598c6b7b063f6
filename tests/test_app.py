"""Application-wide behaviour: security headers, cookies, error pages, instance folder, database setup."""
from __future__ import annotations

import io
import os
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from netralitas import InstanceFolderError, create_app
from netralitas.auth.models import Role, Staff
from netralitas.config import load_secret_key, normalize_database_url
from netralitas.extensions import db

CONFIG_ENV = ("DATABASE_URL", "SECRET_KEY", "PUBLIC_BASE_URL", "NETRALITAS_INSTANCE", "MAX_UPLOAD_BYTES")


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    """No configuration from the surrounding shell; the instance folder in tmp_path."""
    for name in CONFIG_ENV:
        monkeypatch.delenv(name, raising=False)
    instance = tmp_path / "instance"
    monkeypatch.setenv("NETRALITAS_INSTANCE", str(instance))
    return instance


def standalone_app(**config):
    """An app on its own SQLite file in the instance folder (no shared test database)."""
    return create_app({"TESTING": True, "RATELIMIT_ENABLED": False, **config})


# --- headers and cookies --------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/masuk", "/tidak-ada", "/static/css/app.css"])
def test_security_headers(client, path):
    response = client.get(path)
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin-when-cross-origin")


def test_security_headers_on_staff_pages(client, make_staff, login_as, fast_passwords):
    login_as(make_staff(Role.SUPER_ADMIN))
    response = client.get("/admin/pegawai")
    assert response.status_code == 200
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"  # personal data stays out of shared caches


def test_pages_have_no_inline_scripts_or_styles(client):
    """The CSP forbids them, so a page that used them would break silently in the browser."""
    body = client.get("/masuk").get_data(as_text=True)
    assert "<script>" not in body
    assert "style=" not in body
    assert "<style" not in body


def session_cookie_header(response) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, "no session cookie set"
    return cookies[0]


def test_session_cookie_flags(client, make_staff, fast_passwords):
    staff = make_staff(Role.VIEWER)
    response = client.post("/masuk", data={"email": staff.email, "password": "rahasia-123456"})
    assert response.status_code == 302
    cookie = session_cookie_header(response)
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # the default address is plain http://127.0.0.1


def test_session_cookie_is_secure_behind_https(clean_env, monkeypatch):
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://netralitas.bkpsdm.example.go.id/")
    app = standalone_app()
    assert app.config["PUBLIC_BASE_URL"] == "https://netralitas.bkpsdm.example.go.id"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    cookie = session_cookie_header(app.test_client().get("/?lang=en"))
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


# --- error pages ----------------------------------------------------------------------------


def test_indonesian_404(client):
    response = client.get("/tidak-ada-halaman-ini")
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "Halaman tidak ditemukan" in body
    assert '<html lang="id">' in body


def test_405_page(client):
    response = client.get("/keluar")
    assert response.status_code == 405
    assert "text/html" in response.headers["Content-Type"]


def test_413_for_an_oversized_post(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 2048
    response = client.post("/masuk", data={"email": "a" * 5000, "password": "x"})
    assert response.status_code == 413
    assert "Berkas terlalu besar" in response.get_data(as_text=True)


def test_413_for_an_oversized_upload(app, client, make_staff, login_as, fast_passwords):
    login_as(make_staff(Role.SUPER_ADMIN))
    app.config["MAX_CONTENT_LENGTH"] = 2048
    response = client.post("/admin/impor/employees/unggah",
                           data={"employees-file": (io.BytesIO(b"x" * 10_000), "pegawai.csv")})
    assert response.status_code == 413
    assert "Berkas terlalu besar" in response.get_data(as_text=True)


# --- instance folder and secret key ---------------------------------------------------------


def test_secret_key_is_generated_once_and_reused(clean_env):
    first = standalone_app()
    key_file = clean_env / "secret_key"
    assert key_file.exists()
    assert key_file.stat().st_mode & 0o077 == 0  # readable by the owner only
    assert len(first.config["SECRET_KEY"]) >= 32
    assert first.config["SECRET_KEY"] == key_file.read_text().strip()
    second = standalone_app()
    assert second.config["SECRET_KEY"] == first.config["SECRET_KEY"]


def test_secret_key_from_the_environment_wins(clean_env, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "dari-lingkungan-" + "x" * 32)
    app = standalone_app()
    assert app.config["SECRET_KEY"] == "dari-lingkungan-" + "x" * 32
    assert not (clean_env / "secret_key").exists()


def test_secret_key_is_shared_by_workers_starting_together(tmp_path, monkeypatch):
    """Several gunicorn workers start at once on a fresh install: they must agree on one key."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    for attempt in range(5):
        folder = tmp_path / f"instance{attempt}"
        folder.mkdir()
        workers, keys = 8, []
        start = threading.Barrier(workers)

        def load(folder=folder, start=start, keys=keys):
            start.wait(timeout=10)
            keys.append(load_secret_key(folder))

        threads = [threading.Thread(target=load) for _ in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)
        assert len(keys) == workers
        assert len(set(keys)) == 1, f"attempt {attempt}: {len(set(keys))} different keys"
        assert keys[0] == (folder / "secret_key").read_text().strip()


def test_secret_key_on_a_filesystem_without_hard_links(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)

    def no_hard_links(*args, **kwargs):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_hard_links)
    key = load_secret_key(tmp_path)
    assert key == (tmp_path / "secret_key").read_text().strip()
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no draft left behind
    assert load_secret_key(tmp_path) == key


def test_unwritable_instance_folder_names_the_path(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    target = blocker / "instance"
    monkeypatch.setenv("NETRALITAS_INSTANCE", str(target))
    with pytest.raises(InstanceFolderError) as info:
        create_app({"TESTING": True})
    assert str(target) in str(info.value)
    assert "NETRALITAS_INSTANCE" in str(info.value)


def test_default_database_lives_in_the_instance_folder(clean_env):
    app = standalone_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{clean_env / 'netralitas.db'}"


# --- database -------------------------------------------------------------------------------


def test_sqlite_uses_wal_and_a_busy_timeout(clean_env):
    app = standalone_app()
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar().lower() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        db.engine.dispose()
    assert Path(str(clean_env / "netralitas.db")).exists()


def test_database_round_trip_on_each_backend(app, make_staff, fast_passwords):
    """Aware UTC datetimes come back identical on SQLite and PostgreSQL."""
    staff = make_staff(Role.VIEWER)
    created = staff.created_dt
    db.session.expire_all()
    again = db.session.get(Staff, staff.id)
    assert again.created_dt == created
    assert again.created_dt.tzinfo is not None


def test_postgresql_connection_settings(app):
    if db.engine.dialect.name != "postgresql":
        assert db.engine.dialect.name == "sqlite"
        return
    assert db.engine.dialect.driver == "psycopg"
    assert db.session.scalar(sa.text("SELECT 1")) == 1


@pytest.mark.parametrize(("given", "expected"), [
    ("postgres://u:p@db.example:5432/netralitas", "postgresql+psycopg://u:p@db.example:5432/netralitas"),
    ("postgresql://u@localhost/netralitas", "postgresql+psycopg://u@localhost/netralitas"),
    ("postgresql+psycopg://u@localhost/n", "postgresql+psycopg://u@localhost/n"),
    ("sqlite:////srv/netralitas.db", "sqlite:////srv/netralitas.db"),
])
def test_database_url_normalisation(given, expected):
    assert normalize_database_url(given) == expected


def test_postgres_url_from_the_environment_uses_psycopg(clean_env, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://netralitas:rahasia@db.internal:5432/netralitas")
    app = standalone_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == (
        "postgresql+psycopg://netralitas:rahasia@db.internal:5432/netralitas")
    with app.app_context():
        assert db.engine.dialect.driver == "psycopg"


def test_passwords_are_hashed_with_scrypt(app):
    """Production hashing is slow on purpose (the test suite swaps in a fast hash via fast_passwords)."""
    staff = Staff(email="x@contoh.go.id", name="X", role=Role.VIEWER)
    staff.set_password("sandi-yang-kuat-1")
    assert staff.password_hash.startswith("scrypt:")
    assert "sandi-yang-kuat-1" not in staff.password_hash
    assert staff.check_password("sandi-yang-kuat-1")
    assert not staff.check_password("sandi-yang-salah-1")


def test_no_app_wide_rate_limit_hook_but_view_limits_hold(app):
    """Every limit is a view decorator, so Flask-Limiter's before-request hook (app-wide limits) is removed."""
    from flask_limiter import Limiter

    hooks = app.before_request_funcs.get(None, [])
    assert not [hook for hook in hooks if getattr(hook, "__func__", None) is Limiter._check_request_limit]
    assert hooks, "the app's own before-request checks stay"


def test_session_serializer_is_built_once_per_secret_key(app):
    """CookieSessions keeps the cookie serializer, and a new SECRET_KEY still invalidates old cookies."""
    interface = app.session_interface
    first = interface.get_signing_serializer(app)
    assert interface.get_signing_serializer(app) is first
    cookie = first.dumps({"lang": "en"})
    old_key = app.secret_key
    try:
        app.secret_key = "another-key"
        rotated = interface.get_signing_serializer(app)
        assert rotated is not first
        with pytest.raises(Exception, match="Signature"):
            rotated.loads(cookie)
        app.config["SECRET_KEY_FALLBACKS"] = [old_key]  # Flask's key rotation: old cookies accepted again
        assert interface.get_signing_serializer(app).loads(cookie) == {"lang": "en"}
    finally:
        app.secret_key = old_key
        app.config["SECRET_KEY_FALLBACKS"] = []
