"""Reading uploaded CSV/XLSX safely, and writing templates (pure: no app, no database)."""
from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netralitas.core import spreadsheet
from netralitas.core.spreadsheet import SpreadsheetError, read_sheet, safe_cell, write_csv, write_xlsx
from tests.conftest import ImportFiles

COLUMNS = ("kode", "nama", "kode_induk", "jenis")
REQUIRED = ("kode", "nama")


def read(content: bytes, filename: str = "data.csv", **kwargs) -> spreadsheet.Sheet:
    return read_sheet(content, filename, known_columns=COLUMNS, required_columns=REQUIRED, **kwargs)


def error_of(content: bytes, filename: str = "data.csv", **kwargs) -> str:
    with pytest.raises(SpreadsheetError) as caught:
        read(content, filename, **kwargs)
    return str(caught.value)


# --- CSV -------------------------------------------------------------------------------------

def test_comma_csv_rows_are_numbered_as_the_spreadsheet_shows_them():
    sheet = read(b"kode,nama,kode_induk,jenis\nA,Satu,,DINAS\nB,Dua,A,UNIT\n")
    assert sheet.columns == list(COLUMNS)
    assert sheet.rows == [(2, {"kode": "A", "nama": "Satu", "kode_induk": "", "jenis": "DINAS"}),
                          (3, {"kode": "B", "nama": "Dua", "kode_induk": "A", "jenis": "UNIT"})]


def test_semicolon_csv_as_indonesian_excel_writes_it():
    sheet = read(b"kode;nama;kode_induk;jenis\nA;Dinas Pendidikan, Pemuda dan Olahraga;;DINAS\n")
    assert sheet.rows[0][1]["nama"] == "Dinas Pendidikan, Pemuda dan Olahraga"
    assert sheet.rows[0][1]["jenis"] == "DINAS"


def test_utf8_bom_is_not_part_of_the_first_header():
    sheet = read("\ufeffkode,nama\nA,Kantor Camat Cibeunying\n".encode())
    assert sheet.columns == ["kode", "nama"]
    assert sheet.rows[0][1]["kode"] == "A"


def test_headers_ignore_case_and_surrounding_spaces():
    sheet = read(b"  KODE , Nama ,Kode Induk,JENIS\nA,Satu,,DINAS\n")
    assert sheet.columns == ["kode", "nama", "kode_induk", "jenis"]
    assert sheet.rows[0][1]["kode_induk"] == ""


def test_blank_rows_are_skipped_but_keep_later_row_numbers():
    sheet = read(b"kode,nama\nA,Satu\n\n,\nB,Dua\n")
    assert [number for number, _ in sheet.rows] == [2, 5]


def test_quoted_cells_may_hold_delimiters_and_newlines():
    sheet = read(b'kode,nama\nA,"Dinas A, B\nbaris dua"\nB,Dua\n')
    assert sheet.rows[0][1]["nama"] == "Dinas A, B\nbaris dua"
    assert sheet.rows[1][0] == 3  # one record per spreadsheet row, even across a quoted newline


def test_unknown_columns_are_ignored_and_reported_and_short_rows_padded():
    sheet = read(b"kode,nama,catatan\nA\n")
    assert sheet.columns == ["kode", "nama"]
    assert sheet.ignored_columns == ["catatan"]
    assert sheet.rows == [(2, {"kode": "A", "nama": None})]


# --- XLSX ------------------------------------------------------------------------------------

def test_xlsx_keeps_cell_types_and_row_numbers():
    content = ImportFiles.xlsx([["Kode", "NAMA", "jenis"], ["A", "Satu", None], [None, None, None],
                          [101, datetime(2024, 5, 1), "UNIT"]])
    sheet = read(content, "data.xlsx")
    assert sheet.rows == [(2, {"kode": "A", "nama": "Satu", "jenis": None}),
                          (4, {"kode": 101, "nama": datetime(2024, 5, 1), "jenis": "UNIT"})]


def test_xlsx_stray_far_right_cell_does_not_widen_rows():
    workbook = openpyxl.Workbook()
    workbook.active.append(["kode", "nama"])
    workbook.active.append(["A", "Satu"])
    workbook.active.cell(row=2, column=16000, value="x")
    buffer = io.BytesIO()
    workbook.save(buffer)
    sheet = read(buffer.getvalue(), "data.xlsx")
    assert sheet.rows == [(2, {"kode": "A", "nama": "Satu"})]


