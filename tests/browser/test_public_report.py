"""A public report in Chromium: a member of the public on a phone with JavaScript off sends /lapor with a photo and no
NIP, reads the receipt, checks /lapor/status (a one-character typo is refused) and adds evidence; a case officer on a
desktop claims the report, picks the right one of two similar names and opens the case; the reporter then reads
"Sedang ditelaah". A form with a missing field keeps what was typed.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import expect

from netralitas.auth.models import Role
from netralitas.auth.services import create_staff
from netralitas.calendar.services import local_today
from netralitas.cases.models import Case, CaseSource
from netralitas.core.codes import ALPHABET
from netralitas.core.evidence import evidence_path
from netralitas.core.identity import make_nip_pns, make_nip_pppk
from netralitas.db import utcnow
from netralitas.extensions import db
from netralitas.legal.services import form_by_code, seed_catalogue
from netralitas.masterdata.models import AgencyKind, Category, Employee
from netralitas.masterdata.services import create_agency
from netralitas.public_reports.models import PublicReport, ReportStage
from tests.browser.conftest import PHONE, log_in, screenshot
from tests.cases.conftest import jpeg_with_exif
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 900}
OFFICER = "petugas@bkpsdm.go.id"
#: What the reporter types: a name as people say it, no NIP.
SUBJECT = "Bu Rina"
DESCRIPTION = ("Membagikan amplop berisi uang kepada wali murid setelah rapat komite sekolah, sambil meminta mereka "
               "memilih pasangan calon nomor 2.")
PLACE = "SD Negeri 3, aula sekolah"
#: Words of the check-symbol refusal (netralitas/core/codes.py).
CHECK_SYMBOL_WORDS = "adalah karakter pemeriksa"
#: How many lines an element's text is laid out on (Playwright still evaluates with the page's JavaScript off).
LINES_OF_TEXT = """e => { const range = document.createRange(); range.selectNodeContents(e);
  return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size; }"""


@dataclass(frozen=True)
class Seeded:
    teacher_id: int  # the Rina the reporter means (a teacher in Dinas Pendidikan)
    nurse_id: int  # a similar name in another agency
    occurred_on: str  # the dates the reporter types, a few days back (ISO, as a date input takes them)
    known_on: str


def _seed(app) -> Seeded:
    """One city (so /lapor asks for no government), two employees named alike, the legal catalogue, a case officer."""
    with app.app_context():
        seed_catalogue("test")
        city = create_agency("test", code="KOTA", name="Pemerintah Kota Uji", kind=AgencyKind.PEMERINTAH, parent=None)
        school = create_agency("test", code="KOTA.DIK", name="Dinas Pendidikan", kind=AgencyKind.DINAS, parent=city)
        health = create_agency("test", code="KOTA.KES", name="Dinas Kesehatan", kind=AgencyKind.DINAS, parent=city)
        teacher = Employee(name="Rina Marlina", name_search="rina marlina", category=Category.PNS, agency=school,
                           position="Guru Ahli Muda", birth_date=date(1985, 6, 14),
                           nip=make_nip_pns(date(1985, 6, 14), 2010, 3, "P", 7))
        nurse = Employee(name="Rina Marlina Putri", name_search="rina marlina putri", category=Category.PPPK,
                         agency=health, position="Perawat", birth_date=date(1990, 2, 1),
                         nip=make_nip_pppk(date(1990, 2, 1), 2022, 1, "P", 12))
        db.session.add_all([teacher, nurse])
        create_staff("test", email=OFFICER, name="Petugas Kasus", role=Role.OPERATOR, password=PASSWORD,
                     is_case_officer=True)
        db.session.commit()
        # Not "in the future" for either clock the app reads (UTC and WIB).
        today = min(local_today(), utcnow().date())
        return Seeded(teacher.id, nurse.id, occurred_on=(today - timedelta(days=3)).isoformat(),
                      known_on=(today - timedelta(days=2)).isoformat())


@pytest.fixture
def phone(browser):
    """A phone with JavaScript switched off: every public page must work without it."""
    context = browser.new_context(viewport=PHONE, locale="id-ID", java_script_enabled=False)
    yield context.new_page()
    context.close()


def _fill_report(page, seeded: Seeded, *, subject: str) -> None:
    """Who, what, when and where, as a member of the public fills them in; identity left empty."""
    page.fill("input[name=subject_name]", subject)
    page.fill("input[name=subject_position]", "Guru kelas 5")
    page.fill("input[name=subject_unit]", "SD Negeri 3 (Dinas Pendidikan)")
    page.get_by_label("Memberi atau menjanjikan uang atau barang").check()
    page.fill("textarea[name=description]", DESCRIPTION)
    page.fill("input[name=occurred_on]", seeded.occurred_on)
    page.fill("input[name=place]", PLACE)
    page.fill("input[name=known_on]", seeded.known_on)


def _submit(page, button: str) -> int:
    """Press a button that posts a form (no JavaScript: a plain navigation) and return the answer's status."""
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name=button).click()
    return navigation.value.status


