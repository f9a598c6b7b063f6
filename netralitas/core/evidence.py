"""Evidence files (PDF, JPEG, PNG): the type checked by content, metadata stripped from images, a SHA-256 kept.

Used wherever people upload proof (a case's evidence now, public reports next). Knows no domain: bytes in, a cleaned
file out, or an EvidenceProblem the caller turns into a message.
"""
from __future__ import annotations

import enum
import hashlib
import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

#: Pixels an uploaded image may have (a 50-megapixel phone photo passes; a decompression bomb does not).
MAX_PIXELS = 60_000_000


class EvidenceProblem(enum.StrEnum):
    """Why a file is not accepted as evidence."""

    EMPTY = "empty"
    TOO_LARGE = "too_large"
    WRONG_TYPE = "wrong_type"  # not a PDF, JPEG or PNG by its content, whatever its name says
    BROKEN = "broken"  # says it is an image or a PDF but cannot be read as one


class EvidenceError(ValueError):
    def __init__(self, problem: EvidenceProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True)
class EvidenceFile:
    """The bytes to store, what they are, and their SHA-256 (hex)."""

    content: bytes
    content_type: str
    extension: str
    sha256: str


def clean_evidence(data: bytes, *, max_bytes: int) -> EvidenceFile:
    """Check the file by its content and return what to store: a PDF as it is, an image re-encoded without metadata
    (EXIF, GPS position, camera, comments), turned upright first as the EXIF orientation said."""
    if not data:
        raise EvidenceError(EvidenceProblem.EMPTY)
    if len(data) > max_bytes:
        raise EvidenceError(EvidenceProblem.TOO_LARGE)
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise EvidenceError(EvidenceProblem.BROKEN)
        return _evidence(data, "application/pdf", "pdf")
    if data.startswith(b"\xff\xd8\xff"):
        return _evidence(_strip_image(data, "JPEG"), "image/jpeg", "jpg")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _evidence(_strip_image(data, "PNG"), "image/png", "png")
    raise EvidenceError(EvidenceProblem.WRONG_TYPE)


def _strip_image(data: bytes, image_format: str) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != image_format:
                raise EvidenceError(EvidenceProblem.BROKEN)
            if image.width * image.height > MAX_PIXELS:
                raise EvidenceError(EvidenceProblem.TOO_LARGE)
            upright = ImageOps.exif_transpose(image)
            # A new image from the pixels alone: nothing of the original's metadata can come along.
            clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())
            if upright.mode == "P" and upright.getpalette():
                clean.putpalette(upright.getpalette())
            out = io.BytesIO()
            if image_format == "JPEG":
                clean.convert("RGB").save(out, "JPEG", quality=92)
            else:
                clean.save(out, "PNG", optimize=True)
            return out.getvalue()
    except EvidenceError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise EvidenceError(EvidenceProblem.BROKEN) from exc


def _evidence(content: bytes, content_type: str, extension: str) -> EvidenceFile:
    return EvidenceFile(content, content_type, extension, hashlib.sha256(content).hexdigest())
