"""Fixtures for the dashboard tests: a small city with signatures, and its staff."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest

from netralitas.auth.models import Role, Staff
from netralitas.events.models import Event
from netralitas.masterdata.models import Agency, AgencyKind, Category, Employee


@dataclass
class Town:
    """PEMKOT > DINKES > PKM1, PEMKOT > DISDIK, PEMKOT > DISHUB; one open event; 8 of 12 required have signed."""

    event: Event
    units: dict[str, Agency]
    people: dict[str, list[Employee]]
    staff: dict[str, Staff] = field(default_factory=dict)


@pytest.fixture
def town(make_agency, make_employee, make_event, make_staff, sign_for, fast_passwords) -> Town:
    root = make_agency("PEMKOT", name="Pemerintah Kota Uji", kind=AgencyKind.PEMERINTAH)
    dinkes = make_agency("DINKES", parent=root, name="Dinas Kesehatan")
    pkm = make_agency("PKM1", parent=dinkes, name="Puskesmas Melati", kind=AgencyKind.UNIT)
    disdik = make_agency("DISDIK", parent=root, name="Dinas Pendidikan")
    dishub = make_agency("DISHUB", parent=root, name="Dinas Perhubungan")
    event = make_event()
    people = {
        "dinkes": [make_employee(dinkes, name=f"Kesehatan {i}") for i in range(2)],
        "pkm": [make_employee(pkm, category=Category.KONTRAK, name=f"Melati {i}") for i in range(3)],
        "disdik": [make_employee(disdik, category=Category.PPPK, name=f"Guru {i}") for i in range(5)],
        "dishub": [make_employee(dishub, category=Category.UPAHAN, name=f"Juru Parkir {i}") for i in range(2)],
    }
    sign_for(event, people["dinkes"][0], attended=True)
    sign_for(event, people["pkm"][0])
    sign_for(event, people["pkm"][1], attended=True)
    for employee in people["disdik"]:
        sign_for(event, employee)
    units = {"root": root, "dinkes": dinkes, "pkm": pkm, "disdik": disdik, "dishub": dishub}
    staff = {
        "super": make_staff(Role.SUPER_ADMIN),
        "admin_dinkes": make_staff(Role.AGENCY_ADMIN, agency=dinkes),
        "viewer_disdik": make_staff(Role.VIEWER, agency=disdik),
    }
    return Town(event=event, units=units, people=people, staff=staff)


def text_of(body: str, element_id: str) -> str:
    """The text inside the element with this id (no nested tags expected)."""
    match = re.search(rf'id="{element_id}"[^>]*>([^<]*)<', body)
    assert match, f"no element #{element_id}"
    return match.group(1).strip()


def tree_ids(body: str) -> list[int]:
    """Agency ids of the dashboard tree rows, in page order."""
    return [int(i) for i in re.findall(r'data-agency-id="(\d+)"', body)]
