"""Hostile variants of a genuine certificate token: each must be NOT VALID on the page and in the CLI."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from netralitas.certificates.keys import b64url, current_kid, key_id, public_keys


def _segment_json(segment: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def _encode(value: dict) -> str:
    return b64url(json.dumps(value, separators=(",", ":")).encode())


def _change_one_character(token: str, part: int) -> str:
    """Replace a character in the middle of one part (never the last one, whose low bits may be padding)."""
    parts = token.split(".")
    segment = parts[part]
    middle = len(segment) // 2
    parts[part] = segment[:middle] + ("B" if segment[middle] == "A" else "A") + segment[middle + 1:]
    return ".".join(parts)


def _ed25519_signed(header: dict, payload: str, private: Ed25519PrivateKey) -> str:
    signing_input = f"{_encode(header)}.{payload}"
    return f"{signing_input}.{b64url(private.sign(signing_input.encode()))}"


def _hs256_signed(header: dict, payload: str, secret: bytes) -> str:
    signing_input = f"{_encode(header)}.{payload}"
    return f"{signing_input}.{b64url(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest())}"


def _our_public(keys_dir: Path):
    kid = current_kid(keys_dir)
    return kid, next(key.key for key in public_keys(keys_dir) if key.kid == kid)


def other_key_same_kid(token: str, keys_dir: Path) -> str:
    """Signed by a stranger's Ed25519 key that claims our kid."""
    return _ed25519_signed({"alg": "EdDSA", "kid": current_kid(keys_dir), "typ": "JWT"}, token.split(".")[1],
                           Ed25519PrivateKey.generate())


def other_key_own_kid(token: str, keys_dir: Path) -> str:
    """Signed by a stranger's Ed25519 key under its own (unpublished) kid."""
    private = Ed25519PrivateKey.generate()
    return _ed25519_signed({"alg": "EdDSA", "kid": key_id(private.public_key()), "typ": "JWT"}, token.split(".")[1],
                           private)


def alg_none(token: str, keys_dir: Path) -> str:
    """The unsecured JWS of RFC 7515: alg none and an empty signature."""
    return f"{_encode({'alg': 'none', 'kid': current_kid(keys_dir)})}.{token.split('.')[1]}."


def alg_none_keeping_signature(token: str, keys_dir: Path) -> str:
    header = _segment_json(token.split(".")[0]) | {"alg": "none"}
    return ".".join([_encode(header), *token.split(".")[1:]])


def hs256_with_raw_public_key(token: str, keys_dir: Path) -> str:
    """Algorithm confusion: HMAC keyed with the public key a verifier would feed to its Ed25519 check."""
    kid, public = _our_public(keys_dir)
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return _hs256_signed({"alg": "HS256", "kid": kid, "typ": "JWT"}, token.split(".")[1], raw)


def hs256_with_pem_public_key(token: str, keys_dir: Path) -> str:
    kid, public = _our_public(keys_dir)
    pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return _hs256_signed({"alg": "HS256", "kid": kid, "typ": "JWT"}, token.split(".")[1], pem)


def hs256_with_jwk_x(token: str, keys_dir: Path) -> str:
    kid, public = _our_public(keys_dir)
    x = b64url(public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))
    return _hs256_signed({"alg": "HS256", "kid": kid, "typ": "JWT"}, token.split(".")[1], x.encode())


def other_code_in_payload(token: str, keys_dir: Path) -> str:
    """The genuine header and signature over a payload naming another certificate."""
    header, payload, signature = token.split(".")
    claims = _segment_json(payload)
    claims["c"] = claims["c"][::-1]
    return ".".join([header, _encode(claims), signature])


FORGERIES: dict[str, Callable[[str, Path], str]] = {
    "header changed": lambda token, _: _change_one_character(token, 0),
    "payload changed": lambda token, _: _change_one_character(token, 1),
    "signature changed": lambda token, _: _change_one_character(token, 2),
    "other key, our kid": other_key_same_kid,
    "other key, unknown kid": other_key_own_kid,
    "alg none": alg_none,
    "alg none, signature kept": alg_none_keeping_signature,
    "HS256 keyed with raw public key": hs256_with_raw_public_key,
    "HS256 keyed with PEM public key": hs256_with_pem_public_key,
    "HS256 keyed with JWK x": hs256_with_jwk_x,
    "other code in payload": other_code_in_payload,
    "truncated signature": lambda token, _: token[:-12],
    "signature dropped": lambda token, _: token.rsplit(".", 1)[0] + ".",
    "header and payload only": lambda token, _: token.rsplit(".", 1)[0],
    "empty": lambda token, _: "",
    "garbage": lambda token, _: "not-a-token",
    "three garbage parts": lambda token, _: "a.b.c",
    "huge": lambda token, _: token + "A" * 20_000,
}
