"""Browser fixtures: the app on a live local server and Debian's Chromium driven by Playwright."""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from netralitas import create_app
from netralitas.extensions import db
from tests.conftest import IN_CI, PASSWORD, wipe_tables

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
#: Flags needed as root on a closed network, or Chromium stalls on background connections.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session; skips locally (fails in CI) when it is not installed."""
    if not os.path.exists(CHROMIUM):
        reason = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if IN_CI:
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def live_app(tmp_path, monkeypatch):
    """The real app on SQLite, served by a threaded local server; yields (app, base_url)."""
    monkeypatch.setenv("NETRALITAS_INSTANCE", str(tmp_path / "instance"))
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'browser.db'}",
        "RATELIMIT_ENABLED": False,
        "SECRET_KEY": "browser-test",
        "PUBLIC_BASE_URL": "http://127.0.0.1",
    })
    with app.app_context():
        db.create_all()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_BASE_URL"] = base_url  # QR codes must point at this server
    yield app, base_url
    server.shutdown()
    with app.app_context():
        wipe_tables()
        db.engine.dispose()


@pytest.fixture
def page_factory(browser):
    """New pages with a given viewport; console errors (CSP violations included) are collected."""
    contexts = []

    def make(viewport: dict | None = None):
        context = browser.new_context(viewport=viewport or PHONE, locale="id-ID")
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
        page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
        return page

    yield make
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/ for a human to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page, base_url: str, email: str = "admin@uji.go.id") -> None:
    """Sign a staff member in through the login form (the seeds give every account tests.conftest.PASSWORD)."""
    page.goto(f"{base_url}/masuk")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base_url}/")
