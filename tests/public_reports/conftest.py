"""Fixtures for public reports: a city with two agencies and employees, the legal catalogue, and a helper that sends
a report through /lapor and returns its receipt (case officers: `officer` and `client_for` in tests/conftest.py)."""
from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from netralitas.extensions import db
from netralitas.legal.services import seed_catalogue
from netralitas.masterdata.models import Agency, AgencyKind, Employee


@dataclass
class City:
    """KOTA with Dinas A and Dinas B; two employees named alike (the reporter knows no NIP)."""

    city: Agency
    a: Agency
    b: Agency
    rina_a: Employee
    rina_b: Employee


@pytest.fixture
def city(make_agency, make_employee) -> City:
    seed_catalogue("test")
    db.session.commit()
    city = make_agency("KOTA", name="Pemerintah Kota Uji", kind=AgencyKind.PEMERINTAH)
    a = make_agency("DINAS-A", parent=city, name="Dinas Pendidikan")
    b = make_agency("DINAS-B", parent=city, name="Dinas Kesehatan")
    rina_a = make_employee(a, name="Rina Marlina", position="Guru Ahli Muda")
    rina_b = make_employee(b, name="Rina Marlina Putri", position="Perawat")
    return City(city, a, b, rina_a, rina_b)


def report_form(government: Agency, **overrides) -> dict:
    """A complete /lapor post with no NIP anywhere."""
    data = {"government_id": str(government.id), "subject_name": "Bu Rina", "subject_position": "Guru",
            "subject_unit": "SD Negeri 3 (Dinas Pendidikan)", "subject_handle": "@rina.guru",
            "topic": "media_sosial",
            "description": "Mengunggah video ajakan memilih pasangan calon nomor 2 di Instagram dan grup WhatsApp "
                           "wali murid.",
            "occurred_on": "2026-11-20", "place": "Instagram @rina.guru", "known_on": "2026-11-21",
            "reporter_name": "", "reporter_contact": ""}
    data.update(overrides)
    return data


def receipt_from(client) -> str:
    """The receipt the receipt page shows (after a successful post)."""
    page = client.get("/lapor/terima")
    assert page.status_code == 200
    return re.search(r'id="receipt">([^<]+)<', page.get_data(as_text=True)).group(1)


@pytest.fixture
def send_report(client, city):
    """Post a report through /lapor as the public would and return its receipt."""

    def send(**overrides) -> str:
        response = client.post("/lapor", data=report_form(city.city, **overrides), content_type="multipart/form-data")
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return receipt_from(client)

    return send
