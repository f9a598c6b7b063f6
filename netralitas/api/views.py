"""The read-only JSON API and the screens where staff create and revoke their API tokens."""
from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user

from netralitas.api import services
from netralitas.api.forms import TokenForm
from netralitas.auth.access import ALL_STAFF, roles_required
from netralitas.core.forms import ConfirmForm
from netralitas.core.urls import public_url
from netralitas.db import utcnow
from netralitas.events.rules import Audience
from netralitas.events.services import find_event
from netralitas.extensions import csrf, db, limiter
from netralitas.reports.completion import completion

bp = Blueprint("api", __name__)

#: Every JSON endpoint lives under this path; nothing under it uses the session or renders HTML.
API_PREFIX = "/api/"
#: RFC 6750 challenge; clients learn from it that a bearer token is what is missing.
REALM = 'Bearer realm="netralitas"'


# --- JSON API ----------------------------------------------------------------------------------------

def _api_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def _api_failures_limit() -> str:
    return current_app.config["API_FAILURES_PER_IP"]


def _token_key() -> str:
    """Requests count per presented token (by digest, never the secret itself); without one, per address."""
    header = request.headers.get("Authorization", "")
    if header:
        return "api-token:" + services.token_digest(header)
    return "api-ip:" + get_remote_address()


def _unauthorized_response(response) -> bool:
    return response.status_code == 401


def _json(payload: dict, status: int = 200):
    """JSON in the documented key order (jsonify would sort keys: "by_agency" before "event")."""
    return current_app.response_class(json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n",
                                      status=status, mimetype="application/json")


def _error(status: int, code: str, message: str):
    return _json({"error": code, "message": message}, status)


def token_required(view: Callable) -> Callable:
    """Pass the staff member behind the bearer token to the view, or answer 401 in JSON.

    Only this decorator reads the token: a token never signs anyone in to the web pages, and a web
    session never authenticates an API call.
    """

    @wraps(view)
    def wrapped(*args, **kwargs):
        header = request.headers.get("Authorization")
        staff = services.authenticate(header)
        if staff is None:
            response = _error(401, "invalid_token" if header else "missing_token",
                              _("Token API tidak valid, sudah dicabut, atau akunnya nonaktif.") if header
                              else _("Sertakan header Authorization: Bearer <token>."))
            response.headers["WWW-Authenticate"] = f'{REALM}, error="invalid_token"' if header else REALM
            return response
        db.session.commit()  # last_used_dt, written at most once a minute
        return view(staff, *args, **kwargs)

    return wrapped


@bp.route("/api/v1/events/<slug>/completion")
@csrf.exempt
@limiter.limit(_api_failures_limit, deduct_when=_unauthorized_response)
@limiter.limit(_api_limit, key_func=_token_key)
@token_required
def event_completion(staff, slug: str):
    event = find_event(slug)
    if event is None:
        return _error(404, "not_found", _("Acara tidak ditemukan."))
    root = None
    unit = request.args.get("unit", "").strip()
    if unit:
        root = services.find_unit(staff, unit)
        if root is None:  # unknown and out of scope look the same
            return _error(404, "not_found", _("Unit kerja tidak ditemukan."))
    return _json(services.completion_payload(completion(event, Audience.of(event, staff, root)), utcnow()))


@bp.after_request
def stateless_api_responses(response):
    """API answers are never cached and never carry a cookie (e.g. the ?lang= choice would start a session)."""
    if request.path.startswith(API_PREFIX):
        response.headers["Cache-Control"] = "no-store"
        session.modified = False
    return response


@bp.errorhandler(429)
def too_many_requests(error):
    if request.path.startswith(API_PREFIX):
        return _error(429, "rate_limited", _("Terlalu banyak permintaan. Coba lagi sebentar lagi."))
    return render_template("errors/429.html"), 429


# --- token screens -----------------------------------------------------------------------------------

@bp.route("/admin/token-api")
@roles_required(*ALL_STAFF)
def tokens():
    return render_template("api/tokens.html", tokens=services.own_tokens(current_user))


@bp.route("/admin/token-api/baru", methods=["GET", "POST"])
@roles_required(*ALL_STAFF)
def token_create():
    form = TokenForm()
    if form.validate_on_submit():
        token, plaintext = services.create_token(current_user, form.name.data)
        db.session.commit()
        # Rendered, not redirected: the secret must not travel through the session cookie or a URL.
        return render_template("api/token_created.html", token=token, plaintext=plaintext,
                               example_url=public_url(current_app.config["PUBLIC_BASE_URL"],
                                                      url_for("api.event_completion", slug="slug-acara")))
    return render_template("api/token_form.html", form=form)


@bp.route("/admin/token-api/<int:token_id>/cabut", methods=["GET", "POST"])
@roles_required(*ALL_STAFF)
def token_revoke(token_id: int):
    token = services.find_own_token(current_user, token_id)
    if token is None:
        abort(404)
    if token.is_revoked:
        flash(_("Token ini sudah dicabut."), "info")
        return redirect(url_for("api.tokens"))
    form = ConfirmForm()
    if form.validate_on_submit():
        services.revoke_token(current_user, token)
        db.session.commit()
        flash(_("Token %(name)s dicabut; aplikasi yang memakainya langsung ditolak.", name=token.name), "success")
        return redirect(url_for("api.tokens"))
    return render_template("api/token_revoke.html", form=form, token=token)
