"""Hostile spreadsheet uploads through the import screens: junk bytes, wrong extensions, zip bombs, oversized
files, hostile file names and hostile cells.

Property: upload → preview → confirm never answers 5xx; a file that cannot be read leaves no pending upload
and a message; nothing reaches the agency and employee tables unless every row was valid (all-or-nothing);
what is imported is the cleaned value of the cell.
"""
from __future__ import annotations

import io
import re
import zipfile
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from hypothesis import example, given
from hypothesis import strategies as st

from netralitas.auth.models import Role
from netralitas.extensions import db
from netralitas.masterdata.models import Agency, Employee, PendingImport
from tests.conftest import ImportFiles
from tests.hostile.support import assert_no_server_error, examples, fuzz, hostile_text, row_counts, shows_message

pytestmark = pytest.mark.usefixtures("fast_passwords")

AGENCY_COLUMNS = ("kode", "nama", "kode_induk", "jenis")
FILENAMES = ["data.csv", "data.xlsx", "data.xls", "data.pdf", "data", "DATA.CSV", "data.csv.exe", "../../etc/passwd.csv",
             "C:\\Users\\x\\data.xlsx", "<script>alert(1)</script>.csv", "😀.xlsx", "a" * 300 + ".csv", ".csv", " .xlsx",
             "data.\u202excsv", "data\u200b.csv"]


