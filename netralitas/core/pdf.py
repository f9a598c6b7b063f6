"""PDF building blocks shared by printed documents (fpdf2): DejaVu fonts loaded fast, QR images, text, the logo.

Fonts. `FPDF.add_font` parses the TrueType file on every call (~30 ms for each DejaVu face) and
`FPDF.output` subsets it (~15 ms each), which dominates a one-page PDF made thousands of times.
So each face is parsed once per process into a template, and a document gets a cheap copy of it
with a fresh fontTools object (output subsets that object in place). When every character of the
document is in the "Latin cut" — DejaVu reduced once per process to Latin scripts and punctuation,
which covers Indonesian names with diacritics and apostrophes — the cut is used: far fewer glyphs
to parse and subset. Any other character (Greek, Cyrillic, …) gets the full fonts.

Text. `text_block` writes wrapped text the same way in every document; a character DejaVu cannot draw (CJK,
newer emoji) prints as MISSING_GLYPH instead of vanishing, so a name never prints silently shortened.

The copy relies on fpdf2's TTFFont attributes (fpdf2 is pinned in requirements.txt; tests/core/test_pdf_fonts.py
checks that a document prints what fpdf2's own add_font prints, so an upgrade that changes them fails loudly).
"""
from __future__ import annotations

import copy
import io
import logging
import os
import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from fontTools import subset as ft_subset
from fontTools import ttLib
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont
from PIL import Image, UnidentifiedImageError

from netralitas.config import PROJECT_ROOT
from netralitas.core.qr import qr_modules

logger = logging.getLogger(__name__)

FONT_DIR = PROJECT_ROOT / "static" / "vendor" / "dejavu"
FONT = "DejaVu"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
#: Bold DejaVu Sans Mono, registered only by documents that print codes (add_mono_font): every character the same
#: width, so grouped codes read evenly.
FONT_MONO, MONO_FILE = "DejaVuMono", "DejaVuSansMono-Bold.ttf"
PT = 25.4 / 72  # millimetres per point
#: Every document is A4 portrait, in millimetres.
PAGE_W, PAGE_H = 210.0, 297.0
#: Line height as a multiple of the font size.
LINE_SPACING = 1.25
#: Printed in place of a character the face cannot draw (a white square, which DejaVu has).
MISSING_GLYPH = "\u25a1"
#: A logo is downscaled to this many pixels on its longer side (a print needs no more at logo size).
LOGO_MAX_PX = 400
#: Code points kept in the Latin cut: Latin (basic, supplement, extended A and B), spacing modifiers (ʼ), general
#: punctuation (’ “ ” – — …), the euro and trademark signs and ✂ (cut lines). Text is NFC-normalised first, so
#: names typed with combining accents still fit; anything else (Vietnamese, Greek, …) gets the full fonts.
LATIN_CUT = ((0x20, 0x7E), (0xA0, 0x24F), (0x2B0, 0x2FF), (0x2000, 0x206F), (0x20AC, 0x20AC), (0x2122, 0x2122),
             (0x2702, 0x2702))
QR_QUIET_MODULES = 4
#: Image pixels per QR module: viewers that smooth upscaled images then blur only a quarter of a module.
QR_PIXELS_PER_MODULE = 4
#: Fixed QR mask for bulk documents: choosing the best of eight is ~85% of QR time, and every mask is a valid,
#: decodable QR code.
QR_MASK = 2


def new_document(title: str, *, text: str | None = None) -> FPDF:
    """An A4 portrait document in millimetres, no margins or automatic page breaks, with DejaVu regular and bold.

    `text` is every string the document will print: when the Latin cut covers it, the faster cut is used;
    None (unknown in advance) means the full fonts.
    """
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    add_fonts(pdf, text)
    pdf.set_image_filter("FlateDecode")  # lossless and needs no libtiff: the same bytes on every machine
    pdf.set_title(one_line(title)[:200])
    pdf.set_creator("Netralitas")
    return pdf


def add_fonts(pdf: FPDF, text: str | None = None) -> None:
    """Register DejaVu regular ("") and bold ("B") as FONT: the Latin cut when it covers `text`, else the full faces."""
    cut = text is not None and covered_by_cut(text)
    for style, file_name in FONT_FILES.items():
        _add_copy(pdf, _template(file_name, FONT, style, cut))


