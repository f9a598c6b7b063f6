"""Hostile input on the staff forms and search boxes, as a super admin (who reaches every one of them).

Each form starts from a valid submission with some fields replaced by hostile values, so the fuzzer explores
both refusals and acceptances. Refused: no 5xx, no row changed, a message. Accepted: what was stored obeys the
form's rules (no control characters, length caps).
"""
from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from netralitas.auth.models import ApiToken, Role, Staff
from netralitas.certificates.models import Certificate
from netralitas.core.identity import make_nik, make_nip_pns
from netralitas.events.models import Event
from netralitas.extensions import db
from netralitas.masterdata.models import Agency, AgencyKind, Employee
from netralitas.signing.models import Signature
from tests.hostile.support import (
    assert_no_server_error,
    examples,
    field_value,
    fuzz,
    hostile_text,
    query_text,
    row_counts,
    shows_message,
)

pytestmark = pytest.mark.usefixtures("cheap_decoy")

#: The form is re-shown (200) or refused (400, 404, 413, 422) on bad input; 302 after an accepted one.
REFUSED = (200, 400, 404, 413, 422)


@dataclass
class Office:
    """A super admin's session over a small government with one event, one signed certificate and another account."""

    client: object
    admin: Staff
    other_staff_id: int
    government_id: int
    agency_id: int
    employee: Employee
    event: Event
    certificate_id: int


@pytest.fixture
def office(app, client, make_agency, make_employee, make_staff, login_as, make_event, invite, sign_for) -> Office:
    government = make_agency("KOTA", name="Pemerintah Kota Uji", kind=AgencyKind.PEMERINTAH)
    agency = make_agency("DINAS-A", parent=government, name="Dinas A")
    employee = make_employee(agency, name="Siti Rahayu")
    signed = make_employee(agency, name="Budi Santoso")
    event = make_event()
    invite(event, employee)
    certificate = sign_for(event, signed).certificate
    admin = make_staff(Role.SUPER_ADMIN)
    other = make_staff(Role.VIEWER)
    login_as(admin)
    return Office(client, admin, other.id, government.id, agency.id, employee, event, certificate.id)


def mutations(valid: dict, text=hostile_text) -> st.SearchStrategy[dict]:
    """A valid form with any subset of its fields replaced by hostile values, repeated, or left out."""
    replaced = st.fixed_dictionaries({}, optional={name: field_value(text) for name in valid})
    return replaced.map(lambda changes: {name: value for name, value in {**valid, **changes}.items() if value is not None})


def post_form(client, url: str, data: dict, *, stored: Callable[[], None] | None = None) -> bool:
    """POST and check the outcome; True when something was stored (then `stored` checks what)."""
    before = row_counts()
    response = client.post(url, data=data)
    assert_no_server_error(response, f"POST {url}")
    changed = row_counts() != before
    if changed:
        assert response.status_code in (200, 302), (url, response.status_code)
        if stored:
            stored()
        return True
    assert response.status_code in (*REFUSED, 302), (url, response.status_code)
    if response.status_code == 302:  # refused with a flash message on the page it sends us to
        response = client.get(response.headers["Location"])
    assert shows_message(response) or "preview" in data, (url, data)
    return False


def assert_clean_text(value: str | None, max_length: int, *, is_name: bool = False) -> None:
    """Stored text is within its cap; a name (printed on PDFs, written to XLSX) holds no control characters."""
    if value is None:
        return
    assert len(value) <= max_length
    if is_name:
        assert not [ch for ch in value if ord(ch) < 32], repr(value)


def touched(model, edited_id: int | None):
    """The row an accepted example changed: the edited one, or the newest."""
    db.session.expire_all()
    if edited_id is not None:
        return db.session.get(model, edited_id)
    return db.session.scalar(sa.select(model).order_by(model.id.desc()).limit(1))


def fresh_key(data: dict, valid: dict, name: str, make: Callable[[], str]) -> dict:
    """Give an untouched unique field (a code, a slug, an email) a new value, so the valid path stays reachable."""
    return {**data, name: make()} if data.get(name) == valid[name] else data


def test_agency_form(office, backend):
    valid = {"kode": "DINAS-BARU", "nama": "Dinas Baru", "jenis": "DINAS", "parent_id": str(office.government_id)}
    fresh = itertools.count(1)

    def stored(edited_id):
        agency = touched(Agency, edited_id)
        assert_clean_text(agency.name, 200, is_name=True)
        assert agency.code == agency.code.strip().upper() and len(agency.code) <= 40

    @fuzz(80, backend)
    @given(data=mutations(valid), edit=st.booleans())
    def check(data, edit):
        examples.count()
        if edit:
            url, data = f"/admin/perangkat-daerah/{office.agency_id}", fresh_key(data, valid, "kode", lambda: "DINAS-A")
        else:
            url, data = "/admin/perangkat-daerah/baru", fresh_key(data, valid, "kode", lambda: f"BARU-{next(fresh)}")
        post_form(office.client, url, data, stored=lambda: stored(office.agency_id if edit else None))

    check()


