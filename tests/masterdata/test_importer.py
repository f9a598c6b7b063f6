"""The import services: employees matched by NIP then NIK, agencies by code; all-or-nothing; one audit entry."""
from __future__ import annotations

import hashlib
import json
from datetime import date, datetime

import pytest
import sqlalchemy as sa

from netralitas.audit.models import AuditEntry
from netralitas.core.identity import make_nik, make_nip_pns, make_nip_pppk
from netralitas.extensions import db
from netralitas.masterdata.imports import importer
from netralitas.masterdata.models import Agency, AgencyKind, Category, Employee, Gender


def employees() -> list[Employee]:
    return list(db.session.scalars(sa.select(Employee).order_by(Employee.id)))


def audit_actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.seq)))


def import_employees(content: bytes, filename: str = "pegawai.csv", **kwargs) -> importer.ImportReport:
    report = importer.import_employees("tester", content, filename, **kwargs)
    db.session.commit()
    return report


def errors_of(report: importer.ImportReport) -> set[tuple[int, str]]:
    return {(error.row, error.column) for error in report.errors}


@pytest.fixture
def stored(city_units, make_employee) -> Employee:
    """An employee already in the database (NIP and NIK chosen apart from the file rows)."""
    born = date(1975, 6, 15)
    return make_employee(city_units["DISDIK"], name="Budi Tersimpan", nip=make_nip_pns(born, 2000, 1, "L", 7),
                         nik=make_nik("357801", born, "L", 7), phone="0811111111", position="Guru")


def row_of(employee: Employee, **overrides) -> dict:
    """An import row describing a stored employee exactly as stored."""
    row = {"nama": employee.name, "nip": employee.nip or "", "nik": employee.nik or "",
           "kategori": employee.category.value, "kode_unit": employee.agency.code, "tanggal_lahir": "",
           "jenis_kelamin": "", "jabatan": employee.position or "", "no_hp": employee.phone or "", "email": ""}
    row.update(overrides)
    return row


# --- employees: create, re-import, update ----------------------------------------------------

def test_preview_counts_and_writes_nothing(city_units, import_files):
    content = import_files.csv([import_files.pns(1), import_files.pns(2), import_files.pns(3)])
    report = importer.preview_employees(content, "pegawai.csv")
    assert (report.created, report.updated, report.unchanged, report.invalid) == (3, 0, 0, 0)
    assert report.is_importable and not report.was_applied
    assert employees() == []
    assert "import.employees" not in audit_actions()


def test_import_creates_employees_and_one_audit_entry(city_units, import_files):
    content = import_files.csv([import_files.pns(1, email="A@Contoh.go.id", jenis_kelamin="L"), import_files.pns(2)])
    report = import_employees(content)
    assert report.was_applied
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    first = employees()[0]
    assert (first.name, first.category, first.agency_id) == ("Pegawai Impor 1", Category.PNS, city_units["DISDIK"].id)
    assert (first.birth_date, first.gender, first.email) == (date(1980, 1, 1), Gender.L, "a@contoh.go.id")
    entries = list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "import.employees")))
    assert len(entries) == 1
    assert entries[0].actor_label == "tester"
    assert "2 dibuat" in entries[0].summary and "pegawai.csv" in entries[0].summary
    data = json.loads(entries[0].data_json)
    assert data == {"filename": "pegawai.csv", "sha256": hashlib.sha256(content).hexdigest(), "rows": 2,
                    "created": 2, "updated": 0, "unchanged": 0, "invalid": 0, "only_valid": False}


def test_reimporting_the_same_file_changes_nothing(city_units, import_files):
    content = import_files.csv([import_files.pns(n) for n in range(1, 6)], delimiter=";", bom=True)
    import_employees(content)
    before = [(e.id, e.updated_dt) for e in employees()]
    report = import_employees(content)
    assert (report.created, report.updated, report.unchanged, report.invalid) == (0, 0, 5, 0)
    assert [(e.id, e.updated_dt) for e in employees()] == before
    assert audit_actions().count("import.employees") == 2
    assert [a for a in audit_actions() if a.startswith("employee.")] == []


def test_changed_row_updates_the_employee_matched_by_nip(stored, import_files):
    content = import_files.csv([row_of(stored, nama="Budi Santoso", jabatan="Kepala Sekolah", nik="")])
    report = import_employees(content)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    [employee] = employees()
    assert (employee.id, employee.name, employee.name_search, employee.position) == (
        stored.id, "Budi Santoso", "budi santoso", "Kepala Sekolah")
    assert employee.nik == make_nik("357801", date(1975, 6, 15), "L", 7)  # an empty NIK cell erases nothing


