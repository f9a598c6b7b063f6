"""Invitation screens: CSV and slips downloads within scope, the help desk search and the audited re-issue."""
from __future__ import annotations

import csv
import io
import logging
import re
import zlib

import pytest
import sqlalchemy as sa
from PIL import Image

from netralitas.audit.models import AuditEntry
from netralitas.auth.models import Role
from netralitas.core.qr import qr_png, qr_svg
from netralitas.events.models import Invitation
from netralitas.extensions import db
from netralitas.invitations import slips as slips_module
from netralitas.invitations.services import code_for, display_code, find_by_code, invitation_url, live_invitation
from netralitas.invitations.slips import Slip, slips_pdf
from netralitas.masterdata.models import Employee
from tests.certificate_exports import pdfread

HEADER = ["nama", "nip", "nik", "unit", "kategori", "no_hp", "email", "kode", "tautan"]


# --- helpers -------------------------------------------------------------------------------------------------------

def csv_rows(response) -> list[dict]:
    """The CSV's rows as dicts, after checking BOM, delimiter and header."""
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff"), "Excel needs the BOM to read UTF-8"
    reader = csv.reader(io.StringIO(text[1:], newline=""), delimiter=";")
    header = next(reader)
    assert header == HEADER
    return [dict(zip(header, row, strict=True)) for row in reader]


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", pdf))


def pdf_images(pdf: bytes) -> list[Image.Image]:
    """The 8-bit grey Flate images of a PDF written by fpdf2 (the slips' QR codes)."""
    images = []
    for match in re.finditer(rb"obj\n<<\n((?:(?!endobj).)*?)>>\nstream\n", pdf, re.S):
        head = match.group(1)
        if b"/Subtype /Image" not in head:
            continue
        assert b"/ColorSpace /DeviceGray" in head and b"/Predictor 15" in head
        width, height, length = (int(re.search(rb"/%s (\d+)" % key, head).group(1))
                                 for key in (b"Width", b"Height", b"Length"))
        raw = zlib.decompress(pdf[match.end():match.end() + length])
        stride = width + 1  # one PNG predictor byte per row: fpdf2 writes 0 (no filter)
        assert all(raw[row * stride] == 0 for row in range(height))
        pixels = b"".join(raw[row * stride + 1:(row + 1) * stride] for row in range(height))
        images.append(Image.frombytes("L", (width, height), pixels))
    return images


def decode_qr(image: Image.Image) -> list[str]:
    import zxingcpp  # requirements-dev.txt

    # QR codes only: zxing now and then also "finds" a 1-D barcode (Code 39, UPC-E…) among a QR's modules.
    return [result.text for result in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


def audit_entries(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)))


def url(event, name: str, **args) -> str:
    paths = {"codes": "undangan", "csv": "undangan.csv", "pdf": "undangan.pdf", "helpdesk": "bantuan"}
    query = "&".join(f"{key}={value}" for key, value in args.items())
    return f"/admin/acara/{event.id}/{paths[name]}" + (f"?{query}" if query else "")


def reissue_url(event, employee) -> str:
    return f"/admin/acara/{event.id}/bantuan/{employee.id}/terbitkan-ulang"


def slip_url(event, employee) -> str:
    return f"/admin/acara/{event.id}/bantuan/{employee.id}/slip.pdf"


@pytest.fixture
def as_role(client, login_as, staff_of):
    """Sign the client in as a fresh staff member of the role."""

    def sign_in(role: Role, **kwargs):
        login_as(staff_of(role, **kwargs))
        return client

    return sign_in


# --- codes page and CSV ----------------------------------------------------------------------------------------------

