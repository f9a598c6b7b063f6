"""Working days: weekends, national holidays (the `holidays` package) and the recorded days off, as one frozen value.

A case list asks "is it due?" for every row, so the answers come from a WorkCalendar built once per request
(work_calendar) out of national holidays computed once per process and year, and the days_off rows read once.
"""
from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
import sqlalchemy as sa
from flask import current_app, g, has_app_context
from sqlalchemy.exc import IntegrityError

from netralitas.audit.services import record
from netralitas.calendar.models import DayOff, DayOffKind
from netralitas.core.messages import lazy_message as _l
from netralitas.db import utcnow
from netralitas.extensions import db

#: Saturday and Sunday (date.weekday() numbers), named for the UI.
WEEKEND = {5: _l("Sabtu"), 6: _l("Minggu")}
#: Years work_calendar() covers around the current one: cases reach back a few years, deadlines a few months ahead.
YEARS_BEFORE, YEARS_AFTER = 5, 2
#: The `holidays` package's country and categories: "public" are national holidays, "government" cuti bersama.
COUNTRY = "ID"


class OutsideCalendarError(ValueError):
    """A date outside the years a WorkCalendar was built for: answering would silently ignore its holidays."""


class CalendarError(ValueError):
    """A day-off change that breaks a rule; str() is the message in the reader's language (a lazy string)."""


@dataclass(frozen=True)
class WorkCalendar:
    """Which days of first_year..last_year are working days: Monday to Friday, except the named days off."""

    first_year: int
    last_year: int
    #: Every named day off of the covered years (national holidays and days_off rows), sorted by date.
    days_off: tuple[tuple[date, str], ...]
    _names: dict[date, str] = field(init=False, repr=False, compare=False, hash=False)
    #: Ordinals of the named days off that fall on a weekday, sorted: what working_days_between subtracts.
    _weekday_offs: tuple[int, ...] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_names", dict(self.days_off))
        object.__setattr__(self, "_weekday_offs", tuple(sorted(
            day.toordinal() for day in self._names if day.weekday() < 5)))

    def covers(self, day: date) -> bool:
        """True when day lies in the years this calendar was built for."""
        return self.first_year <= day.year <= self.last_year

    def _check(self, day: date) -> None:
        if not self.covers(day):
            raise OutsideCalendarError(f"{day} is outside the calendar's years {self.first_year}-{self.last_year}")

    def is_working_day(self, day: date) -> bool:
        """Monday to Friday and not a national holiday, cuti bersama or local day off."""
        self._check(day)
        return day.weekday() < 5 and day not in self._names

    def day_off_reason(self, day: date) -> str | None:
        """Why day is not a working day: the holiday's or day off's name, else "Sabtu"/"Minggu"; None on a working day."""
        self._check(day)
        return self._names.get(day) or WEEKEND.get(day.weekday())

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after start (start itself never counts; n = 0 gives start; n < 0 counts back)."""
        step = timedelta(days=1 if n >= 0 else -1)
        day, left = start, abs(n)
        while left:
            day += step
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, a: date, b: date) -> int:
        """Working days d with a < d <= b (negative when b is before a): add_working_days(a, n) == b gives n."""
        if b < a:
            return -self.working_days_between(b, a)
        self._check(a)
        self._check(b)
        weeks, rest = divmod((b - a).days, 7)
        weekdays = 5 * weeks + sum(1 for i in range(1, rest + 1) if (a + timedelta(days=i)).weekday() < 5)
        offs = bisect.bisect_right(self._weekday_offs, b.toordinal()) - bisect.bisect_right(
            self._weekday_offs, a.toordinal())
        return weekdays - offs


# --- national holidays and the package's cuti bersama --------------------------------------------------------------

@lru_cache(maxsize=64)
def national_holidays(year: int) -> tuple[tuple[date, str], ...]:
    """The year's national holidays with their Indonesian names, from the `holidays` package (once per process)."""
    found = holidays.country_holidays(COUNTRY, years=year, categories=("public",), language="id")
    return tuple(sorted(found.items()))


def package_cuti_bersama(year: int) -> tuple[tuple[date, str], ...]:
    """The year's cuti bersama as the `holidays` package knows them (empty for a year it has no decree for)."""
    found = holidays.country_holidays(COUNTRY, years=year, categories=("government",), language="id")
    return tuple(sorted(found.items()))


def package_source(year: int) -> str:
    """The source written on imported cuti bersama rows: the package and version, and the decree it follows."""
    return (f"Paket Python holidays {holidays.__version__} (kategori government), menurut SKB 3 Menteri "
            f"tentang Hari Libur Nasional dan Cuti Bersama Tahun {year}")


# --- building the calendar -----------------------------------------------------------------------------------------

def calendar_for(years: Iterable[int]) -> WorkCalendar:
    """A WorkCalendar covering every year from the smallest to the largest of years (national + recorded days off)."""
    years = list(years)
    first, last = min(years), max(years)
    named: dict[date, str] = {}
    rows = db.session.execute(sa.select(DayOff.day, DayOff.name).where(
        DayOff.day >= date(first, 1, 1), DayOff.day <= date(last, 12, 31)))
    named.update((row.day, row.name) for row in rows)
    for year in range(first, last + 1):
        named.update(national_holidays(year))  # a national holiday's name wins over a row on the same day
    return WorkCalendar(first, last, tuple(sorted(named.items())))


