"""Converting between stored UTC times and the local wall-clock times people type (WIB by default)."""
from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def local_to_utc(local: datetime, tz_name: str) -> datetime:
    """A naive local wall-clock time (as typed in a form) as an aware UTC datetime."""
    return local.replace(tzinfo=ZoneInfo(tz_name)).astimezone(UTC)


def utc_to_local(moment: datetime, tz_name: str) -> datetime:
    """An aware datetime as a naive local wall-clock time (for form fields)."""
    return moment.astimezone(ZoneInfo(tz_name)).replace(tzinfo=None)
