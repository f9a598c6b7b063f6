"""Signed / required counts per agency for an event, rolled up the tree, cached briefly for the big screen."""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from netralitas.core.cache import AppCache
from netralitas.db import utcnow
from netralitas.events.models import Event
from netralitas.events.rules import required_clause
from netralitas.extensions import db
from netralitas.masterdata.models import Agency, Employee
from netralitas.signing.models import Signature

#: Seconds a computed tally is reused: the board polls every few seconds from many screens.
CACHE_SECONDS = 3.0
#: Tallies by event id, per app.
_tallies: AppCache[EventTally] = AppCache("netralitas.events.tally", CACHE_SECONDS)


@dataclass
class AgencyCount:
    """Counts for one agency including everything below it."""

    agency_id: int
    code: str
    name: str
    required: int = 0
    signed: int = 0
    attended: int = 0

    @property
    def percent(self) -> float:
        return round(100 * self.signed / self.required, 1) if self.required else 0.0


@dataclass
class EventTally:
    """Totals and per-agency counts (each agency's subtree) for one event."""

    required: int = 0
    signed: int = 0
    attended: int = 0
    by_agency: dict[int, AgencyCount] = field(default_factory=dict)
    computed_dt: object = None

    @property
    def percent(self) -> float:
        return round(100 * self.signed / self.required, 1) if self.required else 0.0

    def top_level(self) -> list[AgencyCount]:
        """The OPD level: children of the roots (the roots themselves when a tree has one level)."""
        return [c for c in self.by_agency.values() if c.agency_id in self._top_ids]

    _top_ids: set[int] = field(default_factory=set)


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
    tally = EventTally(computed_dt=utcnow())
    counts = {a.id: AgencyCount(a.id, a.code, a.name) for a in agencies}
    paths = {a.id: [int(p) for p in a.path.strip("/").split("/")] for a in agencies}
    for agency_id, n in required.items():
        tally.required += n
        for ancestor in paths[agency_id]:
            counts[ancestor].required += n
    for agency_id, n, attended in signed_rows:
        tally.signed += n
        tally.attended += attended or 0
        for ancestor in paths[agency_id]:
            counts[ancestor].signed += n
            counts[ancestor].attended += attended or 0
    tally.by_agency = {k: v for k, v in counts.items() if v.required or v.signed}
    tally._top_ids = _top_level_ids(agencies, tally.by_agency)
    return tally


def _top_level_ids(agencies, present: dict[int, AgencyCount]) -> set[int]:
    roots = [a for a in agencies if a.depth == 0 and a.id in present]
    if len(roots) == 1:
        return {a.id for a in agencies if a.depth == 1 and a.id in present}
    return {a.id for a in roots}


def cached_tally(event: Event) -> EventTally:
    """The tally, recomputed at most every CACHE_SECONDS per process."""
    return _tallies.get(event.id, lambda: compute_tally(event))
