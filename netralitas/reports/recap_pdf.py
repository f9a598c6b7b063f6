"""The completion recap ("Rekapitulasi") PDF for the head of region: totals, categories, agencies, a signature block.

The table per agency lists the top two levels of the tree the staff member sees — their root(s), bold, and the
agencies directly below (the OPD level: dinas, badan, kecamatan) — because that is what a head of region reads
and signs; every level (indented) on request (`detailed`), for filing. Each row counts its whole subtree, like
the dashboard, so rows are not meant to be added up; the JUMLAH row is the scope's total.

A4 portrait, DejaVu from core.pdf. The agency table breaks after ROWS_PER_PAGE rows (fewer on the first page,
under the summary) and repeats its header on every page; page numbers ("Halaman 2 dari 5") need the page count,
so render_recap lays the document out twice. Characters DejaVu lacks (CJK, newer emoji) print as a white square
(core.pdf.MISSING_GLYPH) instead of vanishing; nothing fails.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from fpdf import FPDF

from netralitas.core.formatting import format_percent
from netralitas.core.pdf import (
    FONT,
    PAGE_H,
    PAGE_W,
    PT,
    draw_lines,
    fit_in_box,
    logo_image,
    new_document,
    one_line,
    printable,
    text_block,
    wrap_lines,
)
from netralitas.core.timezones import local_time
from netralitas.events.progress import Progress
from netralitas.masterdata.models import Agency, Category
from netralitas.reports.completion import Completion

#: "Pegawai", not "ASN": the recap counts every category that must sign (PPPK, kontrak, upahan, BLUD, BUMD too).
TITLE = "Rekapitulasi Penandatanganan Deklarasi Netralitas Pegawai"
#: The recap is an Indonesian document whatever the reader's language (percentages too: '66,7%').
RECAP_LOCALE = "id"
MARGIN = 15.0
WIDTH = PAGE_W - 2 * MARGIN
ROWS_PER_PAGE = 40
ROW_H = 6.0
HEAD_H = 7.0
#: Where the table header starts on a continuation page (below the running header).
CONTINUED_TOP = MARGIN + 10
TABLE_BOTTOM = CONTINUED_TOP + HEAD_H + ROWS_PER_PAGE * ROW_H
FOOTER_Y = PAGE_H - 10
SIGNATURE_W, SIGNATURE_H = 80.0, 58.0
LOGO_BOX = 18.0
GREY, LIGHT = 90, 235
#: The count columns shared by the category and agency tables: label, width (mm).
#: "Jarak jauh" as on the pages (signed remotely, Signature.is_attended false).
COUNT_COLUMNS = (("Wajib", 14.0), ("Sudah", 14.0), ("Belum", 14.0), ("%", 13.0), ("Hadir", 14.0), ("Jarak jauh", 18.0))
LEAD_W = WIDTH - sum(width for _, width in COUNT_COLUMNS)  # 93 mm: No. + code + name, or the category
NUMBER_W = 9.0
#: The code column grows with the longest code up to MAX_CODE_W; a code is never cut (SD01 and SD02 must stay
#: apart): wider than its cell it prints smaller, down to MIN_CODE_SIZE points, then on two lines.
CODE_W, MAX_CODE_W = 22.0, 36.0
TABLE_SIZE, MIN_CODE_SIZE = 8.0, 5.5
INDENT_MM, MAX_INDENT = 2.5, 6
DOTS = "." * 40


@dataclass(frozen=True)
class Signatory:
    """Who signs the printed recap; blank values print as dotted lines to fill in by hand."""

    place: str = ""
    title: str = "Kepala BKPSDM"
    name: str = ""
    nip: str = ""

    @classmethod
    def from_config(cls, config: Any, head_of: str | None = None) -> Signatory:
        """The configured signatory for a whole government; for one agency's recap, its head (name left blank)."""
        if head_of:
            return cls(place=config.get("REPORT_PLACE", ""), title=f"Kepala {head_of}")
        return cls(place=config.get("REPORT_PLACE", ""), title=config.get("REPORT_SIGNATORY_TITLE") or cls.title,
                   name=config.get("REPORT_SIGNATORY_NAME", ""), nip=config.get("REPORT_SIGNATORY_NIP", ""))


