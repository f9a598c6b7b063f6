"""Rate limits hold across gunicorn worker processes when Redis keeps the counts; signing goes on when Redis is down.

The servers run with --max-requests 1: every request is answered by a process that never served before (its
pid is in the access log), so a limit that holds proves the count is shared, whichever worker the kernel picks.
"""
from __future__ import annotations

import http.client
import random
import re
import secrets
import socket
from pathlib import Path
from urllib.parse import urlencode

import pytest

from netralitas import create_app
from netralitas.extensions import db
from tests.conftest import REDIS_URL, require_redis
from tests.resilience.app_server import clean_env, running_gunicorn

LIMIT = 3
ONE_PROCESS_PER_REQUEST = ("--workers", "2", "--preload", "--max-requests", "1")


@pytest.fixture
def instance(tmp_path, monkeypatch) -> Path:
    """An instance folder holding an empty SQLite schema, as after `flask db upgrade`."""
    folder = tmp_path / "instance"
    monkeypatch.setenv("NETRALITAS_INSTANCE", str(folder))
    made = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'netralitas.db'}",
                       "RATELIMIT_ENABLED": False})
    with made.app_context():
        db.create_all()
        db.engine.dispose()
    return folder


def sign_in_attempts(instance: Path, log_file: Path, *options: str, **settings: str) -> tuple[list[int], list[str]]:
    """LIMIT + 1 wrong-password sign-ins, each on a new connection: their statuses and the pids that answered them.

    A fresh loopback source address and email per run keep counts left in Redis by an earlier run out of the way.
    """
    source = f"127.{random.randint(1, 254)}.{random.randint(1, 254)}.{random.randint(1, 254)}"
    email = f"penyerang-{secrets.token_hex(4)}@contoh.go.id"
    env = clean_env(instance, LOGIN_RATE_LIMIT=f"{LIMIT} per minute", **settings)
    access_log = log_file.with_suffix(".access")
    with running_gunicorn(env, log_file, *options, "--access-logfile", str(access_log),
                          "--access-logformat", "%(p)s %(m)s %(s)s") as server:
        page = request(server.port, source, "GET", "/masuk")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.body).group(1)
        form = urlencode({"csrf_token": token, "email": email, "password": "salah-sekali-123"})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": page.cookie}
        statuses = [request(server.port, source, "POST", "/masuk", form, headers).status for _ in range(LIMIT + 1)]
    posts = [line.split()[0] for line in access_log.read_text().splitlines() if " POST " in line]
    return statuses, posts


class Answer:
    """Status, body and session cookie of one response."""

    def __init__(self, response: http.client.HTTPResponse):
        self.status = response.status
        self.body = response.read().decode()
        self.cookie = (response.getheader("Set-Cookie") or "").split(";", 1)[0]


def request(port: int, source: str, method: str, path: str, body: str | None = None,
            headers: dict[str, str] | None = None) -> Answer:
    """One request on its own TCP connection from the given loopback address."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=(source, 0))
    try:
        conn.request(method, path, body, {"Connection": "close", **(headers or {})})
        return Answer(conn.getresponse())
    finally:
        conn.close()


def test_redis_shares_the_sign_in_limit_across_worker_processes(instance, tmp_path):
    require_redis()
    statuses, pids = sign_in_attempts(instance, tmp_path / "gunicorn.log", *ONE_PROCESS_PER_REQUEST,
                                      REDIS_URL=REDIS_URL)
    assert len(set(pids)) == LIMIT + 1  # every attempt met a process that had counted nothing itself
    assert statuses == [200] * LIMIT + [429]


def test_memory_counts_per_process_and_the_master_warns(instance, tmp_path):
    # The contrast: the same attempts against per-process counters are never refused.
    log_file = tmp_path / "gunicorn.log"
    statuses, pids = sign_in_attempts(instance, log_file, *ONE_PROCESS_PER_REQUEST)
    assert len(set(pids)) == LIMIT + 1
    assert statuses == [200] * (LIMIT + 1)
    assert "rate limits are counted per worker process: with 2 workers" in log_file.read_text()


def test_signing_goes_on_when_redis_does_not_answer(instance, tmp_path):
    # Redis down: each process counts in memory, with a warning, instead of failing every limited request.
    log_file = tmp_path / "gunicorn.log"
    statuses, _ = sign_in_attempts(instance, log_file, "--workers", "1", REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0")
    assert statuses == [200] * LIMIT + [429]  # served, and the limit still holds within the process
    log = log_file.read_text()
    assert "does not answer; until it does, each worker counts rate limits on its own" in log
    assert "Rate limit storage unreachable - falling back to in-memory storage" in log
    assert "Traceback" not in log
    assert "@contoh.go.id" not in log  # the limiter's own log lines never name the account under attack


def closed_port() -> int:
    """A loopback port nothing listens on (bound and released; nothing in this test binds it again)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
