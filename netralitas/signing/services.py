"""The signer's path: prove who you are with an invitation code, then sign exactly once."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from netralitas.audit.services import lock_chain, record
from netralitas.certificates.services import issue_certificate
from netralitas.core import rotating_code
from netralitas.core.images import ImageError, check_signature_png
from netralitas.db import utcnow
from netralitas.events import services as events
from netralitas.events.models import Event, Invitation
from netralitas.extensions import db
from netralitas.invitations.services import find_by_code
from netralitas.masterdata.models import Employee
from netralitas.signing.models import Signature

EVENT_STATE_MESSAGES = {
    "draft": "Acara ini belum dibuka.",
    "not_yet": "Penandatanganan belum dibuka. Silakan coba lagi saat acara dimulai.",
    "ended": "Waktu penandatanganan sudah berakhir.",
    "closed": "Penandatanganan untuk acara ini sudah ditutup.",
}


class SigningError(ValueError):
    """Why a signer cannot go on; `field` names the input to fix (or None), str() is Indonesian."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class SignerAccess:
    """A verified signer: their invitation and whether they proved presence at the venue."""

    invitation_id: int
    event_id: int
    employee_id: int
    is_attended: bool


def parse_birth_date(typed: str) -> date | None:
    """Birth date typed as DD-MM-YYYY, DD/MM/YYYY, DDMMYYYY or YYYY-MM-DD; None when unreadable."""
    digits = re.sub(r"\D", "", typed or "")
    if len(digits) != 8:
        return None
    candidates = [(digits[4:], digits[2:4], digits[:2])]
    if re.match(r"^\s*\d{4}[-/.]", typed or ""):
        candidates.insert(0, (digits[:4], digits[4:6], digits[6:]))
    for year, month, day in candidates:
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            continue
    return None


def verify_signer(event: Event, typed_code: str, typed_birth_date: str, typed_attendance: str,
                  now: datetime | None = None) -> SignerAccess:
    """Check code, birth date, event window and (optionally) the venue's attendance code."""
    now = now or utcnow()
    invitation = find_by_code(typed_code)
    if invitation is None:
        raise SigningError("Kode undangan tidak dikenal. Periksa kembali, atau minta bantuan petugas.", "code")
    if invitation.event_id != event.id:
        raise SigningError("Kode undangan ini untuk acara lain.", "code")
    employee = invitation.employee
    already_signed = existing_signature(event.id, employee.id) is not None
    if not already_signed:  # a signer may come back for their certificate after the window
        check_event_open(event, now)
    if parse_birth_date(typed_birth_date) != employee.birth_date:
        raise SigningError("Tanggal lahir tidak cocok dengan data kepegawaian.", "birth_date")
    if already_signed:
        return SignerAccess(invitation.id, event.id, employee.id, False)
    if not events.is_required(event, employee):
        raise SigningError("Anda tidak termasuk pegawai yang wajib menandatangani acara ini. Hubungi petugas.")
    is_attended = False
    if event.is_attendance_on and (typed_attendance or "").strip():
        if not rotating_code.matches(event.attendance_secret, typed_attendance, now):
            raise SigningError("Kode kehadiran salah atau sudah kedaluwarsa. Lihat kode terbaru di layar, "
                               "atau kosongkan untuk tanda tangan jarak jauh.", "attendance")
        is_attended = True
    return SignerAccess(invitation.id, event.id, employee.id, is_attended)


def check_event_open(event: Event, now: datetime) -> None:
    """Raise the signer-facing message when the event does not accept signatures now."""
    state = events.event_status_now(event, now)
    if state != "open":
        raise SigningError(EVENT_STATE_MESSAGES[state])


def existing_signature(event_id: int, employee_id: int) -> Signature | None:
    """The employee's live (not revoked) signature for this event, if any."""
    return db.session.scalar(sa.select(Signature).where(
        Signature.live_in(event_id), Signature.employee_id == employee_id))


def names_match(typed: str, official: str) -> bool:
    """The typed name is the official name, ignoring case, accents, punctuation and academic titles."""
    typed_words = _name_words(typed)
    official_words = _name_words(official)
    if not typed_words:
        return False
    return typed_words == official_words or (len(typed_words) >= 2 and set(typed_words) <= set(official_words))


def _name_words(name: str) -> list[str]:
    ascii_name = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    return re.findall(r"[a-z]+", ascii_name)


@dataclass(frozen=True)
class SignOutcome:
    """The signature, and whether this request created it (False for a repeat or a race)."""

    signature: Signature
    is_new: bool


def sign(access: SignerAccess, *, ticked: set[int], typed_name: str, signature_png: bytes, client_ip: str,
         user_agent: str, max_png_bytes: int, now: datetime | None = None) -> SignOutcome:
    """Store the signature and its audit entry; a repeat returns the first signature unchanged."""
    now = now or utcnow()
    event = db.session.get(Event, access.event_id)
    employee = db.session.get(Employee, access.employee_id)
    text = event.current_text
    _check_submission(event, employee, ticked, typed_name, signature_png, max_png_bytes, now, len(text.points))
    lock_chain()  # serialise writers before the duplicate check, so a double tap waits and then finds the first
    earlier = existing_signature(event.id, employee.id)
    if earlier is not None:
        return SignOutcome(earlier, False)
    invitation = db.session.get(Invitation, access.invitation_id)
    if invitation is None or invitation.revoked_dt is not None:
        raise SigningError("Kode undangan ini sudah tidak berlaku (diterbitkan ulang). Gunakan kode terbaru.")
    signature = Signature(event_id=event.id, employee_id=employee.id, invitation_id=invitation.id,
                          text_id=text.id, text_sha256=text.sha256, typed_name=" ".join(typed_name.split()),
                          signature_png=signature_png, is_attended=access.is_attended, signed_dt=now,
                          client_ip=client_ip[:45], user_agent=(user_agent or "")[:300])
    db.session.add(signature)
    try:
        db.session.flush()
    except IntegrityError:
        # Another process won the race despite the lock (e.g. a different database session): keep theirs.
        db.session.rollback()
        return SignOutcome(existing_signature(event.id, employee.id), False)
    certificate = issue_certificate(signature)
    record(f"signer:{employee.id}", "signature.create", "signature", signature.id,
           f"{employee.name} menandatangani {event.name}",
           {"event": event.slug, "text_version": text.version, "text_sha256": text.sha256,
            "attended": access.is_attended, "certificate": certificate.code, "kid": certificate.kid})
    return SignOutcome(signature, True)


def _check_submission(event: Event, employee: Employee, ticked: set[int], typed_name: str, png: bytes,
                      max_png_bytes: int, now: datetime, point_count: int) -> None:
    check_event_open(event, now)
    if not employee.is_active:
        raise SigningError("Data kepegawaian Anda tidak aktif. Hubungi petugas.")
    missing = sorted(set(range(1, point_count + 1)) - ticked)
    if missing:
        raise SigningError(f"Centang semua butir pernyataan (belum: {', '.join(map(str, missing))}).", "points")
    if not names_match(typed_name, employee.name):
        raise SigningError(f"Ketik nama lengkap Anda sesuai data: {employee.name}.", "typed_name")
    try:
        check_signature_png(png, max_bytes=max_png_bytes)
    except ImageError as exc:
        raise SigningError(str(exc), "signature") from exc
