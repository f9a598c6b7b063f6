"""Health endpoint for the reverse proxy and monitoring."""
from __future__ import annotations

from flask import Blueprint, jsonify

from netralitas.extensions import limiter
from netralitas.ops.services import database_is_reachable

bp = Blueprint("ops", __name__)


@bp.route("/healthz")
@limiter.exempt
def healthz():
    """200 when the app answers and the database runs `SELECT 1`, else 503; JSON, never the HTML error page."""
    is_ok = database_is_reachable()
    response = jsonify(status="ok" if is_ok else "unavailable", database="ok" if is_ok else "unavailable")
    response.status_code = 200 if is_ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response
