"""API fixtures: a small city with signatures, and a helper that creates a token for a staff member."""
from __future__ import annotations

import pytest

from netralitas.api import services
from netralitas.extensions import db
from netralitas.masterdata.models import AgencyKind, Category


@pytest.fixture
def city(make_agency, make_employee, make_event, sign_for):
    """PEMKOT > DINKES > PKM1, PEMKOT > DISDIK; one open event; 10 required, 6 signed (2 at the venue)."""
    root = make_agency("PEMKOT", name="Pemerintah Kota Uji", kind=AgencyKind.PEMERINTAH)
    dinkes = make_agency("DINKES", parent=root, name="Dinas Kesehatan")
    puskesmas = make_agency("PKM1", parent=dinkes, name="Puskesmas Satu", kind=AgencyKind.UNIT)
    disdik = make_agency("DISDIK", parent=root, name="Dinas Pendidikan")
    event = make_event(name="Deklarasi Uji API", slug="uji-api")
    dinkes_people = [make_employee(dinkes) for _ in range(2)]
    puskesmas_people = [make_employee(puskesmas, category=Category.KONTRAK) for _ in range(3)]
    disdik_people = [make_employee(disdik, category=Category.PPPK) for _ in range(5)]
    sign_for(event, dinkes_people[0], attended=True)
    sign_for(event, puskesmas_people[0])
    sign_for(event, puskesmas_people[1], attended=True)
    for employee in disdik_people[:3]:
        sign_for(event, employee)
    return {"root": root, "dinkes": dinkes, "puskesmas": puskesmas, "disdik": disdik, "event": event}


@pytest.fixture
def token_for(app):
    """Create an API token for a staff member through the service, commit, and return the plaintext."""

    def make(staff, name: str = "Dasbor uji") -> str:
        _, plaintext = services.create_token(staff, name)
        db.session.commit()
        return plaintext

    return make


@pytest.fixture
def limited_api_app(make_rate_limited_app):
    """A second app over the same database with rate limiting on: 2 calls per token, 3 failures per address."""
    return make_rate_limited_app(API_RATE_LIMIT="2 per minute", API_FAILURES_PER_IP="3 per minute")