def test_codes_page_explains_and_counts(event, tree, as_role, sign):
    sign(event, tree.in_b)
    client = as_role(Role.SUPER_ADMIN)
    response = client.get(url(event, "codes"))
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "menghasilkan kode yang sama" in body and "kode lama langsung tidak berlaku" in body
    assert url(event, "pdf") in body and url(event, "csv") in body
    assert re.search(r"Pegawai dalam pilihan ini</div>\s*<div[^>]*>3<", body)
    assert re.search(r"Sudah menandatangani</div>\s*<div[^>]*>1<", body)
    assert "Dinas B" in body  # offered as a unit
    assert client.get(f"/admin/acara/{event.id + 999}/undangan").status_code == 404


def test_csv_lists_codes_and_links_and_is_audited(event, tree, as_role):
    client = as_role(Role.OPERATOR)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 0
    response = client.get(url(event, "csv"))
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    assert f'filename="kode-undangan-{event.slug}-semua.csv"' in response.headers["Content-Disposition"]
    rows = {row["nama"]: row for row in csv_rows(response)}
    assert set(rows) == {"Ani Di A", "Ni Luh Putu Ayu Wédari", "Budi Di B"}
    for employee in (tree.in_a, tree.in_a1, tree.in_b):
        code = code_for(event.id, employee.id, 0)
        row = rows[employee.name]
        assert row["kode"] == display_code(code)
        assert row["tautan"] == invitation_url(code)
        assert (row["nip"], row["nik"], row["kategori"]) == (employee.nip, employee.nik, "PNS")
        assert find_by_code(code).employee_id == employee.id  # the download prepared the invitations
    assert rows["Ani Di A"]["unit"] == "Dinas A"
    assert rows["Ani Di A"]["no_hp"] == "0812-1111-2222"
    [entry] = audit_entries("invitation.export")
    assert '"count":3' in entry.data_json and '"format":"csv"' in entry.data_json and '"unit":null' in entry.data_json
    # Downloading again gives the same codes and creates nothing new.
    again = {row["nama"]: row["kode"] for row in csv_rows(client.get(url(event, "csv")))}
    assert again == {name: row["kode"] for name, row in rows.items()}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 3
    assert len(audit_entries("invitation.export")) == 2


def test_csv_neutralises_spreadsheet_formulas(event, make_agency, make_employee, as_role):
    agency = make_agency(name="=cmd|' /C calc'!A0")
    make_employee(agency, name='=HYPERLINK("http://jahat.example","klik")', email="@SUM(1)@x.id", phone="+62 812 3")
    make_employee(agency, name="-2+3")
    rows = csv_rows(as_role(Role.SUPER_ADMIN).get(url(event, "csv")))
    by_name = {row["nama"]: row for row in rows}
    assert {"'=HYPERLINK(\"http://jahat.example\",\"klik\")", "'-2+3"} <= set(by_name)
    row = by_name["'=HYPERLINK(\"http://jahat.example\",\"klik\")"]
    assert row["unit"] == "'=cmd|' /C calc'!A0"
    assert row["email"] == "'@SUM(1)@x.id"
    assert row["no_hp"] == "'+62 812 3"
    for row in rows:
        assert not any(value.startswith(("=", "+", "-", "@")) for value in row.values())


def test_a_download_racing_another_is_retried(event, tree, as_role, monkeypatch):
    """Two admins downloading overlapping units at once: the loser's insert fails and is simply run again."""
    from sqlalchemy.exc import IntegrityError

    from netralitas.invitations import exports

    real_prepare, calls = exports.prepare, []

    def collide_once(event, audience, **options):
        calls.append(audience)
        if len(calls) == 1:
            real_prepare(event, audience, **options)
            raise IntegrityError("INSERT", {}, Exception("uq_invitations_live"))
        return real_prepare(event, audience, **options)

    monkeypatch.setattr(exports, "prepare", collide_once)
    rows = csv_rows(as_role(Role.SUPER_ADMIN).get(url(event, "csv")))
    assert len(calls) == 2 and len(rows) == 3
    assert len(audit_entries("invitation.export")) == 1


