"""SIMPEG/SIASN exports as they come: report titles above the header, their own agency kinds, NIKs as numbers."""
from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import openpyxl
import pytest
import sqlalchemy as sa

from netralitas.auth.models import Role
from netralitas.core.identity import make_nik, make_nip_pns
from netralitas.extensions import db
from netralitas.masterdata import rules
from netralitas.masterdata.models import Agency, AgencyKind, Employee, PendingImport

pytestmark = pytest.mark.usefixtures("fast_passwords")

TITLE_ROWS = [["DAFTAR {what} PEMERINTAH KOTA CONTOH"], [], ["Per tanggal 31 Januari 2024"], []]

#: kode, nama, kode_induk, jenis as a SIMPEG export writes them (a numeric root code, its own kind names).
AGENCY_ROWS = [
    [3273, "Pemerintah Kota Contoh", None, "PEMDA"],
    ["3273.01", "Sekretariat DPRD", 3273, "SEKRETARIAT DPRD"],
    ["3273.02", "Satuan Polisi Pamong Praja", 3273, "Satpol-PP"],
    ["3273.03", "Dinas Kesehatan", 3273, "DINAS"],
    ["3273.03.01", "UPTD Puskesmas Sukajadi", "3273.03", "UPTD PUSKESMAS"],
    ["3273.03.02", "UPT Laboratorium Kesehatan Daerah", "3273.03", "upt"],
    ["3273.04", "RSUD Kota Contoh", 3273, "RSUD"],
    ["3273.05", "Inspektorat Daerah", 3273, "INSPEKTORAT"],
    ["3273.06", "Kantor Penghubung", 3273, "KANTOR PENGHUBUNG"],
]
EXPECTED_KINDS = {
    "3273": AgencyKind.PEMERINTAH, "3273.01": AgencyKind.SEKRETARIAT, "3273.02": AgencyKind.DINAS,
    "3273.03": AgencyKind.DINAS, "3273.03.01": AgencyKind.UNIT, "3273.03.02": AgencyKind.UNIT,
    "3273.04": AgencyKind.BLUD, "3273.05": AgencyKind.BADAN, "3273.06": AgencyKind.LAINNYA,
}


def born(seq: int) -> date:
    return date(1980, 1, seq)


def employee_rows() -> list[list]:
    """no, nama, nip, nik, kategori, kode_unit: NIP and NIK as exact integers, as SIMPEG writes them."""
    truncated_nik = int(make_nik("327301", born(3), "L", 3)[:15] + "0")  # typed into Excel: the 16th digit is gone
    return [
        [1, "Siti Aminah", int(make_nip_pns(born(1), 2005, 3, "L", 1)), int(make_nik("327301", born(1), "L", 1)),
         "PNS", "3273.03.01"],
        [2, "Budi Santoso", None, int(make_nik("327301", born(2), "L", 2)), "KONTRAK", "3273.04"],
        [3, "Joko Widodo", None, truncated_nik, "KONTRAK", "3273.02"],
    ]


EMPLOYEE_HEADER = ["NO", "NAMA", "NIP", "NIK", "KATEGORI", "KODE UNIT"]


def simpeg_xlsx(what: str, header: list[str], rows: list[list]) -> bytes:
    """An export as SIMPEG writes it: a title, a blank row, the date, a blank row, then header and data.

    Integers are written exactly, as PHP and Java exporters do; openpyxl itself would write an 18-digit
    integer as a 16-digit float ("%.16g"), so long ones go in as placeholders and are swapped in the XML.
    """
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for title in TITLE_ROWS:
        sheet.append([cell.format(what=what) for cell in title])
    sheet.append(header)
    exact = {}
    for row in rows:
        cells = []
        for cell in row:
            if isinstance(cell, int) and len(str(cell)) > 16:
                exact[f"<v>{len(exact) + 1}.5</v>"] = f"<v>{cell}</v>"
                cell = len(exact) + 0.5
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return with_sheet_xml_replaced(buffer.getvalue(), exact)


def with_sheet_xml_replaced(content: bytes, replacements: dict[str, str]) -> bytes:
    source, target = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                for old, new in replacements.items():
                    assert text.count(old) == 1, old
                    text = text.replace(old, new)
                data = text.encode()
            out.writestr(member, data)
    return target.getvalue()


