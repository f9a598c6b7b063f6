"""Stored UTC times and local wall-clock times: converted for form fields, written out for people (WIB by default)."""
from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime


def local_to_utc(local: datetime, tz_name: str) -> datetime:
    """A naive local wall-clock time (as typed in a form) as an aware UTC datetime."""
    return local.replace(tzinfo=ZoneInfo(tz_name)).astimezone(UTC)


def utc_to_local(moment: datetime, tz_name: str) -> datetime:
    """An aware datetime as a naive local wall-clock time (for form fields)."""
    return moment.astimezone(ZoneInfo(tz_name)).replace(tzinfo=None)


#: Indonesia's three time zones as people write them after a time ("09.14 WIB").
INDONESIAN_ZONES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def zone_label(tz_name: str, moment: datetime) -> str:
    """WIB / WITA / WIT for Indonesian zones, else the UTC offset at that moment (e.g. 'UTC+09:00')."""
    if tz_name in INDONESIAN_ZONES:
        return INDONESIAN_ZONES[tz_name]
    offset = moment.astimezone(ZoneInfo(tz_name)).strftime("%z")
    return f"UTC{offset[:3]}:{offset[3:]}"


def local_time(moment: datetime, tz_name: str) -> str:
    """'21 November 2026, 09.14 WIB': the Indonesian way of writing a time, in the display time zone."""
    text = format_datetime(moment, "d MMMM y, HH.mm", tzinfo=ZoneInfo(tz_name), locale="id")
    return f"{text} {zone_label(tz_name, moment)}"
