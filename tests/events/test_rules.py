"""The shared value types of the events domain: the signing rule, the audience and the signing window."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from netralitas.auth.models import Role
from netralitas.events import cache
from netralitas.events.models import EventStatus
from netralitas.events.rules import Audience, SigningRule, SigningWindow, required_clause, window
from netralitas.extensions import db
from netralitas.masterdata.models import Agency, AgencyKind, Category, Employee
from netralitas.masterdata.scope import agency_scope, subtree_clause

OPENS = datetime(2026, 11, 21, 1, 0, tzinfo=UTC)
CLOSES = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
TICK = timedelta(microseconds=1)


def test_the_rule_of_an_event_equals_the_rule_of_its_cached_copy(make_agency, make_event):
    roots = [make_agency("ROOT-B"), make_agency("ROOT-A")]
    event = make_event(categories=[Category.PPPK, Category.PNS], agencies=roots)
    cached = cache.event_by_id(event.id)
    assert cached.rule == event.rule and hash(cached.rule) == hash(event.rule)
    assert event.rule.categories == (Category.PNS, Category.PPPK)
    assert event.rule.root_paths == tuple(sorted(a.path for a in roots))


def test_a_rule_has_one_normal_form():
    assert SigningRule.of([Category.PPPK, Category.PNS], ["/2/", "/1/", "/2/"]) == \
        SigningRule.of([Category.PNS, Category.PPPK], ["/1/", "/2/"])
    assert SigningRule.of([]) == SigningRule.of(list(Category)) == SigningRule(tuple(Category))


def _event(status: EventStatus) -> SimpleNamespace:
    return SimpleNamespace(status=status, opens_dt=OPENS, closes_dt=CLOSES)


@pytest.mark.parametrize(("status", "now", "expected"), [
    (EventStatus.DRAFT, OPENS, SigningWindow.DRAFT),
    (EventStatus.CLOSED, OPENS, SigningWindow.CLOSED),
    (EventStatus.OPEN, OPENS - TICK, SigningWindow.NOT_YET),
    (EventStatus.OPEN, OPENS, SigningWindow.OPEN),
    (EventStatus.OPEN, CLOSES - TICK, SigningWindow.OPEN),
    (EventStatus.OPEN, CLOSES, SigningWindow.ENDED),
])
def test_the_window_at_its_boundaries(status, now, expected):
    assert window(_event(status), now) is expected


def test_window_values_are_the_board_json_states():
    assert [w.value for w in SigningWindow] == ["draft", "not_yet", "open", "ended", "closed"]


@pytest.fixture
def city(make_agency, make_employee, make_event):
    """PEMKOT > DINKES > PKM1, PEMKOT > DISDIK; an event for PNS and KONTRAK under DINKES and DISDIK."""
    root = make_agency("PEMKOT", kind=AgencyKind.PEMERINTAH)
    dinkes = make_agency("DINKES", parent=root)
    puskesmas = make_agency("PKM1", parent=dinkes, kind=AgencyKind.UNIT)
    disdik = make_agency("DISDIK", parent=root)
    for agency in (root, dinkes, puskesmas, disdik):
        for category in Category:
            make_employee(agency, category=category)
        make_employee(agency, is_active=False)
    event = make_event(categories=[Category.PNS, Category.KONTRAK], agencies=[dinkes, disdik])
    return {"root": root, "dinkes": dinkes, "puskesmas": puskesmas, "disdik": disdik, "event": event}


def _assembled_by_hand(event, staff, unit: Agency | None) -> set[int]:
    """Who the exports and reports used to select: required, in the staff member's scope, under the unit."""
    conditions = [required_clause(event.rule), agency_scope(staff)]
    if unit is not None:
        conditions.append(subtree_clause(unit.path))
    query = sa.select(Employee.id).join(Agency, Employee.agency_id == Agency.id).where(*conditions)
    return set(db.session.scalars(query))


@pytest.mark.parametrize(("role", "scope_key", "unit_key"), [
    (Role.SUPER_ADMIN, None, None),
    (Role.SUPER_ADMIN, None, "puskesmas"),
    (Role.AGENCY_ADMIN, "dinkes", None),
    (Role.AGENCY_ADMIN, "dinkes", "puskesmas"),
    (Role.AGENCY_ADMIN, "root", "disdik"),
])
def test_an_audience_holds_the_employees_assembled_by_hand(city, make_staff, role, scope_key, unit_key):
    staff = make_staff(role, agency=city[scope_key] if scope_key else None)
    unit = city[unit_key] if unit_key else None
    audience = Audience.of(city["event"], staff, unit)
    found = set(db.session.scalars(audience.employees(Employee.id)))
    assert found == _assembled_by_hand(city["event"], staff, unit)
    assert found  # each case selects someone, so equality says something
    assert Audience.of(city["event"], staff, unit) == audience  # a value: equal when built again


def test_an_audience_of_a_scoped_staff_without_agency_is_empty(city, make_staff):
    staff = make_staff(Role.AGENCY_ADMIN, agency=city["dinkes"])
    staff.agency_id = None  # an inconsistent account must see nothing, not everything
    audience = Audience.of(city["event"], staff)
    assert audience.scope_paths == ()
    assert list(db.session.scalars(audience.employees(Employee.id))) == []