def test_employee_form(office, backend):
    employee = office.employee
    valid = {"nama": employee.name, "kategori": "PNS", "nip": employee.nip, "nik": employee.nik, "tanggal_lahir": "",
             "jenis_kelamin": "", "jabatan": "Staf", "agency_id": str(office.agency_id), "no_hp": "", "email": ""}

    def stored(edited_id):
        saved = touched(Employee, edited_id)
        assert_clean_text(saved.name, 200, is_name=True)
        assert saved.name == " ".join(saved.name.split()) and saved.name
        assert_clean_text(saved.position, 200)
        assert saved.nip is None or (saved.nip.isdigit() and len(saved.nip) == 18)
        assert saved.nik is None or (saved.nik.isdigit() and len(saved.nik) == 16)

    fresh = itertools.count(1)

    @fuzz(100, backend)
    @given(data=mutations(valid), edit=st.booleans())
    def check(data, edit):
        examples.count()
        if not edit:  # a new employee needs numbers nobody has
            n = next(fresh) % 900 + 1
            data = fresh_key(data, valid, "nip", lambda: make_nip_pns(employee.birth_date, 2005, 3, "L", n))
            data = fresh_key(data, valid, "nik", lambda: make_nik("327301", employee.birth_date, "L", n))
        url = f"/admin/pegawai/{employee.id}/ubah" if edit else "/admin/pegawai/baru"
        post_form(office.client, url, data, stored=lambda: stored(employee.id if edit else None))

    check()


def test_staff_account_form(office, backend):
    valid = {"email": "baru@contoh.go.id", "name": "Staf Baru", "role": "viewer", "agency_id": "0",
             "password": "sandi-baru-12345", "is_active": "y"}

    fresh = itertools.count(1)

    def stored(edited_id):
        staff = touched(Staff, edited_id)
        assert_clean_text(staff.name, 200)  # shown as HTML only (escaped), never printed or exported
        assert "@" in staff.email and staff.email == staff.email.strip().lower()

    @fuzz(60, backend)
    @given(data=mutations(valid), edit=st.booleans())
    def check(data, edit):
        examples.count()
        url = f"/admin/staf/{office.other_staff_id}" if edit else "/admin/staf/baru"
        data = fresh_key(data, valid, "email", lambda: f"baru{next(fresh)}@contoh.go.id")
        post_form(office.client, url, data, stored=lambda: stored(office.other_staff_id if edit else None))
        assert db.session.get(Staff, office.admin.id).is_active_account  # never the acting admin's own account

    check()


def test_event_form(office, backend):
    valid = {"name": "Deklarasi Uji Baru", "slug": "", "election_kind": "PILKADA", "opens_at": "2026-11-22T07:00",
             "closes_at": "2026-11-22T15:00", "is_attendance_on": "y", "categories": ["PNS", "PPPK"],
             "agency_ids": [str(office.agency_id)]}

    fresh = itertools.count(1)

    def stored(edited_id):
        event = touched(Event, edited_id)
        assert_clean_text(event.name, 200)  # control characters are kept; exports drop what XLSX cannot hold
        assert event.closes_dt > event.opens_dt

    @fuzz(80, backend)
    @given(data=mutations(valid), edit=st.booleans())
    def check(data, edit):
        examples.count()
        url = f"/admin/acara/{office.event.id}/ubah" if edit else "/admin/acara/baru"
        data = fresh_key(data, valid, "slug", lambda: f"uji-baru-{next(fresh)}")
        post_form(office.client, url, data, stored=lambda: stored(office.event.id if edit else None))

    check()


def test_declaration_text_form(office, backend):
    valid = {"title": "Pakta Integritas", "preamble": "Saya yang bertanda tangan di bawah ini:",
             "points": "Netral\nTidak berkampanye", "closing": "Demikian.", "submit": "y"}

    @fuzz(60, backend)
    @given(data=mutations(valid), preview=st.booleans())
    def check(data, preview):
        examples.count()
        if preview:
            data = {**data, "preview": "y"}
            data.pop("submit", None)
        post_form(office.client, f"/admin/acara/{office.event.id}/teks", data)

    check()


