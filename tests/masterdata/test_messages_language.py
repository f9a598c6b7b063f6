"""Rule, import and clash messages are said in the viewer's language, not the language of the code that made them."""
from __future__ import annotations

import io
import re
from datetime import date

import pytest

from netralitas.auth.models import Role
from netralitas.core.identity import make_nik, make_nip_pns
from netralitas.masterdata.models import AgencyKind

pytestmark = pytest.mark.usefixtures("fast_passwords")

BORN = date(1985, 6, 15)
NIP = make_nip_pns(BORN, 2010, 3, "P", 7)
NIK = make_nik("327301", BORN, "P", 12)


@pytest.fixture
def admin(make_staff, login_as):
    staff = make_staff(Role.SUPER_ADMIN)
    login_as(staff)
    return staff


def employee_form(agency_id: int, **overrides) -> dict:
    data = {"nama": "Ratna Sari", "kategori": "PNS", "nip": NIP, "nik": NIK, "tanggal_lahir": "",
            "jenis_kelamin": "", "jabatan": "Staf", "agency_id": str(agency_id), "no_hp": "", "email": ""}
    data.update(overrides)
    return data


def upload(client, content: bytes, filename: str, kind: str) -> str:
    response = client.post(f"/admin/impor/{kind}/unggah", data={f"{kind}-file": (io.BytesIO(content), filename)},
                           content_type="multipart/form-data")
    return re.fullmatch(r"/admin/impor/pratinjau/([\w-]+)", response.headers["Location"]).group(1)


@pytest.mark.parametrize(("lang", "expected"), [
    ("id", ["Kategori &#39;HONORER&#39; tidak dikenal", "Kode unit ENTAH tidak ditemukan",
            "NIP harus 18 digit angka (terbaca 5 digit)"]),
    ("en", ["Category &#39;HONORER&#39; is unknown", "Unit code ENTAH not found",
            "NIP must be 18 digits (found 5 digits)"]),
])
def test_import_preview_speaks_the_viewers_language(client, admin, city_units, import_files, lang, expected):
    rows = [import_files.pns(1, kategori="HONORER"), import_files.pns(2, kode_unit="ENTAH"),
            import_files.pns(3, nip="12345")]
    token = upload(client, import_files.csv(rows), "pegawai.csv", "employees")  # uploaded on the Indonesian UI
    html = client.get(f"/admin/impor/pratinjau/{token}?lang={lang}").get_data(as_text=True)
    for message in expected:
        assert message in html


@pytest.mark.parametrize(("lang", "expected"), [
    ("id", "Jenis &#39;KANTOR ANEH&#39; tidak dikenal; dicatat sebagai LAINNYA"),
    ("en", "Kind &#39;KANTOR ANEH&#39; is unknown; recorded as LAINNYA"),
])
def test_agency_import_warning_speaks_the_viewers_language(client, admin, lang, expected):
    token = upload(client, b"kode;nama;kode_induk;jenis\nPEMKOT;Pemkot;;KANTOR ANEH\n", "opd.csv", "agencies")
    assert expected in client.get(f"/admin/impor/pratinjau/{token}?lang={lang}").get_data(as_text=True)


@pytest.mark.parametrize(("lang", "expected"), [
    ("id", "Format .xls (Excel 97-2003) tidak didukung"),
    ("en", "The .xls format (Excel 97-2003) is not supported"),
])
def test_unreadable_file_speaks_the_viewers_language(client, admin, lang, expected):
    client.get(f"/admin/impor/?lang={lang}")
    token = upload(client, b"\xd0\xcf\x11\xe0 old excel", "pegawai.xls", "employees")
    response = client.get(f"/admin/impor/pratinjau/{token}", follow_redirects=True)
    assert expected in response.get_data(as_text=True)


@pytest.mark.parametrize(("lang", "clash", "bad_nip"), [
    ("id", "NIP {nip} sudah dipakai oleh Pemilik Lama.", "Nomor urut pada NIP tidak boleh 000"),
    ("en", "NIP {nip} is already used by Pemilik Lama.", "The sequence number in the NIP cannot be 000"),
])
def test_employee_form_messages_speak_the_page_language(client, admin, make_agency, make_employee, lang, clash,
                                                        bad_nip):
    unit = make_agency("DINAS-A", name="Dinas Alfa")
    other = make_employee(unit, name="Pemilik Lama")
    client.get(f"/admin/pegawai?lang={lang}")
    response = client.post("/admin/pegawai/baru", data=employee_form(unit.id, nip=other.nip, nik=NIK))
    assert clash.format(nip=other.nip) in response.get_data(as_text=True)
    response = client.post("/admin/pegawai/baru", data=employee_form(unit.id, nip=NIP[:-3] + "000"))
    assert bad_nip in response.get_data(as_text=True)


@pytest.mark.parametrize(("lang", "labels", "absent"), [
    ("id", ["Pemerintah daerah", "BLUD", "Kecamatan"], ["Blud", "Pemerintah\n"]),
    ("en", ["Regional government", "BLUD", "Subdistrict"], ["Blud", "Kecamatan<"]),
])
def test_agency_kinds_are_labelled_not_title_cased(client, admin, make_agency, lang, labels, absent):
    root = make_agency("KOTA", name="Kota Uji", kind=AgencyKind.PEMERINTAH)
    make_agency("RSUD", parent=root, name="Rumah Sakit Umum Daerah", kind=AgencyKind.BLUD)
    make_agency("KEC-1", parent=root, name="Kecamatan Satu", kind=AgencyKind.KECAMATAN)
    tree = client.get(f"/admin/perangkat-daerah?lang={lang}").get_data(as_text=True)
    form = client.get("/admin/perangkat-daerah/baru").get_data(as_text=True)
    for label in labels:
        assert label in tree and label in form
    for text in absent:
        assert text not in tree and text not in form
