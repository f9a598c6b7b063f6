"""The certificate PDF: one A4 page with the signer's record, their drawn signature and the QR of the verify URL.

The document is the employee's own, so it prints the full NIP/NIK (the public verify page masks them).
It is always in Indonesian, whatever language the requesting page uses: it is an official record.

A revoked certificate still renders, stamped DICABUT across the page and with the date and reason in a
banner: the employee and the admins keep a readable record of what was revoked, the stamp stops the
file from passing as valid, and its QR leads to the verify page, which says REVOKED. The revocation
note is internal and is not printed. Bulk exports (certificates.exports) contain live certificates only.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask import current_app
from flask_babel import force_locale
from PIL import Image, UnidentifiedImageError

from netralitas.certificates.forms import REASON_LABELS
from netralitas.certificates.services import display_code, verify_url
from netralitas.core.pdf import (
    FONT,
    PAGE_H,
    PAGE_W,
    PT,
    QR_QUIET_MODULES,
    fit_in_box,
    logo_image,
    new_document,
    one_line,
    qr_image,
    text_block,
    wrap_lines,
)
from netralitas.core.timezones import local_time
from netralitas.core.urls import public_url

if TYPE_CHECKING:
    from netralitas.certificates.models import Certificate

TITLE = "Sertifikat Deklarasi Netralitas"
MARGIN = 20.0
WIDTH = PAGE_W - 2 * MARGIN
#: The QR symbol itself (quiet zone excluded), in millimetres; never below 35, the minimum set for phone scans
#: of a printed page (tests/certificate_exports/test_pdf.py checks it).
QR_SIZE = 40.0
#: Where the bottom block (signature, QR, how to verify) starts unless the text above runs longer.
BOTTOM_Y = 178.0
LOGO_BOX = 20.0  # mm, square
SIGNATURE_W, SIGNATURE_H = 80.0, 30.0
#: Pixels kept around the ink when a drawn signature is cropped.
SIGNATURE_PAD_PX = 8
LABEL_W = 46.0
RED = (176, 0, 32)
GREY = 90


@dataclass(frozen=True)
class Letterhead:
    """The deployment's settings printed on every certificate."""

    issuer: str
    logo_path: str
    public_base_url: str
    timezone: str

    @classmethod
    def from_config(cls, config: Any, base_url: str | None = None) -> Letterhead:
        """The settings' letterhead; base_url overrides PUBLIC_BASE_URL (a stream resolved it in the request)."""
        return cls(issuer=config["CERTIFICATE_ISSUER"], logo_path=config["CERTIFICATE_LOGO"],
                   public_base_url=base_url or config["PUBLIC_BASE_URL"], timezone=config["BABEL_DEFAULT_TIMEZONE"])


@dataclass(frozen=True)
class CertificateSheet:
    """Everything one certificate prints, as plain values: built inside an app context, rendered anywhere."""

    code: str  # as printed, e.g. NTR-7K2Q-M9XP-3
    verify_url: str
    kid: str
    issued_dt: datetime
    name: str
    id_label: str  # NIP or NIK
    id_number: str
    unit: str
    category: str
    event_name: str
    text_title: str
    text_version: int
    text_sha256: str
    signed_dt: datetime
    is_attended: bool
    typed_name: str
    signature_png: bytes
    revoked_dt: datetime | None = None
    revocation_reason: str = ""


def certificate_pdf(certificate: Certificate) -> bytes:
    """The PDF bytes of one certificate (needs an app context for the settings and the verify URL)."""
    return render(sheet_of(certificate), Letterhead.from_config(current_app.config))


