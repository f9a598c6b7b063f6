"""Signatures over time: SQL bucketing per 5 minutes and per local day, identical on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from netralitas.auth.models import Role
from netralitas.events.models import EventStatus
from netralitas.events.rules import Audience
from netralitas.extensions import db
from netralitas.reports.timeline import Granularity, chart_range, default_granularity, signature_timeline
from netralitas.signing.models import Signature

WIB = "Asia/Jakarta"


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def signed_at(make_agency, make_employee, make_event, sign_for):
    """An event and a function that makes a signature with a chosen signed_dt (in agency 'main' unless told)."""
    agencies = {"main": make_agency("UTAMA"), "other": make_agency("LAIN")}
    event = make_event()

    def sign(moment: datetime, agency: str = "main") -> Signature:
        signature = sign_for(event, make_employee(agencies[agency]))
        db.session.execute(sa.update(Signature).where(Signature.id == signature.id).values(signed_dt=moment))
        db.session.commit()
        return signature

    def window(opens: datetime, closes: datetime, status: EventStatus = EventStatus.OPEN) -> None:
        event.opens_dt, event.closes_dt, event.status = opens, closes, status
        db.session.commit()

    sign.event, sign.window, sign.agencies = event, window, agencies
    return sign


def test_five_minute_buckets_during_the_event(signed_at, make_staff, revoke):
    for moment in (at(2026, 11, 21, 1, 0, 0), at(2026, 11, 21, 1, 4, 59, 999000), at(2026, 11, 21, 1, 5, 0),
                   at(2026, 11, 21, 4, 59, 59, 500000), at(2026, 11, 21, 5, 1), at(2026, 11, 21, 5, 1, 30)):
        signed_at(moment)
    signed_at(at(2026, 11, 21, 0, 59))  # before the window (test data only: the app refuses it)
    revoke(signed_at(at(2026, 11, 21, 2, 0)).certificate)  # revoked: does not count
    signed_at(at(2026, 11, 21, 3, 0), agency="other")
    signed_at.window(at(2026, 11, 21, 1, 0), at(2026, 11, 21, 9, 0))
    now = at(2026, 11, 21, 5, 2)
    timeline = signature_timeline(signed_at.event, Audience.of(signed_at.event, make_staff(Role.SUPER_ADMIN)),
                                  tz_name=WIB, now=now)
    assert timeline.granularity is Granularity.MINUTES
    assert (timeline.start_dt, timeline.end_dt) == (at(2026, 11, 21, 1, 0), at(2026, 11, 21, 5, 5))
    assert len(timeline.counts) == 49
    nonzero = {start: n for start, n in timeline.buckets() if n}
    assert nonzero == {at(2026, 11, 21, 1, 0): 2, at(2026, 11, 21, 1, 5): 1, at(2026, 11, 21, 3, 0): 1,
                       at(2026, 11, 21, 4, 55): 1, at(2026, 11, 21, 5, 0): 2}
    # Scoped staff count their subtree only.
    scoped = make_staff(Role.AGENCY_ADMIN, agency=signed_at.agencies["other"])
    assert signature_timeline(signed_at.event, Audience.of(signed_at.event, scoped), tz_name=WIB, now=now).total == 1
    narrowed = signature_timeline(
        signed_at.event, Audience.of(signed_at.event, make_staff(Role.SUPER_ADMIN), signed_at.agencies["main"]),
        tz_name=WIB, now=now)
    assert narrowed.total == 6


def test_daily_buckets_follow_the_local_calendar(signed_at, make_staff):
    signed_at(at(2026, 11, 20, 16, 59, 59))  # 23:59:59 WIB on the 20th
    signed_at(at(2026, 11, 20, 17, 0, 0))  # 00:00 WIB on the 21st
    signed_at(at(2026, 11, 22, 12, 0))
    signed_at(at(2026, 11, 22, 16, 30))  # 23:30 WIB on the 22nd
    signed_at.window(at(2026, 11, 20, 10, 0), at(2026, 11, 23, 10, 0))
    now = at(2026, 11, 25, 8, 0)  # after the event
    timeline = signature_timeline(signed_at.event, Audience.of(signed_at.event, make_staff(Role.SUPER_ADMIN)),
                                  tz_name=WIB, now=now)
    assert timeline.granularity is Granularity.DAYS
    assert timeline.start_dt == at(2026, 11, 19, 17, 0)  # midnight WIB on the 20th
    assert timeline.counts == [1, 1, 2, 0]
    # Asked for, the 5-minute view of a finished event shows the last 24 hours of its window.
    minutes = signature_timeline(signed_at.event, Audience.of(signed_at.event, make_staff(Role.SUPER_ADMIN)),
                                 granularity=Granularity.MINUTES,
                                 tz_name=WIB, now=now)
    assert minutes.end_dt == at(2026, 11, 23, 10, 0)
    assert minutes.total == 2 and len(minutes.counts) == 24 * 12


def test_default_granularity_and_range(signed_at):
    event = signed_at.event
    signed_at.window(at(2026, 11, 21, 1, 0), at(2026, 11, 28, 1, 0))
    assert default_granularity(event, at(2026, 11, 21, 0, 0)) is Granularity.MINUTES  # not begun yet
    assert default_granularity(event, at(2026, 11, 22, 0, 0)) is Granularity.MINUTES
    assert default_granularity(event, at(2026, 11, 28, 1, 0)) is Granularity.DAYS
    start, end = chart_range(event, Granularity.MINUTES, WIB, at(2026, 11, 25, 12, 3))
    assert (start, end) == (at(2026, 11, 24, 12, 0), at(2026, 11, 25, 12, 5))  # a long event: its last 24 h
    start, end = chart_range(event, Granularity.MINUTES, WIB, at(2026, 11, 20, 0, 0))
    assert start == at(2026, 11, 21, 1, 0) and end - start == timedelta(minutes=5)  # one empty bucket before it opens
    signed_at.window(at(2026, 11, 21, 1, 0), at(2026, 11, 28, 1, 0), EventStatus.CLOSED)
    assert default_granularity(event, at(2026, 11, 22, 0, 0)) is Granularity.DAYS  # closed early


def test_chart_keeps_signatures_of_people_no_longer_required(signed_at, make_staff):
    """The chart records signing activity; the completion figures count only who is still required."""
    from netralitas.reports.completion import completion

    signature = signed_at(at(2026, 11, 21, 2, 0))
    signed_at(at(2026, 11, 21, 2, 1))
    signed_at.window(at(2026, 11, 21, 1, 0), at(2026, 11, 21, 9, 0))
    signature.employee.is_active = False
    db.session.commit()
    admin = make_staff(Role.SUPER_ADMIN)
    assert signature_timeline(signed_at.event, Audience.of(signed_at.event, admin), tz_name=WIB,
                              now=at(2026, 11, 21, 3, 0)).total == 2
    assert completion(signed_at.event, Audience.of(signed_at.event, admin)).total.signed == 1
