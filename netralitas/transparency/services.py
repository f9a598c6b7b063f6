"""The public transparency figures of one government: declaration completion and enforcement, safe to publish.

Every count goes through core.suppression (counts 1–4 hidden, and what would give them away); no name, NIP, NIK,
case number or reporter reaches these values, only agency names, categories and counts.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from netralitas.calendar.services import local_today
from netralitas.cases.forms import STAGE_LABELS
from netralitas.core.cache import AppCache
from netralitas.core.messages import lazy_message as _l
from netralitas.core.suppression import (
    DEFAULT_THRESHOLD,
    Count,
    ProtectedTable,
    protect,
    protect_line,
    protect_linked,
    protected_median,
)
from netralitas.db import utcnow
from netralitas.events.models import Event, EventStatus, event_agencies
from netralitas.events.progress import Progress
from netralitas.events.rules import Audience
from netralitas.extensions import db
from netralitas.masterdata.models import CATEGORY_LABELS, Agency
from netralitas.masterdata.scope import subtree_clause
from netralitas.public_reports.status import STATUS_LABELS
from netralitas.reports.completion import completion
from netralitas.transparency.enforcement import FOLLOW_UP_LABELS, enforcement_counts

#: Counts below this are not published; a median needs at least this many decided cases.
THRESHOLD = DEFAULT_THRESHOLD
#: Figures are computed at most once a minute per government, event and year (per app process): a public page
#: must not run the completion roll-up and the case queries on every hit, and a minute-old figure is fine there.
CACHE_SECONDS = 60
#: Someone probing ?tahun= and ?acara= values cannot fill memory: past this many keys the cache starts over.
CACHE_ENTRIES = 512
#: The earliest year the page answers for (a later one than the current year is a 404, like junk).
FIRST_YEAR = 2000
#: Agency codes and event slugs are never longer (Agency.code, Event.slug); longer input is not looked up.
MAX_CODE_LENGTH, MAX_SLUG_LENGTH = 40, 60

OWN_EMPLOYEES_LABEL = _l("Pegawai langsung pada pemerintah daerah")

_figures: AppCache[GovernmentFigures] = AppCache("netralitas.transparency", CACHE_SECONDS, max_entries=CACHE_ENTRIES)


@dataclass(frozen=True)
class CompletionRow:
    """Who must sign, who has and who has not, in one agency (with its sub-units) or one category."""

    key: str
    label: str
    required: Count
    signed: Count
    unsigned: Count
    #: Signed of required in percent, one decimal; None when either count is hidden or nobody is required.
    percent: float | None


@dataclass(frozen=True)
class CountRow:
    """One line of an enforcement table: a stage or outcome and how many."""

    key: str
    label: str
    count: Count


@dataclass(frozen=True)
class Declarations:
    """Completion of one event in the government's subtree."""

    event_slug: str
    event_name: str
    by_agency: tuple[CompletionRow, ...]
    by_category: tuple[CompletionRow, ...]
    total: CompletionRow


@dataclass(frozen=True)
class GovernmentFigures:
    """Everything the page, the print page and the JSON feed show; plain values only (kept across requests)."""

    government_code: str
    government_name: str
    year: int
    generated_dt: datetime
    declarations: Declarations | None
    reports: tuple[CountRow, ...]
    reports_total: Count
    cases: tuple[CountRow, ...]
    cases_total: Count
    #: Median working days from receipt to decree; None with fewer than THRESHOLD decided cases.
    median_working_days: float | None
    follow_ups: tuple[CountRow, ...]
    follow_ups_total: Count
    threshold: int = THRESHOLD


# --- choosing what to show --------------------------------------------------------------------------------------------

def government_by_code(code: str) -> Agency | None:
    """The active root agency with this code; None for a sub-agency, an unknown code or input no code looks like."""
    if not code or len(code) > MAX_CODE_LENGTH:
        return None
    return db.session.scalar(sa.select(Agency).where(
        Agency.code == code, Agency.parent_id.is_(None), Agency.is_active.is_(True)))


def events_for(government: Agency) -> list[Event]:
    """Events (not drafts) that cover the government or part of it, most recent first."""
    covered_here = (sa.select(event_agencies.c.agency_id).join(Agency, Agency.id == event_agencies.c.agency_id)
                    .where(event_agencies.c.event_id == Event.id, subtree_clause(government.path)).exists())
    covers_all = ~sa.select(event_agencies.c.agency_id).where(event_agencies.c.event_id == Event.id).exists()
    return list(db.session.scalars(
        sa.select(Event).where(Event.status != EventStatus.DRAFT, sa.or_(covers_all, covered_here))
        .order_by(Event.opens_dt.desc(), Event.id.desc())))


def choose_event(events: list[Event], slug: str | None) -> Event | None:
    """The event named by ?acara= among the government's events, or the most recent one without it.

    Raises LookupError for a slug that names none of them (the view answers 404).
    """
    if not slug:
        return events[0] if events else None
    found = next((event for event in events if event.slug == slug), None) if len(slug) <= MAX_SLUG_LENGTH else None
    if found is None:
        raise LookupError(slug)
    return found


def choose_year(raw: str | None) -> int:
    """The year of ?tahun= (four digits, FIRST_YEAR to this year), the current local year without it.

    Raises LookupError for anything else (the view answers 404).
    """
    this_year = local_today().year
    if not raw:
        return this_year
    if not (len(raw) == 4 and raw.isascii() and raw.isdigit() and FIRST_YEAR <= int(raw) <= this_year):
        raise LookupError(raw)
    return int(raw)


def years_offered() -> list[int]:
    """The years the page offers to choose from: this year and the four before it."""
    this_year = local_today().year
    return list(range(this_year, max(FIRST_YEAR, this_year - 4) - 1, -1))


