"""Checks on uploaded images (drawn signatures), done with Pillow rather than by trusting headers."""
from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class ImageError(ValueError):
    """An image that is not acceptable; str() is an Indonesian message."""


def check_signature_png(data: bytes, *, max_bytes: int, max_side: int = 2000) -> tuple[int, int]:
    """Accept a non-blank PNG within the size limits and return (width, height); else ImageError."""
    if not data:
        raise ImageError("Tanda tangan belum digambar")
    if len(data) > max_bytes:
        raise ImageError(f"Gambar tanda tangan terlalu besar (maks. {max_bytes // 1024} KB)")
    if not data.startswith(PNG_MAGIC):
        raise ImageError("Gambar tanda tangan harus berformat PNG")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()  # checksums and structure, without decoding pixels
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG" or max(image.size) > max_side or min(image.size) < 20:
                raise ImageError("Ukuran gambar tanda tangan tidak wajar")
            if _is_blank(image):
                raise ImageError("Tanda tangan masih kosong")
            return image.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        if isinstance(exc, ImageError):
            raise
        raise ImageError("Gambar tanda tangan rusak atau bukan PNG") from exc


def _is_blank(image: Image.Image) -> bool:
    """No ink: fully transparent, or a single flat colour."""
    if "A" in image.getbands():
        return image.getchannel("A").getbbox() is None
    extrema = image.convert("L").getextrema()
    return extrema[0] == extrema[1]
