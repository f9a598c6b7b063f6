"""The printed documents of a case (A4, Indonesian, fpdf2): summons I and II, the BAP, the decree (SK), the report back.

Each is drawn from its frozen content (CaseDocument.content_json) only, so a reprint matches the first print. Every
page carries, bottom right, the QR of the document's /v/<token> URL (26 mm, over the 25 mm minimum for phone scans of
a page) with the document code under it, and the page number; text runs onto new pages cleanly.

The content dict, per kind (dates as ISO strings "YYYY-MM-DD" or date objects; optional keys may be left out):

Every kind:
    employee        {"name", "nip" or "nik", "rank"?, "position"?, "unit"?} — the employee concerned
    signatory       {"title", "name", "nip"?} — who signs (title as printed above the name, e.g. "Kepala BKPSDM");
                    not used by the BAP, which the examiners and the employee sign
    place_of_issue? the town in "Bandung, 24 Maret 2025" / "Ditetapkan di Bandung"
    issuing_unit?   a second letterhead line under the government's name (e.g. "BADAN KEPEGAWAIAN DAN …")
    copies_to?      ["Kepala BKN", …] — the tembusan list
    government, case_number — filled in by issue_document (the install's issuer name, the case's number)

summons_1 / summons_2 (SURAT PANGGILAN I / II):
    exam            {"date", "time" (as printed, "09.00 WIB"), "place"}
    examiners       [{"name", "nip"?, "position"?}, …] — whom the employee reports to
    subject         what the examination is about ("dugaan pelanggaran netralitas ASN …")
    legal_basis?    str or [str] — printed as "Dasar"
    previous_summons? {"number", "date"} — summons II: the first summons the employee did not answer
    note?           a closing paragraph (e.g. what follows a second absence, as the legal catalogue words it)

examination (BERITA ACARA PEMERIKSAAN):
    held_on, time?, place — when and where the examination was held
    examiners       [{"name", "nip"?, "position"?}, …] — the team; each gets a signature line
    record          the typed record (questions and answers); newlines start new paragraphs; runs over pages
    signing         "paper", "screen" or "refused" (RecordSigning values)
    refusal_note?   printed with a refusal
    employee_signature_png? base64 PNG of the signature drawn on the screen (signing "screen")
    legal_basis?    str or [str]

decree (KEPUTUSAN … TENTANG PENJATUHAN HUKUMAN DISIPLIN):
    official        who decides, as the title names them ("BUPATI CONTOH", "SEKRETARIS DAERAH …")
    subject?        the title's subject (default "PENJATUHAN HUKUMAN DISIPLIN")
    considering?    str or [str] — Menimbang
    legal_basis     str or [str] — Mengingat
    sanction        the sanction as decided ("pemotongan tunjangan kinerja sebesar 25% selama 6 bulan")
    level           its level as printed ("sedang", "sanksi moral")
    reasons         why (the violation proven)
    on_evidence_only? true when decided on the evidence after two absences
    in_force_from?, in_force_until? — dates
    objection_text  the objection/appeal window as the catalogue words it
    signatory       (title: e.g. "BUPATI CONTOH")

report_back (SURAT PENYAMPAIAN TINDAK LANJUT):
    addressee       {"name" ("Ketua Bawaslu Kota Contoh"), "place"?}
    referrer        who recommended ("Bawaslu Kota Contoh")
    letter          {"number", "date", "subject"?} — the recommendation letter answered
    outcome         what was done (text; newlines start paragraphs)
    decree?         {"number", "date"} — the decree issued, if any
"""
from __future__ import annotations

import base64
import binascii
import io
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from PIL import Image, UnidentifiedImageError

from netralitas.core.pdf import (
    FONT,
    LINE_SPACING,
    PAGE_H,
    PAGE_W,
    PT,
    QR_QUIET_MODULES,
    fit_in_box,
    logo_image,
    new_document,
    printable,
    qr_image,
    text_block,
    wrap_lines,
)