@dataclass(frozen=True)
class RecapRow:
    """One line of the agency table."""

    code: str
    name: str
    level: int  # 0 for a root of the staff member's tree
    counts: Progress


@dataclass(frozen=True)
class Recap:
    """Everything the recap prints, as plain values (built in the request, rendered anywhere)."""

    issuer: str
    logo_path: str
    event_name: str
    period: str
    scope: str
    printed_dt: datetime
    tz_name: str
    total: Progress
    categories: list[tuple[str, Progress]]
    rows: list[RecapRow]
    detailed: bool = False
    signatory: Signatory = field(default_factory=Signatory)

    @property
    def printed(self) -> str:
        return local_time(self.printed_dt, self.tz_name)


def recap_of(result: Completion, *, scope: str, config: Any, now: datetime, detailed: bool = False,
             head_of: Agency | None = None) -> Recap:
    """The recap of a completion result, with the deployment's letterhead and signatory settings.

    head_of is the agency whose subtree the recap covers (None: everything the staff member sees); below a root its
    head signs, a root's recap is signed by the configured REPORT_SIGNATORY_TITLE (BKPSDM).
    """
    head = head_of.name if head_of is not None and head_of.parent_id is not None else None
    tz_name = config["BABEL_DEFAULT_TIMEZONE"]
    event = result.event
    order = list(Category)
    categories = [(c.value, result.by_category[c]) for c in sorted(result.by_category, key=order.index)]
    return Recap(issuer=config["CERTIFICATE_ISSUER"], logo_path=config["CERTIFICATE_LOGO"], event_name=event.name,
                 period=f"{local_time(event.opens_dt, tz_name)} s.d. {local_time(event.closes_dt, tz_name)}",
                 scope=scope, printed_dt=now, tz_name=tz_name, total=result.total, categories=categories,
                 rows=recap_rows(result, detailed), detailed=detailed, signatory=Signatory.from_config(config, head))


def recap_rows(result: Completion, detailed: bool) -> list[RecapRow]:
    """The agencies in tree order: roots and their children, or (detailed) every level; level counts from the root."""
    rows, base = [], 0
    roots = set(result.root_ids)
    for agency in result.walk():
        if agency.agency_id in roots:
            base = agency.depth
        level = agency.depth - base
        if detailed or level <= 1:
            rows.append(RecapRow(agency.code, agency.name, level, agency))
    return rows


def render_recap(recap: Recap) -> bytes:
    """The PDF bytes of a recap: pure, needs no app context.

    Laid out twice: the first pass only counts the pages, so that the second can print "Halaman i dari n" at the
    foot of each page as it finishes it (fpdf2's page-count alias is not replaced in TrueType text).
    """
    pages = _RecapDocument(recap).lay_out().pages_count
    return bytes(_RecapDocument(recap, pages).lay_out().output())


def number(value: int) -> str:
    """12345 -> '12.345' (Indonesian thousands separator)."""
    return f"{value:,}".replace(",", ".")


