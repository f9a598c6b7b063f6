"""/healthz: 200 JSON while the database answers, 503 JSON (never the HTML page, never a raise) when it does not."""
from __future__ import annotations

import json

import sqlalchemy as sa

from netralitas.extensions import db, limiter
from tests.ops.conftest import UNREACHABLE


def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert json.loads(response.data) == {"status": "ok", "database": "ok", "signing_key": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers  # no session for a probe hit every few seconds


def test_head_request_for_probes(client):
    response = client.head("/healthz")
    assert response.status_code == 200


def test_database_unreachable_gives_503_json(broken_app):
    response = broken_app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.mimetype == "application/json"
    assert json.loads(response.data) == {"status": "unavailable", "database": "unavailable", "signing_key": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    assert b"<html" not in response.data


def test_engine_disposed_then_pointed_at_a_dead_server(app, client, backend, monkeypatch):
    """A pool that held live connections, disposed and re-pointed at nothing: 503, and 200 again once it is back."""
    assert client.get("/healthz").status_code == 200
    good_engine = db.engine
    dead_engine = sa.create_engine(UNREACHABLE[backend])
    good_engine.dispose()
    monkeypatch.setattr(type(db), "engine", property(lambda self: dead_engine))
    assert client.get("/healthz").status_code == 503
    monkeypatch.undo()
    dead_engine.dispose()
    assert client.get("/healthz").status_code == 200


def test_not_rate_limited(rate_limited_app):
    client = rate_limited_app.test_client()
    for _ in range(30):
        assert client.get("/healthz").status_code == 200
    assert limiter.enabled
