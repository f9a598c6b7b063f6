"""gunicorn.conf.py warns at start when rate limits are weaker than they look: per process, or keyed on forgeable addresses."""
from __future__ import annotations

import logging
import runpy
from dataclasses import dataclass

import pytest
from gunicorn.config import Config

from tests.resilience.app_server import ROOT

HOOKS = runpy.run_path(str(ROOT / "gunicorn.conf.py"))


@dataclass
class Master:
    """What the hooks use of gunicorn's arbiter: its settings, its log and its pid file."""

    cfg: Config
    log: logging.Logger
    pidfile: None = None


def start(*binds: str, workers: int = 1) -> None:
    """Run the on_starting hook as gunicorn would for these bind addresses and worker count."""
    cfg = Config()
    cfg.set("bind", list(binds))
    cfg.set("workers", workers)
    HOOKS["on_starting"](Master(cfg, logging.getLogger("test.gunicorn")))


@pytest.fixture(autouse=True)
def settings(monkeypatch, tmp_path):
    monkeypatch.setenv("NETRALITAS_INSTANCE", str(tmp_path / "instance"))
    for name in ("REDIS_URL", "RATELIMIT_STORAGE_URI", "TRUSTED_PROXIES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://netralitas.example.go.id")
    return monkeypatch


def warnings(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING]


@pytest.mark.parametrize("bind", ["0.0.0.0:8000", ":8000", "[::]:8000", "10.1.2.3:8000"])
def test_trusted_proxies_on_a_network_address_warns(settings, caplog, bind):
    settings.setenv("TRUSTED_PROXIES", "1")
    start(bind)
    (warning,) = warnings(caplog)
    assert "TRUSTED_PROXIES=1 but gunicorn listens on" in warning
    assert "can forge X-Forwarded-For" in warning


@pytest.mark.parametrize("bind", ["127.0.0.1:8000", "127.0.0.2:8000", "[::1]:8000", "localhost:8000",
                                  "unix:/run/netralitas/gunicorn.sock"])
def test_trusted_proxies_on_loopback_is_quiet(settings, caplog, bind):
    settings.setenv("TRUSTED_PROXIES", "1")
    start(bind)
    assert warnings(caplog) == []


def test_a_network_address_without_a_proxy_is_quiet(caplog):
    start("0.0.0.0:8000")  # TRUSTED_PROXIES=0: the client's own address is used, nothing to forge
    assert warnings(caplog) == []


def test_several_workers_without_shared_storage_warn(caplog):
    start("127.0.0.1:8000", workers=4)
    (warning,) = warnings(caplog)
    assert "rate limits are counted per worker process: with 4 workers" in warning
    assert "REDIS_URL=redis://127.0.0.1:6379/0" in warning


def test_a_silent_storage_is_named_without_its_password(settings, caplog):
    settings.setenv("REDIS_URL", "redis://:rahasia-redis@127.0.0.1:1/2")
    start("127.0.0.1:8000", workers=2)
    (warning,) = warnings(caplog)
    assert "redis://127.0.0.1:1/2 does not answer" in warning
    assert "rahasia-redis" not in warning


def test_an_unset_public_address_warns(settings, caplog):
    settings.delenv("PUBLIC_BASE_URL")
    start("127.0.0.1:8000")
    (warning,) = warnings(caplog)
    assert "PUBLIC_BASE_URL is not set" in warning
