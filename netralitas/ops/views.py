"""Health endpoint for the reverse proxy and monitoring."""
from __future__ import annotations

from flask import Blueprint, jsonify

from netralitas.extensions import limiter
from netralitas.ops.services import database_is_reachable, signing_key_is_usable

bp = Blueprint("ops", __name__)


@bp.route("/healthz")
@limiter.exempt
def healthz():
    """200 when the database runs `SELECT 1` and a signing key is usable, else 503; JSON, never the HTML page."""
    is_database_ok = database_is_reachable()
    is_key_ok = signing_key_is_usable()
    is_ok = is_database_ok and is_key_ok
    response = jsonify(status="ok" if is_ok else "unavailable",
                       database="ok" if is_database_ok else "unavailable",
                       signing_key="ok" if is_key_ok else "missing")
    response.status_code = 200 if is_ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response
