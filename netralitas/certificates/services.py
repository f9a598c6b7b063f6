"""Issuing, finding, verifying and revoking certificates."""
from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import current_app

from netralitas.audit.services import record
from netralitas.cases.verify import PublicDocument, find_public_document
from netralitas.certificates import keys as key_files
from netralitas.certificates.models import Certificate
from netralitas.certificates.tokens import TokenError, TokenKind, sign_token, verify_token
from netralitas.core import codes
from netralitas.core.cache import TTLCache
from netralitas.core.messages import lazy_message as _l
from netralitas.core.sql import INSERTS
from netralitas.core.urls import public_url
from netralitas.db import utcnow
from netralitas.events.models import Event
from netralitas.extensions import db
from netralitas.masterdata.models import Agency, Employee
from netralitas.signing.models import RevocationReason, Signature

if TYPE_CHECKING:
    from netralitas.auth.models import Staff

CODE_BODY_LENGTH = 8  # 40 random bits: a lookup key, not a secret
CODE_PREFIX = "NTR"
#: Key files by folder, per process, re-read only when their mtime stamp changes (i.e. after a rotation).
_public_keys: TTLCache[list[key_files.PublicKey]] = TTLCache()
_signing_keys: TTLCache[tuple] = TTLCache()


class Verdict(enum.StrEnum):
    """What a verifier is told."""

    VALID = "VALID"
    REVOKED = "REVOKED"
    #: A printed case document that a reissue replaced (documents are superseded, never revoked).
    SUPERSEDED = "SUPERSEDED"
    NOT_VALID = "NOT_VALID"


@dataclass(frozen=True)
class PublicRecord:
    """What a verifier may learn about a certificate, read in one row (the verify page runs on every QR scan)."""

    code: str
    token: str
    signed_dt: datetime
    revoked_dt: datetime | None
    revocation_reason: RevocationReason | None
    #: Internal: the page shows it (and the reason) to a signed-in super admin only.
    revocation_note: str | None
    employee_name: str
    nip: str | None
    nik: str | None
    agency_name: str
    event_name: str

    @property
    def is_revoked(self) -> bool:
        return self.revoked_dt is not None


@dataclass(frozen=True)
class Verification:
    """The answer for one token or code: the verdict, the certificate's (or document's) public record and why."""

    verdict: Verdict
    record: PublicRecord | None = None
    reason: str = ""
    document: PublicDocument | None = None


def keys_dir() -> Path:
    return Path(current_app.config["KEYS_DIR"])


def published_keys() -> list[key_files.PublicKey]:
    """Every published public key; re-read only when the key folder changes (rotation)."""
    folder = keys_dir()
    try:
        stamp = folder.stat().st_mtime
    except FileNotFoundError:
        return []
    return _public_keys.get(str(folder), lambda: key_files.public_keys(folder), stamp=stamp)


def display_code(code: str) -> str:
    """'7K2QM9XP3' -> 'NTR-7K2Q-M9XP-3' as printed under the QR."""
    return f"{CODE_PREFIX}-{code[:4]}-{code[4:8]}-{code[8:]}"


def parse_code(typed: str) -> str:
    """The stored form of a typed certificate code (prefix optional); CodeError when it cannot be right."""
    raw = codes.normalize(typed)
    if raw.startswith(CODE_PREFIX) and len(raw) == len(CODE_PREFIX) + CODE_BODY_LENGTH + 1:
        raw = raw[len(CODE_PREFIX):]
    return codes.with_check(codes.parse_checked(raw, CODE_BODY_LENGTH))


def verify_url(certificate: Certificate, base_url: str | None = None) -> str:
    """The one place that builds verify URLs: PUBLIC_BASE_URL/v/<token>.

    base_url: the address resolved while the request was there, for a stream that runs after it.
    """
    return public_url(base_url or current_app.config["PUBLIC_BASE_URL"], f"/v/{certificate.token}")


def current_signing_key():
    """(kid, private key) of the current key; re-read from disk only after a rotation."""
    folder = keys_dir()
    try:
        stamp = (folder / key_files.CURRENT_FILE).stat().st_mtime
    except OSError:
        stamp = None  # no key: signing_key() raises SigningKeyError
    return _signing_keys.get(str(folder), lambda: key_files.signing_key(folder), stamp=stamp)


def has_usable_signing_key() -> bool:
    """True when new certificates can be signed (cheap after the first call: one stat of the `current` file)."""
    try:
        current_signing_key()
    except key_files.SigningKeyError:
        return False
    return True


@dataclass(frozen=True)
class IssuedCertificate:
    """A certificate row just written by issue_certificate, in the caller's (uncommitted) transaction."""

    id: int
    signature_id: int
    code: str
    kid: str
    issued_dt: datetime
    token: str


def issue_certificate(signature_id: int) -> IssuedCertificate:
    """Write the signature's certificate in the caller's transaction (same commit as the signature).

    One Core INSERT on the session's connection (a third of the CPU of an ORM add + flush) that skips a code
    already taken (ON CONFLICT (code) DO NOTHING) instead of asking first: a clash, about one in 10^13 draws
    with a million certificates, just draws again.
    """
    kid, private = current_signing_key()
    issued = utcnow().replace(microsecond=0)
    connection = db.session.connection()
    insert = _insert_unless_code_taken(connection.dialect.name)
    for _ in range(50):
        code = codes.with_check(codes.random_code(CODE_BODY_LENGTH))
        if code[-1] not in codes.ALPHABET:
            continue  # keep printed codes alphanumeric: skip bodies whose check is one of * ~ $ = U
        values = {"signature_id": signature_id, "code": code, "kid": kid, "issued_dt": issued,
                  "token": sign_token(code, issued, kid, private)}
        certificate_id = connection.execute(insert, values).scalar()
        if certificate_id is not None:
            return IssuedCertificate(id=certificate_id, **values)
    raise RuntimeError("could not draw a free certificate code")