def simpeg_csv(what: str, header: list[str], rows: list[list]) -> bytes:
    lines = [";".join(cell.format(what=what) for cell in title) for title in TITLE_ROWS]
    lines += [";".join(header)] + [";".join("" if cell is None else str(cell) for cell in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def admin(make_staff, login_as):
    staff = make_staff(Role.SUPER_ADMIN)
    login_as(staff)
    return staff


def upload(client, kind: str, content: bytes, filename: str) -> str:
    response = client.post(f"/admin/impor/{kind}/unggah", data={f"{kind}-file": (io.BytesIO(content), filename)},
                           content_type="multipart/form-data")
    match = re.fullmatch(r"/admin/impor/pratinjau/([\w-]+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return match.group(1)


def confirm(client, token: str, **extra) -> str:
    return client.post("/admin/impor/konfirmasi", data={"token": token, "submit": "x", **extra},
                       follow_redirects=True).get_data(as_text=True)


def kinds() -> dict[str, AgencyKind]:
    return dict(db.session.execute(sa.select(Agency.code, Agency.kind)).all())


# --- agency kinds ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("jenis", "kind"), [
    ("PEMDA", AgencyKind.PEMERINTAH), ("PEMKOT", AgencyKind.PEMERINTAH), ("Pemkab", AgencyKind.PEMERINTAH),
    ("PEMPROV", AgencyKind.PEMERINTAH), ("UPT", AgencyKind.UNIT), ("UPTD", AgencyKind.UNIT),
    ("UPTD PUSKESMAS", AgencyKind.UNIT), ("uptd  puskesmas", AgencyKind.UNIT), ("UPTD-Puskesmas", AgencyKind.UNIT),
    ("SEKRETARIAT DPRD", AgencyKind.SEKRETARIAT), ("Sekretariat D.P.R.D.", AgencyKind.SEKRETARIAT),
    ("INSPEKTORAT", AgencyKind.BADAN), ("SATPOL PP", AgencyKind.DINAS), ("Satpol-PP", AgencyKind.DINAS),
    ("SATPOLPP", AgencyKind.DINAS), ("RSUD", AgencyKind.BLUD), ("dinas", AgencyKind.DINAS),
    ("Kelurahan", AgencyKind.KELURAHAN),
])
def test_simpeg_agency_kinds_map_onto_ours(jenis, kind):
    cleaned = rules.clean_agency({"kode": "A", "nama": "Satu", "jenis": jenis})
    assert cleaned.is_valid and cleaned.values["kind"] == kind


@pytest.mark.parametrize("jenis", ["", "  ", "-", None])
def test_an_empty_kind_is_lainnya_without_a_remark(jenis):
    cleaned = rules.clean_agency({"kode": "A", "nama": "Satu", "jenis": jenis})
    assert cleaned.is_valid and cleaned.values["kind"] == AgencyKind.LAINNYA and not cleaned.warnings


def test_an_unknown_kind_is_not_an_error():
    cleaned = rules.clean_agency({"kode": "A", "nama": "Satu", "jenis": "Kantor  Penghubung"})
    assert cleaned.is_valid
    assert (cleaned.values["kind"], cleaned.values["kind_text"]) == (None, "Kantor Penghubung")


def test_every_synonym_line_names_a_kind_and_no_name_maps_two_ways(tmp_path):
    table = rules.load_agency_kind_synonyms(rules.AGENCY_KIND_SYNONYMS_FILE)
    assert set(table.values()) <= set(AgencyKind)
    clash = tmp_path / "synonyms.csv"
    clash.write_text("# comment\nsebutan,jenis\nUPT,UNIT\nU.P.T.,DINAS\n", encoding="utf-8")
    with pytest.raises(ValueError, match="maps to both"):
        rules.load_agency_kind_synonyms(clash)


def test_an_unknown_kind_keeps_the_stored_kind_on_reimport(app, city_units):
    from netralitas.masterdata.imports import importer

    content = b"kode,nama,kode_induk,jenis\nDISDIK,Dinas Pendidikan,PEMKOT,DINAS PENDIDIKAN X\n"
    report = importer.import_agencies("tester", content, "opd.csv")
    db.session.commit()
    assert report.was_applied and report.invalid == 0
    assert [w.message for w in report.warnings] == [
        "Jenis 'DINAS PENDIDIKAN X' tidak dikenal; jenis tersimpan (DINAS) tidak diubah"]
    assert kinds()["DISDIK"] == AgencyKind.DINAS


# --- NIP/NIK number cells -------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "digits"), [
    (3273014101800001, "3273014101800001"),     # a 16-digit NIK written by a program: exact
    (198001012005031001, "198001012005031001"),  # an 18-digit NIP as an int (openpyxl: no '.' or 'E')
    (3273014101800001.0, "3273014101800001"),   # a float below 2**53 is still exact
    (3273014101800000, None),                  # what Excel keeps of a typed 16-digit number
    (1.98001012005031e17, None),               # scientific notation beyond 2**53: digits lost
    (198001012005031001.0, None),              # a float beyond 2**53 cannot be trusted
    (12345.5, None),
])
def test_intact_number_digits(value, digits):
    assert rules.intact_number_digits(value) == digits


def test_an_exact_nik_number_is_accepted_and_a_truncated_one_refused():
    nik = make_nik("327301", born(1), "L", 1)
    good = rules.clean_employee({"nama": "A", "kategori": "KONTRAK", "kode_unit": "X", "nik": int(nik)})
    assert good.is_valid and good.values["nik"] == nik
    bad = rules.clean_employee({"nama": "A", "kategori": "KONTRAK", "kode_unit": "X", "nik": int(nik[:15] + "0")})
    assert bad.errors == [("nik", "NIK tersimpan sebagai angka di Excel sehingga digit terakhir hilang; "
                                  "format kolom sebagai Teks lalu isi ulang")]


