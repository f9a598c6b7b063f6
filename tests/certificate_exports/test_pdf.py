"""The certificate PDF: one A4 page, a QR that decodes to the verify URL, every field printed as plain text."""
from __future__ import annotations

import logging
import sys
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from flask import session
from PIL import Image

from netralitas.certificates.forms import REASON_LABELS
from netralitas.certificates.pdf import CertificateSheet, Letterhead, certificate_pdf, render, sheet_of
from netralitas.certificates.services import display_code, verify_url
from netralitas.core.pdf import covered_by_cut
from netralitas.extensions import db
from netralitas.masterdata.models import Category
from netralitas.signing.models import RevocationReason
from tests.certificate_exports import pdfread
from tests.certificate_exports.conftest import HOSTILE_NAME
from tests.conftest import signature_png

LETTERHEAD = Letterhead("Pemerintah Kota Uji", "", "https://netralitas.kota-uji.go.id", "Asia/Jakarta")


def words(pdf: bytes) -> str:
    """The page's text with line breaks as spaces (wrapped sentences read as one)."""
    return " ".join(pdfread.text_lines(pdf))


def qr_placements(pdf: bytes) -> list[pdfread.Placement]:
    return [p for p in pdfread.placements(pdf) if p.image.mode == "L"]


def a_sheet(**changes) -> CertificateSheet:
    """A certificate's printed values without a database (for the renderer's own tests)."""
    sheet = CertificateSheet(
        code="NTR-7K2Q-M9XP-3", verify_url="https://netralitas.kota-uji.go.id/v/eyJhbGciOiJFZERTQSJ9.eyJjIjoiIn0.c2ln",
        kid="AbCdEfGh", issued_dt=datetime(2026, 11, 21, 2, 14, tzinfo=UTC), name="Siti Rahayu", id_label="NIP",
        id_number="198504122010032007", unit="Dinas Pendidikan", category="PNS", event_name="Deklarasi Uji",
        text_title="Pernyataan Netralitas", text_version=1, text_sha256="0" * 64,
        signed_dt=datetime(2026, 11, 21, 2, 14, tzinfo=UTC), is_attended=True, typed_name="Siti Rahayu",
        signature_png=signature_png())
    return replace(sheet, **changes)


def test_one_a4_page_with_a_qr_of_exactly_the_verify_url(app, tree, certify):
    certificate = certify(tree.a)
    pdf = certificate_pdf(certificate)
    assert pdf.startswith(b"%PDF-")
    assert len(pdfread.pages(pdf)) == 1
    assert pdfread.media_box_mm(pdf) == (0.0, 0.0, 210.0, 297.0)
    [qr] = qr_placements(pdf)
    assert pdfread.decode_qr(qr.image) == [verify_url(certificate)]
    assert verify_url(certificate) == f"{app.config['PUBLIC_BASE_URL']}/v/{certificate.token}"


def test_qr_is_printed_at_least_35_mm_inside_the_page(tree, certify):
    pdf = certificate_pdf(certify(tree.a))
    [qr] = qr_placements(pdf)
    assert qr.width == pytest.approx(qr.height)
    # The image holds the symbol plus a quiet zone of 4 modules on each side; the symbol alone must be >= 35 mm.
    pixels_per_module = 4
    modules = qr.image.width / pixels_per_module - 8
    symbol_mm = qr.width * modules / (modules + 8)
    assert symbol_mm >= 35
    assert qr.x >= 0 and qr.y >= 0 and qr.x + qr.width <= 210 and qr.y + qr.height <= 297


