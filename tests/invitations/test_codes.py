"""Invitation code service: derived and stable, stored only as digests, re-issue revokes and is audited."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from netralitas.audit.models import AuditEntry
from netralitas.auth.models import Role
from netralitas.core import codes
from netralitas.events.models import Invitation
from netralitas.extensions import db
from netralitas.invitations.services import (
    code_for,
    display_code,
    ensure_invitations,
    find_by_code,
    invitation_url,
    live_invitation,
    reissue,
)


def live_count(event) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Invitation).where(
        Invitation.event_id == event.id, Invitation.revoked_dt.is_(None)))


@pytest.fixture
def employees(make_agency, make_employee):
    agency = make_agency()
    return [make_employee(agency) for _ in range(30)]


def test_ensure_invitations_is_bulk_and_idempotent(event, employees):
    ids = [e.id for e in employees]
    assert ensure_invitations(event, ids[:10]) == 10
    assert ensure_invitations(event, ids) == 20  # only the missing ones
    assert ensure_invitations(event, ids) == 0
    assert ensure_invitations(event, ids + ids) == 0  # duplicates in the input are harmless
    db.session.commit()
    assert live_count(event) == 30


def test_ensure_invitations_spans_sqlite_parameter_chunks(event, make_agency, app):
    """More ids than one IN-list chunk (900); only invitations for the given event are counted."""
    from netralitas.masterdata.models import Category, Employee

    agency = make_agency()
    db.session.execute(sa.insert(Employee), [
        {"name": f"P {i}", "name_search": f"p {i}", "category": Category.KONTRAK, "nik": f"3273{i:012d}",
         "agency_id": agency.id} for i in range(1900)])
    ids = list(db.session.scalars(sa.select(Employee.id)))
    assert ensure_invitations(event, ids[:950]) == 950
    assert ensure_invitations(event, ids) == 950
    db.session.commit()
    assert live_count(event) == 1900


def test_codes_are_derived_and_stable(event, employees, app):
    employee = employees[0]
    first = code_for(event.id, employee.id, 0)
    assert first == code_for(event.id, employee.id, 0)
    assert len(first) == 13 and set(first) <= set(codes.ALPHABET)
    assert code_for(event.id, employee.id, 1) != first
    assert code_for(event.id, employees[1].id, 0) != first
    ensure_invitations(event, [employee.id])
    db.session.commit()
    assert find_by_code(first).employee_id == employee.id
    ensure_invitations(event, [employee.id])  # asking again changes nothing
    assert find_by_code(first).employee_id == employee.id
    assert display_code(first) == f"{first[:5]}-{first[5:10]}-{first[10:]}"
    assert invitation_url(first).endswith(f"/i/{display_code(first)}")


def test_codes_depend_on_the_server_key(event, employees, app):
    employee = employees[0]
    before = code_for(event.id, employee.id, 0)
    app.config["INVITATION_KEY"] = "another-key"
    assert code_for(event.id, employee.id, 0) != before


def test_find_by_code_forgives_case_dashes_and_look_alikes(event, employees):
    ensure_invitations(event, [e.id for e in employees])
    db.session.commit()
    # Pick an employee whose code has a 0 or a 1, to type it as O, I or L.
    employee, code = next((e, code_for(event.id, e.id, 0)) for e in employees
                          if {"0", "1"} & set(code_for(event.id, e.id, 0)))
    typed = code.lower().replace("0", "o").replace("1", "l")
    typed = f" {typed[:3]}-{typed[3:5]} {typed[5:]} "
    assert find_by_code(typed).employee_id == employee.id
    assert find_by_code(display_code(code)).employee_id == employee.id
    assert find_by_code(code[:-1]) is None
    assert find_by_code("") is None
    assert find_by_code("UUUUUUUUUU") is None  # U is not in the alphabet


def test_reissue_revokes_the_old_code_and_is_audited(event, employees, make_staff):
    operator = make_staff(Role.OPERATOR)
    employee = employees[0]
    ensure_invitations(event, [employee.id])
    db.session.commit()
    old = code_for(event.id, employee.id, 0)
    new = reissue(operator, event, employee, "slip hilang")
    db.session.commit()
    assert new != old
    assert find_by_code(old) is None
    assert find_by_code(new).employee_id == employee.id
    assert live_invitation(event, employee).generation == 1
    assert live_count(event) == 1
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "invitation.reissue"))
    assert entry.actor_staff_id == operator.id
    assert entry.target_id == str(employee.id)
    assert '"reason":"slip hilang"' in entry.data_json
    assert new not in entry.data_json and new not in entry.summary  # the audit log is no place for a live code
    again = reissue(operator, event, employee, "kedua")
    db.session.commit()
    assert find_by_code(new) is None and find_by_code(again).employee_id == employee.id


def test_only_one_live_invitation_per_employee_and_event(event, employees):
    employee = employees[0]
    ensure_invitations(event, [employee.id])
    db.session.commit()
    db.session.add(Invitation(event_id=event.id, employee_id=employee.id, generation=5,
                              code_digest=codes.digest(code_for(event.id, employee.id, 5))))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert live_count(event) == 1


def test_only_digests_are_stored(event, employees, make_staff):
    ensure_invitations(event, [e.id for e in employees])
    reissue(make_staff(Role.OPERATOR), event, employees[0], "uji")
    db.session.commit()
    stored = " ".join(str(value) for row in db.session.execute(sa.select(Invitation.__table__)) for value in row)
    for employee in employees:
        for generation in (0, 1):
            code = code_for(event.id, employee.id, generation)
            assert code not in stored and display_code(code) not in stored
    invitation = live_invitation(event, employees[1])
    assert invitation.code_digest == codes.digest(code_for(event.id, employees[1].id, 0))
