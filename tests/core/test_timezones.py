"""core.timezones: how a stored UTC time is written for people (Indonesian wording, WIB/WITA/WIT)."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from netralitas.core.timezones import local_time

MOMENT = datetime(2026, 11, 21, 2, 14, tzinfo=UTC)


@pytest.mark.parametrize(("tz_name", "text"), [
    ("Asia/Jakarta", "21 November 2026, 09.14 WIB"),
    ("Asia/Makassar", "21 November 2026, 10.14 WITA"),
    ("Asia/Jayapura", "21 November 2026, 11.14 WIT"),
    ("Europe/Amsterdam", "21 November 2026, 03.14 UTC+01:00"),  # outside Indonesia: the offset
])
def test_local_time_in_indonesian_with_the_zone(tz_name, text):
    assert local_time(MOMENT, tz_name) == text


def test_local_time_crosses_midnight_in_the_display_zone():
    assert local_time(datetime(2026, 11, 21, 20, 30, tzinfo=UTC), "Asia/Jakarta") == "22 November 2026, 03.30 WIB"