def test_xlsx_reads_the_first_sheet():
    workbook = openpyxl.Workbook()
    workbook.active.append(["kode", "nama"])
    workbook.active.append(["A", "Pertama"])
    workbook.create_sheet("Kedua").append(["kode", "nama"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert read(buffer.getvalue(), "data.xlsx").rows[0][1]["nama"] == "Pertama"


# --- hostile and malformed files -------------------------------------------------------------

def test_empty_file():
    assert error_of(b"") == "Berkas kosong."


def test_header_only():
    assert "hanya berisi baris judul" in error_of(b"kode,nama\n")
    assert "hanya berisi baris judul" in error_of(ImportFiles.xlsx([["kode", "nama"]]), "a.xlsx")


def test_no_header_row_names_the_missing_columns():
    message = error_of(b"DISDIK,Dinas Pendidikan\nDINKES,Dinas Kesehatan\n")
    assert "Kolom wajib tidak ditemukan: kode, nama" in message
    assert "unduh templat" in message


def test_one_required_column_missing():
    assert "Kolom wajib tidak ditemukan: nama" in error_of(b"kode,name\nA,Satu\n")


def test_duplicate_header_column():
    assert "Kolom nama muncul lebih dari sekali" in error_of(b"kode,nama,NAMA\nA,x,y\n")


def test_latin1_bytes_are_refused_with_the_line():
    message = error_of("kode;nama\nA;Kantor\nB;Caf\u00e9\n".encode("latin-1"))
    assert "bukan teks UTF-8" in message
    assert "baris 3" in message
    assert "CSV UTF-8" in message


def test_binary_junk_as_csv():
    assert "bukan teks UTF-8" in error_of(bytes(range(256)) * 4)
    assert "data biner" in error_of(b"kode,nama\nA\x00\x00,B\n")


def test_oversized_csv_cell_is_a_clear_error():
    assert "CSV rusak di baris 1" in error_of(b"a" * 200_000)
    assert "CSV rusak di baris 3" in error_of(b"kode,nama\nA,B\nC," + b"x" * 200_000 + b"\n")


def test_xlsx_content_with_csv_extension():
    assert "berkas Excel (.xlsx), bukan CSV" in error_of(ImportFiles.xlsx([["kode", "nama"], ["A", "B"]]), "data.csv")


def test_xlsx_that_is_not_a_zip():
    assert "bukan arsip zip" in error_of(b"kode,nama\nA,B\n", "data.xlsx")


def test_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "halo")
    assert "rusak" in error_of(buffer.getvalue(), "data.xlsx")


def zip_with(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_bomb_is_refused_by_compression_ratio_before_parsing():
    bomb = zip_with("xl/worksheets/sheet1.xml", b" " * (4 * 1024 * 1024))
    assert len(bomb) < 20_000
    assert "rasio kompresi" in error_of(bomb, "bom.xlsx")


def test_zip_bomb_is_refused_by_total_uncompressed_size(monkeypatch):
    monkeypatch.setattr(spreadsheet, "MAX_UNCOMPRESSED_BYTES", 50_000)
    content = zip_with("xl/sharedStrings.xml", bytes(range(256)) * 400)  # 100 kB, barely compressible
    assert "terlalu besar setelah dibuka" in error_of(content, "besar.xlsx")


def test_oversized_file_is_refused_before_parsing():
    message = error_of(b"kode,nama\n" + b"A,B\n" * 1000, max_bytes=1024 * 1024 // 512)
    assert "Berkas terlalu besar: maksimal" in message


def test_row_cap():
    message = error_of(b"kode,nama\nA,1\nB,2\nC,3\nD,4\n", max_rows=3)
    assert "lebih dari 3 baris data" in message
    assert len(read(b"kode,nama\nA,1\nB,2\nC,3\n", max_rows=3).rows) == 3


@pytest.mark.parametrize(("filename", "expected"), [
    ("data.pdf", "Jenis berkas tidak didukung (.pdf)"),
    ("data", "tanpa ekstensi"),
    ("data.xls", "Format .xls (Excel 97-2003) tidak didukung"),
])
def test_wrong_extension(filename, expected):
    assert expected in error_of(b"kode,nama\nA,B\n", filename)


def test_extension_is_case_insensitive():
    assert read(b"kode,nama\nA,B\n", "DATA.CSV").rows[0][1]["kode"] == "A"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=st.binary(max_size=400), filename=st.sampled_from(["a.csv", "a.xlsx"]),
       zip_header=st.booleans())
def test_arbitrary_bytes_never_raise_anything_but_spreadsheet_error(content, filename, zip_header):
    data = (b"PK\x03\x04" + content) if zip_header else content
    try:
        read(data, filename)
    except SpreadsheetError as exc:
        assert str(exc)


# --- writing ---------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["=HYPERLINK(\"x\")", "+62812", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_safe_cell_defuses_formula_text(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Dinas", "198503122010032001", 5, None, date(2024, 1, 1), ""])
def test_safe_cell_leaves_other_values(value):
    assert safe_cell(value) == value


def test_write_csv_has_bom_header_and_is_formula_safe():
    content = write_csv(["kode", "nama"], [["A", "=1+1"], ["B", date(2024, 1, 2)]])
    assert content.startswith(b"\xef\xbb\xbfkode,nama\r\n")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[1] == ["A", "'=1+1"]
    assert rows[2] == ["B", "2024-01-02"]
    assert read(content).rows[1][1]["nama"] == "2024-01-02"


def test_write_xlsx_formats_text_columns_as_text_and_round_trips():
    content = write_xlsx(["kode", "nama", "jenis"], [["007", "-Dinas", date(2024, 1, 2)]], text_columns=["kode"])
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.active
    assert sheet["A2"].number_format == "@"
    assert sheet.column_dimensions["A"].number_format == "@"  # cells typed later stay text too
    assert sheet["B2"].value == "'-Dinas"
    assert sheet["C2"].number_format == "yyyy-mm-dd"
    rows = read(content, "t.xlsx").rows
    assert rows == [(2, {"kode": "007", "nama": "'-Dinas", "jenis": datetime(2024, 1, 2)})]


# --- report titles above the header (SIMPEG exports) -------------------------------------------

SIMPEG_TITLE_ROWS = [["DAFTAR PERANGKAT DAERAH PEMERINTAH KOTA CONTOH"], [], ["Per tanggal 01-02-2024"], ["", "", ""]]


def test_xlsx_header_below_report_title_rows():
    content = ImportFiles.xlsx([*SIMPEG_TITLE_ROWS, ["KODE", "NAMA", "KODE INDUK", "JENIS", "KETERANGAN"],
                                ["PEMKOT", "Pemerintah Kota Contoh", None, "PEMDA"], ["DISDIK", "Dinas Pendidikan", "PEMKOT"]])
    sheet = read(content, "opd.xlsx")
    assert sheet.columns == list(COLUMNS) and sheet.ignored_columns == ["keterangan"]
    assert [number for number, _ in sheet.rows] == [6, 7]  # as Excel numbers them, titles included
    assert sheet.rows[1][1] == {"kode": "DISDIK", "nama": "Dinas Pendidikan", "kode_induk": "PEMKOT", "jenis": None}


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_csv_header_below_report_title_rows(delimiter):
    titles = ["DAFTAR PERANGKAT DAERAH PEMERINTAH KOTA CONTOH" + delimiter * 3, "", "Per tanggal 01-02-2024"]
    header_and_rows = ["No" + delimiter + delimiter.join(COLUMNS), delimiter.join(["1", "PEMKOT", "Pemkot Contoh", "", "PEMDA"])]
    sheet = read("\n".join([*titles, *header_and_rows, ""]).encode())
    assert sheet.columns == list(COLUMNS)
    assert sheet.rows == [(5, {"kode": "PEMKOT", "nama": "Pemkot Contoh", "kode_induk": "", "jenis": "PEMDA"})]


def test_the_header_is_the_row_that_names_most_columns():
    # A title that happens to contain one column name ("Nama") does not beat the real header.
    content = ImportFiles.xlsx([["Nama instansi:", "Pemerintah Kota Contoh"], ["kode", "nama", "jenis"], ["A", "Satu", "DINAS"]])
    sheet = read(content, "opd.xlsx")
    assert sheet.rows == [(3, {"kode": "A", "nama": "Satu", "jenis": "DINAS"})]


def test_a_header_below_the_scanned_rows_is_not_found():
    rows = [[f"judul {n}"] for n in range(spreadsheet.HEADER_SCAN_ROWS)] + [["kode", "nama"], ["A", "Satu"]]
    message = error_of(ImportFiles.xlsx(rows), "opd.xlsx")
    assert "Kolom wajib tidak ditemukan: kode, nama" in message
    assert f"{spreadsheet.HEADER_SCAN_ROWS} baris pertama" in message
