"""A case in Chromium: intake, triage, summons I (absent), summons II, BAP, the PPK's decision, delivery, report back;
every printed document's QR is read off its rendered PDF and opened (VALID), and the certificate shows DICABUT.

Attendance is checked against the server's real date, so every date is counted back from today on the working-day
calendar: the test passes on any day it runs.
"""
from __future__ import annotations

import subprocess
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import expect

from netralitas.auth.models import Role, Staff
from netralitas.auth.services import create_staff
from netralitas.calendar.services import calendar_for, local_today
from netralitas.cases import steps
from netralitas.cases.models import Case, CaseExamination, CaseSource, CaseStage, RecordSigning
from netralitas.cases.services import Intake, TriageOutcome, open_case, triage
from netralitas.certificates.models import Certificate
from netralitas.core.identity import make_nik, make_nip_pns
from netralitas.db import utcnow
from netralitas.events import services as events
from netralitas.events.models import ElectionKind, EventStatus
from netralitas.extensions import db
from netralitas.invitations.services import code_for, display_code, ensure_invitations
from netralitas.legal.services import deadline_days, form_by_code, sanction_by_code, seed_catalogue
from netralitas.masterdata.models import AgencyKind, Category, Employee
from netralitas.masterdata.services import create_agency
from netralitas.signing import services as signing
from netralitas.signing.models import Signature
from tests.browser.conftest import PHONE, log_in, screenshot
from tests.browser.test_signing_flow import _draw
from tests.certificate_exports.pdfread import decode_qr
from tests.conftest import PASSWORD, signature_png

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 900}
OFFICER, DELEGATE, EXAMINER, ADMIN = ("petugas@bkpsdm.go.id", "sekda@uji.go.id", "inspektur@uji.go.id",
                                      "admin@uji.go.id")
EMPLOYEE = "Ani Lestari"
BORN = date(1988, 3, 9)


@dataclass(frozen=True)
class Timeline:
    """The case's dates, counted back from today on working days: every one is on or before today."""

    letter: date
    received: date
    summons_1: date
    exam_1: date
    summons_2: date
    exam_2: date
    decree: date
    in_force: date
    delivered: date
    reported: date


@dataclass(frozen=True)
class Seeded:
    employee_id: int
    violation_form_id: int
    sanction_id: int
    when: Timeline


def _timeline() -> Timeline:
    """Received 40 working days ago (its 14-day follow-up is overdue); the steps then as close as the rules allow."""
    # Dates typed in the forms must not be "in the future" for either clock the app reads (UTC and WIB).
    today = min(local_today(), utcnow().date())
    calendar = calendar_for(range(today.year - 1, today.year + 1))
    notice = deadline_days("summons_notice")
    received = calendar.add_working_days(today, -40)
    summons_1 = calendar.add_working_days(received, 2)
    exam_1 = calendar.add_working_days(summons_1, notice)
    summons_2 = calendar.add_working_days(exam_1, 2)  # well within second_summons working days of exam I
    exam_2 = calendar.add_working_days(summons_2, notice)
    decree = calendar.add_working_days(exam_2, 3)
    delivered = calendar.add_working_days(decree, 1)
    when = Timeline(letter=calendar.add_working_days(received, -3), received=received, summons_1=summons_1,
                    exam_1=exam_1, summons_2=summons_2, exam_2=exam_2, decree=decree,
                    in_force=calendar.add_working_days(decree, 5), delivered=delivered,
                    reported=calendar.add_working_days(delivered, 2))
    assert when.reported <= today
    return when


