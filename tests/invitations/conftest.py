"""Fixtures for invitation codes: an event every active employee must sign, a small agency tree, signatures."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from netralitas.auth.models import Role, Staff
from netralitas.events.models import Event, Invitation
from netralitas.extensions import db
from netralitas.invitations.services import ensure_invitations
from netralitas.masterdata.models import Agency, AgencyKind, Employee
from netralitas.signing.models import Signature


@pytest.fixture
def event(make_event) -> Event:
    return make_event()


@dataclass
class Tree:
    """Government KOTA with agency A (and its sub-unit A1) and agency B; one employee in each unit."""

    government: Agency
    a: Agency
    a1: Agency
    b: Agency
    in_a: Employee
    in_a1: Employee
    in_b: Employee


@pytest.fixture
def tree(make_agency, make_employee) -> Tree:
    government = make_agency("KOTA", name="Pemerintah Kota Uji", kind=AgencyKind.PEMERINTAH)
    a = make_agency("DINAS-A", parent=government, name="Dinas A")
    a1 = make_agency("BIDANG-A1", parent=a, name="Bidang A1", kind=AgencyKind.UNIT)
    b = make_agency("DINAS-B", parent=government, name="Dinas B")
    return Tree(government, a, a1, b, make_employee(a, name="Ani Di A", phone="0812-1111-2222"),
                make_employee(a1, name="Ni Luh Putu Ayu Wédari"), make_employee(b, name="Budi Di B"))


@pytest.fixture
def staff_of(make_staff, tree):
    """A staff account of a role (agency admins and scoped viewers get agency A)."""

    def make(role: Role, *, scoped: bool = True) -> Staff:
        agency = tree.a if scoped and role in (Role.AGENCY_ADMIN, Role.VIEWER) else None
        return make_staff(role, agency=agency)

    return make


@pytest.fixture
def sign(app):
    """Record a signature directly (the signing flow has its own tests)."""

    def make(event: Event, employee: Employee) -> Signature:
        ensure_invitations(event, [employee.id])
        invitation = db.session.scalar(db.select(Invitation).filter_by(
            event_id=event.id, employee_id=employee.id, revoked_dt=None))
        text = event.current_text
        signature = Signature(event_id=event.id, employee_id=employee.id, invitation_id=invitation.id,
                              text_id=text.id, text_sha256=text.sha256, typed_name=employee.name,
                              signature_png=b"\x89PNG", is_attended=True, client_ip="127.0.0.1", user_agent="test")
        db.session.add(signature)
        db.session.commit()
        return signature

    return make

