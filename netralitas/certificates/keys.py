"""Ed25519 signing keys kept as files outside the database, addressed by a short key id (kid)."""
from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

CURRENT_FILE = "current"


class SigningKeyError(RuntimeError):
    """No usable key (not generated yet, or a file is unreadable); str() says what to run."""


@dataclass(frozen=True)
class PublicKey:
    """A published verification key."""

    kid: str
    key: Ed25519PublicKey

    def jwk(self) -> dict[str, str]:
        """The key as a JWK (RFC 8037 OKP) for the JWK Set."""
        raw = self.key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw), "kid": self.kid, "alg": "EdDSA", "use": "sig"}


def b64url(data: bytes) -> str:
    """Unpadded base64url, as JOSE writes binary values."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def key_id(public: Ed25519PublicKey) -> str:
    """A short, stable id: the first 8 characters of the base64url SHA-256 of the raw public key."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return b64url(hashlib.sha256(raw).digest())[:8]


def generate_key(keys_dir: Path) -> str:
    """Create a new key pair in keys_dir, make it the current signing key and return its kid."""
    kid = _write_key_pair(keys_dir)
    draft = keys_dir / f".{CURRENT_FILE}.{kid}"
    draft.write_text(kid)
    draft.replace(keys_dir / CURRENT_FILE)  # atomic switch of the signing key
    return kid


def ensure_signing_key(keys_dir: Path) -> str:
    """The current kid, creating the first key pair when there is none; OSError when the folder is not writable.

    Workers starting together race to create it: each writes a pair of its own, but only the first to link its
    `current` file wins (os.link never replaces); the others delete their pairs and use the winner's key, so no
    stray key is ever published.
    """
    if has_signing_key(keys_dir):
        return current_kid(keys_dir)
    kid = _write_key_pair(keys_dir)
    draft = keys_dir / f".{CURRENT_FILE}.{kid}"
    draft.write_text(kid)
    try:
        os.link(draft, keys_dir / CURRENT_FILE)
    except FileExistsError:
        for name in (f"{kid}.key.pem", f"{kid}.pub.pem"):
            (keys_dir / name).unlink(missing_ok=True)
    except OSError:  # a filesystem without hard links: a plain rename, racy only at first start
        os.replace(draft, keys_dir / CURRENT_FILE)
    finally:
        draft.unlink(missing_ok=True)
    return current_kid(keys_dir)


def _write_key_pair(keys_dir: Path) -> str:
    """Write a new private key (owner-only) and its public key; return the kid."""
    keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    private = Ed25519PrivateKey.generate()
    kid = key_id(private.public_key())
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    fd = os.open(keys_dir / f"{kid}.key.pem", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    (keys_dir / f"{kid}.pub.pem").write_bytes(private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    return kid


def has_signing_key(keys_dir: Path) -> bool:
    """True once a current signing key exists."""
    return (keys_dir / CURRENT_FILE).exists()


def current_kid(keys_dir: Path) -> str:
    """The kid new certificates are signed with."""
    try:
        return (keys_dir / CURRENT_FILE).read_text().strip()
    except OSError as exc:  # missing, or unreadable (permissions, a folder gone mid-read)
        raise SigningKeyError(f"No signing key in {keys_dir}: run `flask --app app keys generate`.") from exc


def signing_key(keys_dir: Path) -> tuple[str, Ed25519PrivateKey]:
    """The current kid and its private key."""
    kid = current_kid(keys_dir)
    try:
        private = serialization.load_pem_private_key((keys_dir / f"{kid}.key.pem").read_bytes(), password=None)
    except (OSError, ValueError) as exc:
        raise SigningKeyError(f"Signing key {kid} in {keys_dir} is missing or unreadable.") from exc
    if not isinstance(private, Ed25519PrivateKey):
        raise SigningKeyError(f"Signing key {kid} is not an Ed25519 key.")
    return kid, private


def public_keys(keys_dir: Path) -> list[PublicKey]:
    """Every published key (current and retired), newest file first."""
    found = []
    for path in sorted(keys_dir.glob("*.pub.pem"), key=lambda p: p.stat().st_mtime, reverse=True):
        public = serialization.load_pem_public_key(path.read_bytes())
        if isinstance(public, Ed25519PublicKey):
            found.append(PublicKey(key_id(public), public))
    return found
