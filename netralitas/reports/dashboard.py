"""Read-only helpers of the completion dashboard: tree sorting, the lowest agencies, the chart's labels, which event to open."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import format_date, ngettext
from markupsafe import Markup

from netralitas.core.svgchart import bar_chart_svg
from netralitas.events.models import Event, EventStatus
from netralitas.extensions import db
from netralitas.reports.completion import AgencyCompletion, Completion
from netralitas.reports.timeline import Granularity, Timeline

#: ?sort= values of the agency tree (a leading "-" reverses); siblings are sorted, the tree shape stays.
SORT_KEYS: dict[str, Callable[[AgencyCompletion], object]] = {
    "kode": lambda a: a.code,
    "nama": lambda a: a.name.casefold(),
    "wajib": lambda a: a.required,
    "sudah": lambda a: a.signed,
    "belum": lambda a: a.unsigned,
    "persen": lambda a: a.percent,
}
DEFAULT_SORT = "kode"
#: How many agencies the "lowest completion" list shows.
LOWEST_LIMIT = 8
#: At most this many x labels under the chart, so they never overlap.
MAX_TICKS = 8


def parse_sort(value: str | None) -> tuple[str, bool]:
    """('persen', True) for '-persen'; unknown values fall back to the code order."""
    value = (value or "").strip()
    descending = value.startswith("-")
    key = value.lstrip("-")
    return (key, descending) if key in SORT_KEYS else (DEFAULT_SORT, False)


def sort_tree(result: Completion, key: str, descending: bool) -> None:
    """Order the roots and every agency's children by key (ties by code), in place."""
    by = SORT_KEYS[key]

    def ordered(ids: Iterable[int]) -> tuple[int, ...]:
        rows = sorted((result.agencies[i] for i in ids), key=lambda a: a.code)
        return tuple(a.agency_id for a in sorted(rows, key=by, reverse=descending))

    result.root_ids = list(ordered(result.root_ids))
    # Rows are frozen: only those whose children move are replaced (none in the default code order).
    result.agencies = {agency_id: row if (child_ids := ordered(row.child_ids)) == row.child_ids
                       else replace(row, child_ids=child_ids) for agency_id, row in result.agencies.items()}


def lowest_agencies(result: Completion, limit: int = LOWEST_LIMIT) -> list[AgencyCompletion]:
    """The lowest-completion agencies that still have someone to chase, below the top of the visible tree.

    A single top row is left out: it is the total shown above the list.
    """
    if len(result.agencies) <= 1:
        return []
    roots = set(result.root_ids) if len(result.root_ids) == 1 else set()
    return [a for a in result.lowest(limit + len(roots)) if a.agency_id not in roots and a.unsigned][:limit]


def timeline_charts(timeline: Timeline, tz_name: str) -> dict[str, Markup]:
    """The timeline drawn twice: "wide" for laptops and "narrow" for phones (fewer labels, text stays legible).

    Bars are labelled in local time: hours under 5-minute bars, dates under daily ones.
    """
    zone = ZoneInfo(tz_name)
    starts = [start.astimezone(zone) for start, _ in timeline.buckets()]
    titles = [_bar_title(start, start + timeline.width, n, timeline.granularity) if n else ""
              for start, n in zip(starts, timeline.counts, strict=True)]
    if timeline.granularity is Granularity.MINUTES:
        title = ngettext("%(num)s tanda tangan per 5 menit", "%(num)s tanda tangan per 5 menit", timeline.total)
    else:
        title = ngettext("%(num)s tanda tangan per hari", "%(num)s tanda tangan per hari", timeline.total)
    return {name: bar_chart_svg(timeline.counts, title=title, bar_titles=titles, width=width,
                                ticks=_ticks(starts, timeline.granularity, max_ticks))
            for name, width, max_ticks in (("wide", 900, MAX_TICKS), ("narrow", 400, MAX_TICKS // 2))}


def _ticks(starts: list[datetime], granularity: Granularity, max_ticks: int) -> list[tuple[int, str]]:
    """(bar index, label) for at most about max_ticks labels: whole hours, or every n-th day."""
    if granularity is Granularity.MINUTES:
        hours = max(1, len(starts) // 12)
        step = next((s for s in (1, 2, 3, 4, 6, 12) if hours / s <= max_ticks), 24)
        return [(i, f"{t:%H:%M}") for i, t in enumerate(starts) if t.minute == 0 and t.hour % step == 0]
    step = max(1, -(-len(starts) // max_ticks))
    return [(i, format_date(t.date(), "d MMM")) for i, t in enumerate(starts) if i % step == 0]


def _bar_title(start: datetime, end: datetime, count: int, granularity: Granularity) -> str:
    when = f"{start:%d/%m %H:%M}–{end:%H:%M}" if granularity is Granularity.MINUTES else format_date(start.date(), "d MMM y")
    return ngettext("%(when)s: %(num)s tanda tangan", "%(when)s: %(num)s tanda tangan", count, when=when)


def default_event() -> Event | None:
    """The event a "Rekap" click should open: the newest open one, else the newest of all."""
    return db.session.scalar(sa.select(Event).order_by(
        sa.case((Event.status == EventStatus.OPEN, 0), else_=1), Event.opens_dt.desc(), Event.id.desc()).limit(1))


def other_events(limit: int = 20) -> list[Event]:
    """Events for the dashboard's event switcher, newest first."""
    return list(db.session.scalars(sa.select(Event).order_by(Event.opens_dt.desc(), Event.id.desc()).limit(limit)))
