"""Signed / required counts per agency for an event, rolled up the tree, cached briefly for the big screen."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from netralitas.core.cache import AppCache
from netralitas.db import utcnow
from netralitas.events.models import Event
from netralitas.events.progress import Progress, roll_up
from netralitas.events.rules import required_clause
from netralitas.extensions import db
from netralitas.masterdata.models import Agency, Employee
from netralitas.signing.models import Signature

#: Seconds a computed tally is reused: the board polls every few seconds from many screens.
CACHE_SECONDS = 3.0
#: Tallies by event id, per app.
_tallies: AppCache[EventTally] = AppCache("netralitas.events.tally", CACHE_SECONDS)


@dataclass(frozen=True, kw_only=True)
class AgencyCount(Progress):
    """Counts for one agency including everything below it."""

    agency_id: int
    code: str
    name: str


@dataclass(frozen=True, kw_only=True)
class EventTally(Progress):
    """Totals and per-agency counts (each agency's subtree) for one event."""

    by_agency: dict[int, AgencyCount]
    computed_dt: datetime
    #: The OPD level (see top_level).
    top_ids: frozenset[int]

    def top_level(self) -> list[AgencyCount]:
        """The OPD level: children of the roots (the roots themselves when a tree has one level)."""
        return [c for c in self.by_agency.values() if c.agency_id in self.top_ids]


def compute_tally(event: Event) -> EventTally:
    """Two grouped queries (required, signed per agency), rolled up the tree in Python: O(agencies) after SQL."""
    required = dict(db.session.execute(
        sa.select(Employee.agency_id, sa.func.count()).join(Agency, Employee.agency_id == Agency.id)
        .where(required_clause(event.rule)).group_by(Employee.agency_id)).all())
    signed_rows = db.session.execute(
        sa.select(Employee.agency_id, sa.func.count(), sa.func.sum(sa.case((Signature.is_attended, 1), else_=0)))
        .join(Employee, Signature.employee_id == Employee.id)
        .where(Signature.live_in(event.id)).group_by(Employee.agency_id)).all()
    agencies = db.session.execute(sa.select(Agency.id, Agency.code, Agency.name, Agency.path, Agency.depth)).all()
    signed = {agency_id: (n, attended or 0) for agency_id, n, attended in signed_rows}
    own = {agency_id: Progress(required.get(agency_id, 0), *signed.get(agency_id, (0, 0)))
           for agency_id in required.keys() | signed.keys()}
    rolled = roll_up(own, {a.id: a.path for a in agencies})
    by_agency = {a.id: AgencyCount(required=p.required, signed=p.signed, attended=p.attended, agency_id=a.id,
                                   code=a.code, name=a.name)
                 for a in agencies if (p := rolled.get(a.id)) is not None and (p.required or p.signed)}
    total = sum(own.values(), Progress())
    return EventTally(required=total.required, signed=total.signed, attended=total.attended, by_agency=by_agency,
                      computed_dt=utcnow(), top_ids=_top_level_ids(agencies, by_agency))


def _top_level_ids(agencies, present: dict[int, AgencyCount]) -> frozenset[int]:
    roots = [a for a in agencies if a.depth == 0 and a.id in present]
    if len(roots) == 1:
        return frozenset(a.id for a in agencies if a.depth == 1 and a.id in present)
    return frozenset(a.id for a in roots)


def cached_tally(event: Event) -> EventTally:
    """The tally, recomputed at most every CACHE_SECONDS per process."""
    return _tallies.get(event.id, lambda: compute_tally(event))

