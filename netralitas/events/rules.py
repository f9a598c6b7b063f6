"""Who must sign an event and when they may: value types the signer path, the board and the reports share.

Each is frozen and hashable, so a cached event carries its rule and a built statement can be cached per rule.
"""
from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa

from netralitas.db import utcnow
from netralitas.events.models import EventStatus
from netralitas.masterdata.models import Agency, Category, Employee
from netralitas.masterdata.scope import paths_clause, scope_paths, subtree_clause

if TYPE_CHECKING:
    from netralitas.auth.models import Staff


@dataclass(frozen=True)
class SigningRule:
    """Who must sign an event: active employees of these categories in active agencies under these roots."""

    #: In Category order, never empty (an event that names none covers all).
    categories: tuple[Category, ...]
    #: Materialised paths of the agency subtrees covered, sorted; empty means every agency.
    root_paths: tuple[str, ...] = ()

    @classmethod
    def of(cls, categories: Iterable[Category], root_paths: Iterable[str] = ()) -> SigningRule:
        """The rule in its one normal form, so equal rules compare (and hash) equal."""
        chosen = set(categories)
        return cls(tuple(c for c in Category if c in chosen) or tuple(Category), tuple(sorted(set(root_paths))))


def required_clause(rule: SigningRule) -> sa.ColumnElement[bool]:
    """Filter on Employee (joined with Agency) for the people who must sign under this rule."""
    conditions = [Employee.is_active.is_(True), Agency.is_active.is_(True), Employee.category.in_(rule.categories)]
    if rule.root_paths:
        conditions.append(sa.or_(*(subtree_clause(path) for path in rule.root_paths)))
    return sa.and_(*conditions)


@dataclass(frozen=True)
class Audience:
    """The employees one staff member asks about for an event: who must sign it, in their scope, under a unit."""

    event_id: int
    rule: SigningRule
    #: Subtrees the staff member may see (masterdata.scope.scope_paths): None for the whole tree.
    scope_paths: tuple[str, ...] | None = None
    #: Path of the chosen unit (already checked to be in scope), or None for the whole scope.
    unit_path: str | None = None

    @classmethod
    def of(cls, event, staff: Staff, unit: Agency | None = None) -> Audience:
        """The audience of an Event or CachedEvent as `staff` sees it; `unit` must come from get_unit_in_scope."""
        return cls(event.id, event.rule, scope_paths(staff), None if unit is None else unit.path)

    @property
    def is_whole_tree(self) -> bool:
        """True when neither a scope nor a unit narrows the agencies."""
        return self.scope_paths is None and self.unit_path is None

    def area_clause(self) -> sa.ColumnElement[bool]:
        """Filter on Agency: the staff member's scope, narrowed to the unit."""
        if self.unit_path is None:
            return paths_clause(self.scope_paths)
        return sa.and_(paths_clause(self.scope_paths), subtree_clause(self.unit_path))

    def required_clause(self) -> sa.ColumnElement[bool]:
        """Filter on Employee (joined with Agency): must sign, and inside the area."""
        return sa.and_(required_clause(self.rule), self.area_clause())

    def employees(self, *columns) -> sa.Select:
        """SELECT of `columns` (the Employee rows when none) over the audience, Employee joined with Agency."""
        return (sa.select(*(columns or (Employee,))).select_from(Employee).join(Agency, Employee.agency_id == Agency.id)
                .where(self.required_clause()))


class SigningWindow(enum.StrEnum):
    """Where an event stands for its signers now; the values are what the board JSON's "state" says."""

    DRAFT = "draft"
    NOT_YET = "not_yet"
    OPEN = "open"
    ENDED = "ended"
    CLOSED = "closed"


def window(event, now: datetime | None = None) -> SigningWindow:
    """The event's signing window at `now`; `event` is anything with status, opens_dt and closes_dt."""
    now = now or utcnow()
    if event.status == EventStatus.DRAFT:
        return SigningWindow.DRAFT
    if event.status == EventStatus.CLOSED:
        return SigningWindow.CLOSED
    if now < event.opens_dt:
        return SigningWindow.NOT_YET
    if now >= event.closes_dt:
        return SigningWindow.ENDED
    return SigningWindow.OPEN
