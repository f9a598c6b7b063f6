"""Strict-Transport-Security from the app itself whenever the official address is https."""
from __future__ import annotations

import pytest

from netralitas import create_app
from netralitas.extensions import db

ONE_YEAR = "max-age=31536000; includeSubDomains"


@pytest.fixture
def make_app(app):
    """A second app over the same database and keys with the given settings."""
    made = []

    def make(**settings):
        other = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                            "SECRET_KEY": "test-secret", "KEYS_DIR": app.config["KEYS_DIR"], **settings})
        made.append(other)
        return other.test_client()

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()


PATHS = ["/healthz", "/cek", "/static/css/signer.css", "/no-such-page", "/.well-known/jwks.json"]


@pytest.mark.parametrize("path", PATHS)
def test_https_address_sends_hsts_on_every_response(make_app, path):
    response = make_app(PUBLIC_BASE_URL="https://netralitas.example.go.id").get(path)
    assert response.headers["Strict-Transport-Security"] == ONE_YEAR, (path, response.status_code)


def test_max_age_is_configurable(make_app):
    client = make_app(PUBLIC_BASE_URL="https://netralitas.example.go.id", HSTS_MAX_AGE=600)
    assert client.get("/healthz").headers["Strict-Transport-Security"] == "max-age=600; includeSubDomains"


@pytest.mark.parametrize("settings", [{"PUBLIC_BASE_URL": "http://127.0.0.1:5000"},
                                      {"PUBLIC_BASE_URL": "https://netralitas.example.go.id", "HSTS_MAX_AGE": 0}])
def test_no_hsts_over_http_or_when_turned_off(make_app, settings):
    assert "Strict-Transport-Security" not in make_app(**settings).get("/healthz").headers


def test_hsts_max_age_from_the_environment(monkeypatch, tmp_path):
    from netralitas.config import Config

    monkeypatch.setenv("HSTS_MAX_AGE", "86400")
    assert Config(tmp_path).HSTS_MAX_AGE == 86400
    monkeypatch.delenv("HSTS_MAX_AGE")
    assert Config(tmp_path).HSTS_MAX_AGE == 31536000
