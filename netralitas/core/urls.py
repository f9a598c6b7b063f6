"""URL helpers that need no domain knowledge."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import has_request_context, request

#: Where links point when PUBLIC_BASE_URL is empty and no request tells (a CLI command): `flask run`'s default.
DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"


def is_safe_redirect(target: str | None) -> bool:
    """Only same-site relative paths may be redirect targets (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def public_url(base_url: str, path: str) -> str:
    """An absolute URL on the official public address (PUBLIC_BASE_URL), whatever host served the page.

    Only when PUBLIC_BASE_URL is empty (development) does the server answering the request decide, so a QR made
    under `flask run --port 5001` opens port 5001; the value is then only ever shown to the requester.
    """
    return public_base_url(base_url) + "/" + path.lstrip("/")


def public_base_url(base_url: str) -> str:
    """The configured PUBLIC_BASE_URL, else (development) the address of the server answering this request."""
    if base_url:
        return base_url.rstrip("/")
    return request.host_url.rstrip("/") if has_request_context() else DEVELOPMENT_BASE_URL