LEFT, RIGHT, TOP = 25.0, 20.0, 15.0
WIDTH = PAGE_W - LEFT - RIGHT
#: The QR symbol (quiet zone excluded), mm: at least 25 for a phone to read a printed page.
QR_SIZE = 26.0
FOOTER_BOTTOM = PAGE_H - 10.0
BODY_SIZE = 11.0
LABEL_W = 42.0
#: Room left for a handwritten signature.
SIGN_SPACE = 20.0
GREY = 90
#: As many lines as text has: long records run over pages rather than being cut.
UNLIMITED = 1_000_000
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
TITLES = {
    "summons_1": "SURAT PANGGILAN I",
    "summons_2": "SURAT PANGGILAN II",
    "examination": "BERITA ACARA PEMERIKSAAN",
    "report_back": "SURAT PENYAMPAIAN TINDAK LANJUT",
}
#: What each kind is called in running text and on the verify page.
KIND_NAMES = {
    "summons_1": "Surat Panggilan I",
    "summons_2": "Surat Panggilan II",
    "examination": "Berita Acara Pemeriksaan",
    "decree": "Keputusan Penjatuhan Hukuman Disiplin",
    "report_back": "Surat Penyampaian Tindak Lanjut",
}


@dataclass(frozen=True)
class DocumentSheet:
    """What one document prints, as plain values (rendered without an app context)."""

    kind: str
    number: str
    issued_on: date
    code: str  # as printed, e.g. DKS-7K2Q-M9XP-3
    verify_url: str
    kid: str
    created_dt: datetime
    content: dict[str, Any]
    logo_path: str = ""


def render(sheet: DocumentSheet) -> bytes:
    """The PDF bytes of one document: the same bytes every time for the same sheet."""
    return _Letter(sheet).render()


def long_date(value: Any) -> str:
    """'2025-03-24' (or a date) -> '24 Maret 2025'; anything else as given."""
    day = _as_date(value)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}" if day else str(value or "-")


def weekday(value: Any) -> str:
    """'2025-03-24' -> 'Senin'; '-' when not a date."""
    day = _as_date(value)
    return DAYS[day.weekday()] if day else "-"


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _items(value: Any) -> list[str]:
    """A str or a list of str as a list of non-empty items."""
    if not value:
        return []
    if isinstance(value, str):
        return [value]
    return [str(item) for item in value if item]


def _id_row(person: dict[str, Any]) -> tuple[str, str]:
    if person.get("nip"):
        return "NIP", str(person["nip"])
    return "NIK", str(person.get("nik") or "-")


