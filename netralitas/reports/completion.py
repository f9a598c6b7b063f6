"""Completion of an event in a staff member's scope: totals, per category and per agency (rolled up the tree).

Cost is O(agencies × categories) after SQL: one grouped query (required employees left-joined to their live
signature, one scan of each table), then a roll-up of each agency's counts into its ancestors in Python.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from netralitas.events.models import Event
from netralitas.events.progress import Progress, roll_up
from netralitas.events.rules import Audience
from netralitas.extensions import db
from netralitas.masterdata.models import Agency, Category, Employee
from netralitas.signing.models import Signature


@dataclass(frozen=True, kw_only=True)
class AgencyCompletion(Progress):
    """One agency's counts including its whole subtree."""

    agency_id: int
    code: str
    name: str
    parent_id: int | None = None
    depth: int = 0
    #: Ids of child agencies that have anyone required or signed, in code order (dashboard.sort_tree reorders).
    child_ids: tuple[int, ...] = ()


@dataclass
class Completion:
    """An event's completion as one staff member may see it."""

    event: Event
    total: Progress = Progress()
    by_category: dict[Category, Progress] = field(default_factory=dict)
    #: Every agency in scope with anyone required or signed, keyed by id.
    agencies: dict[int, AgencyCompletion] = field(default_factory=dict)
    #: The top rows of the tree as this staff member sees it (their own root, or the roots).
    root_ids: list[int] = field(default_factory=list)

    def walk(self) -> list[AgencyCompletion]:
        """Agencies depth-first in tree order (parents before their children)."""
        ordered: list[AgencyCompletion] = []
        stack = list(reversed(self.root_ids))
        while stack:
            row = self.agencies[stack.pop()]
            ordered.append(row)
            stack.extend(reversed(row.child_ids))
        return ordered

    def roots(self) -> list[AgencyCompletion]:
        """The top rows, in root_ids order."""
        return [self.agencies[i] for i in self.root_ids]

    def children(self, row: AgencyCompletion) -> list[AgencyCompletion]:
        """A row's children, in child_ids order."""
        return [self.agencies[i] for i in row.child_ids]

    def lowest(self, limit: int = 10) -> list[AgencyCompletion]:
        """Agencies with the lowest completion (most unsigned first on ties); those with nobody required are skipped."""
        rows = [a for a in self.agencies.values() if a.required]
        return sorted(rows, key=lambda a: (a.percent, -a.unsigned, a.code))[:limit]


def completion(event: Event, audience: Audience) -> Completion:
    """Completion of the event over an audience of it (a staff member's scope, narrowed to a unit when given)."""
    agencies = db.session.execute(
        sa.select(Agency.id, Agency.code, Agency.name, Agency.parent_id, Agency.path, Agency.depth)
        .where(audience.area_clause()).order_by(Agency.code)).all()
    result = Completion(event=event, by_category={c: Progress() for c in event.categories})
    own: dict[int, Progress] = {}
    for agency_id, category, required, signed, attended in _grouped_counts(audience):
        counts = Progress(required, signed, attended)
        result.total += counts
        result.by_category[Category(category)] = result.by_category.get(Category(category), Progress()) + counts
        own[agency_id] = own.get(agency_id, Progress()) + counts
    # Categories summed first: one roll-up per agency, not per category; ancestors above the scope get nothing.
    paths = {a.id: a.path for a in agencies}
    rolled = roll_up(own, paths, shown=paths)
    shown = [(a, p) for a in agencies if (p := rolled.get(a.id)) is not None and (p.required or p.signed)]
    shown_ids = {a.id for a, _ in shown}
    child_ids: dict[int, list[int]] = {}
    for a, _ in shown:  # agencies come in code order, so children lists are sorted
        if a.parent_id in shown_ids:
            child_ids.setdefault(a.parent_id, []).append(a.id)
        else:
            result.root_ids.append(a.id)
    result.agencies = {
        a.id: AgencyCompletion(required=p.required, signed=p.signed, attended=p.attended, agency_id=a.id,
                               code=a.code, name=a.name, parent_id=a.parent_id, depth=a.depth,
                               child_ids=tuple(child_ids.get(a.id, ())))
        for a, p in shown}
    return result


def _grouped_counts(audience: Audience) -> list[tuple[int, str, int, int, int]]:
    """(agency_id, category, required, signed, attended) per agency and category, in scope.

    uq_signatures_live allows one live signature per employee and event, so the outer join never doubles a row.
    """
    live = sa.and_(Signature.employee_id == Employee.id, Signature.live_in(audience.event_id))
    rows = db.session.execute(
        sa.select(Employee.agency_id, sa.type_coerce(Employee.category, sa.String), sa.func.count(),
                  sa.func.count(Signature.id), sa.func.sum(sa.case((Signature.is_attended, 1), else_=0)))
        .select_from(Employee).join(Agency, Employee.agency_id == Agency.id).outerjoin(Signature, live)
        .where(audience.required_clause())
        .group_by(Employee.agency_id, Employee.category)).all()
    return [(agency_id, category, required, signed, int(attended or 0))
            for agency_id, category, required, signed, attended in rows]