def _seed(app) -> Seeded:
    """A city, a PNS who signed the open event's declaration, the legal catalogue and the four accounts."""
    with app.app_context():
        seed_catalogue("test")
        city = create_agency("test", code="KOTA", name="Pemerintah Kota Uji", kind=AgencyKind.PEMERINTAH, parent=None)
        dinas = create_agency("test", code="KOTA.DIK", name="Dinas Pendidikan", kind=AgencyKind.DINAS, parent=city)
        employee = Employee(name=EMPLOYEE, name_search=EMPLOYEE.lower(), category=Category.PNS, agency=dinas,
                            nip=make_nip_pns(BORN, 2012, 1, "P", 3), nik=make_nik("327301", BORN, "P", 4),
                            birth_date=BORN)
        db.session.add(employee)
        create_staff("test", email=OFFICER, name="Petugas Kasus", role=Role.OPERATOR, password=PASSWORD,
                     is_case_officer=True)
        create_staff("test", email=DELEGATE, name="Sekretaris Daerah", role=Role.VIEWER, password=PASSWORD,
                     agency_id=dinas.id)
        create_staff("test", email=EXAMINER, name="Inspektur Pembantu", role=Role.OPERATOR, password=PASSWORD)
        create_staff("test", email=ADMIN, name="Admin Uji", role=Role.SUPER_ADMIN, password=PASSWORD)
        event = events.create_event("test", name="Deklarasi Netralitas ASN Pilkada 2026", slug="pilkada-2026",
                                    election_kind=ElectionKind.PILKADA, opens_dt=utcnow() - timedelta(hours=1),
                                    closes_dt=utcnow() + timedelta(days=1))
        events.set_status("test", event, EventStatus.OPEN)
        db.session.commit()
        ensure_invitations(event, [employee.id])
        db.session.commit()
        access = signing.verify_signer(event, display_code(code_for(event.id, employee.id, 0)),
                                       BORN.strftime("%d-%m-%Y"), "")
        signing.sign(access, ticked=set(range(1, len(event.current_text.points) + 1)), typed_name=employee.name,
                     signature_png=signature_png(), client_ip="10.0.0.1", user_agent="browser test",
                     max_png_bytes=200_000)
        db.session.commit()
        return Seeded(employee.id, form_by_code("ETIK-04").id, sanction_by_code("PNS-MORAL-TERBUKA").id, _timeline())


def _shoot(page, name: str) -> None:
    """The same state on a desktop and on a phone (390×844)."""
    screenshot(page, f"case-{name}-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, f"case-{name}-phone")
    page.set_viewport_size(DESKTOP)


def _submit(page, action_suffix: str, button: str) -> None:
    """Press a form's button on the case page and wait for the redirect back to it (a 302, then the page)."""
    with page.expect_navigation():
        page.locator(f"form[action$='{action_suffix}']").get_by_role("button", name=button).click()


def _flash(page):
    return page.locator(".alert")


def _first_page_png(pdf: bytes, folder: Path) -> Image.Image:
    """The first page as a printer would render it (poppler's pdftoppm, 200 dpi)."""
    folder.mkdir()
    (folder / "document.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "200", "-f", "1", "-l", "1", "-png", str(folder / "document.pdf"),
                    str(folder / "page")], check=True)
    (path,) = folder.glob("page-*.png")
    return Image.open(path)


