"""Just enough PDF reading for fpdf2's output, without extra dependencies: objects, page text, images and where
they are drawn.

Text: fpdf2 writes TrueType text as 2-byte glyph codes in literal strings (`(...) Tj`) and gives every font a
ToUnicode CMap, so the words on the page can be read back exactly as a PDF viewer's copy-and-paste would.
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

from PIL import Image

PT = 25.4 / 72


@dataclass(frozen=True)
class PdfObject:
    head: bytes
    stream: bytes | None  # decompressed when Flate-encoded


@dataclass(frozen=True)
class Placement:
    """An image drawn on the page: its pixels and its box in millimetres (origin top-left)."""

    image: Image.Image
    x: float
    y: float
    width: float
    height: float


def objects(pdf: bytes) -> dict[int, PdfObject]:
    """Every object listed in the cross-reference table."""
    start = int(re.search(rb"startxref\n(\d+)\n%%EOF\s*$", pdf).group(1))
    table = re.match(rb"xref\n0 (\d+)\n", pdf[start:])
    found = {}
    entries = pdf[start + table.end():].split(b"\n")[:int(table.group(1))]
    for number, entry in enumerate(entries):
        offset, _, kind = entry.split()[:3]
        if kind != b"n":
            continue
        body_start = pdf.index(b" obj\n", int(offset)) + 5
        stream_at, end_at = pdf.find(b"stream\n", body_start), pdf.find(b"endobj", body_start)
        if stream_at != -1 and stream_at < end_at:
            head = pdf[body_start:stream_at]
            length = int(re.search(rb"/Length (\d+)", head).group(1))
            data = pdf[stream_at + 7:stream_at + 7 + length]
            if b"/FlateDecode" in head:
                data = zlib.decompress(data)
            found[number] = PdfObject(head, data)
        else:
            found[number] = PdfObject(pdf[body_start:end_at], None)
    return found


def pages(pdf: bytes) -> list[PdfObject]:
    return [obj for obj in objects(pdf).values() if re.search(rb"/Type /Page\b(?!s)", obj.head)]


def media_box_mm(pdf: bytes) -> tuple[float, ...]:
    """The page size (fpdf2 states it once, on the page tree), in millimetres."""
    numbers = re.search(rb"/MediaBox \[([^\]]+)\]", pdf).group(1).split()
    return tuple(round(float(n) * PT, 1) for n in numbers)


def _resources(pdf_objects: dict[int, PdfObject], page: PdfObject) -> bytes:
    ref = re.search(rb"/Resources (\d+) 0 R", page.head)
    return pdf_objects[int(ref.group(1))].head if ref else page.head


def _content(pdf_objects: dict[int, PdfObject], page: PdfObject) -> bytes:
    return pdf_objects[int(re.search(rb"/Contents (\d+) 0 R", page.head).group(1))].stream


def _to_unicode(pdf_objects: dict[int, PdfObject], font_head: bytes) -> dict[bytes, str]:
    cmap = pdf_objects[int(re.search(rb"/ToUnicode (\d+) 0 R", font_head).group(1))].stream
    mapping = {}
    for code, text in re.findall(rb"<([0-9A-F]{4})> <([0-9A-F]+)>", cmap):
        mapping[bytes.fromhex(code.decode())] = bytes.fromhex(text.decode()).decode("utf-16-be")
    return mapping


_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")", b"\\": b"\\"}


def _literal(raw: bytes) -> bytes:
    """The bytes of a PDF literal string body (escapes resolved)."""
    out = bytearray()
    i = 0
    while i < len(raw):
        char = raw[i:i + 1]
        if char == b"\\":
            following = raw[i + 1:i + 2]
            octal = re.match(rb"[0-7]{1,3}", raw[i + 1:i + 4])
            if octal:
                out.append(int(octal.group(0), 8) & 0xFF)
                i += 1 + len(octal.group(0))
                continue
            out += _ESCAPES.get(following, following)
            i += 2
            continue
        out += char
        i += 1
    return bytes(out)


_TOKENS = re.compile(rb"/F(\d+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\) Tj", re.S)


def text_lines(pdf: bytes) -> list[str]:
    """The text of every `Tj` on every page, in drawing order (fpdf2's `text()` draws one line per Tj)."""
    pdf_objects = objects(pdf)
    lines = []
    for page in pages(pdf):
        resources = _resources(pdf_objects, page)
        fonts = {number: _to_unicode(pdf_objects, pdf_objects[int(ref)].head)
                 for number, ref in re.findall(rb"/F(\d+) (\d+) 0 R", resources)}
        current: dict[bytes, str] = {}
        for match in _TOKENS.finditer(_content(pdf_objects, page)):
            if match.group(1) is not None:
                current = fonts[match.group(1)]
                continue
            codes = _literal(match.group(2))
            lines.append("".join(current.get(codes[i:i + 2], "\ufffd") for i in range(0, len(codes), 2)))
    return lines


def text(pdf: bytes) -> str:
    return "\n".join(text_lines(pdf))


def font_names(pdf: bytes) -> list[str]:
    return [name.decode() for name in re.findall(rb"/BaseFont /([^\s/]+)", pdf)]


def placements(pdf: bytes) -> list[Placement]:
    """Every image drawn on the first page, with its pixels (8-bit grey or RGB Flate images, as fpdf2 writes them)."""
    pdf_objects = objects(pdf)
    page = pages(pdf)[0]
    page_h = media_box_mm(pdf)[3] / PT
    images = {number: int(ref) for number, ref in re.findall(rb"/I(\d+) (\d+) 0 R", _resources(pdf_objects, page))}
    found = []
    pattern = rb"q ([\d.]+) 0 0 ([\d.]+) ([\d.-]+) ([\d.-]+) cm /I(\d+) Do Q"
    for w, h, x, y, number in re.findall(pattern, _content(pdf_objects, page)):
        width, height, left, bottom = (float(v) for v in (w, h, x, y))
        found.append(Placement(image=decode_image(pdf_objects[images[number]]), x=left * PT,
                               y=(page_h - bottom - height) * PT, width=width * PT, height=height * PT))
    return found


def decode_image(obj: PdfObject) -> Image.Image:
    """An 8-bit DeviceGray or DeviceRGB image with PNG predictors (no filter per row), as fpdf2 writes them."""
    head = obj.head
    width, height = (int(re.search(rb"/%s (\d+)" % key, head).group(1)) for key in (b"Width", b"Height"))
    mode, channels = ("L", 1) if b"/DeviceGray" in head else ("RGB", 3)
    stride = width * channels + 1
    raw = obj.stream
    assert all(raw[row * stride] == 0 for row in range(height)), "rows with a PNG filter other than None"
    pixels = b"".join(raw[row * stride + 1:(row + 1) * stride] for row in range(height))
    return Image.frombytes(mode, (width, height), pixels)


def decode_qr(image: Image.Image) -> list[str]:
    import zxingcpp  # requirements-dev.txt

    # QR codes only: zxing now and then also "finds" a 1-D barcode (Code 39, UPC-E…) among a QR's modules.
    return [result.text for result in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]
