"""A4 sheets of invitation slips (2 × 4 per page, with cut lines) built with fpdf2 and the vendored DejaVu fonts.

Each slip says when signing closes (the event's deadline in the display zone) and prints the code in DejaVu Sans Mono,
so every character and the hyphens between groups take the same width.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from fpdf import FPDF

from netralitas.core.codes import group
from netralitas.core.pdf import (
    FONT,
    FONT_MONO,
    PAGE_H,
    PAGE_W,
    PT,
    QR_QUIET_MODULES,
    add_mono_font,
    draw_lines,
    new_document,
    one_line,
    printable,
    qr_image,
    wrap_lines,
)

INSTRUCTION = ("Pindai QR atau buka tautan, masukkan tanggal lahir Anda, lalu tanda tangani deklarasi. "
               "Jangan bagikan kode ini.")
#: Page grid: the A4 page cut into 2 columns × 4 rows.
COLUMNS, ROWS = 2, 4
SLIPS_PER_PAGE = COLUMNS * ROWS
#: Largest PDF: about 8 s and 60 MB for 5,000 slips; bigger sets go by unit or as CSV. Above BACKGROUND_EXPORT_ROWS
#: it is built as a background job, not in a request.
MAX_SLIPS_PER_PDF = 5000
SLIP_W, SLIP_H = PAGE_W / COLUMNS, PAGE_H / ROWS
#: Inner margin of a slip: keeps text off the cut lines and out of printers' unprintable border.
PAD = 6.0
#: The QR symbol itself (quiet zone excluded) in millimetres; never below 25, the minimum set for phone scans.
QR_SIZE = 30.0
CODE_SIZE = 13.5  # points: a grouped 13-symbol code (15 monospaced characters, ~43 mm) fits beside the QR


@dataclass(frozen=True)
class Slip:
    """What one slip prints; `code` is the bare 13-symbol invitation code, `url` its personal link."""

    name: str
    unit: str
    category: str
    code: str
    url: str


def slips_pdf(event_name: str, slips: Iterable[Slip], closes: str = "",
              beat: Callable[[], None] | None = None) -> bytes:
    """The PDF bytes of all slips, eight per A4 page in reading order; no slips give one blank page.

    closes is the signing deadline as printed ("22 November 2026, 15.00 WIB", core.timezones.local_time).
    beat, when given, is called before and after the document is written out (seconds for thousands of
    slips, with nothing else to report).
    """
    sheet = _SlipSheet(event_name, closes)
    for slip in slips:
        sheet.add(slip)
    if beat is not None:
        beat()
    content = sheet.output()
    if beat is not None:
        beat()
    return content


class _SlipSheet:
    """One PDF being filled slip by slip; remembers wrapped lines, since units and texts repeat."""

    def __init__(self, event_name: str, closes: str = ""):
        self.event_name = one_line(event_name)
        self.closes = one_line(closes)
        self.count = 0
        self._lines: dict[tuple, list[str]] = {}
        # The slips' names are not known in advance (they stream in): the full fonts, loaded once per PDF anyway.
        self.pdf = new_document(f"Slip kode undangan - {self.event_name}")
        add_mono_font(self.pdf)

    def add(self, slip: Slip) -> None:
        """Draw the next slip, starting a new page every SLIPS_PER_PAGE."""
        index = self.count % SLIPS_PER_PAGE
        if index == 0:
            self.pdf.add_page()
            self._cut_lines()
        self.count += 1
        self._slip((index % COLUMNS) * SLIP_W, (index // COLUMNS) * SLIP_H, slip)

    def output(self) -> bytes:
        if self.count == 0:
            self.pdf.add_page()
        return bytes(self.pdf.output())

    def _cut_lines(self) -> None:
        pdf = self.pdf
        pdf.set_draw_color(150)
        pdf.set_line_width(0.2)
        pdf.set_dash_pattern(dash=2, gap=1.5)
        for column in range(1, COLUMNS):
            pdf.line(column * SLIP_W, 0, column * SLIP_W, PAGE_H)
        for row in range(1, ROWS):
            pdf.line(0, row * SLIP_H, PAGE_W, row * SLIP_H)
        pdf.set_dash_pattern()
        pdf.set_font(FONT, "", 9)
        pdf.set_text_color(150)
        pdf.text(1.5, SLIP_H + 1.2, "\u2702")  # scissors on the first cut line
        pdf.set_draw_color(200)

    def _slip(self, x0: float, y0: float, slip: Slip) -> None:
        pdf = self.pdf
        left, right = x0 + PAD, x0 + SLIP_W - PAD
        width = right - left
        y = self._write(self.event_name, left, y0 + PAD, width, size=8, style="B", max_lines=2, color=60)
        pdf.line(left, y + 0.6, right, y + 0.6)
        body_top = y + 2.5
        image, modules = qr_image(slip.url)
        quiet = QR_QUIET_MODULES * QR_SIZE / modules  # nothing may be printed this close to the symbol
        qr_x, qr_y = right - QR_SIZE, y + 1.4 + quiet
        pdf.image(image, x=qr_x - quiet, y=qr_y - quiet, w=QR_SIZE + 2 * quiet, h=QR_SIZE + 2 * quiet)
        column_w = qr_x - quiet - left
        y = self._write(slip.name, left, body_top, column_w, size=10.5, style="B", max_lines=2)
        y = self._write(slip.unit, left, y + 0.4, column_w, size=7.5, max_lines=2)
        y = self._write(f"Kategori: {slip.category}", left, y + 0.4, column_w, size=7.5, max_lines=1)
        y = self._write("KODE UNDANGAN", left, y + 1.8, column_w, size=6.5, style="B", max_lines=1, color=90)
        y = _draw_code(pdf, group(slip.code), left, y + 0.6)
        if self.closes:
            y = self._write("BATAS PENANDATANGANAN", left, y + 1.2, column_w, size=6.5, style="B", max_lines=1, color=90)
            y = self._write(self.closes, left, y + 0.4, column_w, size=8.5, style="B", max_lines=2)
        y = max(y + 2.5, qr_y + QR_SIZE + quiet)
        y = self._write(slip.url, left, y, width, size=7, max_lines=2, shrink_to=5.5)
        self._write(INSTRUCTION, left, y + 0.8, width, size=6.8, max_lines=3, color=40)

    def _write(self, text: str, x: float, y: float, width: float, *, size: float, style: str = "",
               max_lines: int, color: int = 0, shrink_to: float | None = None) -> float:
        """Text from the top-left (x, y), wrapped to width and cut to max_lines; returns the y below it."""
        pdf = self.pdf
        text = one_line(text)
        pdf.set_font(FONT, style, size)
        if shrink_to is not None:
            while size > shrink_to and pdf.get_string_width(text) > width:
                size = max(shrink_to, size - 0.5)
                pdf.set_font(FONT, style, size)
        key = (text, style, size, width, max_lines)
        lines = self._lines.get(key)
        if lines is None:  # names in scripts DejaVu lacks print MISSING_GLYPH boxes, not shortened
            lines = self._lines[key] = wrap_lines(pdf, printable(pdf, text), width, max_lines)
        pdf.set_text_color(color)
        return draw_lines(pdf, lines, x, y, width, size=size)


def _draw_code(pdf: FPDF, text: str, x: float, y: float) -> float:
    """The code in large monospaced bold type; returns the y below it."""
    pdf.set_font(FONT_MONO, "B", CODE_SIZE)
    pdf.set_text_color(0)
    pdf.text(x, y + CODE_SIZE * PT * 0.85, text)
    return y + CODE_SIZE * PT * 1.15
