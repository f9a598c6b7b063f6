"""QR codes as PNG bytes, inline SVG or a module grid: pure functions of their input, error correction M."""
from __future__ import annotations

import io
from functools import lru_cache
from xml.etree import ElementTree as ET

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from qrcode.image.pil import PilImage
from qrcode.image.svg import SvgPathImage


def _build(data: str, *, box_size: int = 10, border: int = 4, mask_pattern: int | None = None,
           image_factory: type | None = None) -> qrcode.QRCode:
    """A QRCode holding data at ECC M; the library picks the smallest version that fits."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=border,
                       mask_pattern=mask_pattern, image_factory=image_factory)
    qr.add_data(data)
    qr.make(fit=True)
    return qr


def qr_png(data: str, *, box_size: int = 10, border: int = 4) -> bytes:
    """PNG bytes of the QR code: box_size pixels per module, border modules of quiet zone."""
    image = _build(data, box_size=box_size, border=border, image_factory=PilImage).make_image()
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


@lru_cache(maxsize=1024)
def qr_svg(data: str) -> str:
    """An <svg> element (no XML declaration) for inline HTML or PDF; CSS may resize it (it has a viewBox)."""
    element = _build(data, image_factory=SvgPathImage).make_image().get_image()
    element.set("class", "qr-code")
    element.set("role", "img")
    element.set("aria-label", "QR")
    return ET.tostring(element, encoding="unicode")


def qr_modules(data: str, *, mask_pattern: int | None = None) -> list[list[bool]]:
    """The dark (True) and light modules, without quiet zone, for drawing the code yourself.

    Choosing the mask costs about 85% of the time (the library scores all eight); bulk callers may
    fix one: every mask is valid and decodable, the scoring only trims hard-to-scan patterns.
    """
    return _build(data, border=0, mask_pattern=mask_pattern).get_matrix()
