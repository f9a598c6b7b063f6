"""The signer's path: prove who you are with an invitation code, then sign exactly once."""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache, lru_cache
from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from netralitas.audit.services import record
from netralitas.certificates.services import issue_certificate
from netralitas.core import rotating_code
from netralitas.core.images import ImageError, check_signature_png
from netralitas.db import utcnow
from netralitas.events import services as events
from netralitas.events.cache import CachedEvent
from netralitas.events.models import DeclarationText, Event, Invitation
from netralitas.events.services import required_clause
from netralitas.extensions import db
from netralitas.invitations.services import find_by_code
from netralitas.masterdata.models import Agency, Category, Employee
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


def verify_signer(event: Event | CachedEvent, typed_code: str, typed_birth_date: str, typed_attendance: str,
                  now: datetime | None = None) -> SignerAccess:
    """Check code, birth date, event window and (optionally) the venue's attendance code."""
    now = now or utcnow()
    invitation = find_by_code(typed_code)
    if invitation is None:
        raise SigningError("Kode undangan tidak dikenal. Periksa kembali, atau minta bantuan petugas.", "code")
    if invitation.event_id != event.id:
        raise SigningError("Kode undangan ini untuk acara lain.", "code")
    # One query for the employee, whether they signed already and whether they must sign.
    query = _access_query(tuple(event.categories), tuple(a.path for a in event.agencies))
    employee = db.session.connection().execute(query, {"event_id": event.id,
                                                       "employee_id": invitation.employee_id}).one()
    already_signed = employee.signed_id is not None
    if not already_signed:  # a signer may come back for their certificate after the window
        check_event_open(event, now)
    if parse_birth_date(typed_birth_date) != employee.birth_date:
        raise SigningError("Tanggal lahir tidak cocok dengan data kepegawaian.", "birth_date")
    if already_signed:
        return SignerAccess(invitation.id, event.id, employee.id, False)
    if not employee.is_required:
        raise SigningError("Anda tidak termasuk pegawai yang wajib menandatangani acara ini. Hubungi petugas.")
    is_attended = False
    if event.is_attendance_on and (typed_attendance or "").strip():
        if not rotating_code.matches(event.attendance_secret, typed_attendance, now):
            raise SigningError("Kode kehadiran salah atau sudah kedaluwarsa. Lihat kode terbaru di layar, "
                               "atau kosongkan untuk tanda tangan jarak jauh.", "attendance")
        is_attended = True
    return SignerAccess(invitation.id, event.id, employee.id, is_attended)


@lru_cache(maxsize=64)
def _access_query(categories: tuple[Category, ...], root_paths: tuple[str, ...]) -> sa.Select:
    """verify_signer's statement for one "who must sign" rule, built once (building it cost a third of the query)."""
    rule = SimpleNamespace(categories=categories, agencies=[SimpleNamespace(path=path) for path in root_paths])
    live = sa.select(Signature.id).where(Signature.live_in(sa.bindparam("event_id")),
                                         Signature.employee_id == Employee.id).correlate(Employee).scalar_subquery()
    return (sa.select(Employee.id, Employee.birth_date, live.label("signed_id"), required_clause(rule).label("is_required"))
            .join(Agency, Employee.agency_id == Agency.id).where(Employee.id == sa.bindparam("employee_id")))


def check_event_open(event, now: datetime) -> None:
    """Raise the signer-facing message when the event does not accept signatures now.

    `event` is anything with status, opens_dt and closes_dt: an Event, a CachedEvent or a row read for signing.
    """
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
    """Which signature the signer has, and whether this request created it (False for a repeat or a race)."""

    signature_id: int
    is_new: bool

    @property
    def signature(self) -> Signature:
        """The signature row (loaded on first use: the signing request itself only redirects)."""
        return db.session.get(Signature, self.signature_id)


