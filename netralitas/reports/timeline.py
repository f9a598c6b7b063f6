"""Signatures over time for an event in a staff member's scope: per 5 minutes during the event, per day after.

The bucketing runs in SQL (one GROUP BY over the signatures index ix_signatures_event_signed), with a
dialect-specific epoch expression so SQLite and PostgreSQL give the same buckets; Python only fills the gaps.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from netralitas.db import utcnow
from netralitas.events.models import Event, EventStatus
from netralitas.events.rules import Audience
from netralitas.extensions import db
from netralitas.masterdata.models import Agency, Employee
from netralitas.signing.models import Signature

#: The 5-minute chart never spans more than this (a long event shows its last day).
MAX_MINUTE_SPAN = timedelta(hours=24)
#: The daily chart never shows more days than this (the most recent ones).
MAX_DAYS = 120


class Granularity(enum.StrEnum):
    """Bucket width of the chart; the values are the ?grafik= URL argument."""

    MINUTES = "5menit"
    DAYS = "harian"

    @property
    def seconds(self) -> int:
        return 300 if self is Granularity.MINUTES else 86400


@dataclass
class Timeline:
    """Signature counts per bucket, gaps filled with zeros; times are aware UTC."""

    granularity: Granularity
    #: Start of the first bucket.
    start_dt: datetime
    counts: list[int]

    @property
    def width(self) -> timedelta:
        return timedelta(seconds=self.granularity.seconds)

    @property
    def end_dt(self) -> datetime:
        return self.start_dt + self.width * len(self.counts)

    @property
    def total(self) -> int:
        return sum(self.counts)

    def buckets(self) -> list[tuple[datetime, int]]:
        """(bucket start, count) pairs in time order."""
        return [(self.start_dt + self.width * i, n) for i, n in enumerate(self.counts)]


def default_granularity(event: Event, now: datetime | None = None) -> Granularity:
    """5-minute buckets while the event's window runs (or has not begun), daily buckets once it is over."""
    now = now or utcnow()
    if event.status == EventStatus.CLOSED or now >= event.closes_dt:
        return Granularity.DAYS
    return Granularity.MINUTES


def chart_range(event: Event, granularity: Granularity, tz_name: str,
                now: datetime | None = None) -> tuple[datetime, datetime]:
    """[start, end) in UTC covered by the chart, aligned to whole buckets in the display time zone."""
    now = now or utcnow()
    # Signatures are only accepted inside the window, so the chart never needs to reach past it.
    end = max(min(now, event.closes_dt), event.opens_dt)
    span = MAX_MINUTE_SPAN if granularity is Granularity.MINUTES else timedelta(days=MAX_DAYS - 1)
    start = max(event.opens_dt, end - span)
    offset = _offset_seconds(tz_name, end)
    width = granularity.seconds
    first = (_epoch(start) + offset) // width
    last = (_epoch(end) + offset - 1) // width  # the bucket holding the last instant before `end`
    return _bucket_start(first, width, offset), _bucket_start(max(last, first) + 1, width, offset)


def signature_timeline(event: Event, audience: Audience, *, granularity: Granularity | None = None,
                       tz_name: str = "Asia/Jakarta", now: datetime | None = None) -> Timeline:
    """Live signatures made by employees in the audience's area, counted per bucket over chart_range().

    The chart records signing activity, so it counts every live signature even of someone no longer required
    (since deactivated or moved out of the event's categories): its total can exceed the completion's "signed".
    Staff who see everything need no join at all: one range scan of ix_signatures_event_signed.
    """
    granularity = granularity or default_granularity(event, now)
    start, end = chart_range(event, granularity, tz_name, now)
    width = granularity.seconds
    offset = _offset_seconds(tz_name, end)
    # Integers are inlined so PostgreSQL sees the same expression in SELECT and GROUP BY.
    bucket = ((_epoch_sql(db.session.get_bind().dialect.name) + sa.literal_column(str(offset), sa.Integer))
              // sa.literal_column(str(width), sa.Integer)).label("bucket")
    query = sa.select(bucket).where(Signature.live_in(event.id), Signature.signed_dt >= start, Signature.signed_dt < end)
    if not audience.is_whole_tree:
        query = (query.join(Employee, Signature.employee_id == Employee.id).join(Agency, Employee.agency_id == Agency.id)
                 .where(audience.area_clause()))
    inner = query.subquery()
    rows = db.session.execute(sa.select(inner.c.bucket, sa.func.count()).group_by(inner.c.bucket)).all()
    first = (_epoch(start) + offset) // width
    counts = [0] * ((_epoch(end) - _epoch(start)) // width)
    for key, n in rows:
        index = int(key) - first
        if 0 <= index < len(counts):
            counts[index] += n
    return Timeline(granularity=granularity, start_dt=start, counts=counts)


def _epoch_sql(dialect: str) -> sa.ColumnElement[int]:
    """Whole seconds since 1970 of signed_dt (stored as naive UTC) in this dialect."""
    if dialect == "postgresql":
        return sa.cast(sa.func.floor(sa.extract("epoch", Signature.signed_dt)), sa.BigInteger)
    if dialect == "sqlite":
        return sa.cast(sa.func.strftime("%s", Signature.signed_dt), sa.Integer)
    raise NotImplementedError(f"no epoch expression for {dialect}")


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def _bucket_start(key: int, width: int, offset: int) -> datetime:
    return datetime.fromtimestamp(key * width - offset, UTC)


def _offset_seconds(tz_name: str, moment: datetime) -> int:
    """UTC offset of the display zone (fixed for Indonesia's zones, which have no daylight saving)."""
    return int(moment.astimezone(ZoneInfo(tz_name)).utcoffset().total_seconds())