def add_mono_font(pdf: FPDF) -> None:
    """Register DejaVu Sans Mono Bold as FONT_MONO, style "B" (Latin cut: codes are ASCII)."""
    _add_copy(pdf, _template(MONO_FILE, FONT_MONO, "B", True))


def _add_copy(pdf: FPDF, template: _FontTemplate) -> None:
    """Add a cheap copy of a parsed face to the document."""
    font = copy.copy(template.font)  # shares the parsed, read-only tables (cmap, glyph ids, metrics)
    font.i = len(pdf.fonts) + 1
    font.desc = copy.copy(template.font.desc)  # output writes this document's object ids into it
    # recalcBBoxes=False: output then copies the kept glyphs as they are instead of decompiling each one to
    # measure it again (the glyphs are unchanged, so their boxes are still right).
    font.ttfont = ttLib.TTFont(io.BytesIO(template.data), recalcTimestamp=False, recalcBBoxes=False, lazy=True)
    font.cw = defaultdict(template.font.cw.default_factory, template.font.cw)  # reads of unknown keys insert
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font._hbfont = None
    font.subset = SubsetMap(font)
    pdf.fonts[font.fontkey] = font


def covered_by_cut(text: str) -> bool:
    """True when every character of text (NFC-normalised, whitespace aside) is in the Latin cut."""
    return all(_in_cut(ord(char)) for char in set(unicodedata.normalize("NFC", text)) if not char.isspace())


def _in_cut(codepoint: int) -> bool:
    return any(low <= codepoint <= high for low, high in LATIN_CUT)


@dataclass(frozen=True)
class _FontTemplate:
    """A face parsed once: the TrueType bytes and fpdf2's font object built from them (never output itself)."""

    data: bytes
    font: TTFFont


_templates: dict[tuple[str, bool], _FontTemplate] = {}  # (file name, cut)
_templates_lock = threading.Lock()


def _template(file_name: str, family: str, style: str, cut: bool) -> _FontTemplate:
    key = (file_name, cut)
    with _templates_lock:  # built once per process; a second thread waits instead of parsing again
        if key not in _templates:
            data = (FONT_DIR / file_name).read_bytes()
            if cut:
                data = _latin_cut(data)
            probe = FPDF()
            font = TTFFont(probe, io.BytesIO(data), f"{family.lower()}{style}", style)
            _templates[key] = _FontTemplate(data, font)
        return _templates[key]


def _latin_cut(data: bytes) -> bytes:
    """The face reduced to LATIN_CUT, without what a PDF does not use: layout tables (no text shaping here) and
    TrueType hinting (viewers scale outlines; dropping it halves each embedded font and speeds up its subsetting)."""
    font = ttLib.TTFont(io.BytesIO(data), recalcTimestamp=False)
    options = ft_subset.Options()
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "hdmx", "FFTM", "MATH"]
    options.hinting = False
    options.notdef_outline = True
    options.recommended_glyphs = True
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # copyright, names, version, licence
    options.glyph_names = True  # else every load rebuilds the glyph names from the cmap (slow)
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(unicodes=[c for low, high in LATIN_CUT for c in range(low, high + 1)])
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


def qr_image(data: str) -> tuple[Image.Image, int]:
    """The QR (ECC M) with its quiet zone as an 8-bit grey image, QR_PIXELS_PER_MODULE per module; and its module count.

    8-bit, not 1-bit: fpdf2 2.8.9 writes 1-bit Flate images with wrong decode parameters (rows come out skewed).
    """
    matrix = qr_modules(data, mask_pattern=QR_MASK)
    n, quiet = len(matrix), QR_QUIET_MODULES
    side = n + 2 * quiet
    pixels = bytearray(b"\xff" * side * side)
    for r, row in enumerate(matrix):
        offset = (r + quiet) * side + quiet
        pixels[offset:offset + n] = bytes(0 if dark else 255 for dark in row)
    image = Image.frombytes("L", (side, side), bytes(pixels))
    scale = QR_PIXELS_PER_MODULE
    return image.resize((side * scale, side * scale), Image.Resampling.NEAREST), n