def test_changed_row_updates_the_employee_matched_by_nik(city_units, make_employee, import_files):
    born = date(1990, 2, 3)
    contract = make_employee(city_units["PEMKOT"], category=Category.KONTRAK, name="Sari", nik=make_nik("357801", born, "P", 3))
    new_nip = make_nip_pppk(born, 2023, 1, "P", 3)
    content = import_files.csv([row_of(contract, nip=new_nip, kategori="PPPK", kode_unit="disdik ")])
    report = import_employees(content)
    assert (report.created, report.updated) == (0, 1)
    [employee] = employees()
    assert (employee.id, employee.nip, employee.category, employee.agency_id) == (
        contract.id, new_nip, Category.PPPK, city_units["DISDIK"].id)


def test_missing_optional_column_keeps_the_stored_value(stored, import_files):
    row = row_of(stored, jabatan="Guru Madya")
    del row["no_hp"]
    report = import_employees(import_files.csv([row]))
    assert report.updated == 1
    assert (employees()[0].position, employees()[0].phone) == ("Guru Madya", "0811111111")


# --- employees: row errors and warnings ------------------------------------------------------

def test_each_row_error_has_row_number_column_and_indonesian_message(city_units, import_files):
    rows = [
        import_files.pns(1),
        import_files.pns(2, nip="19800102200503100"),
        import_files.pns(3, kategori="HONORER"),
        import_files.pns(4, kode_unit="DINAS-X"),
        import_files.pns(5, nama="  "),
        import_files.pns(6, tanggal_lahir="31/02/1980"),
        import_files.pns(7, jenis_kelamin="X"),
        import_files.pns(8, kategori="KONTRAK", nip="", nik=""),
        import_files.pns(9, email="bukan-email"),
    ]
    report = importer.preview_employees(import_files.csv(rows), "pegawai.csv")
    messages = {(e.row, e.column): e.message for e in report.errors}
    assert "NIP harus 18 digit" in messages[(3, "nip")]
    assert "Kategori 'HONORER' tidak dikenal" in messages[(4, "kategori")]
    assert messages[(5, "kode_unit")] == "Kode unit DINAS-X tidak ditemukan; impor perangkat daerahnya terlebih dahulu"
    assert messages[(6, "nama")] == "Nama wajib diisi"
    assert "Tanggal '31/02/1980' tidak dikenali" in messages[(7, "tanggal_lahir")]
    assert messages[(8, "jenis_kelamin")] == "Jenis kelamin harus L atau P"
    assert messages[(9, "nik")] == "NIK wajib diisi bila tidak ada NIP"
    assert messages[(10, "email")] == "Format email tidak valid"
    assert report.invalid == 8 and report.created == 1
    assert not report.is_importable


def test_duplicate_nip_and_nik_within_the_file_flag_every_copy(city_units, import_files):
    one, two = import_files.pns(1), import_files.pns(2)
    rows = [one, dict(two, nip=one["nip"]), import_files.pns(3), dict(import_files.pns(4), nik=two["nik"], nip="")]
    rows[3]["kategori"] = "KONTRAK"
    report = importer.preview_employees(import_files.csv(rows), "pegawai.csv")
    assert {(2, "nip"), (3, "nip"), (3, "nik"), (5, "nik")} <= errors_of(report)
    assert any(e.message == f"NIP {one['nip']} juga ada di baris 3 dalam berkas ini" for e in report.errors)
    assert (report.created, report.invalid) == (1, 3)


def test_nip_of_one_employee_with_nik_of_another_is_an_error(stored, city_units, make_employee, import_files):
    other = make_employee(city_units["PEMKOT"], category=Category.KONTRAK, nik=make_nik("357801", date(1991, 1, 1), "L", 9))
    report = importer.preview_employees(import_files.csv([row_of(stored, nik=other.nik)]), "p.csv")
    [error] = report.errors
    assert (error.row, error.column) == (2, "nik")
    assert f"NIK {other.nik} milik pegawai lain" in error.message


def test_nik_of_an_employee_holding_another_nip_is_an_error(stored, import_files):
    other_nip = make_nip_pns(date(1975, 6, 15), 2000, 1, "L", 8)
    report = importer.preview_employees(import_files.csv([row_of(stored, nip=other_nip)]), "p.csv")
    [error] = report.errors
    assert (error.row, error.column) == (2, "nip")
    assert f"dengan NIP lain ({stored.nip})" in error.message


def test_two_rows_for_the_same_stored_employee_are_errors(stored, import_files):
    rows = [row_of(stored, nik=""), row_of(stored, nip="", kategori="KONTRAK")]
    report = importer.preview_employees(import_files.csv(rows), "p.csv")
    assert errors_of(report) == {(2, "nip"), (3, "nik")}
    assert "Baris ini dan baris 3 sama-sama menunjuk Budi Tersimpan" in report.errors[0].message


