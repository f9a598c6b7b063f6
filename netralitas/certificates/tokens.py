"""Compact JWS (EdDSA) tokens that carry only a certificate code and its issue time."""
from __future__ import annotations

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


@dataclass(frozen=True)
class TokenClaims:
    """What a verified token says."""

    code: str
    issued_dt: datetime
    kid: str


def sign_token(code: str, issued_dt: datetime, kid: str, private_key) -> str:
    """The compact JWS for a certificate: header {alg: EdDSA, kid}, payload {c: code, iat: seconds}."""
    payload = {"c": code, "iat": int(issued_dt.timestamp())}
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
    code, issued = payload.get("c"), payload.get("iat")
    if not isinstance(code, str) or not code or type(issued) is not int:
        raise TokenError("payload does not name a certificate")
    try:
        issued_dt = datetime.fromtimestamp(issued, UTC)
    except (OverflowError, OSError, ValueError) as exc:  # signed, but not a time this calendar holds
        raise TokenError("issue time out of range") from exc
    return TokenClaims(code, issued_dt, key.kid)


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
