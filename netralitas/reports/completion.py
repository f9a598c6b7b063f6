"""Completion of an event in a staff member's scope: totals, per category and per agency (rolled up the tree).

Cost is O(agencies × categories) after SQL: one grouped query (required employees left-joined to their live
signature, one scan of each table), then a roll-up of each agency's counts into its ancestors in Python.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from netralitas.events.models import Event
from netralitas.events.rules import Audience
from netralitas.extensions import db
from netralitas.masterdata.models import Agency, Category, Employee
from netralitas.signing.models import Signature


@dataclass
class Counts:
    """Required, signed (of those required) and attended (signed at the venue)."""

    required: int = 0
    signed: int = 0
    attended: int = 0

    @property
    def remote(self) -> int:
        return self.signed - self.attended

    @property
    def unsigned(self) -> int:
        return self.required - self.signed

    @property
    def percent(self) -> float:
        return round(100 * self.signed / self.required, 1) if self.required else 0.0

    def add(self, required: int = 0, signed: int = 0, attended: int = 0) -> None:
        self.required += required
        self.signed += signed
        self.attended += attended


@dataclass
class AgencyCompletion(Counts):
    """One agency's counts including its whole subtree."""

    agency_id: int = 0
    code: str = ""
    name: str = ""
    parent_id: int | None = None
    depth: int = 0
    #: Ids of child agencies that have anyone required or signed, in code order.
    child_ids: list[int] = field(default_factory=list)


@dataclass
class Completion:
    """An event's completion as one staff member may see it."""

    event: Event
    total: Counts = field(default_factory=Counts)
    by_category: dict[Category, Counts] = field(default_factory=dict)
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
    result = Completion(event=event, by_category={c: Counts() for c in event.categories})
    rows = {a.id: AgencyCompletion(agency_id=a.id, code=a.code, name=a.name, parent_id=a.parent_id, depth=a.depth)
            for a in agencies}
    ancestors = {a.id: [int(p) for p in a.path.strip("/").split("/") if int(p) in rows] for a in agencies}
    own: dict[int, Counts] = {}
    for agency_id, category, required, signed, attended in _grouped_counts(audience):
        result.total.add(required, signed, attended)
        result.by_category.setdefault(Category(category), Counts()).add(required, signed, attended)
        own.setdefault(agency_id, Counts()).add(required, signed, attended)
    for agency_id, counts in own.items():  # categories summed first: one roll-up per agency, not per category
        for ancestor in ancestors[agency_id]:
            rows[ancestor].add(counts.required, counts.signed, counts.attended)
    result.agencies = {k: row for k, row in rows.items() if row.required or row.signed}
    for a in agencies:  # agencies come in code order, so children lists are sorted
        if a.id in result.agencies:
            parent = result.agencies.get(a.parent_id) if a.parent_id else None
            if parent is not None:
                parent.child_ids.append(a.id)
            else:
                result.root_ids.append(a.id)
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