# --- the figures --------------------------------------------------------------------------------------------------------

def government_figures(government: Agency, event: Event | None, year: int, tz_name: str) -> GovernmentFigures:
    """The figures of a government for an event and a year, computed at most once a minute (see CACHE_SECONDS)."""
    key = (government.id, event.id if event else None, year)
    return _figures.get(key, lambda: _compute(government, event, year, tz_name))


def forget_figures() -> None:
    """Drop every kept figure of this app (a benchmark's cold request, a test that changes the data)."""
    _figures.clear()


def _compute(government: Agency, event: Event | None, year: int, tz_name: str) -> GovernmentFigures:
    counts = enforcement_counts(government, year, tz_name)
    reports = protect_line([counts.reports[status] for status in STATUS_LABELS], THRESHOLD)
    cases = protect_line([counts.cases[stage] for stage in STAGE_LABELS], THRESHOLD)
    follow_ups = protect_line([counts.follow_ups[outcome] for outcome in FOLLOW_UP_LABELS], THRESHOLD)
    return GovernmentFigures(
        government_code=government.code, government_name=government.name, year=year, generated_dt=utcnow(),
        declarations=declarations(government, event) if event is not None else None,
        reports=_count_rows(STATUS_LABELS, reports), reports_total=reports.totals[-1],
        cases=_count_rows(STAGE_LABELS, cases), cases_total=cases.totals[-1],
        median_working_days=protected_median(counts.days_to_decision, THRESHOLD),
        follow_ups=_count_rows(FOLLOW_UP_LABELS, follow_ups), follow_ups_total=follow_ups.totals[-1])


def declarations(government: Agency, event: Event) -> Declarations:
    """Completion by agency (the government's direct children, sub-units rolled up) and by category, suppressed.

    The completion roll-up of the reports (reports.completion) over the event's audience inside the government.
    """
    result = completion(event, Audience(event.id, event.rule, None, government.path))
    root = result.agencies.get(government.id)
    agencies: list[tuple[str, str, Progress]] = []
    if root is not None:
        children = result.children(root)
        agencies = [(child.code, child.name, child) for child in children]
        own = Progress(root.required - sum(c.required for c in children), root.signed - sum(c.signed for c in children))
        if own.required:  # employees attached to the government itself: a row, so the rows add up to the total
            agencies.append((government.code, OWN_EMPLOYEES_LABEL, own))
    categories = [(category.value, CATEGORY_LABELS[category], result.by_category.get(category, Progress()))
                  for category in event.categories]
    category_inner = [[p.signed, p.unsigned] for _, _, p in categories]
    if agencies:  # both tables split the same people: a total hidden in one is hidden in the other
        by_agency, by_category = protect_linked([[[p.signed, p.unsigned] for _, _, p in agencies], category_inner],
                                                THRESHOLD)
    else:
        by_agency, by_category = None, protect(category_inner, THRESHOLD)
    return Declarations(
        event_slug=event.slug, event_name=event.name,
        by_agency=tuple(_completion_row(code, name, cells)
                        for (code, name, _), cells in zip(agencies, by_agency.rows if by_agency else (), strict=True)),
        by_category=tuple(_completion_row(key, label, cells)
                          for (key, label, _), cells in zip(categories, by_category.rows, strict=True)),
        total=_completion_row("total", _l("Jumlah"), by_category.totals))


def _completion_row(key: str, label: str, cells: tuple[Count, ...]) -> CompletionRow:
    signed, unsigned, required = cells
    percent = None
    if signed.value is not None and required.value:  # a percentage would give a hidden count back
        percent = Progress(required=required.value, signed=signed.value).percent
    return CompletionRow(key, label, required, signed, unsigned, percent)


def _count_rows(labels: dict, line: ProtectedTable) -> tuple[CountRow, ...]:
    """The rows of a one-line table (protect_line over the labels' keys, in their order), its total left out."""
    return tuple(CountRow(key.value, label, count) for (key, label), count in zip(labels.items(), line.rows[0][:-1],
                                                                                     strict=True))


# --- the JSON feed --------------------------------------------------------------------------------------------------------

def figures_payload(figures: GovernmentFigures) -> dict[str, Any]:
    """The feed's JSON: stable keys (README "Transparency page"); a hidden count is null."""
    declared = figures.declarations
    return {
        "government": {"code": figures.government_code, "name": figures.government_name},
        "year": figures.year,
        "generated_at": figures.generated_dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "suppression": {"threshold": figures.threshold, "hidden_value": None,
                        "rule": f"counts from 1 to {figures.threshold - 1} and counts that would reveal them are "
                                f"null; a median needs at least {figures.threshold} decided cases"},
        "declarations": None if declared is None else {
            "event": {"slug": declared.event_slug, "name": declared.event_name},
            "total": _completion_json(declared.total),
            # A row with the government's own code counts the employees attached to the government itself.
            "by_agency": [{"code": row.key, "name": figures.government_name if row.key == figures.government_code
                           else str(row.label), **_completion_json(row)} for row in declared.by_agency],
            "by_category": [{"category": row.key, **_completion_json(row)} for row in declared.by_category],
        },
        "enforcement": {
            "reports": {**{row.key: row.count.value for row in figures.reports}, "total": figures.reports_total.value},
            "cases": {**{row.key: row.count.value for row in figures.cases}, "total": figures.cases_total.value},
            "median_working_days_to_decision": figures.median_working_days,
            "recommendations": {**{row.key: row.count.value for row in figures.follow_ups},
                                "total": figures.follow_ups_total.value},
        },
    }


def _completion_json(row: CompletionRow) -> dict[str, Any]:
    return {"required": row.required.value, "signed": row.signed.value, "not_signed": row.unsigned.value,
            "percent": row.percent}