def test_identity_disagreements_are_warnings_that_do_not_block(city_units, import_files):
    row = import_files.pns(1, tanggal_lahir="02-01-1980", jenis_kelamin="P")
    report = import_employees(import_files.csv([row]))
    assert report.was_applied and report.created == 1
    rows_warned = {warning.row for warning in report.warnings}
    assert rows_warned == {2}
    assert any("berbeda dengan NIP" in warning.message for warning in report.warnings)
    assert employees()[0].birth_date == date(1980, 1, 2)  # the entered date wins; the NIP only warns


def test_xlsx_date_cells_and_numeric_nip_cells(city_units, import_files):
    header = list(import_files.EMPLOYEE_COLUMNS)
    good = import_files.pns(1)
    rows = [header, [*[good[c] for c in header[:5]], datetime(1980, 1, 1), "L", "", "", ""],
            [*[import_files.pns(2)[c] for c in header[:5]], None, None, None, None, None]]
    rows[2][1] = 198001022005031002  # Excel has already dropped digits of such a number
    report = importer.preview_employees(import_files.xlsx(rows), "pegawai.xlsx")
    assert report.created == 1
    [error] = report.errors
    assert (error.row, error.column) == (3, "nip")
    assert "tersimpan sebagai angka" in error.message


def test_a_file_without_nip_and_nik_columns_is_unreadable(city_units, import_files):
    content = import_files.csv([{"nama": "A", "kategori": "PNS", "kode_unit": "DISDIK"}])
    with pytest.raises(importer.SpreadsheetError, match="nip atau nik"):
        importer.preview_employees(content, "p.csv")


def test_service_enforces_the_size_cap(app, city_units, import_files):
    app.config["MAX_CONTENT_LENGTH"] = 100
    with pytest.raises(importer.SpreadsheetError, match="Berkas terlalu besar"):
        importer.import_employees("cli", import_files.csv([import_files.pns(1), import_files.pns(2)]), "p.csv")


# --- all-or-nothing and only-valid ------------------------------------------------------------

def test_one_bad_row_means_nothing_is_written(stored, import_files):
    rows = [import_files.pns(1), row_of(stored, nama="Nama Baru"), import_files.pns(3, kategori="??")]
    audit_before = audit_actions()
    report = import_employees(import_files.csv(rows))
    assert not report.was_applied and not report.is_importable
    assert (report.created, report.updated, report.invalid) == (1, 1, 1)
    assert [(e.id, e.name) for e in employees()] == [(stored.id, "Budi Tersimpan")]
    assert audit_actions() == audit_before


def test_only_valid_imports_the_good_rows_and_says_so(city_units, import_files):
    rows = [import_files.pns(1), import_files.pns(2, kode_unit="NOPE"), import_files.pns(3)]
    report = import_employees(import_files.csv(rows), only_valid=True)
    assert report.was_applied
    assert (report.created, report.invalid) == (2, 1)
    assert [e.name for e in employees()] == ["Pegawai Impor 1", "Pegawai Impor 3"]
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "import.employees"))
    assert json.loads(entry.data_json)["only_valid"] is True


def test_only_valid_with_no_valid_row_imports_nothing(city_units, import_files):
    report = import_employees(import_files.csv([import_files.pns(1, kategori="X")]), only_valid=True)
    assert not report.was_applied
    assert "import.employees" not in audit_actions()


def test_a_failure_after_the_writes_leaves_nothing_behind(city_units, import_files, monkeypatch):
    def broken_record(*args, **kwargs):
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr(importer, "record", broken_record)
    with pytest.raises(RuntimeError):
        importer.import_employees("cli", import_files.csv([import_files.pns(1)]), "p.csv")
    db.session.rollback()
    assert employees() == []


# --- agencies ----------------------------------------------------------------------------------

AGENCY_HEADER = "kode,nama,kode_induk,jenis\n"


def import_agencies(text: str, **kwargs) -> importer.ImportReport:
    report = importer.import_agencies("tester", (AGENCY_HEADER + text).encode(), "opd.csv", **kwargs)
    db.session.commit()
    return report


def tree() -> dict[str, tuple[str | None, str, int]]:
    """code -> (parent code, path, depth), checking every path against the ids."""
    agencies = {a.id: a for a in db.session.scalars(sa.select(Agency))}
    result = {}
    for agency in agencies.values():
        parent = agencies.get(agency.parent_id)
        assert agency.path == f"{parent.path if parent else '/'}{agency.id}/"
        assert agency.depth == (parent.depth + 1 if parent else 0)
        result[agency.code] = (parent.code if parent else None, agency.path, agency.depth)
    return result