def test_every_field_is_printed(app, tree, certify, caplog):
    caplog.set_level(logging.WARNING)
    app.config["CERTIFICATE_ISSUER"] = "Pemerintah Kabupaten Contoh"
    certificate = certify(tree.a1, name=HOSTILE_NAME, attended=True, category=Category.PNS)
    signature, employee = certificate.signature, certificate.signature.employee
    pdf = certificate_pdf(certificate)
    text = words(pdf)
    lines = pdfread.text_lines(pdf)
    assert HOSTILE_NAME in text  # the markup is plain text (wrapped over two lines at this size)
    assert "<script>alert('x')</script>" in lines
    for expected in ("Pemerintah Kabupaten Contoh", "Sertifikat Deklarasi Netralitas", f"NIP {employee.nip}",
                     "Bidang A1", "PNS", "Deklarasi Netralitas ASN Pilkada Uji", f"Versi {signature.text.version}",
                     signature.text_sha256, "Hadir di lokasi acara", display_code(certificate.code),
                     f"Pindai kode QR atau buka {app.config['PUBLIC_BASE_URL']}/cek dan ketik kode"):
        assert expected in text, expected
    local = signature.signed_dt.astimezone(ZoneInfo("Asia/Jakarta"))
    assert f"{local:%H.%M} WIB" in text
    assert signature.typed_name in text
    assert "DICABUT" not in text
    fonts = pdfread.font_names(pdf)
    assert fonts and all("DejaVuSans" in name for name in fonts)
    assert not [r for r in caplog.records if "missing the following glyphs" in r.getMessage()]


def test_nik_only_and_remote(tree, certify):
    certificate = certify(tree.b, category=Category.KONTRAK)
    employee = certificate.signature.employee
    employee.nip = None
    db.session.commit()
    text = words(certificate_pdf(certificate))
    assert f"NIK {employee.nik}" in text and "NIP" not in text
    assert "KONTRAK" in text and "Jarak jauh" in text


def test_drawn_signature_keeps_its_aspect_ratio(tree, certify):
    pdf = certificate_pdf(certify(tree.a))
    [signature] = [p for p in pdfread.placements(pdf) if p.image.mode == "RGB"]
    assert signature.width / signature.height == pytest.approx(signature.image.width / signature.image.height, rel=0.01)
    assert signature.width <= 80.01 and signature.height <= 30.01
    assert signature.image.getpixel((0, 0)) == (255, 255, 255)  # flattened on white, cropped to the ink plus a margin


def test_revoked_certificate_says_dicabut_with_date_and_reason_but_not_the_note(tree, certify, revoke):
    certificate = revoke(certify(tree.a), RevocationReason.DISCIPLINARY, "catatan internal rahasia")
    pdf = certificate_pdf(certificate)
    lines = pdfread.text_lines(pdf)
    text = words(pdf)
    assert lines.count("DICABUT") == 2  # the banner and the stamp across the page
    assert "Kasus disiplin" in text and "TIDAK BERLAKU" in text
    assert "catatan internal rahasia" not in text
    assert len(pdfread.pages(pdf)) == 1
    [qr] = qr_placements(pdf)
    assert pdfread.decode_qr(qr.image) == [verify_url(certificate)]  # the verify page then says REVOKED


def test_english_ui_does_not_change_the_document(app, tree, certify, revoke):
    certificate = revoke(certify(tree.a), RevocationReason.DATA_ERROR)
    with app.test_request_context("/"):
        session["lang"] = "en"
        assert str(REASON_LABELS[RevocationReason.DATA_ERROR]) == "Data error"  # the page's language is English
        text = words(certificate_pdf(certificate))
    assert "Kesalahan data" in text and "Data error" not in text


def test_logo_is_printed_when_configured_and_skipped_when_missing(app, tree, certify, tmp_path, caplog):
    certificate = certify(tree.a)
    logo = tmp_path / "logo.png"
    Image.new("RGB", (300, 150), (20, 80, 160)).save(logo)
    app.config["CERTIFICATE_LOGO"] = str(logo)
    placed = [p for p in pdfread.placements(certificate_pdf(certificate)) if p.image.mode == "RGB"]
    assert len(placed) == 2  # logo and signature
    [logo_box] = [p for p in placed if p.y < 40]
    assert logo_box.width / logo_box.height == pytest.approx(2, rel=0.01) and logo_box.width <= 20.01

    app.config["CERTIFICATE_LOGO"] = str(tmp_path / "missing.png")
    with caplog.at_level(logging.WARNING):
        pdf = certificate_pdf(certificate)
    assert len([p for p in pdfread.placements(pdf) if p.image.mode == "RGB"]) == 1
    assert "missing.png" in caplog.text


def test_sheet_is_read_from_the_records(tree, certify):
    certificate = certify(tree.a)
    sheet = sheet_of(certificate)
    assert sheet.code == display_code(certificate.code)
    assert sheet.verify_url == verify_url(certificate)
    assert sheet.id_number == certificate.signature.employee.nip and sheet.unit == "Dinas A"
    assert sheet.revoked_dt is None and sheet.revocation_reason == ""


