"""Checks on uploaded images (drawn signatures), done with Pillow rather than by trusting headers."""
from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterator

from PIL import Image, UnidentifiedImageError

from netralitas.core.messages import lazy_message as _l

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class ImageError(ValueError):
    """An image that is not acceptable; str() is the message in the reader's language (a lazy string)."""


def check_signature_png(data: bytes, *, max_bytes: int, max_side: int = 2000) -> tuple[int, int]:
    """Accept a non-blank PNG within the size limits and return (width, height); else ImageError."""
    if not data:
        raise ImageError(_l("Tanda tangan belum digambar"))
    if len(data) > max_bytes:
        raise ImageError(_l("Gambar tanda tangan terlalu besar (maks. %(kb)d KB)", kb=max_bytes // 1024))
    if not data.startswith(PNG_MAGIC):
        raise ImageError(_l("Gambar tanda tangan harus berformat PNG"))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind, size = probe.format, probe.size  # read from the header; verify() leaves the image unusable
            probe.verify()  # checksums and structure, without decoding pixels
        if kind != "PNG" or max(size) > max_side or min(size) < 20:
            raise ImageError(_l("Ukuran gambar tanda tangan tidak wajar"))
        if not _has_visible_ink_fast(data, size):  # not sure: decode the pixels
            with Image.open(io.BytesIO(data)) as image:
                if _is_blank(image):
                    raise ImageError(_l("Tanda tangan masih kosong"))
        return size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        if isinstance(exc, ImageError):
            raise
        raise ImageError(_l("Gambar tanda tangan rusak atau bukan PNG")) from exc


def _is_blank(image: Image.Image) -> bool:
    """No ink: fully transparent, or a single flat colour."""
    if "A" in image.getbands():
        return image.getchannel("A").getbbox() is None
    extrema = image.convert("L").getextrema()
    return extrema[0] == extrema[1]


#: Bytes of inflated pixel data looked at per step by _has_visible_ink_fast.
_INK_SCAN_STEP = 64 * 1024


def _has_visible_ink_fast(data: bytes, size: tuple[int, int]) -> bool:
    """True when the PNG surely has a visible pixel; False means "not sure" (decode it fully to know).

    A drawn signature (8-bit RGBA, not interlaced, transparent background: what signature_pad exports) is
    mostly transparent black, and decoding all of it cost ~0.9 ms per signature. This reads the compressed pixel
    rows only until the first non-zero byte that is not a row's filter type. While every earlier byte is zero,
    PNG's filters (none, sub, up, average, Paeth) all predict zero, so the filtered bytes of that pixel are its
    real values: if its alpha is not zero, a visible pixel exists. Any other layout, or an invisible first
    pixel, answers False and the caller decodes the image.
    """
    width, _ = size
    if data[12:16] != b"IHDR" or data[24:26] != b"\x08\x06" or data[28] != 0:  # 8-bit RGBA, no interlace
        return False
    stride = 1 + 4 * width  # filter type byte + pixels
    base = 0  # position of `held` in the inflated stream
    held = bytearray()
    try:
        for piece in _inflated_pieces(data):
            buffer = held + piece
            first_row = -base % stride
            buffer[first_row::stride] = bytes(len(range(first_row, len(buffer), stride)))  # hide filter types
            rest = buffer.lstrip(b"\0")
            if not rest:
                base, held = base + len(buffer), bytearray()
                continue
            found = len(buffer) - len(rest)
            alpha_at = found + 3 - ((base + found) % stride - 1) % 4
            if alpha_at < len(buffer):
                return buffer[alpha_at] != 0
            base, held = base + found, buffer[found:]  # the pixel's alpha comes with the next piece
    except zlib.error:
        return False  # the full decode reports the damage
    return False


def _inflated_pieces(data: bytes) -> Iterator[bytes]:
    """The filtered pixel rows, inflated a step at a time (the scan usually stops in the first steps)."""
    inflater = zlib.decompressobj()
    for compressed in _idat_chunks(data):
        while compressed:
            piece = inflater.decompress(compressed, _INK_SCAN_STEP)
            compressed = inflater.unconsumed_tail
            if piece:
                yield piece


def _idat_chunks(data: bytes) -> Iterator[bytes]:
    """The compressed pixel data of a PNG whose structure Pillow has already verified."""
    pos = 8
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            yield data[pos + 8:pos + 8 + length]
        elif kind == b"IEND":
            return
        pos += 12 + length