def test_agencies_with_parents_later_in_the_file(app):
    report = import_agencies("SD1,SD Negeri 1,DISDIK,UNIT\nDISDIK,Dinas Pendidikan,PEMKOT,DINAS\nPEMKOT,Pemkot Uji,,PEMERINTAH\n")
    assert report.was_applied and (report.created, report.invalid) == (3, 0)
    shape = tree()
    assert {code: (parent, depth) for code, (parent, _, depth) in shape.items()} == {
        "PEMKOT": (None, 0), "DISDIK": ("PEMKOT", 1), "SD1": ("DISDIK", 2)}
    kinds = dict(db.session.execute(sa.select(Agency.code, Agency.kind)).all())
    assert kinds["SD1"] == AgencyKind.UNIT
    assert audit_actions() == ["import.agencies"]


def test_agency_parent_already_in_the_database_and_reimport(city_units):
    text = "sd2 , SD Negeri 2 ,disdik,unit\n"
    assert import_agencies(text).created == 1
    assert tree()["SD2"][0] == "DISDIK"
    report = import_agencies(text)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)


def test_unknown_parent_code(app):
    report = import_agencies("A,Satu,,DINAS\nB,Dua,ZZZ,DINAS\n")
    assert [tuple(e) for e in report.errors] == [
        (3, "kode_induk", "Kode induk ZZZ tidak ditemukan di berkas maupun di data yang ada")]
    assert not report.was_applied and tree() == {}


def test_cycle_within_the_file(app):
    report = importer.preview_agencies((AGENCY_HEADER + "A,Satu,C,\nB,Dua,A,\nC,Tiga,B,\nD,Empat,,\n").encode(), "x.csv")
    assert errors_of(report) == {(2, "kode_induk"), (3, "kode_induk"), (4, "kode_induk")}
    assert "membentuk lingkaran" in report.errors[0].message
    assert report.created == 1


def test_cycle_through_the_database(city_units):
    report = importer.preview_agencies((AGENCY_HEADER + "PEMKOT,Pemkot Uji,DISDIK,PEMERINTAH\n").encode(), "x.csv")
    [error] = report.errors
    assert error.message == "Kode induk membentuk lingkaran: PEMKOT → DISDIK → PEMKOT"


def test_duplicate_code_in_the_file(app):
    report = importer.preview_agencies((AGENCY_HEADER + "A,Satu,,\nB,Dua,,\na,Satu lagi,,\n").encode(), "x.csv")
    assert errors_of(report) == {(2, "kode"), (4, "kode")}


def test_children_of_a_bad_new_parent_are_skipped_in_only_valid_mode(app):
    report = import_agencies("P,,,PEMDA\nC,Anak,P,UNIT\nX,Lain,,DINAS\n", only_valid=True)
    assert report.was_applied
    assert errors_of(report) == {(2, "nama"), (3, "kode_induk")}
    assert "Induk P (baris 2) bermasalah" in report.errors[1].message
    assert set(tree()) == {"X"}


def test_reimport_with_a_new_parent_moves_the_whole_subtree(city_units, make_agency, make_employee):
    school = make_agency("SD1", parent=city_units["DISDIK"], kind=AgencyKind.UNIT)
    other = make_agency("PEMKAB", name="Pemkab Uji", kind=AgencyKind.PEMERINTAH)
    teacher = make_employee(school)
    report = import_agencies("DISDIK,Dinas Pendidikan dan Kebudayaan,PEMKAB,DINAS\n")
    assert (report.updated, report.created) == (1, 0)
    shape = tree()
    assert shape["DISDIK"] == ("PEMKAB", f"/{other.id}/{city_units['DISDIK'].id}/", 1)
    assert shape["SD1"] == ("DISDIK", f"/{other.id}/{city_units['DISDIK'].id}/{school.id}/", 2)
    assert shape["PEMKOT"] == (None, f"/{city_units['PEMKOT'].id}/", 0)
    assert db.session.get(Employee, teacher.id).agency_id == school.id
    assert db.session.get(Agency, city_units["DISDIK"].id).name == "Dinas Pendidikan dan Kebudayaan"


def test_agency_file_without_parent_column_keeps_parents(city_units):
    report = importer.import_agencies("cli", b"kode,nama\nDISDIK,Disdik Baru\n", "x.csv")
    db.session.commit()
    assert report.updated == 1
    assert tree()["DISDIK"][0] == "PEMKOT"
    assert db.session.get(Agency, city_units["DISDIK"].id).kind == AgencyKind.DINAS


# --- templates ----------------------------------------------------------------------------------

@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_templates_import_cleanly_in_order(app, file_format):
    for kind in ("agencies", "employees"):
        content, _mimetype, name = importer.template_file(kind, file_format)
        assert name.endswith("." + file_format)
        report = importer.run_import(kind, "cli", content, name)
        db.session.commit()
        assert report.was_applied and (report.created, report.invalid, len(report.warnings)) == (1, 0, 0)
    assert employees()[0].agency.code == "PEMKOT"
