"""Compact JWS (EdDSA) tokens that carry only a code (a certificate's or a case document's) and its issue time.

The claim name says what the code names: {"c": code} a certificate, {"d": code} a printed case document. A token
carries exactly one of the two, so a document's token can never be read as a certificate's, nor the other way.
"""
from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from datetime import UTC, datetime

import jwt

from netralitas.certificates.keys import PublicKey

ALGORITHM = "EdDSA"
#: Tokens longer than this are rejected before any parsing (a QR never holds more).
MAX_TOKEN_LENGTH = 1000


class TokenError(ValueError):
    """A token that is malformed, forged, or signed by an unknown key; str() says why (English, for logs/CLI)."""


class TokenKind(enum.StrEnum):
    """What a token's code names; the value is the payload claim that carries the code."""

    CERTIFICATE = "c"
    DOCUMENT = "d"


@dataclass(frozen=True)
class TokenClaims:
    """What a verified token says."""

    code: str
    issued_dt: datetime
    kid: str
    kind: TokenKind = TokenKind.CERTIFICATE


def sign_token(code: str, issued_dt: datetime, kid: str, private_key,
               kind: TokenKind = TokenKind.CERTIFICATE) -> str:
    """The compact JWS: header {alg: EdDSA, kid}, payload {c: code, iat: seconds} ({d: code, …} for a document)."""
    payload = {kind.value: code, "iat": int(issued_dt.timestamp())}
    return jwt.encode(payload, private_key, algorithm=ALGORITHM, headers={"kid": kid})


def verify_token(token: str, keys: list[PublicKey]) -> TokenClaims:
    """Check format, algorithm, kid and signature; raise TokenError for anything else."""
    if not token or len(token) > MAX_TOKEN_LENGTH or token.count(".") != 2:
        raise TokenError("not a compact JWS")
    header = _peek_header(token)
    if header.get("alg") != ALGORITHM:
        raise TokenError(f"algorithm {header.get('alg')!r} is not accepted")
    kid = header.get("kid")
    if not isinstance(kid, str):  # a number, list or object would also break the lookup below
        raise TokenError("key id missing or not a string")
    key = next((k for k in keys if k.kid == kid), None)
    if key is None:
        raise TokenError(f"unknown key id {kid[:40]!r}")
    try:
        payload = jwt.decode(token, key.key, algorithms=[ALGORITHM], options={"require": ["iat"]})
    except jwt.exceptions.InvalidTokenError as exc:
        raise TokenError(f"signature or claims invalid: {exc}") from exc
    except (TypeError, ValueError, OverflowError) as exc:  # odd header or claim types PyJWT does not check itself
        raise TokenError(f"malformed header or claims: {exc.__class__.__name__}") from exc
    if not isinstance(payload, dict):  # PyJWT refuses non-object payloads today; never rely on it
        raise TokenError("payload does not name a certificate")
    kinds = [kind for kind in TokenKind if kind.value in payload]
    if len(kinds) != 1:  # none, or both: a token names one thing
        raise TokenError("payload does not name a certificate")
    kind = kinds[0]
    code, issued = payload[kind.value], payload.get("iat")
    if not isinstance(code, str) or not code or type(issued) is not int:
        raise TokenError(f"payload does not name a {'document' if kind is TokenKind.DOCUMENT else 'certificate'}")
    try:
        issued_dt = datetime.fromtimestamp(issued, UTC)
    except (OverflowError, OSError, ValueError) as exc:  # signed, but not a time this calendar holds
        raise TokenError("issue time out of range") from exc
    return TokenClaims(code, issued_dt, key.kid, kind)


def _peek_header(token: str) -> dict:
    """The header, read only to choose the key: jwt.decode then parses and checks the whole token strictly.

    PyJWT's get_unverified_header would parse and check all three parts a first time (~40 µs, a sixth of a
    verification; the page answers every QR scan).
    """
    try:
        header = json.loads(jwt.utils.base64url_decode(token.partition(".")[0]))
    except ValueError as exc:  # bad base64 (binascii.Error), bad UTF-8 or bad JSON: all ValueErrors
        raise TokenError(f"unreadable header: {exc}") from exc
    if not isinstance(header, dict):
        raise TokenError("unreadable header: not a JSON object")
    return header
