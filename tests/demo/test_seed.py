"""`flask seed-demo`: a consistent fictional city, loaded through the importer, idempotent."""
import re
from collections import Counter

import sqlalchemy as sa

from netralitas.auth.models import Role, Staff
from netralitas.calendar.models import DayOff
from netralitas.cases.models import Case, CaseStage
from netralitas.core.identity import identity_warnings, parse_nik, parse_nip
from netralitas.extensions import db
from netralitas.masterdata.models import Agency, AgencyKind, Category, Employee
from netralitas.public_reports.models import PublicReport


def test_seed_builds_the_city_and_is_idempotent(runner, client):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "5012 dibuat" in first.output and "admin@mekarsari.example.id" in first.output

    agencies = db.session.scalars(sa.select(Agency)).all()
    employees = db.session.scalars(sa.select(Employee)).all()
    assert 45 <= len(agencies) <= 60
    assert {a.depth for a in agencies} == {0, 1, 2}
    assert {AgencyKind.BLUD, AgencyKind.BUMD} <= {a.kind for a in agencies}
    assert 4500 <= len(employees) <= 5500
    assert set(Counter(e.category for e in employees)) == set(Category)
    for employee in employees:
        nip = parse_nip(employee.nip, employee.category.value) if employee.nip else None
        nik = parse_nik(employee.nik)
        assert identity_warnings(nip=nip, nik=nik, birth_date=employee.birth_date,
                                 gender=employee.gender.value) == [], employee
    staff_roles = {s.role for s in db.session.scalars(sa.select(Staff))}
    assert staff_roles == set(Role)

    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert "0 dibuat, 0 diubah, 5012 tidak berubah" in second.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Employee)) == len(employees)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Staff)) == 8
    # Cases: a case officer, a PPK delegate, a Bawaslu liaison, and one case at triage that the liaison may read.
    (case,) = db.session.scalars(sa.select(Case)).all()  # the second run added none
    assert case.stage == CaseStage.TRIAGE and "Demo case" in first.output
    assert {(m.staff.email, m.role.value) for m in case.members} == {
        ("kasus@mekarsari.example.id", "officer"), ("bawaslu@mekarsari.example.id", "liaison")}
    assert db.session.scalar(sa.select(Staff.is_case_officer).where(Staff.email == "kasus@mekarsari.example.id"))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DayOff)) > 0  # this year's cuti bersama
    # Public reports: two (the second run added none), the receipt printed once and working on /lapor/status.
    stages = sorted(r.stage.value for r in db.session.scalars(sa.select(PublicReport)))
    assert stages == ["in_review", "received"] and "Demo public reports" not in second.output
    receipt = re.search(r"receipt (LAP-[0-9A-Z*~$=-]+)", first.output).group(1)
    status = client.post("/lapor/status", data={"receipt": receipt})
    assert status.status_code == 200 and 'data-status="received"' in status.get_data(as_text=True)

    response = client.post("/masuk", data={"email": "admin.disdik@mekarsari.example.id", "password": "demo-netralitas"})
    assert response.status_code == 302