def sheet_of(certificate: Certificate, base_url: str | None = None) -> CertificateSheet:
    """What the certificate prints, read from its signature, employee, event and text (base_url: see verify_url)."""
    signature = certificate.signature
    employee = signature.employee
    reason = ""
    if signature.revocation_reason is not None:
        with force_locale("id"):  # the document is Indonesian whatever the page's language
            reason = str(REASON_LABELS.get(signature.revocation_reason, signature.revocation_reason.value))
    return CertificateSheet(
        code=display_code(certificate.code), verify_url=verify_url(certificate, base_url), kid=certificate.kid,
        issued_dt=certificate.issued_dt, name=employee.name, id_label="NIP" if employee.nip else "NIK",
        id_number=employee.nip or employee.nik or "", unit=employee.agency.name, category=employee.category.value,
        event_name=signature.event.name, text_title=signature.text.title, text_version=signature.text.version,
        text_sha256=signature.text_sha256, signed_dt=signature.signed_dt, is_attended=signature.is_attended,
        typed_name=signature.typed_name, signature_png=signature.signature_png, revoked_dt=signature.revoked_dt,
        revocation_reason=reason)


def render(sheet: CertificateSheet, letterhead: Letterhead) -> bytes:
    """The PDF bytes of a sheet: pure, needs no app context (bulk exports render outside one)."""
    return _CertificatePage(sheet, letterhead).render()