def test_only_unsigned_employees_when_asked(event, tree, as_role, sign):
    sign(event, tree.in_a)
    client = as_role(Role.SUPER_ADMIN)
    names = {row["nama"] for row in csv_rows(client.get(url(event, "csv", belum=1)))}
    assert names == {"Ni Luh Putu Ayu Wédari", "Budi Di B"}
    assert "-belum-tanda-tangan.csv" in client.get(url(event, "csv", belum=1)).headers["Content-Disposition"]


# --- scope ---------------------------------------------------------------------------------------------------------

def test_agency_admin_gets_only_their_subtree(event, tree, as_role):
    client = as_role(Role.AGENCY_ADMIN)
    names = {row["nama"] for row in csv_rows(client.get(url(event, "csv")))}
    assert names == {"Ani Di A", "Ni Luh Putu Ayu Wédari"}
    names = {row["nama"] for row in csv_rows(client.get(url(event, "csv", unit=tree.a1.id)))}
    assert names == {"Ni Luh Putu Ayu Wédari"}
    page = client.get(url(event, "codes")).get_data(as_text=True)
    assert "Dinas B" not in page and "Budi" not in page
    assert f'value="{tree.a.id}" selected' in page  # their scope root is the default
    exports_before = len(audit_entries("invitation.export"))
    for name in ("codes", "csv", "pdf"):
        for unit in (tree.b.id, tree.government.id):
            assert client.get(url(event, name, unit=unit)).status_code == 404, (name, unit)
    assert len(audit_entries("invitation.export")) == exports_before
    assert live_invitation(event, tree.in_b) is None  # nothing was prepared for agency B


def test_agency_admin_pdf_holds_only_their_subtree(event, tree, as_role):
    pdf = as_role(Role.AGENCY_ADMIN).get(url(event, "pdf")).data
    found = {text for image in pdf_images(pdf) for text in decode_qr(image)}
    assert found == {invitation_url(code_for(event.id, e.id, 0)) for e in (tree.in_a, tree.in_a1)}


@pytest.mark.parametrize("role", [Role.VIEWER, Role.AGENCY_ADMIN])
def test_roles_without_help_desk_work_are_refused(event, tree, as_role, role):
    client = as_role(role)
    urls = [url(event, "helpdesk", q="ani"), reissue_url(event, tree.in_a), slip_url(event, tree.in_a)]
    if role == Role.VIEWER:
        urls += [url(event, "codes"), url(event, "csv"), url(event, "pdf")]
    for target in urls:
        assert client.get(target).status_code == 403, target
    assert client.post(reissue_url(event, tree.in_a), data={"sudah_cek_identitas": "y", "alasan": "x" * 5}).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 0


# --- PDF -----------------------------------------------------------------------------------------------------------

def test_pdf_of_slips_is_audited_and_its_qr_codes_decode(event, tree, as_role, caplog):
    caplog.set_level(logging.WARNING)
    response = as_role(Role.SUPER_ADMIN).get(url(event, "pdf"))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    pdf = response.data
    assert pdf.startswith(b"%PDF-") and page_count(pdf) == 1
    assert b"DejaVuSans" in pdf and b"/Helvetica" not in pdf and b"/Courier" not in pdf
    assert not [r for r in caplog.records if "missing the following glyphs" in r.getMessage()]
    found = sorted(text for image in pdf_images(pdf) for text in decode_qr(image))
    assert found == sorted(invitation_url(code_for(event.id, e.id, 0)) for e in (tree.in_a, tree.in_a1, tree.in_b))
    [entry] = audit_entries("invitation.export")
    assert '"format":"pdf"' in entry.data_json and '"count":3' in entry.data_json


def test_pdf_is_refused_above_the_limit(event, tree, as_role, monkeypatch):
    monkeypatch.setattr(slips_module, "MAX_SLIPS_PER_PDF", 2)
    client = as_role(Role.SUPER_ADMIN)
    response = client.get(url(event, "pdf"))
    assert response.status_code == 302 and response.headers["Location"].endswith(url(event, "codes"))
    assert "Terlalu banyak pegawai" in client.get(url(event, "codes")).get_data(as_text=True)
    assert audit_entries("invitation.export") == []
    assert client.get(url(event, "pdf", unit=tree.a.id)).status_code == 200


