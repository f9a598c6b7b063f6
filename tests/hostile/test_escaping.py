"""Names with markup, quotes, a right-to-left override, a zero-width space and emoji: stored as given, escaped on
every page, printed as plain text in every PDF, and neutralised in every spreadsheet.

PDFs: DejaVu has the Emoticons block (😀 prints, in black and white) but not most other emoji (👍, flags, ZWJ
families): fpdf2 leaves those out and logs "missing the following glyphs"; the rest of the line prints. A
right-to-left override (U+202E) and a zero-width space print as invisible characters: fpdf2 applies no bidi
reordering, so a name cannot flip the certificate's text.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile

import openpyxl
import pytest
import sqlalchemy as sa
from markupsafe import escape

from netralitas.auth.models import Staff
from netralitas.certificates.services import display_code
from netralitas.extensions import db
from netralitas.masterdata.models import Agency, Employee
from tests.certificate_exports import pdfread
from tests.hostile.world import (
    AGENCY_NAME,
    EMPLOYEE_NAME,
    EVENT_NAME,
    FORMULA_NAME,
    RAW_MARKUP,
    STAFF_NAME,
    HostileWorld,
    build_world,
    without_emoji,
)

pytestmark = pytest.mark.usefixtures("fast_passwords")


@pytest.fixture
def world(app, make_agency, make_staff, invite) -> HostileWorld:
    return build_world(app, make_agency, make_staff, invite)


def html_of(response, url: str) -> str:
    assert response.status_code == 200, (url, response.status_code)
    assert response.mimetype == "text/html", url
    body = response.get_data(as_text=True)
    for markup in RAW_MARKUP:
        assert markup not in body, f"{url}: raw {markup!r}"
    return body


def shows(body: str, name: str) -> bool:
    return str(escape(name)) in body


def test_names_are_stored_exactly_as_typed(world):
    db.session.expire_all()
    assert db.session.get(Employee, world.employee.id).name == EMPLOYEE_NAME
    assert db.session.get(Employee, world.formula_employee.id).name == FORMULA_NAME
    assert db.session.get(Agency, world.agency.id).name == AGENCY_NAME
    assert world.event.name == EVENT_NAME
    assert world.certificate.signature.typed_name == EMPLOYEE_NAME
    assert db.session.scalar(sa.select(Staff.name).where(Staff.name == STAFF_NAME))


def test_signer_pages(world):
    code = display_code(world.certificate.code)
    for url, names in {"/e/uji-xss/selesai": (EMPLOYEE_NAME, AGENCY_NAME, EVENT_NAME),
                       "/e/uji-xss/deklarasi": ()}.items():  # signed: the declaration page sends back to /selesai
        response = world.signer.get(url, follow_redirects=True)
        body = html_of(response, url)
        for name in names:
            assert shows(body, name), (url, name)
        assert code in body
    visitor = world.signer.application.test_client()
    body = html_of(visitor.get("/e/uji-xss"), "/e/uji-xss")
    assert shows(body, EVENT_NAME) or "Deklarasi" in body


@pytest.mark.parametrize("how", ["qr", "typed"])
def test_verify_page_and_code_lookup(world, how):
    client = world.signer.application.test_client()
    if how == "qr":
        response = client.get(f"/v/{world.certificate.token}")
    else:
        response = client.post("/cek", data={"code": display_code(world.certificate.code)})
    body = html_of(response, how)
    assert "VALID" in body
    # The name is masked (first word whole, then initials): the first word here is the markup itself.
    assert shows(body, "<script>alert(1)</script> O•••••")
    assert shows(body, AGENCY_NAME) and shows(body, EVENT_NAME)


def staff_pages(world) -> dict[str, tuple[str, ...]]:
    """Every staff page that shows one of the hostile names, and which names it must show."""
    event, employee, agency = world.event.id, world.employee.id, world.agency.id
    code = display_code(world.certificate.code)
    return {
        "/": (),
        "/admin/pegawai": (EMPLOYEE_NAME, AGENCY_NAME),
        "/admin/pegawai?q=Rahayu": (EMPLOYEE_NAME,),
        f"/admin/pegawai/{employee}": (EMPLOYEE_NAME, AGENCY_NAME),
        f"/admin/pegawai/{employee}/ubah": (EMPLOYEE_NAME,),
        f"/admin/pegawai/{employee}/status": (EMPLOYEE_NAME,),
        "/admin/perangkat-daerah": (AGENCY_NAME,),
        f"/admin/perangkat-daerah/{agency}": (AGENCY_NAME,),
        f"/admin/perangkat-daerah/{agency}/status": (AGENCY_NAME,),
        "/admin/staf": (STAFF_NAME,),
        "/admin/audit/": (EMPLOYEE_NAME, EVENT_NAME),
        "/admin/acara": (EVENT_NAME,),
        f"/admin/acara/{event}": (EVENT_NAME,),
        f"/admin/acara/{event}/ubah": (EVENT_NAME,),
        f"/admin/acara/{event}/undangan": (EVENT_NAME,),
        f"/admin/acara/{event}/bantuan?q=Rahayu": (EMPLOYEE_NAME, EVENT_NAME),
        f"/admin/acara/{event}/bantuan/{world.formula_employee.id}/terbitkan-ulang": (FORMULA_NAME,),
        f"/admin/acara/{event}/sertifikat": (EVENT_NAME,),
        f"/admin/sertifikat/?kode={code}": (EMPLOYEE_NAME,),
        f"/admin/sertifikat/{world.certificate.id}/cabut": (EMPLOYEE_NAME,),
        "/e/uji-xss/board": (EVENT_NAME,),
        # Completion reports, drill-down and reminders.
        "/admin/rekap": (EVENT_NAME,),
        f"/admin/acara/{event}/rekap": (EVENT_NAME, AGENCY_NAME),
        f"/admin/acara/{event}/rekap/unit/{agency}": (AGENCY_NAME, FORMULA_NAME),
        f"/admin/acara/{event}/rekap/pegawai?status=semua": (EMPLOYEE_NAME, FORMULA_NAME),
        f"/admin/acara/{event}/pengingat": (FORMULA_NAME,),
        f"/admin/acara/{event}/pengingat/email": (EVENT_NAME,),
    }


def test_staff_pages(world):
    failures = []
    for url, names in staff_pages(world).items():
        body = html_of(world.staff.get(url, follow_redirects=True), url)
        failures += [f"{url}: {name!r} not shown escaped" for name in names if not shows(body, name)]
    assert not failures, "\n".join(failures)


def test_flash_messages_after_saving_hostile_names(world):
    """The confirmation that repeats what was saved is escaped too."""
    response = world.staff.post(f"/admin/perangkat-daerah/{world.agency.id}", data={
        "kode": "UJI-XSS", "nama": AGENCY_NAME, "jenis": "DINAS", "parent_id": str(world.agency.parent_id)},
        follow_redirects=True)
    html_of(response, "agency saved")
    response = world.staff.post("/admin/token-api/baru", data={"name": "<script>alert(1)</script> 😀"})
    body = html_of(response, "token created")
    assert shows(body, "<script>alert(1)</script> 😀")
    html_of(world.staff.get("/admin/token-api"), "/admin/token-api")


def pdf_text(response, url: str) -> str:
    assert response.status_code == 200, (url, response.status_code)
    assert response.data.startswith(b"%PDF"), url
    return pdfread.text(response.data)


def test_certificate_pdf_prints_the_names_as_text(world):
    text = pdf_text(world.signer.get("/e/uji-xss/sertifikat.pdf"), "certificate")
    flat = " ".join(text.split())
    for name in (EMPLOYEE_NAME, AGENCY_NAME, EVENT_NAME):
        assert without_emoji(" ".join(name.split())) in without_emoji(flat), name
    assert "😀" in text  # in DejaVu's Emoticons block: printed
    assert "👍" not in text and "\U0001f1ee" not in text  # no glyph in DejaVu ...
    assert "□" in text  # ... so a visible box takes its place (core/pdf.printable) instead of silently vanishing


def test_invitation_slips_print_the_names_as_text(world):
    event = world.event.id
    for url in (f"/admin/acara/{event}/undangan.pdf",
                f"/admin/acara/{event}/bantuan/{world.formula_employee.id}/slip.pdf"):
        flat = " ".join(pdf_text(world.staff.get(url), url).split())
        assert "Deklarasi <b>Netralitas</b> & 'Pilkada'" in flat, url
        assert "<img src=x onerror=alert(1)>" in flat, url  # the agency name, as plain text
    flat = " ".join(pdf_text(world.staff.get(f"/admin/acara/{event}/undangan.pdf"), "slips").split())
    assert "<script>alert(1)</script>" in flat
    assert '=HYPERLINK("http://evil.ex' in flat  # a long word is broken over two lines on a slip


def test_recap_pdf_prints_the_names_as_text(world):
    url = f"/admin/acara/{world.event.id}/rekap/rekapitulasi.pdf"
    flat = " ".join(pdf_text(world.staff.get(url), url).split())
    assert "Deklarasi <b>Netralitas</b> & 'Pilkada'" in flat
    assert "<img src=x onerror=alert(1)>" in flat


def csv_rows(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8-sig")
    delimiter = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def xlsx_rows(data: bytes) -> list[list]:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return [list(row) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)]


def assert_neutralised(rows: list[list], what: str) -> None:
    """Every hostile name appears as given, except that a formula is prefixed with an apostrophe; no cell is a formula."""
    cells = [cell for row in rows for cell in row if isinstance(cell, str)]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "@")) or cell.lstrip().startswith("=")], what
    assert "'" + FORMULA_NAME in cells, what


def test_spreadsheet_exports(world):
    event = world.event.id
    exports = {
        "codes CSV": f"/admin/acara/{event}/undangan.csv",
        "status CSV": f"/admin/acara/{event}/rekap/pegawai.csv",
        "status XLSX": f"/admin/acara/{event}/rekap/pegawai.xlsx",
        "completion CSV": f"/admin/acara/{event}/rekap/tabel.csv",
        "completion XLSX": f"/admin/acara/{event}/rekap/tabel.xlsx",
    }
    for what, url in exports.items():
        response = world.staff.get(url)
        assert response.status_code == 200, (what, response.status_code)
        rows = xlsx_rows(response.data) if url.endswith(".xlsx") else csv_rows(response.data)
        cells = {cell for row in rows for cell in row if isinstance(cell, str)}
        assert AGENCY_NAME in cells, what
        if "completion" in what:
            assert EVENT_NAME in cells or what == "completion CSV", what
            continue
        assert EMPLOYEE_NAME in cells, what
        assert_neutralised(rows, what)


def test_certificate_zip(world):
    response = world.staff.get(f"/admin/acara/{world.event.id}/sertifikat.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    rows = csv_rows(archive.read("daftar.csv"))
    assert EMPLOYEE_NAME in {cell for row in rows for cell in row}
    for name in archive.namelist():
        assert not name.startswith(("/", "..")) and ".." not in name.split("/") and "<" not in name, name
    [pdf_name] = [name for name in archive.namelist() if name.endswith(".pdf")]
    assert "<script>alert(1)</script>" in pdfread.text(archive.read(pdf_name))


def test_json_answers_carry_names_as_data(world):
    """Board JSON and the API: names are JSON strings, served as application/json with nosniff (never HTML)."""
    response = world.staff.get("/e/uji-xss/board.json")
    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert AGENCY_NAME in [agency["name"] for agency in response.get_json()["agencies"]]
    created = world.staff.post("/admin/token-api/baru", data={"name": "uji"}).get_data(as_text=True)
    token = re.search(r"\b(ntr_[A-Za-z0-9_-]{20,})\b", created)
    assert token, "no token shown after creating one"
    api = world.staff.application.test_client()
    response = api.get("/api/v1/events/uji-xss/completion", headers={"Authorization": f"Bearer {token.group(1)}"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert AGENCY_NAME in strings_in(response.get_json())
    assert EVENT_NAME in strings_in(response.get_json())


def strings_in(document) -> set[str]:
    """Every string value of a JSON document."""
    if isinstance(document, dict):
        return set().union(*(strings_in(value) for value in document.values()))
    if isinstance(document, list):
        return set().union(*(strings_in(value) for value in document)) if document else set()
    return {document} if isinstance(document, str) else set()


def test_control_characters_in_an_event_name_do_not_break_the_exports(world):
    """An event name pasted from a word processor (\\x0b is Word's line break) still exports; XLSX drops the character."""
    world.event.name = "Deklarasi\x0bBaris Baru\x01"
    db.session.commit()
    for url in (f"/admin/acara/{world.event.id}/rekap/tabel.xlsx", f"/admin/acara/{world.event.id}/rekap/pegawai.xlsx",
                f"/admin/acara/{world.event.id}/rekap/tabel.csv", f"/admin/acara/{world.event.id}/undangan.pdf",
                f"/admin/acara/{world.event.id}/rekap/rekapitulasi.pdf"):
        response = world.staff.get(url)
        assert response.status_code == 200, url
    cells = {cell for row in xlsx_rows(world.staff.get(f"/admin/acara/{world.event.id}/rekap/tabel.xlsx").data)
             for cell in row}
    assert "DeklarasiBaris Baru" in cells
    assert world.signer.get("/e/uji-xss/sertifikat.pdf").status_code == 200