def zip_bomb() -> bytes:
    """A valid zip whose one member inflates 4 MB of spaces from a few kilobytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (4 * 1024 * 1024))
    return buffer.getvalue()


def csv_bytes(rows: list[list[str]], delimiter: str) -> bytes:
    quoted = [delimiter.join('"' + cell.replace('"', '""') + '"' for cell in row) for row in rows]
    return "\n".join(quoted).encode("utf-8", "surrogatepass")


XLSX_SAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
cells = st.one_of(hostile_text.filter(lambda text: len(text) < 5000), st.sampled_from(["", "DISDIK", "PNS", "L"]))


@st.composite
def sheets(draw, columns: tuple[str, ...]) -> tuple[bytes, str]:
    """A spreadsheet with (some of) the right header and hostile cells, as CSV or XLSX."""
    header = draw(st.lists(st.sampled_from([*columns, "lain", ""]), min_size=1, max_size=len(columns) + 2))
    rows = draw(st.lists(st.lists(cells, min_size=0, max_size=len(header) + 1), min_size=0, max_size=4))
    if draw(st.booleans()):
        return csv_bytes([header, *rows], draw(st.sampled_from([",", ";"]))), draw(st.sampled_from(["a.csv", "b.CSV"]))
    cleaned = [[XLSX_SAFE.sub("", cell) for cell in row] for row in [header, *rows]]
    return ImportFiles.xlsx(cleaned), "a.xlsx"


junk = st.one_of(st.binary(max_size=3000), st.builds(lambda tail: b"PK\x03\x04" + tail, st.binary(max_size=500)),
                 st.just(zip_bomb()), st.just(b"\xef\xbb\xbf"), st.just(b"nama;nip\nJos\xe9;1\n"),
                 st.just(b"kode,nama\n" + b"\x00" * 100), st.just(b'kode,nama\n"' + b"x" * 200_000))


@pytest.fixture
def importer(client, make_staff, login_as, city_units):
    login_as(make_staff(Role.SUPER_ADMIN))
    return client


def master_rows() -> tuple[list, list]:
    db.session.expire_all()
    agencies = [tuple(row) for row in db.session.execute(sa.select(Agency.code, Agency.name, Agency.parent_id))]
    employees = [tuple(row) for row in db.session.execute(sa.select(Employee.name, Employee.nip, Employee.nik))]
    return agencies, employees


def pending_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(PendingImport))


def run_upload(client, kind: str, content: bytes, filename: str, only_valid: bool) -> bool:
    """Upload, preview and confirm like an admin would; True when the import was applied."""
    response = client.post(f"/admin/impor/{kind}/unggah", data={f"{kind}-file": (io.BytesIO(content), filename)},
                           content_type="multipart/form-data")
    assert_no_server_error(response, "upload")
    if response.status_code != 302 or "/pratinjau/" not in response.headers["Location"]:
        assert response.status_code in (302, 400, 413), response.status_code
        assert pending_count() == 0
        return False
    preview = client.get(response.headers["Location"], follow_redirects=True)
    assert_no_server_error(preview, "preview")
    assert shows_message(preview) or "Pratinjau" in preview.get_data(as_text=True)
    token = urlsplit(response.headers["Location"]).path.rsplit("/", 1)[-1]
    if pending_count() == 0:  # unreadable: discarded, with a message saying why
        assert "tidak bisa dibaca" in preview.get_data(as_text=True)
        return False
    form = {"token": token, "submit": "y"}
    if only_valid:
        form["only_valid"] = "y"
    confirmed = client.post("/admin/impor/konfirmasi", data=form, follow_redirects=True)
    assert_no_server_error(confirmed, "confirm")
    body = confirmed.get_data(as_text=True)
    applied = "Impor selesai" in body
    if not applied:
        assert "Impor ditolak" in body or "Impor gagal" in body, body[:2000]
        client.post("/admin/impor/konfirmasi", data={"token": token, "cancel": "y"})  # as the admin would
    assert pending_count() == 0
    return applied


def test_junk_uploads(importer, backend):
    @fuzz(80, backend)
    @given(content=junk, filename=st.one_of(st.sampled_from(FILENAMES), hostile_text.filter(lambda n: len(n) < 400)),
           kind=st.sampled_from(["agencies", "employees"]))
    @example(content=zip_bomb(), filename="bom.xlsx", kind="employees")
    @example(content=b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, filename="foto.csv", kind="agencies")
    def check(content, filename, kind):
        examples.count()
        before = row_counts()
        assert not run_upload(importer, kind, content, filename, only_valid=True)
        assert row_counts() == before

    check()


def test_hostile_cells(importer, backend):
    @fuzz(80, backend)
    @given(kind=st.sampled_from(["agencies", "employees"]), data=st.data(), only_valid=st.booleans())
    def check(kind, data, only_valid):
        examples.count()
        content, filename = data.draw(sheets(AGENCY_COLUMNS if kind == "agencies" else ImportFiles.EMPLOYEE_COLUMNS))
        before = master_rows()
        if run_upload(importer, kind, content, filename, only_valid):
            agencies, employees = master_rows()
            for code, name, _ in agencies:
                assert name and len(name) <= 200 and not [ch for ch in name if ord(ch) < 32], repr(name)
                assert re.fullmatch(r"[A-Z0-9][A-Z0-9._/-]{0,39}", code)
            for name, nip, nik in employees:
                assert name == " ".join(name.split()) and not [ch for ch in name if ord(ch) < 32], repr(name)
                assert nip or nik
        else:
            assert master_rows() == before

    check()


@pytest.mark.parametrize("name", ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "Dinas \u202eKIDSID",
                                  "Dinas\u200bUji", "Dinas 😀🇮🇩", "=HYPERLINK(\"http://x\")", "{{ 7*7 }}"])
def test_hostile_names_import_as_given(importer, name):
    """A hostile but valid name is imported exactly as written (trimmed) and shown escaped in the preview."""
    content = csv_bytes([["kode", "nama", "kode_induk", "jenis"], ["UJI.1", name, "PEMKOT", "DINAS"]], ",")
    response = importer.post("/admin/impor/agencies/unggah", data={"agencies-file": (io.BytesIO(content), "a.csv")},
                             content_type="multipart/form-data")
    preview = importer.get(response.headers["Location"])
    assert "<script>alert(1)" not in preview.get_data(as_text=True)
    token = urlsplit(response.headers["Location"]).path.rsplit("/", 1)[-1]
    done = importer.post("/admin/impor/konfirmasi", data={"token": token, "submit": "y"}, follow_redirects=True)
    assert "Impor selesai" in done.get_data(as_text=True)
    stored = db.session.scalar(sa.select(Agency.name).where(Agency.code == "UJI.1"))
    assert stored == name.strip()


def test_upload_over_the_cap_gets_the_413_page_and_stores_nothing(app, importer):
    app.config["MAX_CONTENT_LENGTH"] = 50_000
    before = row_counts()
    for content, filename in ((b"kode,nama\n" + b"A,B\n" * 20_000, "besar.csv"), (zip_bomb() * 20, "besar.xlsx")):
        response = importer.post("/admin/impor/agencies/unggah",
                                 data={"agencies-file": (io.BytesIO(content), filename)}, content_type="multipart/form-data")
        assert response.status_code == 413
        assert "Berkas terlalu besar" in response.get_data(as_text=True)
    assert row_counts() == before