class _Letter:
    """One document being drawn top to bottom over as many pages as it needs; `y` is the cursor in millimetres."""

    def __init__(self, sheet: DocumentSheet):
        self.sheet = sheet
        self.content = sheet.content
        self.pdf = new_document(f"{self._title_text()} {sheet.number}", text=self._all_text())
        self.pdf.set_lang("id")
        self.pdf.set_creation_date(sheet.created_dt)  # the same document gives the same bytes
        self.qr, modules = qr_image(sheet.verify_url)
        self.qr_box = QR_SIZE + 2 * QR_QUIET_MODULES * QR_SIZE / modules
        self.qr_top = FOOTER_BOTTOM - 8 - self.qr_box
        self.body_bottom = self.qr_top - 4
        self.y = 0.0

    def render(self) -> bytes:
        self.pdf.add_page()
        self._letterhead()
        getattr(self, f"_{self.sheet.kind.replace('_1', '').replace('_2', '')}")()
        self._copies()
        total = self.pdf.pages_count
        for page in range(1, total + 1):
            self.pdf.page = page  # back to each page: the footer says "page n of total"
            self._footer(page, total)
        self.pdf.page = total
        return bytes(self.pdf.output())

    # --- kinds -----------------------------------------------------------------------------------------------------

    def _summons(self) -> None:
        c, second = self.content, self.sheet.kind == "summons_2"
        self._title(TITLES[self.sheet.kind])
        self._basis(c.get("legal_basis"))
        self._paragraph("Bersama ini diminta dengan hormat kehadiran Saudara:")
        self._fields(self._employee_rows(), indent=8)
        examiners = ", ".join(f"{e.get('name', '')}" + (f" ({e['position']})" if e.get("position") else "")
                              for e in c.get("examiners") or []) or "Tim Pemeriksa"
        self._paragraph(f"untuk menghadap kepada {examiners} pada:")
        exam = c.get("exam") or {}
        self._fields([("Hari", weekday(exam.get("date"))), ("Tanggal", long_date(exam.get("date"))),
                      ("Jam", exam.get("time") or "-"), ("Tempat", exam.get("place") or "-")], indent=8)
        self._paragraph(f"untuk diperiksa sehubungan dengan {c.get('subject') or 'dugaan pelanggaran disiplin'}.")
        previous = c.get("previous_summons")
        if second and previous:
            self._paragraph(f"Panggilan ini adalah panggilan kedua, karena Saudara tidak memenuhi Surat Panggilan I "
                            f"nomor {previous.get('number', '-')} tanggal {long_date(previous.get('date'))}.")
        if c.get("note"):
            self._paragraph(c["note"])
        self._paragraph("Demikian untuk dilaksanakan.")
        self._signature_right(self._dated_line())

    def _examination(self) -> None:
        c, sheet = self.content, self.sheet
        self._title(TITLES["examination"])
        when = f"Pada hari ini {weekday(c.get('held_on'))}, tanggal {long_date(c.get('held_on'))}"
        if c.get("time"):
            when += f", pukul {c['time']}"
        self._paragraph(f"{when}, bertempat di {c.get('place') or '-'}, kami tim pemeriksa:")
        for n, examiner in enumerate(c.get("examiners") or [], 1):
            self._fields([(f"{n}. Nama", examiner.get("name") or "-"), _id_row(examiner),
                          ("Jabatan", examiner.get("position") or "-")], indent=8)
        self._paragraph("telah melakukan pemeriksaan terhadap:")
        self._fields(self._employee_rows(), indent=8)
        self._basis(c.get("legal_basis"))
        self._heading("Hasil pemeriksaan:")
        self._paragraph(c.get("record") or "-")
        self._paragraph("Demikian berita acara pemeriksaan ini dibuat dengan sebenarnya untuk dipergunakan "
                        "sebagaimana mestinya.")
        self._examination_signatures(sheet)

    def _decree(self) -> None:
        c = self.content
        official = c.get("official") or "PEJABAT PEMBINA KEPEGAWAIAN"
        subject = c.get("subject") or "PENJATUHAN HUKUMAN DISIPLIN"
        self._title(f"KEPUTUSAN {official.upper()}", subject.upper())
        self._centered(f"{official.upper()},", style="B")
        self._clauses("Menimbang", _items(c.get("considering")), letters=True)
        self._clauses("Mengingat", _items(c.get("legal_basis")))
        self._centered("MEMUTUSKAN:", style="B")
        self._clauses("Menetapkan", [f"KEPUTUSAN {official.upper()} TENTANG {subject.upper()}."], numbered=False)
        level = f" tingkat {c['level']}" if c.get("level") else ""
        self._clauses("KESATU", [f"Menjatuhkan hukuman disiplin{level} berupa {c.get('sanction') or '-'} kepada:"],
                      numbered=False)
        self._fields(self._employee_rows(), indent=LABEL_W + 4)
        because = f"karena {(c.get('reasons') or '-').rstrip('.')}."
        if c.get("on_evidence_only"):
            because += (" Keputusan ini ditetapkan berdasarkan alat bukti, karena yang bersangkutan tidak memenuhi "
                        "panggilan pemeriksaan pertama dan kedua.")
        self._paragraph(because, indent=LABEL_W + 4)
        start, until = c.get("in_force_from"), c.get("in_force_until")
        in_force = (f"Hukuman disiplin ini berlaku sejak {long_date(start)}"
                    + (f" sampai dengan {long_date(until)}." if until else ".")) if start else None
        order = iter(("KEDUA", "KETIGA", "KEEMPAT"))
        for text in (in_force, c.get("objection_text"), "Keputusan ini mulai berlaku pada tanggal ditetapkan."):
            if text:
                self._clauses(next(order), [text], numbered=False)
        place = c.get("place_of_issue") or "-"
        self._signature_right([f"Ditetapkan di {place}", f"pada tanggal {long_date(self.sheet.issued_on)}"])

    def _report_back(self) -> None:
        c = self.content
        self._title(TITLES["report_back"])
        addressee = c.get("addressee") or {}
        self._paragraph("Kepada Yth.")
        self._paragraph(addressee.get("name") or "-", style="B")
        self._paragraph(f"di {addressee.get('place') or 'tempat'}")
        letter = c.get("letter") or {}
        about = f" perihal {letter['subject']}" if letter.get("subject") else ""
        self._paragraph(f"Menindaklanjuti surat {c.get('referrer') or '-'} nomor {letter.get('number') or '-'} "
                        f"tanggal {long_date(letter.get('date'))}{about}, dengan ini kami sampaikan tindak lanjut "
                        "atas rekomendasi tersebut terhadap:")
        self._fields(self._employee_rows(), indent=8)
        self._heading("Hasil tindak lanjut:")
        self._paragraph(c.get("outcome") or "-")
        decree = c.get("decree")
        if decree:
            self._paragraph(f"Keputusan tersebut ditetapkan dengan nomor {decree.get('number') or '-'} tanggal "
                            f"{long_date(decree.get('date'))}.")
        self._paragraph("Demikian kami sampaikan. Atas perhatian dan kerja sama Saudara, kami ucapkan terima kasih.")
        self._signature_right(self._dated_line())

    # --- building blocks -------------------------------------------------------------------------------------------

    def _letterhead(self) -> None:
        logo = logo_image(self.sheet.logo_path)
        box = 20.0
        inset = box + 4 if logo is not None else 0
        government = (self.content.get("government") or "").upper()
        y = text_block(self.pdf, government, LEFT + inset, TOP, WIDTH - 2 * inset, size=13, style="B", align="C",
                       max_lines=2)
        if self.content.get("issuing_unit"):
            y = text_block(self.pdf, self.content["issuing_unit"].upper(), LEFT + inset, y, WIDTH - 2 * inset,
                           size=12, style="B", align="C", max_lines=2)
        if logo is not None:
            w, h = fit_in_box(logo.width, logo.height, box, box)
            self.pdf.image(logo, x=LEFT + (box - w) / 2, y=TOP - 3 + (box - h) / 2, w=w, h=h)
            y = max(y, TOP - 3 + box)
        y += 3
        self.pdf.set_draw_color(40)
        self.pdf.set_line_width(0.6)
        self.pdf.line(LEFT, y, PAGE_W - RIGHT, y)
        self.pdf.set_line_width(0.2)
        self.pdf.line(LEFT, y + 1.1, PAGE_W - RIGHT, y + 1.1)
        self.y = y + 6

    def _title(self, title: str, subject: str | None = None) -> None:
        """The title, NOMOR <number>, and for a decree TENTANG <subject>."""
        self._centered(title, style="B", size=12)
        self._centered(f"NOMOR {self.sheet.number}")
        if subject:
            self._centered("TENTANG")
            self._centered(subject, style="B")
        self.y += 4

    def _centered(self, text: str, *, style: str = "", size: float = BODY_SIZE) -> None:
        self._flow(text, LEFT, WIDTH, size=size, style=style, align="C")
        self.y += 1

    def _heading(self, text: str) -> None:
        self._need(3 * self._line_h(BODY_SIZE))  # no heading alone at the foot of a page
        self._flow(text, LEFT, WIDTH, style="B")
        self.y += 1

    def _paragraph(self, text: str, *, indent: float = 0.0, style: str = "") -> None:
        """Text wrapped to the body width; each newline starts a paragraph; breaks pages between lines."""
        for part in str(text).split("\n"):
            self._flow(part, LEFT + indent, WIDTH - indent, style=style)
        self.y += 2

    def _basis(self, basis: Any) -> None:
        items = _items(basis)
        if items:
            self._clauses("Dasar", items)

    def _fields(self, rows: list[tuple[str, str]], *, indent: float = 0.0) -> None:
        """label : value rows; a long value wraps under itself."""
        x = LEFT + indent
        for label, value in rows:
            self._need(self._line_h(BODY_SIZE))
            top = self.y
            self._flow(label, x, LABEL_W - 2, keep=False)
            self.y = top
            self._flow(":", x + LABEL_W - 2, 3, keep=False)
            self.y = top
            self._flow(str(value or "-"), x + LABEL_W + 1, WIDTH - indent - LABEL_W - 1)
        self.y += 2

    def _clauses(self, label: str, items: list[str], *, letters: bool = False, numbered: bool = True) -> None:
        """A decree's 'Menimbang : a. …' block: label, colon, then each item with its marker, hanging."""
        if not items:
            return
        x = LEFT + LABEL_W + 1
        self._need(self._line_h(BODY_SIZE))
        top = self.y
        self._flow(label, LEFT, LABEL_W - 2, style="B" if label.isupper() else "", keep=False)
        self.y = top
        self._flow(":", LEFT + LABEL_W - 2, 3, keep=False)
        self.y = top
        for n, item in enumerate(items):
            if numbered and len(items) > 1:
                marker = f"{'abcdefghijklmnopqrstuvwxyz'[n % 26]}." if letters else f"{n + 1}."
                start = self.y
                self._flow(marker, x, 7, keep=False)
                self.y = start
                self._flow(item, x + 7, WIDTH - LABEL_W - 8)
            else:
                self._flow(item, x, WIDTH - LABEL_W - 1)
        self.y += 2

    def _employee_rows(self) -> list[tuple[str, str]]:
        employee = self.content.get("employee") or {}
        rows = [("Nama", employee.get("name") or "-"), _id_row(employee)]
        if employee.get("rank"):
            rows.append(("Pangkat/golongan", employee["rank"]))
        rows += [("Jabatan", employee.get("position") or "-"), ("Unit kerja", employee.get("unit") or "-")]
        return rows

    def _dated_line(self) -> list[str]:
        place = self.content.get("place_of_issue")
        day = long_date(self.sheet.issued_on)
        return [f"{place}, {day}" if place else day]

    def _signature_right(self, above: list[str]) -> None:
        """The signatory's block on the right half: place and date, title, room to sign, name, NIP."""
        signatory = self.content.get("signatory") or {}
        x, width = LEFT + WIDTH / 2, WIDTH / 2
        lines = [*above, f"{signatory.get('title') or ''},"]
        self._need(self._line_h(BODY_SIZE) * (len(lines) + 3) + SIGN_SPACE + 4)
        self.y += 4
        for line in lines:
            self._flow(line, x, width, keep=False)
        self.y += SIGN_SPACE
        self._person(signatory, x, width)

    def _person(self, person: dict[str, Any], x: float, width: float) -> None:
        self._flow(person.get("name") or "-", x, width, style="B", keep=False)
        if person.get("nip"):
            self._flow(f"NIP {person['nip']}", x, width, keep=False)

    def _examination_signatures(self, sheet: DocumentSheet) -> None:
        """The employee on the left (signed, drawn on the screen, or refused), each examiner on the right."""
        c = self.content
        examiners = c.get("examiners") or []
        per_person = SIGN_SPACE + 2 * self._line_h(BODY_SIZE) + 3
        self._need(2 * self._line_h(BODY_SIZE) + per_person * max(1, len(examiners)) + 4)
        self.y += 4
        self._flow(self._dated_line()[0], LEFT + WIDTH / 2, WIDTH / 2, keep=False)
        top = self.y
        half = WIDTH / 2
        self._flow("Yang diperiksa,", LEFT, half - 4, keep=False)
        signing = c.get("signing")
        if signing == "refused":
            self._flow("MENOLAK MENANDATANGANI", LEFT, half - 4, style="B", keep=False)
            note = c.get("refusal_note")
            if note:
                self._flow(f"Catatan: {note}", LEFT, half - 4, size=9, keep=False, max_lines=6)
            self.y = max(self.y, top + self._line_h(BODY_SIZE) + SIGN_SPACE)
        else:
            image = _drawn_signature(c.get("employee_signature_png")) if signing == "screen" else None
            if image is not None:
                w, h = fit_in_box(image.width, image.height, half - 10, SIGN_SPACE - 2)
                self.pdf.image(image, x=LEFT, y=self.y + 1, w=w, h=h)
            self.y += SIGN_SPACE
        employee = c.get("employee") or {}
        self._person({"name": employee.get("name"), "nip": employee.get("nip")}, LEFT, half - 4)
        if signing == "screen":
            self._flow("(ditandatangani di layar)", LEFT, half - 4, size=8, keep=False)
        left_bottom = self.y
        self.y = top
        self._flow("Tim pemeriksa,", LEFT + half, half, keep=False)
        for examiner in examiners:
            self.y += SIGN_SPACE
            self._person(examiner, LEFT + half, half)
        self.y = max(self.y, left_bottom)

    def _copies(self) -> None:
        copies = _items(self.content.get("copies_to"))
        if copies:
            self.y += 4
            self._need(2 * self._line_h(9.5))
            self._flow("Tembusan:", LEFT, WIDTH, size=9.5)
            for n, item in enumerate(copies, 1):
                self._flow(f"{n}. {item}", LEFT, WIDTH, size=9.5)

    def _footer(self, page: int, total: int) -> None:
        """The QR and its code bottom right; page number, case number and how to check on the left."""
        pdf, sheet = self.pdf, self.sheet
        x = PAGE_W - RIGHT - self.qr_box
        pdf.image(self.qr, x=x, y=self.qr_top, w=self.qr_box, h=self.qr_box)
        text_block(pdf, sheet.code, x - 8, self.qr_top + self.qr_box + 0.3, self.qr_box + 16, size=9, style="B",
                   align="C", max_lines=1)
        left_w = x - LEFT - 6
        case_number = self.content.get("case_number")
        y = text_block(pdf, f"Halaman {page} dari {total}", LEFT, self.qr_top + 4, left_w, size=8, max_lines=1,
                       color=GREY)
        y = text_block(pdf, f"{KIND_NAMES.get(sheet.kind, '')} nomor {sheet.number}"
                       + (f" · kasus {case_number}" if case_number else ""), LEFT, y + 0.5, left_w, size=8,
                       max_lines=2, color=GREY)
        note = (f"Keaslian dokumen ini dapat diperiksa dengan memindai kode QR di samping (kode dokumen {sheet.code}; "
                f"disegel secara elektronik dengan Ed25519, kunci {sheet.kid}). Bila dokumen ini telah diganti, "
                "halaman pemeriksaan menyebutkan nomor dokumen penggantinya.")
        text_block(pdf, note, LEFT, y + 1.5, left_w, size=7, max_lines=5, color=GREY)

    # --- the flowing text engine -----------------------------------------------------------------------------------

    def _line_h(self, size: float) -> float:
        return size * PT * LINE_SPACING

    def _need(self, height: float) -> None:
        """Start a new page unless `height` more millimetres fit above the footer."""
        if self.y + height > self.body_bottom:
            self.pdf.add_page()
            self.y = TOP + 5

    def _flow(self, text: str, x: float, width: float, *, size: float = BODY_SIZE, style: str = "",
              align: str = "L", keep: bool = True, max_lines: int = UNLIMITED) -> None:
        """One paragraph wrapped to width from the cursor; keep=True lets it break onto new pages between lines."""
        pdf = self.pdf
        pdf.set_font(FONT, style, size)
        pdf.set_text_color(0)
        clean = " ".join(unicodedata.normalize("NFC", str(text)).split())
        lines = wrap_lines(pdf, printable(pdf, clean), width, max_lines) or [""]
        line_h = self._line_h(size)
        for line in lines:
            if keep:
                self._need(line_h)
                pdf.set_font(FONT, style, size)  # a new page keeps the font, but be explicit after the footer
            self.y += line_h
            offset = 0.0
            if align == "C":
                offset = (width - pdf.get_string_width(line)) / 2
            if line:
                pdf.text(x + offset, self.y - line_h * 0.28, line)

    def _title_text(self) -> str:
        if self.sheet.kind == "decree":
            return f"KEPUTUSAN {(self.content.get('official') or '').upper()}"
        return TITLES.get(self.sheet.kind, "DOKUMEN")

    def _all_text(self) -> str:
        """Every string the document prints (chooses the fonts: the fast Latin cut when it covers them)."""
        found: list[str] = [self.sheet.number, self.sheet.code, self.sheet.verify_url]

        def walk(value: Any) -> None:
            if isinstance(value, str):
                found.append(value)
            elif isinstance(value, dict):
                for key, item in value.items():
                    if key != "employee_signature_png":
                        walk(item)
            elif isinstance(value, list):
                for item in value:
                    walk(item)

        walk(self.content)
        return "\n".join(found).upper() + "\n" + "\n".join(found)


def _drawn_signature(encoded: Any) -> Image.Image | None:
    """A base64 PNG flattened on white; None when absent or unreadable (the block then stays blank)."""
    if not isinstance(encoded, str) or not encoded:
        return None
    try:
        with Image.open(io.BytesIO(base64.b64decode(encoded, validate=True))) as source:
            image = source.convert("RGBA")
    except (binascii.Error, UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    flat = Image.new("RGB", image.size, (255, 255, 255))
    flat.paste(image, mask=image.getchannel("A"))
    return flat