@cache
def _insert_unless_code_taken(dialect: str):
    table = Certificate.__table__
    return (INSERTS[dialect](table).on_conflict_do_nothing(index_elements=[table.c.code])
            .returning(table.c.id))


def find_by_code(code: str) -> Certificate | None:
    """The certificate with this stored code."""
    return db.session.scalar(sa.select(Certificate).where(Certificate.code == code))


def find_public_record(code: str) -> PublicRecord | None:
    """The public record of the certificate with this stored code: one row, no ORM objects."""
    # One read on a pooled connection of its own: plain columns need none of the ORM's result machinery, and the
    # session's transaction bookkeeping and teardown cost more than the query (the page answers every QR scan).
    with db.engine.connect() as connection:
        row = connection.execute(_public_record_query(), {"code": code}).one_or_none()
    return None if row is None else PublicRecord(**row._mapping)


@cache
def _public_record_query() -> sa.Select:
    # Built once: ORM entities with joined loads cost ~4x as much CPU per lookup as these columns.
    return (
        sa.select(Certificate.code, Certificate.token, Signature.signed_dt, Signature.revoked_dt,
                  Signature.revocation_reason, Signature.revocation_note, Employee.name.label("employee_name"),
                  Employee.nip, Employee.nik,
                  Agency.name.label("agency_name"), Event.name.label("event_name"))
        .join(Signature, Signature.id == Certificate.signature_id)
        .join(Employee, Employee.id == Signature.employee_id)
        .join(Agency, Agency.id == Employee.agency_id)
        .join(Event, Event.id == Signature.event_id)
        .where(Certificate.code == sa.bindparam("code"))
    )


def verify_token_online(token: str) -> Verification:
    """Check the token's signature first (no database for forgeries), then the certificate's state."""
    try:
        claims = verify_token(token, published_keys())
    except TokenError as exc:
        return Verification(Verdict.NOT_VALID, reason=str(exc))
    if claims.kind is TokenKind.DOCUMENT:
        return verify_document(claims.code, token)
    found = find_public_record(claims.code)
    if found is None or found.token != token:
        return Verification(Verdict.NOT_VALID, reason="no such certificate")
    return verdict_of(found)


def verify_document(code: str, token: str) -> Verification:
    """VALID or SUPERSEDED for a printed case document whose token was verified; NOT VALID when unknown."""
    found = find_public_document(code)
    if found is None or found.token != token:
        return Verification(Verdict.NOT_VALID, reason="no such document")
    return Verification(Verdict.SUPERSEDED if found.is_superseded else Verdict.VALID, document=found)


def verify_code(typed: str) -> Verification:
    """The answer for a code typed at /cek."""
    try:
        code = parse_code(typed)
    except codes.CodeError as exc:
        return Verification(Verdict.NOT_VALID, reason=str(exc))
    found = find_public_record(code)
    if found is None:
        return Verification(Verdict.NOT_VALID, reason="no such certificate")
    return verdict_of(found)


def verdict_of(found: PublicRecord) -> Verification:
    """VALID or REVOKED for an existing certificate."""
    return Verification(Verdict.REVOKED if found.is_revoked else Verdict.VALID, found)


def revoke(actor: Staff, certificate: Certificate, reason: RevocationReason, note: str) -> None:
    """Revoke a certificate and its signature, and end the code it was signed with (same transaction).

    Whoever holds the old code and the birth date could otherwise sign again at once and get a new VALID
    certificate; only a help-desk re-issue (after checking the ID card) lets the employee sign again.
    """
    from netralitas.invitations.services import end_invitation

    signature = certificate.signature
    if signature.is_revoked:
        raise ValueError(_l("Sertifikat ini sudah dicabut."))
    signature.revoked_dt = utcnow()
    signature.revocation_reason = reason
    signature.revocation_note = note.strip()[:500] or None
    signature.revoked_by_id = actor.id
    end_invitation(signature.event_id, signature.employee_id)
    record(actor, "certificate.revoke", "certificate", certificate.id,
           f"Sertifikat {display_code(certificate.code)} ({signature.employee.name}) dicabut: {reason.value}",
           {"code": certificate.code, "event": signature.event.slug, "reason": reason.value, "note": note[:200]})


CRL_METHOD = "sha256-token"


def revocation_id(token: str) -> str:
    """How a revoked certificate is listed: base64url SHA-256 of its token.

    Not the code: codes can be typed at /cek, so a list of codes would be a list of revoked people.
    Whoever holds a token (scanned from the QR) can compute this; nobody can go the other way.
    """
    return key_files.b64url(hashlib.sha256(token.encode()).digest())


def revocation_list(kid: str) -> dict:
    """The revocation list of one key, SMART Health Cards style: revocation ids and a change counter."""
    tokens = db.session.scalars(
        sa.select(Certificate.token).join(Signature)
        .where(Certificate.kid == kid, Signature.revoked_dt.is_not(None))).all()
    # Revocation is final, so the number of entries only grows: it doubles as the change counter.
    return {"kid": kid, "method": CRL_METHOD, "ctr": len(tokens), "rids": sorted(revocation_id(t) for t in tokens)}
