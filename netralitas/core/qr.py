"""QR codes as PNG bytes, inline SVG or a module grid: pure functions of their input, error correction M."""
from __future__ import annotations

import io
from functools import lru_cache

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from qrcode.image.pil import PilImage


def _build(data: str, *, box_size: int = 10, border: int = 4, mask_pattern: int | None = None,
           image_factory: type | None = None) -> qrcode.QRCode:
    """A QRCode holding data at ECC M; the library picks the smallest version that fits."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=border,
                       mask_pattern=mask_pattern, image_factory=image_factory)
    qr.add_data(data)
    # The version the library fits depends only on each data segment's mode and length, and finding it writes the
    # whole payload into a bit buffer once or twice more: remember it per shape (every certificate URL has one).
    shape = (tuple((chunk.mode, len(chunk)) for chunk in qr.data_list), qr.error_correction)
    version = _fitted_versions.get(shape)
    if version is None:
        qr.make(fit=True)
        if len(_fitted_versions) >= 256:
            _fitted_versions.clear()
        _fitted_versions[shape] = qr.version
    else:
        qr.version = version
        qr.make(fit=False)
    return qr


#: (segment modes and lengths, error correction) -> the version qrcode's best_fit() chose for them.
_fitted_versions: dict[tuple, int] = {}


def qr_png(data: str, *, box_size: int = 10, border: int = 4) -> bytes:
    """PNG bytes of the QR code: box_size pixels per module, border modules of quiet zone."""
    image = _build(data, box_size=box_size, border=border, image_factory=PilImage).make_image()
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


#: Mask used for SVG codes: scoring all eight costs most of the time and any mask decodes.
SVG_MASK = 2
SVG_BORDER = 4


@lru_cache(maxsize=1024)
def qr_svg(data: str) -> str:
    """An <svg> element (no XML declaration) for inline HTML or PDF; CSS may resize it (it has a viewBox).

    Drawn as one path of horizontal runs from the module grid: a few ms instead of qrcode's ~30 ms
    per-module SVG (the board and the help desk show one; the signer's certificate page draws its own in the browser).
    """
    grid = qr_modules(data, mask_pattern=SVG_MASK)
    size = len(grid) + 2 * SVG_BORDER
    runs = []
    for y, row in enumerate(grid):
        x = 0
        while x < len(row):
            if not row[x]:
                x += 1
                continue
            start = x
            while x < len(row) and row[x]:
                x += 1
            runs.append(f"M{start + SVG_BORDER} {y + SVG_BORDER}h{x - start}v1h-{x - start}z")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" class="qr-code" role="img" '
            f'aria-label="QR" shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"/>'
            f'<path d="{"".join(runs)}" fill="#000"/></svg>')


def qr_modules(data: str, *, mask_pattern: int | None = None) -> list[list[bool]]:
    """The dark (True) and light modules, without quiet zone, for drawing the code yourself.

    Choosing the mask costs about 85% of the time (the library scores all eight); bulk callers may
    fix one: every mask is valid and decodable, the scoring only trims hard-to-scan patterns.
    """
    return _build(data, border=0, mask_pattern=mask_pattern).get_matrix()