def test_a_case_from_recommendation_to_report_back(live_app, page_factory, tmp_path):
    app, base_url = live_app
    seeded = _seed(app)
    when = seeded.when
    page = page_factory(DESKTOP)
    log_in(page, base_url, OFFICER)

    # Intake: search the employee, then the form (a Bawaslu recommendation received 40 working days ago).
    page.get_by_role("link", name="Kasus", exact=True).first.click()
    page.get_by_role("link", name="Buka kasus").click()
    page.fill("input[name=q]", "ani")
    page.get_by_role("button", name="Cari").click()
    page.get_by_role("link", name="Pilih").click()
    page.select_option("select[name=source]", "bawaslu")
    page.fill("input[name=letter_number]", "045/PM.00.02/K.JB-01/2026")
    page.fill("input[name=letter_date]", when.letter.isoformat())
    page.fill("input[name=received_on]", when.received.isoformat())
    page.select_option("select[name=violation_form_id]", str(seeded.violation_form_id))
    page.fill("textarea[name=summary]", "Menyukai dan membagikan unggahan bakal calon di grup WhatsApp dinas.")
    _shoot(page, "intake")
    with page.expect_navigation():
        page.get_by_role("button", name="Buka kasus").click()
    expect(_flash(page)).to_contain_text("dibuka")
    case_url = page.url

    # The list flags the recommendation's follow-up as overdue (14 working days have long passed).
    page.get_by_role("link", name="Kasus", exact=True).first.click()
    row = page.locator("tbody tr", has_text=EMPLOYEE)
    expect(row).to_contain_text("Lewat tenggat")
    _shoot(page, "list")
    row.get_by_role("link").click()
    assert page.url == case_url

    # Triage, then the team: the PPK's delegate and an examiner, added by email.
    page.check("input[name=outcome][value=continue]")
    _submit(page, "/penelaahan", "Simpan hasil penelaahan")
    for email, role in ((DELEGATE, "ppk_delegate"), (EXAMINER, "examiner")):
        page.fill("form[action$='/anggota'] input[name=email]", email)
        page.select_option("form[action$='/anggota'] select[name=role]", role)
        _submit(page, "/anggota", "Tambahkan ke tim")
        expect(_flash(page)).to_contain_text("ditambahkan ke tim kasus")

    def summon(number: str, issued_on: date, exam_on: date) -> None:
        form = page.locator("form[action$='/panggilan']")
        form.locator("input[name=letter_number]").fill(number)
        form.locator("input[name=issued_on]").fill(issued_on.isoformat())
        form.locator("input[name=exam_on]").fill(exam_on.isoformat())
        form.locator("input[name=place]").fill("Ruang rapat BKPSDM lantai 2")
        _submit(page, "/panggilan", "Buat surat panggilan")
        expect(_flash(page)).to_contain_text("Surat panggilan dicatat.")

    def attendance(value: str) -> None:
        page.check(f"form[action$='/kehadiran'] input[name=attended][value={value}]")
        _submit(page, "/kehadiran", "Catat kehadiran")
        expect(_flash(page)).to_contain_text("Kehadiran dicatat.")

    summon("800/101/BKPSDM/2026", when.summons_1, when.exam_1)
    attendance("no")
    expect(page.locator("#examination")).to_contain_text("tidak memenuhi panggilan")
    expect(page.locator("#examination")).to_contain_text("Surat panggilan 2")
    _shoot(page, "examination")
    summon("800/102/BKPSDM/2026", when.summons_2, when.exam_2)
    attendance("yes")

    # The examination record, signed on paper.
    bap = page.locator("#bap-form")
    bap.locator("input[name=held_on]").fill(when.exam_2.isoformat())
    bap.locator("input[name=place]").fill("Ruang rapat BKPSDM lantai 2")
    bap.locator("textarea[name=record]").fill("T: Apakah Saudara membagikan unggahan itu?\nJ: Ya, di grup dinas.")
    bap.locator("input[name=signing][value=paper]").check()
    expect(page.locator("#bap-pad-wrap")).to_be_hidden()  # the pad shows only for signing on the screen
    _submit(page, "/pemeriksaan", "Simpan berita acara")
    expect(_flash(page)).to_contain_text("Berita acara pemeriksaan dicatat.")
    expect(page.locator("#decision")).to_contain_text("Menunggu keputusan")
    assert page.locator("form[action$='/keputusan']").count() == 0  # the officer does not decide

    # The PPK's delegate records the decision, picking the sanction from the case's menu.
    ppk = page_factory(DESKTOP)
    log_in(ppk, base_url, DELEGATE)
    ppk.goto(case_url)
    menu = ppk.locator("select[name=sanction_id] option")
    expect(menu.filter(has_text="pernyataan secara terbuka")).to_have_count(1)
    ppk.select_option("select[name=sanction_id]", str(seeded.sanction_id))
    ppk.fill("textarea[name=reasons]", "Terbukti dari tangkapan layar dan pengakuan dalam pemeriksaan.")
    ppk.fill("input[name=decree_number]", "800/SK-DISIPLIN/07/2026")
    ppk.fill("input[name=decree_on]", when.decree.isoformat())
    ppk.fill("input[name=in_force_from]", when.in_force.isoformat())
    _shoot(ppk, "decision")
    _submit(ppk, "/keputusan", "Simpan keputusan")
    expect(_flash(ppk)).to_contain_text("Keputusan dicatat.")
    expect(ppk.locator("#decision")).to_contain_text("800/SK-DISIPLIN/07/2026")
    assert ppk.console_errors == []

    # Back to the officer: delivery of the SK, then the report back that revokes the certificate.
    page.reload()
    page.fill("input[name=delivered_on]", when.delivered.isoformat())
    _submit(page, "/penyampaian", "Catat penyampaian SK")
    expect(_flash(page)).to_contain_text("Penyampaian keputusan dicatat.")
    report = page.locator("form[action$='/laporan']")
    report.locator("input[name=letter_number]").fill("800/LAP-BWS/2026")
    report.locator("input[name=sent_on]").fill(when.reported.isoformat())
    report.locator("input[name=revoke_certificates]").check()
    _submit(page, "/laporan", "Catat laporan tindak lanjut")
    expect(_flash(page)).to_contain_text("Tindak lanjut dilaporkan. 1 sertifikat dicabut.")
    expect(page.locator("h1 + .badge")).to_have_text("Selesai dilaporkan")
    _shoot(page, "final")

    # Every document on the case page: its PDF's first page carries a QR that opens VALID in the browser.
    links = page.locator("#documents a")
    names = [name.strip() for name in links.all_inner_texts()]
    assert len(names) == 5, names  # summons I and II, the BAP, the SK, the report back
    for index, href in enumerate(links.evaluate_all("links => links.map(a => a.href)")):
        pdf = page.request.get(href)
        assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf", names[index]
        (url,) = decode_qr(_first_page_png(pdf.body(), tmp_path / f"document-{index}"))
        assert url.startswith(f"{base_url}/v/"), (names[index], url)
        page.goto(url)
        expect(page.locator("[data-verdict]")).to_have_attribute("data-verdict", "VALID")
        expect(page.locator(".verdict-word")).to_contain_text("VALID")
    with app.app_context():
        certificate_token = db.session.scalar(sa.select(Certificate.token).join(
            Signature, Signature.id == Certificate.signature_id).where(Signature.employee_id == seeded.employee_id))
        case = db.session.scalars(sa.select(Case)).one()
        assert case.stage == CaseStage.REPORTED
        assert steps.examination_of(case).signing == RecordSigning.PAPER
    page.goto(f"{base_url}/v/{certificate_token}")
    expect(page.locator("[data-verdict]")).to_have_attribute("data-verdict", "REVOKED")
    expect(page.locator(".verdict-word")).to_contain_text("DICABUT")
    assert page.console_errors == []