def sign(access: SignerAccess, *, ticked: set[int], typed_name: str, signature_png: bytes, client_ip: str,
         user_agent: str, max_png_bytes: int, now: datetime | None = None) -> SignOutcome:
    """Store the signature, its certificate and audit entry; a repeat returns the first signature unchanged.

    No lock is taken up front: the partial unique index over live signatures decides a race (double tap, browser
    retry, two phones). The loser's INSERT waits for the winner's commit, fails, and it returns the winner's
    signature. The audit chain is locked last (by record()), so signers hold it only for the final writes.
    """
    now = now or utcnow()
    # Core execution on the session's connection: plain columns need none of the ORM's result machinery.
    facts = db.session.connection().execute(_signing_facts_query(), {
        "invitation_id": access.invitation_id, "event_id": access.event_id, "employee_id": access.employee_id,
    }).one_or_none()
    if facts is None:  # the invitation is gone (its event was deleted): nothing to sign
        raise SigningError(REISSUED_MESSAGE)
    if facts.signature_id is not None:
        return SignOutcome(facts.signature_id, False)
    points = json.loads(facts.points_json)
    _check_submission(facts, ticked, typed_name, signature_png, max_png_bytes, now, len(points))
    if facts.invitation_revoked_dt is not None:
        raise SigningError(REISSUED_MESSAGE)
    row = {"event_id": access.event_id, "employee_id": access.employee_id, "invitation_id": access.invitation_id,
           "text_id": facts.text_id, "text_sha256": facts.text_sha256, "typed_name": " ".join(typed_name.split()),
           "signature_png": signature_png, "is_attended": access.is_attended, "signed_dt": now,
           "client_ip": client_ip[:45], "user_agent": (user_agent or "")[:300]}
    try:
        # Core INSERTs on the session's connection: a third of the CPU of ORM objects and flushes.
        signature_id = db.session.connection().execute(Signature.__table__.insert(), row).inserted_primary_key[0]
    except IntegrityError:
        # Another request signed first (it committed while this INSERT waited): keep theirs.
        db.session.rollback()
        earlier = existing_signature(access.event_id, access.employee_id)
        if earlier is None:
            raise
        return SignOutcome(earlier.id, False)
    certificate = issue_certificate(signature_id)
    record(f"signer:{access.employee_id}", "signature.create", "signature", signature_id,
           f"{facts.employee_name} menandatangani {facts.event_name}",
           {"event": facts.event_slug, "text_version": facts.text_version, "text_sha256": facts.text_sha256,
            "attended": access.is_attended, "certificate": certificate.code, "kid": certificate.kid})
    return SignOutcome(signature_id, True)


REISSUED_MESSAGE = "Kode undangan ini sudah tidak berlaku (diterbitkan ulang). Gunakan kode terbaru."


@cache
def _signing_facts_query() -> sa.Select:
    """Everything sign() decides on, read fresh in one statement (built once; bound per call).

    Employee name and status, the invitation's revocation, the event's status and window, its current text
    version, and the employee's live signature if there is one.
    """
    latest = sa.select(sa.func.max(DeclarationText.version)).where(DeclarationText.event_id == Event.id) \
        .correlate(Event).scalar_subquery()
    live = sa.select(Signature.id).where(Signature.live_in(Event.id), Signature.employee_id == Employee.id) \
        .correlate(Event, Employee).scalar_subquery()
    return (
        sa.select(Employee.name.label("employee_name"), Employee.is_active.label("employee_is_active"),
                  Invitation.revoked_dt.label("invitation_revoked_dt"), Event.name.label("event_name"),
                  Event.slug.label("event_slug"), Event.status, Event.opens_dt, Event.closes_dt,
                  DeclarationText.id.label("text_id"), DeclarationText.version.label("text_version"),
                  DeclarationText.sha256.label("text_sha256"), DeclarationText.points_json,
                  live.label("signature_id"))
        .select_from(Invitation)
        .join(Employee, Employee.id == Invitation.employee_id)
        .join(Event, Event.id == Invitation.event_id)
        .join(DeclarationText, sa.and_(DeclarationText.event_id == Event.id, DeclarationText.version == latest))
        .where(Invitation.id == sa.bindparam("invitation_id"), Invitation.event_id == sa.bindparam("event_id"),
               Invitation.employee_id == sa.bindparam("employee_id"))
    )


def _check_submission(facts, ticked: set[int], typed_name: str, png: bytes, max_png_bytes: int, now: datetime,
                      point_count: int) -> None:
    check_event_open(facts, now)  # the row carries the event's status, opens_dt and closes_dt
    if not facts.employee_is_active:
        raise SigningError("Data kepegawaian Anda tidak aktif. Hubungi petugas.")
    missing = sorted(set(range(1, point_count + 1)) - ticked)
    if missing:
        raise SigningError(f"Centang semua butir pernyataan (belum: {', '.join(map(str, missing))}).", "points")
    if not names_match(typed_name, facts.employee_name):
        raise SigningError(f"Ketik nama lengkap Anda sesuai data: {facts.employee_name}.", "typed_name")
    try:
        check_signature_png(png, max_bytes=max_png_bytes)
    except ImageError as exc:
        raise SigningError(str(exc), "signature") from exc
