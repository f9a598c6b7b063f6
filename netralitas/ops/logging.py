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

from flask import Flask, Request, g, has_request_context, request

LOGGER_NAME = "netralitas.request"
REQUEST_ID_HEADER = "X-Request-ID"
#: A request id from the proxy is kept only when it is short and plain (it is echoed into logs and headers).
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
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


class RequestLog:
    """WSGI middleware: gives each request an id (X-Request-ID) and writes its line when the response starts.

    It sees every response, a 429 from the limiter or a static file included, and times from the moment the
    request reached the app. Working on the WSGI status line and header list costs less than an after_request
    hook with werkzeug's Headers, which matters on the paths that answer thousands of times a minute.
    """

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        started = time.perf_counter()

        def start_and_log(status: str, headers: list[tuple[str, str]], exc_info=None):
            if has_request_context():  # always, unless Flask failed before its request context existed
                rid = request_id()
                _write_line(int(status[:3]), rid, started)
            else:
                rid = os.urandom(16).hex()
            headers.append((REQUEST_ID_HEADER, rid))
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start_and_log)


def init_request_logging(app: Flask) -> None:
    """Configure the logger once per process and log every response of this app."""
    configure_logger(app.config.get("REQUEST_LOG_LEVEL") or os.environ.get("REQUEST_LOG_LEVEL", "INFO"))
    app.wsgi_app = RequestLog(app.wsgi_app)


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


def _write_line(status: int, rid: str, started: float) -> None:
    """The request's line (called while its request context is still active: Flask starts the response inside)."""
    level = logging.INFO
    if status >= 500:
        level = logging.ERROR
    elif request.endpoint in _QUIET_ENDPOINTS:
        level = logging.DEBUG
    if not log.isEnabledFor(level):
        return
    req = request._get_current_object()  # one proxy lookup instead of one per field (this runs on every request)
    line = {
        "ts": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "request_id": rid,
        "method": req.method,
        "path": logged_path(req),
        "status": status,
        "ms": round((time.perf_counter() - started) * 1000, 1),
        "staff_id": _staff_id(),
        "remote": req.remote_addr,
    }
    # makeRecord + handle is log.log() without its search of the call stack for a source line nobody prints.
    log.handle(log.makeRecord(LOGGER_NAME, level, __file__, 0,
                              json.dumps(line, separators=(",", ":"), ensure_ascii=False), None, None))
