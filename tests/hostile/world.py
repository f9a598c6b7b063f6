"""A world of hostile names built through the real forms, for the escaping tests.

The agency, the employees and the event are created by a super admin through the staff forms (so "stored as
given" is proven, not assumed); the employee signs through the real signer pages on a second client.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa

from netralitas.auth.models import Role, Staff
from netralitas.certificates.models import Certificate
from netralitas.core.identity import make_nik, make_nip_pns
from netralitas.events.models import Event
from netralitas.extensions import db
from netralitas.masterdata.models import Agency, AgencyKind, Employee
from tests.conftest import data_url, signature_png

#: Markup, quotes, a right-to-left override, a zero-width space and emoji: each must be stored and shown as is.
EMPLOYEE_NAME = "<script>alert(1)</script> O'Brien \"Siti\" \u202eHalo\u200b Rahayu 😀👍🇮🇩"
AGENCY_NAME = "Dinas \"><img src=x onerror=alert(1)> \u202eUji\u200b 😀"
EVENT_NAME = "Deklarasi <b>Netralitas</b> & 'Pilkada' \u202e2024 😀"
STAFF_NAME = "Operator <svg onload=alert(1)> 😀"
#: A name a spreadsheet would run as a formula: exports must neutralise it.
FORMULA_NAME = '=HYPERLINK("http://evil.example","Klik")'
#: Raw markup that must never reach a page unescaped.
RAW_MARKUP = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>", "<b>Netralitas</b>")


@dataclass
class HostileWorld:
    staff: object  # a client signed in as super admin
    signer: object  # a client whose signer has signed
    agency: Agency
    employee: Employee
    formula_employee: Employee
    event: Event
    certificate: Certificate
    code: str  # the hostile employee's invitation code (before signing)


def build_world(app, make_agency, make_staff, invite) -> HostileWorld:
    """Create everything through the forms and sign through the signer pages; commit."""
    government = make_agency("KOTA", name="Pemerintah Kota Uji", kind=AgencyKind.PEMERINTAH)
    staff = app.test_client()
    admin = make_staff(Role.SUPER_ADMIN)
    assert staff.post("/masuk", data={"email": admin.email, "password": "rahasia-123456"}).status_code == 302
    assert staff.post("/admin/perangkat-daerah/baru", data={
        "kode": "UJI-XSS", "nama": AGENCY_NAME, "jenis": "DINAS", "parent_id": str(government.id)}).status_code == 302
    agency = db.session.scalar(sa.select(Agency).where(Agency.code == "UJI-XSS"))
    employees = []
    for n, name in enumerate((EMPLOYEE_NAME, FORMULA_NAME), start=1):
        response = staff.post("/admin/pegawai/baru", data={
            "nama": name, "kategori": "PNS", "nip": make_nip_pns(_birth(n), 2005, 3, "L", n),
            "nik": make_nik("327301", _birth(n), "L", n), "tanggal_lahir": "", "jenis_kelamin": "", "jabatan": "Staf",
            "agency_id": str(agency.id), "no_hp": "", "email": ""})
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
        employees.append(db.session.scalar(sa.select(Employee).where(Employee.name == name)))
    response = staff.post("/admin/acara/baru", data={
        "name": EVENT_NAME, "slug": "uji-xss", "election_kind": "PILKADA", "opens_at": "2020-01-01T07:00",
        "closes_at": "2099-01-01T07:00", "is_attendance_on": "y", "categories": ["PNS"]})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    event = db.session.scalar(sa.select(Event).where(Event.slug == "uji-xss"))
    assert staff.post(f"/admin/acara/{event.id}/status/buka").status_code == 302
    assert staff.post("/admin/staf/baru", data={"email": "operator-xss@contoh.go.id", "name": STAFF_NAME,
                                                "role": "operator", "agency_id": "0", "password": "rahasia-123456",
                                                "is_active": "y"}).status_code == 302
    employee, formula_employee = employees
    invited = invite(event, employee)
    invite(event, formula_employee)
    signer = app.test_client()
    assert signer.post("/e/uji-xss", data={"code": invited.code, "birth_date": invited.birth}).status_code == 302
    points = [str(i) for i in range(1, len(event.current_text.points) + 1)]
    response = signer.post("/e/uji-xss/deklarasi", data={"typed_name": EMPLOYEE_NAME, "point": points,
                                                          "signature": data_url(signature_png())})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    db.session.expire_all()
    certificate = db.session.scalar(sa.select(Certificate))
    assert db.session.scalar(sa.select(Staff.name).where(Staff.email == "operator-xss@contoh.go.id")) == STAFF_NAME
    return HostileWorld(staff, signer, agency, employee, formula_employee, event, certificate, invited.code)


def _birth(n: int):
    from datetime import date

    return date(1980, 1, n)


def without_emoji(text: str) -> str:
    """The text without the characters DejaVu has no glyph for (emoji): what a PDF can print."""
    return re.sub("[\U0001f000-\U0001ffff]", "", text)