@pytest.mark.parametrize(("slips", "pages"), [(0, 1), (1, 1), (8, 1), (9, 2), (17, 3)])
def test_eight_slips_per_page(slips, pages, caplog):
    names = ["Ni Luh Putu Ayu Wédari", "Nur'aini Çelik", "<script>alert('x')</script>", "A" * 200 + " " + "B" * 50]
    items = [Slip(name=names[i % 4], unit="Dinas Pendidikan dan Kebudayaan — Bidang SD\nbaris baru", category="PNS",
                  code="ABCDEFGHJK", url=f"https://contoh.go.id/i/ABCDE-FGH{i:02d}") for i in range(slips)]
    pdf = slips_pdf("Deklarasi Netralitas ASN Pilkada 2024", items)
    assert page_count(pdf) == pages
    assert len(pdf_images(pdf)) == slips
    assert not [r for r in caplog.records if "missing the following glyphs" in r.getMessage()]


def test_a_name_the_fonts_cannot_draw_prints_white_squares_not_a_shorter_name(caplog):
    item = Slip(name="Siti 王 Rahayu", unit="Dinas Pendidikan", category="PNS", code="ABCDEFGHJK",
                url="https://contoh.go.id/i/ABCDE-FGHJK")
    text = " ".join(pdfread.text_lines(slips_pdf("Deklarasi Uji", [item])))
    assert "Siti \u25a1 Rahayu" in text and "王" not in text
    assert not [r for r in caplog.records if "missing the following glyphs" in r.getMessage()]


def test_qr_helpers():
    link = "https://netralitas.contoh.go.id/i/ABCDE-FGHJK"
    assert decode_qr(Image.open(io.BytesIO(qr_png(link)))) == [link]
    assert decode_qr(Image.open(io.BytesIO(qr_png(link, box_size=3, border=4)))) == [link]
    svg = qr_svg(link)
    assert svg.startswith("<svg") and "<?xml" not in svg and 'viewBox="' in svg and "style=" not in svg
    assert qr_svg(link) is svg  # cached


# --- help desk -----------------------------------------------------------------------------------------------------

def test_help_desk_finds_required_employees_by_name_nip_or_nik(event, tree, as_role, sign, make_employee):
    sign(event, tree.in_b)
    gone = make_employee(tree.a, name="Ani Sudah Pensiun", is_active=False)
    client = as_role(Role.OPERATOR)
    assert "<table" not in client.get(url(event, "helpdesk")).get_data(as_text=True)
    body = client.get(url(event, "helpdesk", q="WÉDARI")).get_data(as_text=True)
    assert "Ni Luh Putu Ayu Wédari" in body and tree.in_a1.nip in body and tree.in_a1.nik in body
    assert reissue_url(event, tree.in_a1) in body
    body = client.get(url(event, "helpdesk", q="ani")).get_data(as_text=True)
    assert "Ani Di A" in body and gone.name not in body  # inactive: not required
    body = client.get(url(event, "helpdesk", q=tree.in_b.nip[:10])).get_data(as_text=True)
    assert "Budi Di B" in body and "Sudah menandatangani" in body and reissue_url(event, tree.in_b) not in body
    body = client.get(url(event, "helpdesk", q=tree.in_a.nik[:6] + ".-" + tree.in_a.nik[6:12])).get_data(as_text=True)
    assert "Ani Di A" in body
    body = client.get(url(event, "helpdesk", q="%")).get_data(as_text=True)
    assert "Tidak ada pegawai" in body  # LIKE wildcards are escaped


def test_help_desk_paginates(event, make_agency, make_employee, as_role):
    agency = make_agency()
    for i in range(12):
        make_employee(agency, name=f"Sari {i:02d}")
    client = as_role(Role.SUPER_ADMIN)
    first = client.get(url(event, "helpdesk", q="sari")).get_data(as_text=True)
    second = client.get(url(event, "helpdesk", q="sari", page=2)).get_data(as_text=True)
    assert "Sari 00" in first and "Sari 11" not in first and "Sari 11" in second
    assert "dari 12" in first


