"""The moment filter writes exactly what Babel's format_datetime(value, "d MMM y HH:mm") writes, in each language."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import force_locale, format_datetime
from hypothesis import given, settings
from hypothesis import strategies as st

from netralitas import create_app
from netralitas.core.formatting import format_moment


@pytest.fixture(scope="module")
def app():
    """No database needed: one app for every example (the display time zone is the default, Asia/Jakarta)."""
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})

moments = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 12, 31))


@settings(max_examples=300, deadline=None)
@given(moment=moments, aware=st.booleans(), language=st.sampled_from(["id", "en"]))
def test_moment_matches_babel(app, moment, aware, language):
    value = moment.replace(tzinfo=UTC) if aware else moment  # naive values are UTC, as in Babel
    with app.test_request_context("/"), force_locale(language):
        assert format_moment(value) == format_datetime(value, "d MMM y HH:mm")


def test_moment_is_in_the_display_time_zone_and_language(app):
    evening = datetime(2026, 8, 17, 16, 30, tzinfo=UTC)  # 23:30 WIB
    with app.test_request_context("/"):
        assert format_moment(evening) == "17 Agu 2026 23:30"
        assert format_moment(evening + timedelta(hours=1)) == "18 Agu 2026 00:30"
        with force_locale("en"):
            assert format_moment(evening) == "17 Aug 2026 23:30"
        assert format_moment(None) == ""


def test_moment_follows_the_configured_display_time_zone():
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "BABEL_DEFAULT_TIMEZONE": "Asia/Makassar"})
    evening = datetime(2026, 8, 17, 16, 30, tzinfo=UTC)  # 00:30 WITA the next day
    with app.test_request_context("/"):
        assert format_moment(evening) == format_datetime(evening, "d MMM y HH:mm") == "18 Agu 2026 00:30"


def test_pages_name_the_configured_zone_not_always_wib():
    """A government in Makassar shows WITA: the zone after a time follows DISPLAY_TIMEZONE."""
    from netralitas.core.formatting import format_moment_zone

    evening = datetime(2026, 8, 17, 16, 30, tzinfo=UTC)
    for zone, label, text in (("Asia/Makassar", "WITA", "18 Agu 2026 00:30"), ("Asia/Jakarta", "WIB", "17 Agu 2026 23:30")):
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "BABEL_DEFAULT_TIMEZONE": zone})
        with app.test_request_context("/"):
            assert format_moment_zone(evening) == f"{text} {label}"
            assert format_moment_zone(None) == ""
