"""Evidence files (PDF, JPEG, PNG): the type checked by content, metadata stripped from images, a SHA-256 kept.

Used wherever people upload proof (a case's evidence, a public report's). Knows no domain: bytes in, a cleaned file
out, or an EvidenceProblem the caller turns into a message; stored files live in one folder, named by their hash, so a
report's evidence becomes a case's without a copy.
"""
from __future__ import annotations

import enum
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from flask import Response, abort, current_app, send_file
from PIL import Image, ImageOps, UnidentifiedImageError

from netralitas.core.files import create_private_file, make_private
from netralitas.core.messages import lazy_message as _l

#: Folder in the instance folder holding evidence files, named by their SHA-256 (cases and public reports share it).
FILES_DIR = "case-files"
#: Pixels an uploaded image may have (a 50-megapixel phone photo passes; a decompression bomb does not).
MAX_PIXELS = 60_000_000


class EvidenceProblem(enum.StrEnum):
    """Why a file is not accepted as evidence."""

    EMPTY = "empty"
    TOO_LARGE = "too_large"
    WRONG_TYPE = "wrong_type"  # not a PDF, JPEG or PNG by its content, whatever its name says
    BROKEN = "broken"  # says it is an image or a PDF but cannot be read as one


#: What each problem tells the person who sent the file.
PROBLEM_MESSAGES = {
    EvidenceProblem.EMPTY: _l("Berkas kosong."),
    EvidenceProblem.TOO_LARGE: _l("Berkas terlalu besar."),
    EvidenceProblem.WRONG_TYPE: _l("Hanya PDF, JPG atau PNG yang diterima (dilihat dari isinya, bukan namanya)."),
    EvidenceProblem.BROKEN: _l("Berkas rusak atau tidak dapat dibaca."),
}


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


def evidence_path(sha256: str, extension: str) -> Path:
    """Where the evidence file with this hash is stored (a hash that is not one is refused, not joined to a path)."""
    if not re.fullmatch(r"[0-9a-f]{64}", sha256) or extension not in ("pdf", "jpg", "png"):
        raise ValueError("not a stored evidence file")
    return Path(current_app.instance_path) / FILES_DIR / f"{sha256}.{extension}"


class StoredEvidence(Protocol):
    """A row naming a stored evidence file (a case's, a public report's)."""

    file_name: str
    content_type: str
    sha256: str


def evidence_download(item: StoredEvidence) -> Response:
    """The stored file as an attachment under the name it was sent with, never cached; 404 when it is gone."""
    path = evidence_path(item.sha256, item.file_name.rsplit(".", 1)[-1])
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=item.content_type, as_attachment=True, download_name=item.file_name,
                         conditional=False, etag=False, max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response


def store_evidence(evidence: EvidenceFile) -> Path:
    """Write a cleaned file owner-only under its hash (the same file twice is stored once), never half-written."""
    path = evidence_path(evidence.sha256, evidence.extension)
    path.parent.mkdir(mode=0o700, exist_ok=True)
    make_private(path.parent)
    if not path.exists():
        partial = path.with_name(path.name + ".part")
        create_private_file(partial)
        partial.write_bytes(evidence.content)
        partial.replace(path)
    return path


def safe_file_name(file_name: str, extension: str) -> str:
    """The uploaded name without folders or control characters, ending in the real extension."""
    last_part = re.split(r"[/\\]", file_name or "")[-1]
    base = "".join(ch if ch.isprintable() else "_" for ch in last_part).strip() or "bukti"
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return f"{stem[:150]}.{extension}"
