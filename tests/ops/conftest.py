"""Fixtures for the operations tests: an app whose database cannot be reached."""
from __future__ import annotations

import pytest

from netralitas import create_app
from netralitas.extensions import db

#: Database URLs that fail on connect: a SQLite file under a regular file, a PostgreSQL port nobody listens on.
UNREACHABLE = {
    "sqlite": "sqlite:////dev/null/netralitas/unreachable.db",
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:1/netralitas?connect_timeout=2",
}


@pytest.fixture
def broken_app(app, backend):
    """A second app over the same instance folder whose database is unreachable (as after a bad DATABASE_URL)."""
    broken = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": UNREACHABLE[backend],
        "SECRET_KEY": app.config["SECRET_KEY"],
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
    })
    broken.test_client_class = type(app.test_client())
    yield broken
    with broken.app_context():
        db.engine.dispose()