def local_today() -> date:
    """Today's date in the display time zone (WIB by default): the day deadlines are counted from."""
    return local_date(utcnow())


def local_date(moment: datetime) -> date:
    """The date a stored UTC moment falls on in the display time zone (a report sent at 23.30 WIB counts that day)."""
    return moment.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def default_years(today: date) -> range:
    """The years work_calendar() covers: YEARS_BEFORE before today's year to YEARS_AFTER after it."""
    return range(today.year - YEARS_BEFORE, today.year + YEARS_AFTER + 1)


def work_calendar(years: Iterable[int] | None = None) -> WorkCalendar:
    """The calendar for years (default: around today), built once per request and reused by every row of a list."""
    years = tuple(years) if years is not None else tuple(default_years(local_today()))
    key = (min(years), max(years))
    if not has_app_context():
        return calendar_for(years)
    kept = g.setdefault("work_calendars", {})
    if key not in kept:
        kept[key] = calendar_for(years)
    return kept[key]


def forget_work_calendars() -> None:
    """Drop this request's calendars after a change to days_off, so the same request sees the change."""
    if has_app_context():
        g.pop("work_calendars", None)


# --- the admin's year page ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class YearOverview:
    """One year as the admin screen shows it: national holidays (read-only), recorded days off, what is missing."""

    year: int
    national: tuple[tuple[date, str], ...]
    recorded: tuple[DayOff, ...]
    #: Cuti bersama the `holidays` package knows for the year that are not recorded yet (what an import would add).
    missing_cuti_bersama: tuple[tuple[date, str], ...]
    #: How many cuti bersama the package knows for the year at all.
    package_cuti_bersama: int


def year_overview(year: int) -> YearOverview:
    """The year's national holidays, recorded days off and the package's cuti bersama not recorded yet."""
    recorded = tuple(db.session.scalars(sa.select(DayOff).where(
        DayOff.day >= date(year, 1, 1), DayOff.day <= date(year, 12, 31)).order_by(DayOff.day)))
    days = {row.day for row in recorded}
    package = package_cuti_bersama(year)
    return YearOverview(year, national_holidays(year), recorded,
                        tuple(item for item in package if item[0] not in days), len(package))


# --- changing the days off -----------------------------------------------------------------------------------------

def day_off_on(day: date) -> DayOff | None:
    """The recorded day off on day, if any."""
    return db.session.scalar(sa.select(DayOff).where(DayOff.day == day))


def add_day_off(actor, *, day: date, name: str, kind: DayOffKind, source: str) -> DayOff:
    """Record a day off; refused when the day already has one. Writes an audit entry; the caller commits."""
    existing = day_off_on(day)
    if existing is not None:
        raise CalendarError(_l("Tanggal %(day)s sudah tercatat sebagai hari libur: %(name)s.",
                               day=day.strftime("%d-%m-%Y"), name=existing.name))
    day_off = DayOff(day=day, name=name, kind=kind, source=source, created_by_id=getattr(actor, "id", None))
    try:
        with db.session.begin_nested():  # another admin adding the same day at the same moment: refused, not a 500
            db.session.add(day_off)
    except IntegrityError:
        raise CalendarError(_l("Tanggal %(day)s sudah tercatat sebagai hari libur.",
                               day=day.strftime("%d-%m-%Y"))) from None
    record(actor, "calendar.day_off_add", "day_off", day_off.id, f"Hari libur {day.isoformat()} ditambahkan",
           {"day": day.isoformat(), "name": name, "kind": kind.value, "source": source})
    forget_work_calendars()
    return day_off


def delete_day_off(actor, day_off: DayOff) -> None:
    """Remove a recorded day off (it becomes a working day again). Writes an audit entry; the caller commits."""
    record(actor, "calendar.day_off_delete", "day_off", day_off.id, f"Hari libur {day_off.day.isoformat()} dihapus",
           {"day": day_off.day.isoformat(), "name": day_off.name, "kind": day_off.kind.value, "source": day_off.source})
    db.session.delete(day_off)
    db.session.flush()
    forget_work_calendars()


def import_cuti_bersama(actor, year: int) -> list[DayOff]:
    """Record the year's cuti bersama the `holidays` package knows, skipping days already recorded; returns the new rows.

    One audit entry lists the days added (none when nothing was new). The caller commits.
    """
    known = set(db.session.scalars(sa.select(DayOff.day).where(
        DayOff.day >= date(year, 1, 1), DayOff.day <= date(year, 12, 31))))
    source = package_source(year)
    added = [DayOff(day=day, name=name[:200], kind=DayOffKind.CUTI_BERSAMA, source=source,
                    created_by_id=getattr(actor, "id", None))
             for day, name in package_cuti_bersama(year) if day not in known]
    if not added:
        return []
    db.session.add_all(added)
    db.session.flush()
    record(actor, "calendar.cuti_bersama_import", "day_off", None,
           f"{len(added)} cuti bersama {year} dari paket holidays ditambahkan",
           {"year": year, "source": source, "days": [row.day.isoformat() for row in added]})
    forget_work_calendars()
    return added