def test_the_examination_record_signed_on_the_screen(live_app, page_factory):
    app, base_url = live_app
    seeded = _seed(app)
    when = seeded.when
    with app.app_context():  # a case up to an attended summons, through the services
        admin = db.session.scalar(sa.select(Staff).where(Staff.email == ADMIN))
        case = open_case(admin, Intake(
            employee=db.session.get(Employee, seeded.employee_id), violation_form_id=seeded.violation_form_id,
            source=CaseSource.BAWASLU, received_on=when.received, summary="Membagikan unggahan bakal calon.",
            letter_number="045/PM.00.02/2026", letter_date=when.letter))
        triage(admin, case, TriageOutcome.CONTINUE)
        summons = steps.summon(admin, case, letter_number="800/101/BKPSDM/2026", issued_on=when.summons_1,
                               exam_on=when.exam_1, exam_time="09.00 WIB", place="Ruang rapat BKPSDM",
                               calendar=calendar_for(range(when.received.year, when.reported.year + 1)),
                               days_for=deadline_days)
        steps.record_attendance(admin, case, summons, attended=True, today=when.exam_1)
        db.session.commit()
        case_id = case.id
    page = page_factory(PHONE)  # signed where it happens: on a phone or tablet passed across the table
    log_in(page, base_url, ADMIN)
    page.goto(f"{base_url}/admin/kasus/{case_id}")
    bap = page.locator("#bap-form")
    bap.locator("input[name=held_on]").fill(when.exam_1.isoformat())
    bap.locator("input[name=place]").fill("Ruang rapat BKPSDM")
    bap.locator("textarea[name=record]").fill("T: Apakah Saudara membagikan unggahan itu?\nJ: Ya.")
    note = page.locator("textarea[name=refusal_note]")
    page.get_by_label("Pegawai menolak menandatangani").check()
    expect(note).to_be_visible()  # asked only when the employee refuses
    expect(page.locator("#bap-pad-wrap")).to_be_hidden()
    page.get_by_label("Ditandatangani di layar").check()
    expect(page.locator("#bap-pad-wrap")).to_be_visible()
    expect(note).to_be_hidden()
    _draw(page, "#bap-pad")
    screenshot(page, "case-bap-screen-phone")
    _submit(page, "/pemeriksaan", "Simpan berita acara")
    expect(_flash(page)).to_contain_text("Berita acara pemeriksaan dicatat.")
    with app.app_context():
        stored = db.session.scalars(sa.select(CaseExamination)).one()
        assert stored.signing == RecordSigning.SCREEN
        assert stored.signature_png and stored.signature_png.startswith(b"\x89PNG")
    assert page.console_errors == []