# --- re-issue ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("form", [
    {},
    {"alasan": "slip hilang"},
    {"sudah_cek_identitas": "y"},
    {"sudah_cek_identitas": "y", "alasan": "   "},
])
def test_reissue_needs_the_id_check_and_a_reason(event, tree, as_role, form):
    client = as_role(Role.OPERATOR)
    page = client.get(reissue_url(event, tree.in_a))
    assert page.status_code == 200 and "Saya sudah memeriksa KTP/kartu pegawai" in page.get_data(as_text=True)
    old = code_for(event.id, tree.in_a.id, 0)
    client.get(url(event, "csv"))  # codes handed out
    response = client.post(reissue_url(event, tree.in_a), data=form)
    assert response.status_code == 200
    assert "is-invalid" in response.get_data(as_text=True)
    assert find_by_code(old).employee_id == tree.in_a.id
    assert audit_entries("invitation.reissue") == []


def test_reissue_shows_a_new_code_that_replaces_the_old_one(event, tree, as_role):
    client = as_role(Role.OPERATOR)
    client.get(url(event, "csv"))
    old = code_for(event.id, tree.in_a.id, 0)
    response = client.post(reissue_url(event, tree.in_a), data={"sudah_cek_identitas": "y", "alasan": "slip hilang"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    new = code_for(event.id, tree.in_a.id, 1)
    assert display_code(new) in body and invitation_url(new) in body
    assert "<svg" in body and "Kode lama sudah tidak berlaku" in body and slip_url(event, tree.in_a) in body
    assert "style=" not in body  # the CSP allows no inline styles
    assert find_by_code(old) is None
    assert find_by_code(new).employee_id == tree.in_a.id
    [entry] = audit_entries("invitation.reissue")
    assert '"reason":"slip hilang"' in entry.data_json
    # The CSV now carries the new code; the single slip too, and it is audited.
    rows = {row["nama"]: row for row in csv_rows(client.get(url(event, "csv")))}
    assert rows["Ani Di A"]["kode"] == display_code(new)
    slip = client.get(slip_url(event, tree.in_a))
    assert slip.mimetype == "application/pdf" and page_count(slip.data) == 1
    assert [text for image in pdf_images(slip.data) for text in decode_qr(image)] == [invitation_url(new)]
    assert f'"employee_id":{tree.in_a.id}' in audit_entries("invitation.export")[-1].data_json


def test_signed_employees_are_not_reissued(event, tree, as_role, sign):
    sign(event, tree.in_a)
    client = as_role(Role.SUPER_ADMIN)
    old = code_for(event.id, tree.in_a.id, 0)
    response = client.get(reissue_url(event, tree.in_a))
    assert response.status_code == 302 and "/bantuan" in response.headers["Location"]
    response = client.post(reissue_url(event, tree.in_a), data={"sudah_cek_identitas": "y", "alasan": "hilang"})
    assert response.status_code == 302
    assert "sudah menandatangani" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert find_by_code(old).employee_id == tree.in_a.id
    assert audit_entries("invitation.reissue") == []


def test_employees_who_need_not_sign_are_not_found(make_event, tree, as_role):
    event = make_event(agencies=[tree.a])  # only agency A's subtree must sign
    employee = db.session.get(Employee, tree.in_a.id)
    client = as_role(Role.OPERATOR)
    for target in (reissue_url(event, tree.in_b), slip_url(event, tree.in_b)):
        assert client.get(target).status_code == 404
    assert client.get(reissue_url(event, employee)).status_code == 200
    employee.is_active = False
    db.session.commit()
    assert client.get(reissue_url(event, employee)).status_code == 404
    names = {row["nama"] for row in csv_rows(client.get(url(event, "csv")))}
    assert names == {"Ni Luh Putu Ayu Wédari"}
