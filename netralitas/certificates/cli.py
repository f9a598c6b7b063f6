"""The certificates' `flask` commands: the signing keys (`keys generate`, `keys rotate`) and `verify-token`, which
checks a certificate token offline against a JWK Set and, optionally, a revocation list."""
from __future__ import annotations

import json
import sys
import urllib.request
from pathlib import Path
from typing import NoReturn
from urllib.parse import unquote, urlsplit

import click
import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from flask import current_app
from flask.cli import AppGroup

from netralitas.certificates import services
from netralitas.certificates.keys import PublicKey, current_kid, ensure_signing_key, generate_key, has_signing_key
from netralitas.certificates.tokens import TokenError, TokenKind, verify_token

EXIT_VALID, EXIT_NOT_VALID, EXIT_REVOKED, EXIT_CANNOT_CHECK = 0, 1, 2, 3
#: A JWK Set or revocation list larger than this is refused (a real one is a few kilobytes per thousand codes).
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
FETCH_TIMEOUT_SECONDS = 15
VERIFY_PATH = "/v/"


keys_group = AppGroup("keys", help="Ed25519 certificate signing keys (files under KEYS_DIR).")


@keys_group.command("generate")
def keys_generate_command() -> None:
    """Make sure the first signing key exists (the app also creates it on its first start); `keys rotate` adds one."""
    folder = current_app.config["KEYS_DIR"]
    if has_signing_key(folder):
        click.echo(f"Signing key {current_kid(folder)} is current in {folder}; `keys rotate` makes a new one. "
                   "Back this folder up.")
        return
    click.echo(f"Signing key {ensure_signing_key(folder)} created in {folder}. Back this folder up.")


@keys_group.command("rotate")
def keys_rotate_command() -> None:
    """Make a new current signing key; older public keys stay published so their certificates stay valid."""
    folder = current_app.config["KEYS_DIR"]
    previous = current_kid(folder) if has_signing_key(folder) else None
    kid = generate_key(folder)
    click.echo(f"Signing key {kid} is now current" + (f" (previous: {previous}, still published)." if previous else "."))


class SourceError(Exception):
    """A JWK Set or revocation list that cannot be fetched or read."""


@click.command("verify-token")
@click.argument("token_or_url")
@click.option("--jwks", "jwks_source", metavar="FILE_OR_URL",
              help="JWK Set to trust (e.g. https://<host>/.well-known/jwks.json); default: this install's keys.")
@click.option("--crl", "crl_source", metavar="FILE_OR_URL",
              help="Revocation list of the token's key (https://<host>/.well-known/crl/<kid>.json).")
def verify_token_command(token_or_url: str, jwks_source: str | None, crl_source: str | None) -> None:
    """Verify a certificate token or verify URL offline: exit 0 VALID, 1 NOT VALID, 2 REVOKED, 3 cannot check."""
    try:
        keys = keys_from_jwks(load_json(jwks_source)) if jwks_source else services.published_keys()
        if not keys:
            raise SourceError("no published keys (run `flask keys generate`, or pass --jwks)")
        crl = read_crl(load_json(crl_source)) if crl_source else None
    except SourceError as exc:
        _finish(EXIT_CANNOT_CHECK, f"CANNOT CHECK: {exc}", err=True)
    try:
        claims = verify_token(token_from(token_or_url), keys)
    except TokenError as exc:
        _finish(EXIT_NOT_VALID, f"NOT VALID: {exc}")
    issued = claims.issued_dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    if claims.kind == TokenKind.DOCUMENT:  # a case document's QR: genuine; superseded or not is known online only
        from netralitas.cases.documents import display_code

        click.echo(f"VALID document {display_code(claims.code)} issued {issued} kid {claims.kid}")
        click.echo("(a case document: whether a newer one replaced it is shown at its /v/ page)", err=True)
        return
    code = services.display_code(claims.code)
    if crl is not None:
        kid, revoked = crl
        if kid != claims.kid:
            _finish(EXIT_CANNOT_CHECK, f"CANNOT CHECK: the revocation list is for key {kid}, "
                                       f"the token was signed by key {claims.kid}", err=True)
        if services.revocation_id(token_from(token_or_url)) in revoked:
            _finish(EXIT_REVOKED, f"REVOKED {code} issued {issued} kid {claims.kid}")
    click.echo(f"VALID {code} issued {issued} kid {claims.kid}")
    if crl is None:
        click.echo("(revocation not checked: pass --crl to check it)", err=True)


def _finish(status: int, message: str, *, err: bool = False) -> NoReturn:
    click.echo(message, err=err)
    sys.exit(status)


def token_from(token_or_url: str) -> str:
    """The token itself, from a bare token or a full verify URL (https://<host>/v/<token>)."""
    text = token_or_url.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https"):
        return text
    if not parts.path.startswith(VERIFY_PATH):
        raise TokenError(f"not a verify URL (expected {parts.scheme}://<host>{VERIFY_PATH}<token>)")
    return unquote(parts.path[len(VERIFY_PATH):])


def load_json(source: str) -> object:
    """Parse JSON from a file path or an http(s) URL."""
    try:
        if urlsplit(source).scheme in ("http", "https"):
            # Only http(s) reaches here, so urlopen cannot be steered to file:// or other schemes.
            request = urllib.request.Request(source, headers={"Accept": "application/json",  # noqa: S310
                                                              "User-Agent": "netralitas-verify-token"})
            with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_SECONDS) as answer:  # noqa: S310
                data = answer.read(MAX_DOCUMENT_BYTES + 1)
        else:
            with Path(source).open("rb") as handle:
                data = handle.read(MAX_DOCUMENT_BYTES + 1)
    except (OSError, ValueError) as exc:  # URLError and HTTPError are OSErrors
        raise SourceError(f"cannot read {source}: {exc}") from exc
    if len(data) > MAX_DOCUMENT_BYTES:
        raise SourceError(f"{source} is larger than {MAX_DOCUMENT_BYTES} bytes")
    try:
        return json.loads(data)
    except ValueError as exc:
        raise SourceError(f"{source} is not JSON: {exc}") from exc


def keys_from_jwks(document: object) -> list[PublicKey]:
    """The Ed25519 keys of a JWK Set; other key types are ignored, so they can never verify a token."""
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise SourceError("not a JWK Set (expected {\"keys\": [...]})")
    found = []
    for entry in document["keys"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("kid"), str):
            continue
        try:
            key = jwt.PyJWK(entry).key
        except (jwt.exceptions.PyJWTError, KeyError, TypeError, ValueError):
            continue
        if isinstance(key, Ed25519PublicKey):
            found.append(PublicKey(entry["kid"], key))
    if not found:
        raise SourceError("the JWK Set holds no Ed25519 key")
    return found


def read_crl(document: object) -> tuple[str, set[str]]:
    """The key id and revocation ids of a revocation list ({kid, method: "sha256-token", ctr, rids})."""
    if (not isinstance(document, dict) or document.get("method") != services.CRL_METHOD
            or not isinstance(document.get("kid"), str) or not isinstance(document.get("rids"), list)):
        raise SourceError(f'not a revocation list (expected {{"kid", "method": "{services.CRL_METHOD}", "ctr", "rids"}})')
    return document["kid"], {rid for rid in document["rids"] if isinstance(rid, str)}