@pytest.mark.parametrize("name", [
    "Ni Luh Putu Ayu We\u0301dari",  # typed with a combining accent: printed precomposed, with the fast fonts
    "Nur'aini Çelik ʼAbdullah Đặng",  # Vietnamese letters: the full fonts
    "Σοφία Иванова",  # Greek and Cyrillic: the full fonts
    "A" * 120 + " " + "Sangat Panjang " * 6,  # an overlong name still fits the page
])
def test_names_in_any_script_render_without_missing_glyphs(name, caplog):
    caplog.set_level(logging.WARNING)
    pdf = render(a_sheet(name=name, typed_name=name), LETTERHEAD)
    assert len(pdfread.pages(pdf)) == 1
    text = words(pdf)
    if len(name) < 60:
        assert unicodedata.normalize("NFC", name) in text
    assert not [r for r in caplog.records if "missing the following glyphs" in r.getMessage()]
    [qr] = qr_placements(pdf)
    assert qr.y + qr.height <= 297


def test_characters_the_fonts_lack_print_as_a_white_square(caplog):
    """DejaVu has no CJK: such a character prints as □ (MISSING_GLYPH), so a name never prints silently shortened."""
    caplog.set_level(logging.WARNING)
    pdf = render(a_sheet(name="Siti 王 Rahayu", typed_name="Siti 王 Rahayu", unit="Unit 東京"), LETTERHEAD)
    text = words(pdf)
    assert text.count("Siti □ Rahayu") == 2 and "Unit □□" in text  # the name, the typed name, the unit
    assert "王" not in text
    assert not [r for r in caplog.records if "missing the following glyphs" in r.getMessage()]


def test_fast_fonts_cover_indonesian_names():
    assert covered_by_cut("Ni Luh Putu Ayu Wédari Nur'aini — Çelik, Ş. Pandjaitan; Dr. H. Abdul Mu’thi, M.Pd. ʼ…")
    assert covered_by_cut("Ni Luh Putu Ayu We\u0301dari")
    assert not covered_by_cut("Đặng")
    assert not covered_by_cut("Иванова")


def test_worst_case_layout_stays_on_one_page():
    long = "Sangat Panjang " * 14
    sheet = a_sheet(name=long, unit=long, event_name=long, text_title=long, typed_name=long,
                    revoked_dt=datetime(2026, 11, 22, tzinfo=UTC), revocation_reason="Kasus disiplin")
    pdf = render(sheet, Letterhead(long, "", "https://" + "sangat-panjang." * 6 + "go.id", "Asia/Jayapura"))
    assert len(pdfread.pages(pdf)) == 1
    [qr] = qr_placements(pdf)
    assert qr.y + qr.height < 260
    assert "WIT" in words(pdf)


def test_unreadable_signature_image_is_noted_not_fatal():
    pdf = render(a_sheet(signature_png=b"\x89PNG not really"), LETTERHEAD)
    assert "(gambar tanda tangan tidak dapat ditampilkan)" in words(pdf)
    assert [p.image.mode for p in pdfread.placements(pdf)] == ["L"]


def test_same_certificate_gives_the_same_bytes():
    assert render(a_sheet(), LETTERHEAD) == render(a_sheet(), LETTERHEAD)


def test_documents_made_in_parallel_threads_are_intact(tmp_path):
    """Threaded servers render several certificates at once; each document must get its own font objects."""
    logo = tmp_path / "logo.png"
    Image.new("RGB", (60, 60), (20, 80, 160)).save(logo)
    with_logo = replace(LETTERHEAD, logo_path=str(logo))  # an extra image object shifts every later object number
    jobs = [(a_sheet(name=f"Pegawai Paralel {i}", typed_name=f"Pegawai Paralel {i}", code=f"NTR-AAAA-BBBB-{i}"),
             with_logo if i % 2 else LETTERHEAD) for i in range(8)]
    expected = [render(*job) for job in jobs]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: races show up at once
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            for _ in range(3):
                assert list(pool.map(lambda job: render(*job), jobs)) == expected
    finally:
        sys.setswitchinterval(interval)
