"""URL helpers that need no domain knowledge."""
from __future__ import annotations

from urllib.parse import urlsplit


def is_safe_redirect(target: str | None) -> bool:
    """Only same-site relative paths may be redirect targets (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def public_url(base_url: str, path: str) -> str:
    """An absolute URL on the official public address (PUBLIC_BASE_URL), whatever host served the page."""
    return base_url.rstrip("/") + "/" + path.lstrip("/")