class _RecapDocument:
    """The recap being drawn top to bottom; `y` is the cursor in millimetres."""

    def __init__(self, recap: Recap, total_pages: int = 0):
        self.recap = recap
        self.total_pages = total_pages
        self.pdf = new_document(TITLE, text=self._all_text())
        self.pdf.set_lang(RECAP_LOCALE)
        self.pdf.set_creation_date(recap.printed_dt)
        self.y = MARGIN
        self.code_w = self._code_width()

    def lay_out(self) -> FPDF:
        self.pdf.add_page()
        self._title_block()
        self._summary()
        self._category_table()
        self._agency_table()
        self._signature_block()
        self._footer()
        return self.pdf

    def _next_page(self) -> None:
        self._footer()
        self.pdf.add_page()

    # --- the parts, top to bottom ------------------------------------------------------------------------------

    def _title_block(self) -> None:
        recap, pdf = self.recap, self.pdf
        logo = logo_image(recap.logo_path)
        inset = LOGO_BOX + 3 if logo is not None else 0
        bottom = self._line(recap.issuer, MARGIN + inset, MARGIN, WIDTH - 2 * inset, size=12, style="B", align="C")
        if logo is not None:
            w, h = fit_in_box(logo.width, logo.height, LOGO_BOX, LOGO_BOX)
            pdf.image(logo, x=MARGIN, y=MARGIN - 2, w=w, h=h)
            bottom = max(bottom, MARGIN - 2 + LOGO_BOX)
        self.y = bottom + 2
        pdf.set_draw_color(40)
        pdf.set_line_width(0.5)
        pdf.line(MARGIN, self.y, PAGE_W - MARGIN, self.y)
        y = self._line(TITLE.upper(), MARGIN, self.y + 3, WIDTH, size=12.5, style="B", align="C")
        y = text_block(self.pdf, recap.event_name, MARGIN, y + 0.5, WIDTH, size=10.5, align="C", max_lines=2)
        y += 3
        for label, value in (("Periode", recap.period), ("Lingkup", recap.scope), ("Dicetak", recap.printed)):
            self._line(label, MARGIN, y, 22, size=8.5, color=GREY)
            y = text_block(self.pdf, value, MARGIN + 22, y, WIDTH - 22, size=8.5, max_lines=2)
        self.y = y + 4

    def _summary(self) -> None:
        total, pdf = self.recap.total, self.pdf
        boxes = (("Wajib", number(total.required)), ("Sudah", number(total.signed)),
                 ("Belum", number(total.unsigned)), ("Persentase", format_percent(total.percent, RECAP_LOCALE)),
                 ("Hadir di lokasi", number(total.attended)), ("Jarak jauh", number(total.remote)))
        width = WIDTH / len(boxes)
        pdf.set_draw_color(160)
        pdf.set_line_width(0.2)
        for i, (label, value) in enumerate(boxes):
            x = MARGIN + i * width
            pdf.rect(x, self.y, width, 14)
            self._line(label, x, self.y + 1, width, size=7.5, align="C", color=GREY)
            self._line(value, x, self.y + 5.5, width, size=12, style="B", align="C")
        self.y += 20

    def _category_table(self) -> None:
        self.y = self._line("Menurut kategori pegawai", MARGIN, self.y, WIDTH, size=10, style="B") + 1.5
        self._header([("Kategori pegawai", LEAD_W, "L")])
        for name, counts in self.recap.categories:
            self._row([(name, LEAD_W, "L")], counts)
        self._row([("Jumlah", LEAD_W, "L")], self.recap.total, bold=True)
        self.y += 6

    def _agency_heading(self) -> list[tuple[str, float, str]]:
        return [("No.", NUMBER_W, "R"), ("Kode", self.code_w, "L"),
                ("Perangkat daerah / unit kerja", LEAD_W - NUMBER_W - self.code_w, "L")]

    def _code_width(self) -> float:
        """Wide enough for the longest code in bold table type, between CODE_W and MAX_CODE_W."""
        self.pdf.set_font(FONT, "B", TABLE_SIZE)
        widest = max((self.pdf.get_string_width(printable(self.pdf, one_line(row.code))) for row in self.recap.rows),
                     default=0.0)
        return min(max(CODE_W, widest + 2.5), MAX_CODE_W)

    def _agency_table(self) -> None:
        title = "Menurut perangkat daerah" + (" (semua tingkat)" if self.recap.detailed else "")
        self.y = self._line(title, MARGIN, self.y, WIDTH, size=10, style="B") + 1.5
        self._header(self._agency_heading())
        rows_here = 0
        name_w = LEAD_W - NUMBER_W - self.code_w
        for index, row in enumerate(self.recap.rows, start=1):
            if rows_here == ROWS_PER_PAGE or self.y + ROW_H > TABLE_BOTTOM:
                self._continue_on_new_page()
                rows_here = 0
            indent = min(row.level, MAX_INDENT) * INDENT_MM if self.recap.detailed else 0.0
            self._row([(str(index), NUMBER_W, "R"), (row.code, self.code_w, "L"), (row.name, name_w, "L")], row.counts,
                      bold=row.level == 0, indent=(2, indent), whole=1)
            rows_here += 1
        if not self.recap.rows:
            self._row([("Belum ada pegawai yang wajib menandatangani dalam lingkup ini.", WIDTH, "L")], None)
        if self.y + ROW_H > TABLE_BOTTOM:
            self._continue_on_new_page()
        self._row([("", NUMBER_W, "R"), ("", self.code_w, "L"), ("JUMLAH", name_w, "L")], self.recap.total, bold=True)
        note = "Angka setiap baris mencakup seluruh sub-unitnya; baris JUMLAH adalah total lingkup rekap ini."
        self.y = self._line(note, MARGIN, self.y + 1, WIDTH, size=7, color=GREY)

    def _continue_on_new_page(self) -> None:
        """A new page with a running header and the agency table's header again."""
        pdf = self.pdf
        self._next_page()
        self._line(f"{TITLE} · {one_line(self.recap.event_name)}", MARGIN, MARGIN, WIDTH - 20, size=7.5, color=GREY)
        self._line("(lanjutan)", PAGE_W - MARGIN - 20, MARGIN, 20, size=7.5, align="R", color=GREY)
        pdf.set_draw_color(160)
        pdf.set_line_width(0.2)
        pdf.line(MARGIN, MARGIN + 5, PAGE_W - MARGIN, MARGIN + 5)
        self.y = CONTINUED_TOP
        self._header(self._agency_heading())

    def _signature_block(self) -> None:
        """Place and date, the signatory's title, room for signature and stamp, name and NIP lines (right column)."""
        if self.y + 8 + SIGNATURE_H > FOOTER_Y - 4:
            self._next_page()
            self.y = MARGIN
        signatory, tz = self.recap.signatory, ZoneInfo(self.recap.tz_name)
        today = format_datetime(self.recap.printed_dt, "d MMMM y", tzinfo=tz, locale=RECAP_LOCALE)
        x = PAGE_W - MARGIN - SIGNATURE_W
        y = self._line(f"{signatory.place or '.' * 25}, {today}", x, self.y + 8, SIGNATURE_W, size=9.5, align="C")
        y = text_block(self.pdf, signatory.title, x, y + 0.5, SIGNATURE_W, size=9.5, style="B", align="C", max_lines=2)
        self._line("(tanda tangan dan stempel)", x, y + 10, SIGNATURE_W, size=7, align="C", color=190)
        y += 28
        y = self._line(signatory.name or DOTS, x, y, SIGNATURE_W, size=9.5, style="B", align="C")
        self.pdf.set_draw_color(60)
        self.pdf.line(x + 6, y, x + SIGNATURE_W - 6, y)
        self.y = self._line(f"NIP {signatory.nip or DOTS}", x, y + 0.8, SIGNATURE_W, size=9, align="C")

    def _footer(self) -> None:
        """The printed time and "Halaman i dari n" at the foot of the current page."""
        page = self.pdf.page_no()
        self._line(f"Dicetak {self.recap.printed}", MARGIN, FOOTER_Y, WIDTH / 2, size=7, color=GREY)
        of = f" dari {self.total_pages}" if self.total_pages else ""
        self._line(f"Halaman {page}{of}", PAGE_W / 2, FOOTER_Y, WIDTH / 2, size=7, align="R", color=GREY)

    # --- tables --------------------------------------------------------------------------------------------------

    def _header(self, lead: list[tuple[str, float, str]]) -> None:
        pdf = self.pdf
        pdf.set_fill_color(LIGHT)
        pdf.set_draw_color(160)
        pdf.set_line_width(0.2)
        pdf.rect(MARGIN, self.y, WIDTH, HEAD_H, style="DF")
        x = MARGIN
        for label, width, align in [*lead, *((label, width, "R") for label, width in COUNT_COLUMNS)]:
            self._line(label, x + 1, self.y + (HEAD_H - 8 * PT * 1.25) / 2, width - 2, size=7.5, style="B", align=align)
            x += width
        self.y += HEAD_H

    def _row(self, lead: list[tuple[str, float, str]], counts: Progress | None, *, bold: bool = False,
             indent: tuple[int, float] = (-1, 0.0), whole: int = -1) -> None:
        """One table row: the lead cells, then the six counts; indent=(cell index, mm) shifts one lead cell, and
        the cell at index `whole` is never cut (smaller type, then two lines)."""
        pdf = self.pdf
        style = "B" if bold else ""
        top = self.y + (ROW_H - 8 * PT * 1.25) / 2
        x = MARGIN
        cells = list(lead)
        if counts is not None:
            cells += [(value, width, "R") for value, (_, width) in zip(_count_cells(counts), COUNT_COLUMNS, strict=True)]
        for i, (text, width, align) in enumerate(cells):
            shift = indent[1] if i == indent[0] else 0.0
            if i == whole:
                self._whole_cell(text, x + 1, width - 2, style)
            else:
                self._line(text, x + 1 + shift, top, width - 2 - shift, size=TABLE_SIZE, style=style, align=align)
            x += width
        self.y += ROW_H
        pdf.set_draw_color(200)
        pdf.line(MARGIN, self.y, PAGE_W - MARGIN, self.y)

    def _whole_cell(self, text: str, x: float, width: float, style: str) -> None:
        """Text kept whole in a table cell of the current row: shrunk to fit, down to MIN_CODE_SIZE, then wrapped."""
        pdf, size = self.pdf, TABLE_SIZE
        pdf.set_font(FONT, style, size)
        text = printable(pdf, one_line(text))
        while size > MIN_CODE_SIZE and pdf.get_string_width(text) > width:
            size = max(MIN_CODE_SIZE, size - 0.5)
            pdf.set_font(FONT, style, size)
        lines = wrap_lines(pdf, text, width, max_lines=len(text) or 1)  # as many lines as it takes: never an ellipsis
        pdf.set_text_color(0)
        draw_lines(pdf, lines, x, self.y + (ROW_H - len(lines) * size * PT * 1.25) / 2, width, size=size)

    # --- text ----------------------------------------------------------------------------------------------------

    def _line(self, text: str, x: float, y: float, width: float, *, size: float, style: str = "", align: str = "L",
              color: int = 0) -> float:
        """One line of text from its top-left (x, y), cut with '…' to width; returns the y below it."""
        return text_block(self.pdf, text, x, y, width, size=size, style=style, align=align, max_lines=1, color=color)

    def _all_text(self) -> str:
        """Every string the recap prints (chooses the fonts: the fast Latin cut when it covers them)."""
        recap = self.recap
        parts = [recap.issuer, recap.event_name, recap.period, recap.scope, recap.printed, recap.signatory.place,
                 recap.signatory.title, recap.signatory.name, recap.signatory.nip, "·…"]
        parts += [row.code + " " + row.name for row in recap.rows]
        return "\n".join(one_line(part) for part in parts)


def _count_cells(counts: Progress) -> list[str]:
    return [number(counts.required), number(counts.signed), number(counts.unsigned),
            format_percent(counts.percent, RECAP_LOCALE),
            number(counts.attended), number(counts.remote)]