class _CertificatePage:
    """One certificate being drawn top to bottom; `y` is the cursor in millimetres."""

    def __init__(self, sheet: CertificateSheet, letterhead: Letterhead):
        self.sheet = sheet
        self.letterhead = letterhead
        self.check_url = public_url(letterhead.public_base_url, "/cek")
        self.rows = self._rows()
        self.pdf = new_document(f"{TITLE} {sheet.code}", text=self._all_text())
        self.pdf.set_lang("id")
        self.pdf.set_creation_date(sheet.issued_dt)  # the same certificate gives the same bytes
        self.y = 0.0

    def render(self) -> bytes:
        self.pdf.add_page()
        self._header()
        if self.sheet.revoked_dt is not None:
            self._revoked_banner()
        self._identity()
        self._details()
        self._bottom(max(self.y + 6, BOTTOM_Y))
        self._footer()
        if self.sheet.revoked_dt is not None:
            self._revoked_stamp()
        return bytes(self.pdf.output())

    # --- the parts, top to bottom ------------------------------------------------------------------------------

    def _header(self) -> None:
        logo = logo_image(self.letterhead.logo_path)
        inset = LOGO_BOX + 4 if logo is not None else 0
        top = 15.0
        bottom = self._text(self.letterhead.issuer, MARGIN + inset, top, WIDTH - 2 * inset, size=13, style="B",
                            align="C", max_lines=2)
        if logo is not None:
            w, h = fit_in_box(logo.width, logo.height, LOGO_BOX, LOGO_BOX)
            self.pdf.image(logo, x=MARGIN + (LOGO_BOX - w) / 2, y=top - 3 + (LOGO_BOX - h) / 2, w=w, h=h)
            bottom = max(bottom, top - 3 + LOGO_BOX)
        self.y = bottom + 3
        self.pdf.set_draw_color(40)
        self.pdf.set_line_width(0.6)
        self.pdf.line(MARGIN, self.y, PAGE_W - MARGIN, self.y)
        self.pdf.set_line_width(0.2)
        self.pdf.line(MARGIN, self.y + 1.1, PAGE_W - MARGIN, self.y + 1.1)
        self.y += 4

    def _revoked_banner(self) -> None:
        sheet, pdf = self.sheet, self.pdf
        detail = f"Sertifikat ini dicabut pada {local_time(sheet.revoked_dt, self.letterhead.timezone)}"
        if sheet.revocation_reason:
            detail += f" dengan alasan: {sheet.revocation_reason}"
        detail += ". Sertifikat ini TIDAK BERLAKU."
        top = self.y + 1
        pdf.set_fill_color(*RED)
        pdf.rect(MARGIN, top, WIDTH, 19, style="F")
        self._text("DICABUT", MARGIN, top + 1.5, WIDTH, size=20, style="B", align="C", max_lines=1, color=255)
        self._text(detail, MARGIN + 4, top + 10, WIDTH - 8, size=8.5, align="C", max_lines=2, color=255)
        self.y = top + 21

    def _identity(self) -> None:
        sheet = self.sheet
        y = self._text(TITLE, MARGIN, self.y + 4, WIDTH, size=20, style="B", align="C", max_lines=1)
        y = self._text(sheet.event_name, MARGIN, y + 0.5, WIDTH, size=11, align="C", max_lines=2, color=GREY)
        y = self._text("diberikan kepada", MARGIN, y + 4, WIDTH, size=10, align="C", max_lines=1, color=GREY)
        y = self._name(y + 1.5)
        y = self._text(f"{sheet.id_label} {sheet.id_number}", MARGIN, y + 0.5, WIDTH, size=11, align="C", max_lines=1)
        statement = (f"yang telah menandatangani {one_line(sheet.text_title)} secara elektronik, "
                     "dengan rincian sebagai berikut:")
        self.y = self._text(statement, MARGIN + 10, y + 4, WIDTH - 20, size=10, align="C", max_lines=3)

    def _name(self, y: float) -> float:
        """The name as large as fits on two lines (down to 12 pt, then three lines with an ellipsis)."""
        name = one_line(self.sheet.name)
        for size in (18, 16, 14, 12):
            self.pdf.set_font(FONT, "B", size)
            if len(wrap_lines(self.pdf, name, WIDTH, 3)) <= 2:
                return self._text(name, MARGIN, y, WIDTH, size=size, style="B", align="C", max_lines=2)
        return self._text(name, MARGIN, y, WIDTH, size=12, style="B", align="C", max_lines=3)

    def _rows(self) -> list[tuple[str, str]]:
        sheet, tz = self.sheet, self.letterhead.timezone
        return [
            ("Unit kerja", sheet.unit),
            ("Kategori pegawai", sheet.category),
            ("Acara", sheet.event_name),
            ("Waktu tanda tangan", local_time(sheet.signed_dt, tz)),
            ("Kehadiran", "Hadir di lokasi acara" if sheet.is_attended else "Jarak jauh (tidak hadir di lokasi acara)"),
            ("Teks deklarasi", f"Versi {sheet.text_version}"),
            ("SHA-256 teks", sheet.text_sha256),
            ("Kode sertifikat", sheet.code),
        ]

    def _details(self) -> None:
        pdf = self.pdf
        y = self.y + 4
        pdf.set_draw_color(200)
        pdf.set_line_width(0.2)
        for label, value in self.rows:
            small = label == "SHA-256 teks"
            self._text(label, MARGIN, y + 1.2, LABEL_W, size=9, max_lines=1, color=GREY)
            bottom = self._text(value, MARGIN + LABEL_W, y + 1.2 + (0.4 if small else 0), WIDTH - LABEL_W,
                                size=8 if small else 10, max_lines=2)
            y = bottom + 1.2
            pdf.line(MARGIN, y, PAGE_W - MARGIN, y)
        self.y = y

    def _bottom(self, top: float) -> None:
        """The drawn signature and typed name on the left, the QR and its printed code on the right."""
        sheet, pdf = self.sheet, self.pdf
        image, modules = qr_image(sheet.verify_url)
        quiet = QR_QUIET_MODULES * QR_SIZE / modules
        box = QR_SIZE + 2 * quiet
        qr_x = PAGE_W - MARGIN - box
        pdf.image(image, x=qr_x, y=top, w=box, h=box)
        # The printed code may be wider than the QR: centre it under the QR, reaching into the right margin.
        code_x, code_w = qr_x - 10, box + 20
        y = self._text(sheet.code, code_x, top + box + 0.5, code_w, size=12, style="B", align="C", max_lines=1)
        qr_bottom = self._text("Kode sertifikat", code_x, y + 0.3, code_w, size=7.5, align="C", max_lines=1, color=GREY)

        left_w = qr_x - MARGIN - 8
        y = self._text("Tanda tangan:", MARGIN, top + 2, left_w, size=9, max_lines=1, color=GREY)
        signature = _signature_image(sheet.signature_png)
        if signature is not None:
            w, h = fit_in_box(signature.width, signature.height, min(SIGNATURE_W, left_w), SIGNATURE_H)
            pdf.image(signature, x=MARGIN, y=y + 1 + (SIGNATURE_H - h), w=w, h=h)
        else:
            self._text("(gambar tanda tangan tidak dapat ditampilkan)", MARGIN, y + SIGNATURE_H / 2, left_w, size=8,
                       max_lines=1, color=GREY)
        y += SIGNATURE_H + 2
        pdf.set_draw_color(60)
        pdf.set_line_width(0.3)
        pdf.line(MARGIN, y, MARGIN + min(SIGNATURE_W, left_w), y)
        y = self._text(sheet.typed_name, MARGIN, y + 0.8, left_w, size=11, style="B", max_lines=2)
        self._text("Nama yang diketik penanda tangan", MARGIN, y + 0.2, left_w, size=7.5, max_lines=1, color=GREY)
        self.y = max(y, qr_bottom)

    def _footer(self) -> None:
        sheet = self.sheet
        y = self._text("Cara memeriksa keaslian dan status sertifikat:", MARGIN, max(self.y + 5, 250.0), WIDTH, size=8,
                       max_lines=1, color=GREY)
        how = f"Pindai kode QR atau buka {self.check_url} dan ketik kode {sheet.code}."
        y = self._text(how, MARGIN, y + 0.3, WIDTH, size=9.5, style="B", max_lines=2)
        seal = (f"Catatan deklarasi ini disegel secara elektronik oleh sistem (Ed25519, kunci {sheet.kid}); "
                f"sertifikat diterbitkan {local_time(sheet.issued_dt, self.letterhead.timezone)}. "
                "Tanda tangan yang digambar adalah tanda tangan elektronik tidak tersertifikasi. "
                "Berlaku atau dicabutnya sertifikat ditentukan oleh hasil pemeriksaan, bukan oleh cetakan ini.")
        self.pdf.set_draw_color(200)
        self.pdf.line(MARGIN, y + 2, PAGE_W - MARGIN, y + 2)
        self._text(seal, MARGIN, y + 3, WIDTH, size=7, max_lines=4, color=GREY)

    def _revoked_stamp(self) -> None:
        """DICABUT diagonally across the whole page, translucent so the record stays readable."""
        pdf = self.pdf
        pdf.set_font(FONT, "B", 96)
        width = pdf.get_string_width("DICABUT")
        with pdf.local_context(fill_opacity=0.16, text_color=RED), pdf.rotation(55, x=PAGE_W / 2, y=PAGE_H / 2):
            pdf.text(PAGE_W / 2 - width / 2, PAGE_H / 2 + 96 * PT * 0.35, "DICABUT")

    # --- helpers ---------------------------------------------------------------------------------------------------

    def _text(self, text: str, x: float, y: float, width: float, **how: Any) -> float:
        """core.pdf.text_block on this page: wrapped from the top-left (x, y); returns the y below it."""
        return text_block(self.pdf, text, x, y, width, **how)

    def _all_text(self) -> str:
        """Every string the page prints (chooses the fonts: the fast Latin cut when it covers them)."""
        sheet, letterhead = self.sheet, self.letterhead
        parts = [letterhead.issuer, sheet.name, sheet.typed_name, sheet.text_title, sheet.revocation_reason,
                 self.check_url, sheet.verify_url]
        parts += [value for _, value in self.rows]
        return "\n".join(one_line(part) for part in parts)


def _signature_image(png: bytes) -> Image.Image | None:
    """The drawn signature cropped to its ink and flattened on white (RGB: no soft mask); None when unreadable."""
    try:
        with Image.open(io.BytesIO(png)) as source:
            image = source.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    box = _ink(image).getbbox()
    if box is None:
        return None
    pad = SIGNATURE_PAD_PX
    box = (max(box[0] - pad, 0), max(box[1] - pad, 0), min(box[2] + pad, image.width), min(box[3] + pad, image.height))
    cropped = image.crop(box)
    flat = Image.new("RGB", cropped.size, (255, 255, 255))
    flat.paste(cropped, mask=cropped.getchannel("A"))
    return flat


def _ink(image: Image.Image) -> Image.Image:
    """A mask of the drawn strokes: the alpha channel, or for an opaque image whatever is clearly darker than paper."""
    alpha = image.getchannel("A")
    if alpha.getextrema()[0] < 255:
        return alpha
    return image.convert("L").point(lambda value: 255 if value < 200 else 0)
