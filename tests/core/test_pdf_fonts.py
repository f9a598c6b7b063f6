"""The copied DejaVu faces (core/pdf.py) print the same PDF as fpdf2's own add_font of the same file.

Every object of the document is byte-for-byte the same (creation date fixed) except the embedded font programs:
the copy keeps each glyph as stored (recalcBBoxes=False) where fpdf2 recompiles it, so those are compared glyph by
glyph (outlines, advance widths, character map) instead.
"""
from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from fontTools import ttLib
from fpdf import FPDF

from netralitas.core import pdf
from tests.certificate_exports import pdfread

CREATED = datetime(2026, 11, 21, tzinfo=UTC)
LATIN = "Sari Dewi Ma’ruf Ñoño Đorđe — «Kantor» 5.000 €"
OTHER = "Ελληνικά Кириллица Việt"


def document(fonts, text: str) -> bytes:
    """One page with `text` in regular and bold and a code in mono bold, after `fonts(doc)` registered them."""
    doc = FPDF(orientation="P", unit="mm", format="A4")
    doc.set_creation_date(CREATED)
    fonts(doc)
    doc.add_page()
    for style, y in (("", 20), ("B", 40)):
        doc.set_font(pdf.FONT, style, 12)
        doc.text(10, y, text)
    doc.set_font(pdf.FONT_MONO, "B", 12)
    doc.text(10, 60, "ABCDE-FGHJK-MNP 0123")
    return bytes(doc.output())


def ours(cut: bool):
    assert pdf.covered_by_cut(LATIN)

    def register(doc: FPDF) -> None:
        pdf.add_fonts(doc, LATIN if cut else None)
        pdf.add_mono_font(doc)
    return register


def fpdf_own(tmp_path, cut: bool):
    """fpdf2's add_font over the very files the templates were parsed from (the Latin cut written to disk)."""
    def path(file_name: str, is_cut: bool) -> str:
        if not is_cut:
            return str(pdf.FONT_DIR / file_name)
        target = tmp_path / f"cut-{file_name}"
        target.write_bytes(pdf._latin_cut((pdf.FONT_DIR / file_name).read_bytes()))
        return str(target)

    def register(doc: FPDF) -> None:
        for style, file_name in pdf.FONT_FILES.items():
            doc.add_font(pdf.FONT, style, path(file_name, cut))
        doc.add_font(pdf.FONT_MONO, "B", path(pdf.MONO_FILE, True))
    return register


def glyphs(program: bytes) -> dict:
    """What a viewer draws from an embedded TrueType program: outlines, advance widths and the character map."""
    font = ttLib.TTFont(io.BytesIO(program))
    glyf, hmtx = font["glyf"], font["hmtx"]
    outlines = {}
    for name in font.getGlyphOrder():
        glyph = glyf[name]
        if glyph.isComposite():
            outlines[name] = [(c.glyphName, c.x, c.y) for c in glyph.components]
        else:
            coordinates, ends, flags = glyph.getCoordinates(glyf)
            outlines[name] = (list(coordinates), list(ends), [flag & 1 for flag in flags])
    return {"order": font.getGlyphOrder(), "outlines": outlines, "widths": dict(hmtx.metrics),
            "cmap": font.getBestCmap()}


@pytest.mark.parametrize(("cut", "text"), [(True, LATIN), (False, LATIN), (False, OTHER)])
def test_copied_fonts_print_what_fpdf_add_font_prints(tmp_path, cut, text):
    copied, reference = document(ours(cut), text), document(fpdf_own(tmp_path, cut), text)
    assert pdfread.text_lines(copied) == pdfread.text_lines(reference) == [text, text, "ABCDE-FGHJK-MNP 0123"]
    copied_objects, reference_objects = pdfread.objects(copied), pdfread.objects(reference)
    assert copied_objects.keys() == reference_objects.keys()
    programs = 0
    for number, obj in copied_objects.items():
        other = reference_objects[number]
        if b"/Length1" in obj.head:  # an embedded font program
            programs += 1
            assert glyphs(obj.stream) == glyphs(other.stream)
        else:
            assert obj == other, f"object {number} differs"
    assert programs == 3


def test_a_second_document_gets_a_fresh_copy():
    """Output subsets a document's font in place: the next document still prints every glyph it uses."""
    first, second = document(ours(True), "Anak"), document(ours(True), "Zebra Quiz")
    assert pdfread.text_lines(first)[0] == "Anak"
    assert pdfread.text_lines(second)[0] == "Zebra Quiz"
