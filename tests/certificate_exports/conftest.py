"""Fixtures for certificate PDFs and ZIP exports: a small agency tree, certificates signed through the real service."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from netralitas.auth.models import Role, Staff
from netralitas.certificates.models import Certificate
from netralitas.core import rotating_code
from netralitas.db import utcnow
from netralitas.events.models import Event
from netralitas.extensions import db
from netralitas.masterdata.models import Agency, AgencyKind
from netralitas.signing import services as signing
from tests.conftest import signature_png

#: A name with diacritics, an apostrophe and markup: it must print as plain text.
HOSTILE_NAME = "Ni Luh Putu Ayu Wédari Nur'aini <script>alert('x')</script>"


@dataclass
class Tree:
    """Government KOTA with agency A (and its sub-unit A1) and agency B."""

    government: Agency
    a: Agency
    a1: Agency
    b: Agency


@pytest.fixture
def tree(make_agency) -> Tree:
    government = make_agency("KOTA", name="Pemerintah Kota Uji", kind=AgencyKind.PEMERINTAH)
    a = make_agency("DINAS-A", parent=government, name="Dinas A")
    a1 = make_agency("BIDANG-A1", parent=a, name="Bidang A1", kind=AgencyKind.UNIT)
    b = make_agency("DINAS-B", parent=government, name="Dinas B")
    return Tree(government, a, a1, b)


@pytest.fixture
def event(make_event) -> Event:
    return make_event(name="Deklarasi Netralitas ASN Pilkada Uji")


@pytest.fixture
def certify(event, make_employee, invite):
    """Sign the event's declaration for a new employee of an agency (through the signing service); the certificate."""

    def make(agency: Agency, *, attended: bool = False, typed_name: str | None = None, **employee_values) -> Certificate:
        employee = make_employee(agency, **employee_values)
        invited = invite(event, employee)
        attendance = rotating_code.code_at(event.attendance_secret, utcnow()) if attended else ""
        access = signing.verify_signer(event, invited.code, invited.birth, attendance)
        points = set(range(1, len(event.current_text.points) + 1))
        outcome = signing.sign(access, ticked=points, typed_name=typed_name or employee.name,
                               signature_png=signature_png(), client_ip="10.0.0.1", user_agent="pytest",
                               max_png_bytes=200_000)
        db.session.commit()
        return outcome.signature.certificate

    return make


@pytest.fixture
def as_staff(client, login_as, make_staff, tree):
    """Sign the client in as a new staff member of a role (agency admins and scoped viewers: agency A)."""

    def sign_in(role: Role, *, agency: Agency | None = None) -> Staff:
        if agency is None and role == Role.AGENCY_ADMIN:
            agency = tree.a
        staff = make_staff(role, agency=agency)
        login_as(staff)
        return staff

    return sign_in