def test_help_desk_search_and_reissue(office, backend):
    event, employee = office.event, office.employee
    valid = {"sudah_cek_identitas": "y", "alasan": "slip hilang"}

    @fuzz(60, backend)
    @given(q=query_text, data=mutations(valid))
    def check(q, data):
        examples.count()
        before = row_counts()
        response = office.client.get(f"/admin/acara/{event.id}/bantuan", query_string={"q": q})
        assert_no_server_error(response, "help desk search")
        assert response.status_code in (200, 400)
        assert row_counts() == before
        url = f"/admin/acara/{event.id}/bantuan/{employee.id}/terbitkan-ulang"
        if post_form(office.client, url, data):
            reason = data["alasan"][0] if isinstance(data["alasan"], list) else data["alasan"]
            assert 3 <= len(reason.strip()) <= 200 and data.get("sudah_cek_identitas")

    check()


def test_revoke_form(office, backend):
    valid = {"reason": "DATA_ERROR", "note": "salah data"}
    url = f"/admin/sertifikat/{office.certificate_id}/cabut"

    def restore():
        signature = db.session.get(Certificate, office.certificate_id).signature
        assert signature.revocation_reason is not None
        assert_clean_text(signature.revocation_note, 500)
        db.session.execute(sa.update(Signature).where(Signature.id == signature.id).values(
            revoked_dt=None, revocation_reason=None, revocation_note=None, revoked_by_id=None))
        db.session.commit()

    @fuzz(60, backend)
    @given(data=mutations(valid))
    def check(data):
        examples.count()
        post_form(office.client, url, data, stored=restore)

    check()


def test_api_token_form(office, backend):
    def stored():
        token = touched(ApiToken, None)
        assert token.name == token.name.strip() and 0 < len(token.name) <= 100

    @fuzz(40, backend)
    @given(data=mutations({"name": "integrasi dasbor"}))
    def check(data):
        examples.count()
        post_form(office.client, "/admin/token-api/baru", data, stored=stored)

    check()


def test_change_own_password_form(office, backend):
    @fuzz(40, backend)
    @given(data=mutations({"old_password": "bukan-sandi-lama", "new_password": "sandi-baru-12345",
                           "confirm": "sandi-baru-12345"}))
    def check(data):
        examples.count()
        assert not post_form(office.client, "/akun/kata-sandi", data)  # the old password is never the real one

    check()


#: Pages with search boxes and filters, and every query argument they read.
SEARCH_PAGES = ["/admin/pegawai", "/admin/staf", "/admin/audit/", "/admin/sertifikat/", "/admin/perangkat-daerah",
                "/admin/acara/{event}/undangan", "/admin/acara/{event}/sertifikat", "/admin/acara/{event}/bantuan",
                "/admin/acara/{event}", "/", "/cek"]
QUERY_ARGS = ["q", "unit", "kategori", "status", "page", "aksi", "oleh", "objek", "tanggal", "kode", "belum", "lang",
              "induk"]


def test_search_boxes_and_filters(office, backend):
    numbers = st.one_of(st.integers().map(str), st.just("99999999999999999999999"), st.just("-1"))

    @fuzz(30, backend)
    @given(args=st.fixed_dictionaries({}, optional={name: field_value(st.one_of(query_text, numbers))
                                                    for name in QUERY_ARGS}))
    def check(args):
        examples.count()
        before = row_counts()
        for page in SEARCH_PAGES:
            url = page.format(event=office.event.id)
            response = office.client.get(url, query_string=args)
            assert_no_server_error(response, f"GET {url}")
            assert response.status_code in (200, 400, 404), (url, response.status_code)
            if response.status_code != 200:
                assert shows_message(response), url
        assert row_counts() == before

    check()


def test_every_id_in_a_path_beyond_the_integer_range(app, office):
    """Ids past 32 and 64 bits in any URL: 400 or 404, never a server error (both databases)."""
    client = office.client
    for rule in app.url_map.iter_rules():
        int_args = [name for name, converter in rule._converters.items() if type(converter).__name__ == "IntegerConverter"]
        if not int_args or "GET" not in rule.methods:
            continue
        for huge in (2**31, 2**63, 10**30):
            values = {name: huge for name in int_args}
            values.update({name: "buka" if name == "action" else "csv" for name in rule.arguments - set(int_args)
                           if name in ("action", "file_format")})
            values.update({name: "x" for name in rule.arguments - set(values)})
            url = app.url_map.bind("localhost").build(rule.endpoint, values)
            response = client.get(url)
            assert response.status_code in (302, 400, 404, 405), (url, response.status_code)
            if response.status_code == 302:
                assert urlsplit(response.headers["Location"]).path != "/masuk", url