def _look_up(page, base_url: str, typed: str) -> int:
    page.goto(f"{base_url}/lapor/status")
    page.fill("input[name=receipt]", typed)
    return _submit(page, "Lihat status")


def _one_character_wrong(receipt: str) -> str:
    """The receipt with the second symbol after its prefix replaced by another symbol of the alphabet."""
    position = receipt.index("-") + 2
    wrong = next(ch for ch in ALPHABET if ch != receipt[position])
    return receipt[:position] + wrong + receipt[position + 1:]


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 90, 200)).save(out, "PNG")
    return out.getvalue()


def test_a_phone_report_without_nip_becomes_a_case(live_app, page_factory, phone):
    app, base_url = live_app
    seeded = _seed(app)

    # The public, JavaScript off: the form, a photo carrying EXIF, no name and no contact.
    phone.goto(f"{base_url}/lapor")
    expect(phone.locator("h1")).to_have_text("Laporkan dugaan pelanggaran netralitas ASN")
    expect(phone.locator(".channels").first).to_contain_text("Bawaslu")
    _fill_report(phone, seeded, subject=SUBJECT)
    phone.set_input_files("input[name=evidence]", files=[
        {"name": "foto-amplop.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_exif()}])
    screenshot(phone, "public-report-form-phone")
    assert _submit(phone, "Kirim laporan") == 200
    assert phone.url == f"{base_url}/lapor/terima"
    receipt = phone.locator("#receipt").inner_text().strip()
    assert receipt.startswith("LAP-")
    assert phone.locator("#receipt").evaluate(LINES_OF_TEXT) == 1  # read and copied whole, not broken at a dash
    expect(phone.locator("main")).to_contain_text("Sentra Gakkumdu")  # money politics also goes there
    screenshot(phone, "public-report-receipt-phone")

    with app.app_context():
        report = db.session.scalars(sa.select(PublicReport)).one()
        assert (report.subject_name, report.place, report.topic) == (SUBJECT, PLACE, "politik_uang")
        assert report.reporter_name is None and report.reporter_contact is None
        assert report.employee_id is None and report.stage == ReportStage.RECEIVED
        (photo,) = report.evidence
        stored = evidence_path(photo.sha256, "jpg").read_bytes()
        assert b"KameraPelapor" not in stored and b"LOKASI-RAHASIA" not in stored
        assert not Image.open(io.BytesIO(stored)).getexif()
        report_number = report.number

    # The status page: one wrong character fails the check symbol before any lookup; the right code shows the stage.
    assert _look_up(phone, base_url, _one_character_wrong(receipt)) == 422
    expect(phone.locator(".field.has-error .error")).to_contain_text(CHECK_SYMBOL_WORDS)
    assert phone.locator("[data-status]").count() == 0
    screenshot(phone, "public-report-status-typo-phone")
    assert _look_up(phone, base_url, receipt.lower()) == 200  # the case a phone keyboard types does not matter
    expect(phone.locator("[data-status]")).to_have_attribute("data-status", "received")
    expect(phone.locator(".stages [aria-current=step]")).to_have_text("Diterima")

    # More evidence from the status page (a screenshot this time).
    phone.set_input_files("input[name=evidence]", files=[
        {"name": "tangkapan-layar.png", "mimeType": "image/png", "buffer": _png()}])
    assert _submit(phone, "Kirim bukti") == 200
    expect(phone.locator(".note-success")).to_have_text("Bukti tambahan diterima. Terima kasih.")
    expect(phone.locator("dt:text-is('Berkas bukti') + dd")).to_have_text("2")
    screenshot(phone, "public-report-status-phone")

    # A case officer: the queue from the menu, claim, search the name, pick the teacher (not the nurse), open the case.
    officer = page_factory(DESKTOP)
    log_in(officer, base_url, OFFICER)
    officer.locator("#mainnav").get_by_role("link", name="Laporan masyarakat", exact=True).click()
    row = officer.locator("tbody tr", has_text=SUBJECT)
    expect(row).to_contain_text(report_number)
    expect(row).to_contain_text("Menunggu")
    screenshot(officer, "public-report-triage-list-desktop")
    row.get_by_role("link", name=report_number).click()
    with officer.expect_navigation():
        officer.get_by_role("button", name="Ambil untuk ditelaah").click()
    expect(officer.locator(".alert-success")).to_contain_text("Laporan diambil untuk ditelaah.")
    search = officer.locator("#match input[name=q]")
    expect(search).to_have_value(SUBJECT)  # prefilled with the name as the reporter wrote it
    search.fill("rina marlina")
    officer.locator("#match").get_by_role("button", name="Cari").click()
    found = officer.locator("#match li")
    expect(found).to_have_count(2)
    screenshot(officer, "public-report-triage-search-desktop")
    officer.set_viewport_size(PHONE)
    screenshot(officer, "public-report-triage-search-phone")
    officer.set_viewport_size(DESKTOP)
    with officer.expect_navigation():
        found.filter(has_text="Dinas Pendidikan").get_by_role("button", name="Pilih").click()
    expect(officer.locator(".alert-success")).to_contain_text("Laporan dicocokkan dengan Rina Marlina.")
    expect(officer.locator("dt:text-is('Pegawai yang cocok') + dd")).to_contain_text("Dinas Pendidikan")
    with app.app_context():
        likely = form_by_code("DIS-08").id  # money politics: the topic's most likely violation form
    expect(officer.locator("#open-case select[name=violation_form_id]")).to_have_value(str(likely))
    screenshot(officer, "public-report-triage-matched-desktop")
    with officer.expect_navigation():
        officer.get_by_role("button", name="Buka kasus untuk Rina Marlina").click()
    expect(officer.locator(".alert-success")).to_contain_text(f"dibuka dari laporan {report_number}")
    with app.app_context():
        case = db.session.scalars(sa.select(Case)).one()
        assert officer.url == f"{base_url}/admin/kasus/{case.id}"
        assert case.employee_id == seeded.teacher_id != seeded.nurse_id
        assert case.source == CaseSource.PUBLIC and case.violation_form_id == likely
        assert DESCRIPTION in case.summary
        assert db.session.get(PublicReport, report.id).stage == ReportStage.CASE
        case_number = case.number
    assert officer.console_errors == []

    # The reporter's phone again: in review, and nothing about the case or the person matched.
    assert _look_up(phone, base_url, receipt) == 200
    expect(phone.locator(".stages [aria-current=step]")).to_have_text("Sedang ditelaah")
    expect(phone.locator("[data-status]")).to_have_attribute("data-status", "in_review")
    body = phone.locator("body").inner_text()
    assert "Rina Marlina" not in body and case_number not in body and "Dinas Pendidikan" not in body
    screenshot(phone, "public-report-status-in-review-phone")


def test_a_report_missing_a_field_keeps_what_was_typed(live_app, phone):
    app, base_url = live_app
    seeded = _seed(app)
    phone.goto(f"{base_url}/lapor")
    _fill_report(phone, seeded, subject="")  # the one required field a hurried reporter skips
    phone.fill("input[name=reporter_contact]", "0812-3456-7890")
    assert _submit(phone, "Kirim laporan") == 422
    assert phone.url == f"{base_url}/lapor"

    expect(phone.locator("p.note-danger")).to_contain_text("Laporan belum terkirim.")
    subject = phone.locator("label.field", has=phone.locator("input[name=subject_name]"))
    expect(subject.locator(".error")).to_have_text("Tuliskan nama orang yang dilaporkan.")
    expect(subject.locator("input")).to_have_attribute("aria-invalid", "true")
    assert phone.locator(".error").count() == 1  # only the empty field is flagged
    expect(phone.locator("textarea[name=description]")).to_have_value(DESCRIPTION)
    expect(phone.locator("input[name=place]")).to_have_value(PLACE)
    expect(phone.locator("input[name=occurred_on]")).to_have_value(seeded.occurred_on)
    expect(phone.locator("input[name=reporter_contact]")).to_have_value("0812-3456-7890")
    expect(phone.get_by_label("Memberi atau menjanjikan uang atau barang")).to_be_checked()
    screenshot(phone, "public-report-missing-field-phone")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(PublicReport.id))) == 0