def wrap_lines(pdf: FPDF, text: str, width: float, max_lines: int) -> list[str]:
    """Greedy word wrap with the current font; overlong words are cut, the last line ends in '…' if text remains."""
    if pdf.get_string_width(text) <= width:
        return [text] if text else []
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if pdf.get_string_width(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        while pdf.get_string_width(current) > width:  # a word wider than the line (a long URL, a hostile name)
            cut = _fitting_prefix(pdf, current, width)
            lines.append(current[:cut])
            current = current[cut:]
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and pdf.get_string_width(last + "…") > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return lines


def _fitting_prefix(pdf: FPDF, word: str, width: float) -> int:
    """Length of the longest prefix of word that fits in width (at least one character)."""
    low, high = 1, len(word)
    while low < high:
        middle = (low + high + 1) // 2
        if pdf.get_string_width(word[:middle]) <= width:
            low = middle
        else:
            high = middle - 1
    return low


def one_line(text: str | None) -> str:
    """NFC-normalise and collapse newlines, tabs and runs of spaces (printed fields have no room for layout tricks)."""
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def text_block(pdf: FPDF, text: str, x: float, y: float, width: float, *, size: float, style: str = "",
               align: str = "L", max_lines: int, color: int | tuple[int, int, int] = 0) -> float:
    """Text from its top-left (x, y): one line, wrapped to width and cut to max_lines with '…', aligned L, C or R.

    Characters the face lacks print as MISSING_GLYPH. Returns the y below the last line.
    """
    pdf.set_font(FONT, style, size)
    if isinstance(color, tuple):
        pdf.set_text_color(*color)
    else:
        pdf.set_text_color(color)
    lines = wrap_lines(pdf, printable(pdf, one_line(text)), width, max_lines)
    return draw_lines(pdf, lines, x, y, width, size=size, align=align)


def draw_lines(pdf: FPDF, lines: list[str], x: float, y: float, width: float, *, size: float, align: str = "L") -> float:
    """Lines already wrapped to width, in the current font of `size` points, from the top-left (x, y); the y below."""
    line_h = size * PT * LINE_SPACING
    for line in lines:
        y += line_h
        offset = 0.0
        if align != "L":  # measuring costs time: only when the line is not flush left
            free = width - pdf.get_string_width(line)
            offset = free / 2 if align == "C" else free
        pdf.text(x + offset, y - line_h * 0.28, line)
    return y


def printable(pdf: FPDF, text: str) -> str:
    """text with every character the current face lacks shown as MISSING_GLYPH.

    fpdf2 would leave such characters out (and log a warning), so a name could print shortened without anyone
    noticing; a visible box says that something is there.
    """
    cmap = pdf.current_font.cmap
    if all(ord(char) in cmap for char in text):
        return text
    return "".join(char if ord(char) in cmap or char.isspace() else MISSING_GLYPH for char in text)


def fit_in_box(width: float, height: float, box_w: float, box_h: float) -> tuple[float, float]:
    """The largest size with the image's aspect ratio that fits in the box."""
    scale = min(box_w / width, box_h / height)
    return width * scale, height * scale


_logos: dict[tuple[str, float], Image.Image | None] = {}
_logos_lock = threading.Lock()


def logo_image(path: str) -> Image.Image | None:
    """The configured logo (PNG or JPEG), downscaled and flattened on white once per file version.

    None when unset, missing or unreadable: the document is then printed without it (logged once per file).
    """
    if not path:
        return None
    try:
        key = (path, os.stat(path).st_mtime)
    except OSError:
        _warn_once(path, "not found")
        return None
    with _logos_lock:
        if key not in _logos:
            _logos[key] = _load_logo(path)
        return _logos[key]


def _load_logo(path: str) -> Image.Image | None:
    try:
        with Image.open(path) as source:
            if source.format not in ("PNG", "JPEG"):
                _warn_once(path, f"is {source.format}, not PNG or JPEG")
                return None
            image = source.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        _warn_once(path, "unreadable")
        return None
    image.thumbnail((LOGO_MAX_PX, LOGO_MAX_PX))
    flat = Image.new("RGB", image.size, (255, 255, 255))
    flat.paste(image, mask=image.getchannel("A"))
    return flat


_warned: set[str] = set()


def _warn_once(path: str, problem: str) -> None:
    if path not in _warned:
        _warned.add(path)
        logger.warning("logo %s %s: documents are printed without a logo", path, problem)