# --- the whole SIMPEG export through the import screens ---------------------------------------

@pytest.mark.parametrize(("make_file", "filename"), [(simpeg_xlsx, "opd_simpeg.xlsx"), (simpeg_csv, "opd_simpeg.csv")])
def test_simpeg_agency_export_imports_through_the_screens(client, admin, make_file, filename):
    token = upload(client, "agencies", make_file("PERANGKAT DAERAH", ["Kode", "Nama", "Kode Induk", "Jenis"], AGENCY_ROWS),
                   filename)
    html = client.get(f"/admin/impor/pratinjau/{token}").get_data(as_text=True)
    assert "Semua baris valid" in html and "Berkas ditolak" not in html
    assert "Jenis &#39;KANTOR PENGHUBUNG&#39; tidak dikenal; dicatat sebagai LAINNYA" in html
    assert "<td>14</td>" in html  # the unknown kind's row, numbered as the spreadsheet shows it (titles included)

    assert "Impor selesai: 9 dibuat" in confirm(client, token)
    assert kinds() == EXPECTED_KINDS
    parents = dict(db.session.execute(sa.select(Agency.code, Agency.parent_id)).all())
    ids = dict(db.session.execute(sa.select(Agency.code, Agency.id)).all())
    assert parents["3273.03.01"] == ids["3273.03"] and parents["3273.04"] == ids["3273"] and parents["3273"] is None


@pytest.mark.parametrize(("make_file", "filename"), [(simpeg_xlsx, "pegawai.xlsx"), (simpeg_csv, "pegawai.csv")])
def test_simpeg_employee_export_with_a_rejected_row(client, admin, make_file, filename):
    confirm(client, upload(client, "agencies", simpeg_xlsx("PERANGKAT DAERAH", ["kode", "nama", "kode_induk", "jenis"],
                                                           AGENCY_ROWS), "opd.xlsx"))
    token = upload(client, "employees", make_file("PEGAWAI", EMPLOYEE_HEADER, employee_rows()), filename)
    html = client.get(f"/admin/impor/pratinjau/{token}").get_data(as_text=True)
    # The rejection comes first and plainly; no "will be created" figures for a file that will not be imported.
    assert "Berkas ditolak: 1 dari 3 baris bermasalah." in html
    assert "Akan dibuat" not in html
    rejection, errors_table = html.index("Berkas ditolak"), html.index("<td>8</td>")
    assert rejection < errors_table < html.index('name="only_valid"')
    if filename.endswith(".xlsx"):
        assert "NIK tersimpan sebagai angka" in html
    else:  # a CSV has no numbers: the truncated NIK is just a NIK whose sequence is 0000
        assert "NIK" in html[errors_table:errors_table + 400]
    assert "Bila dipilih, 1 baris bermasalah dilewati dan baris yang valid diimpor: 2 dibuat, 0 diubah, 0 tidak berubah." in html
    assert 'value="Impor 2 baris yang valid"' in html and 'data-requires="only_valid"' in html
    assert "js/import_preview.js" in html

    assert "Impor ditolak: 1 baris bermasalah" in confirm(client, token)  # the server enforces the tick
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Employee)) == 0

    assert "Impor selesai: 2 dibuat" in confirm(client, token, only_valid="y")
    stored = dict(db.session.execute(sa.select(Employee.name, Employee.nik)).all())
    assert stored == {"Siti Aminah": make_nik("327301", born(1), "L", 1),
                      "Budi Santoso": make_nik("327301", born(2), "L", 2)}
    nip = db.session.scalar(sa.select(Employee.nip).where(Employee.name == "Siti Aminah"))
    assert nip == make_nip_pns(born(1), 2005, 3, "L", 1)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PendingImport)) == 0


def test_a_clean_file_keeps_the_counts_and_the_plain_import_button(client, admin):
    token = upload(client, "agencies", simpeg_xlsx("PERANGKAT DAERAH", ["kode", "nama", "kode_induk", "jenis"],
                                                   AGENCY_ROWS), "opd.xlsx")
    html = client.get(f"/admin/impor/pratinjau/{token}").get_data(as_text=True)
    assert "Akan dibuat" in html and 'value="Impor sekarang"' in html
    assert 'name="only_valid"' not in html and "data-requires" not in html


def test_a_file_with_no_valid_row_offers_no_import_button(client, admin):
    token = upload(client, "agencies", b"kode,nama\n,Tanpa kode\n", "opd.csv")
    html = client.get(f"/admin/impor/pratinjau/{token}").get_data(as_text=True)
    assert "Berkas ditolak: 1 dari 1 baris bermasalah." in html
    assert "Tidak ada baris yang valid" in html
    assert 'name="submit"' not in html and 'name="cancel"' in html
