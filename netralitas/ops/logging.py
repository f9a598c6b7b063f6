"""One JSON line per request on the `netralitas.request` logger: what was asked, how it ended, how long it took.

Never logged: query strings, URL values (invitation codes in /i/<code>, certificate tokens in /v/<token>),
form fields, names, NIP/NIK. The path is the URL rule (`/i/<code>`); a URL that matches no rule keeps only its
first segment.
"""
from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
from datetime import UTC, datetime

from flask import Flask, Request, Response, g, request

LOGGER_NAME = "netralitas.request"
REQUEST_ID_HEADER = "X-Request-ID"
#: A request id from the proxy is kept only when it is short and plain (it is echoed into logs and headers).
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_START_KEY = "netralitas.request_start"
#: Health probes arrive every few seconds: logged at DEBUG while they succeed.
_QUIET_ENDPOINTS = frozenset({"ops.healthz"})

log = logging.getLogger(LOGGER_NAME)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (gunicorn and pytest both replace it)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


class _StampStart:
    """WSGI wrapper that notes when the request arrived, before any Flask hook (a 429 from the limiter included)."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        environ[_START_KEY] = time.perf_counter()
        return self.wsgi_app(environ, start_response)


def init_request_logging(app: Flask) -> None:
    """Configure the logger once per process and log every response of this app."""
    configure_logger(app.config.get("REQUEST_LOG_LEVEL") or os.environ.get("REQUEST_LOG_LEVEL", "INFO"))
    app.wsgi_app = _StampStart(app.wsgi_app)
    app.after_request(log_request)


def configure_logger(level: str | int) -> logging.Logger:
    """Plain message lines (already JSON) to stderr, not propagated (the root logger would format them again)."""
    log.setLevel(level.upper() if isinstance(level, str) else level)
    log.propagate = False
    if not any(isinstance(handler, _StderrHandler) for handler in log.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
    return log


def request_id() -> str:
    """This request's id: the proxy's X-Request-ID when it is plain, else a new random one."""
    if "request_id" not in g:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = given if _SAFE_REQUEST_ID.fullmatch(given) else os.urandom(16).hex()
    return g.request_id


def logged_path(req: Request) -> str:
    """The URL rule that matched, or the first segment of an unmatched path: never a code, token or query."""
    if req.url_rule is not None:
        return req.url_rule.rule
    first = req.path.lstrip("/").split("/", 1)
    head = re.sub(r"[^A-Za-z0-9._-]", "?", first[0][:40])
    return f"/{head}" + ("/…" if len(first) > 1 else "")


def _staff_id() -> int | None:
    # Only a user this request already loaded: asking Flask-Login here would cost a query on every request,
    # and on a 503 the database is the thing that is down. get_id() carries the session nonce: log the id.
    user = g.get("_login_user")
    return user.id if user is not None and getattr(user, "is_authenticated", False) else None


def log_request(response: Response) -> Response:
    """after_request hook: add X-Request-ID to the response and write the request's line."""
    rid = request_id()
    response.headers[REQUEST_ID_HEADER] = rid
    req = request._get_current_object()  # one proxy lookup instead of one per field (this runs on every request)
    status = response.status_code
    level = logging.INFO
    if status >= 500:
        level = logging.ERROR
    elif req.endpoint in _QUIET_ENDPOINTS:
        level = logging.DEBUG
    if not log.isEnabledFor(level):
        return response
    started = req.environ.get(_START_KEY)
    line = {
        "ts": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "request_id": rid,
        "method": req.method,
        "path": logged_path(req),
        "status": status,
        "ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
        "staff_id": _staff_id(),
        "remote": req.remote_addr,
    }
    log.log(level, json.dumps(line, separators=(",", ":"), ensure_ascii=False))
    return response
