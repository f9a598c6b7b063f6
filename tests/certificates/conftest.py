"""Fixtures for certificate verification: signed certificates, revocation, and the page's verdict."""
from __future__ import annotations

import re

import pytest

from netralitas.certificates.models import Certificate
from netralitas.extensions import db
from netralitas.masterdata.models import Employee
from netralitas.signing import services as signing
from tests.conftest import signature_png


@pytest.fixture
def certify(make_agency, make_employee, make_event, invite):
    """Sign the declaration of an employee (a new one unless given) and return the committed certificate."""
    agency = make_agency(name="Dinas Kesehatan Uji")
    event = make_event(name="Deklarasi Netralitas Pilkada Uji")

    def make(employee: Employee | None = None, **employee_values) -> Certificate:
        employee = employee or make_employee(agency, **employee_values)
        invited = invite(event, employee)
        access = signing.verify_signer(event, invited.code, invited.birth, "")
        points = set(range(1, len(event.current_text.points) + 1))
        outcome = signing.sign(access, ticked=points, typed_name=employee.name, signature_png=signature_png(),
                               client_ip="10.0.0.1", user_agent="pytest", max_png_bytes=200_000)
        db.session.commit()
        return outcome.signature.certificate

    return make


def verdict_of_page(response) -> str:
    """VALID, REVOKED or NOT_VALID as the verify page states it (its data-verdict attribute)."""
    match = re.search(r'data-verdict="([A-Z_]+)"', response.text)
    return match.group(1) if match else f"no verdict (HTTP {response.status_code})"
