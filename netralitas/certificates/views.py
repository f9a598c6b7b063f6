"""Public verification: the QR's /v/<token> page, /cek by printed code, and the keys and revocation lists."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, jsonify, make_response, render_template, request, session
from flask_login import current_user

from netralitas.auth.models import Role
from netralitas.certificates import services
from netralitas.certificates.forms import REASON_LABELS, CheckCodeForm
from netralitas.core.masking import mask_name, mask_number
from netralitas.core.sessions import visitor
from netralitas.core.urls import public_base_url
from netralitas.extensions import limiter

bp = Blueprint("certificates", __name__)

#: NOT VALID answers 404: the certificate the link names does not exist (link checkers and scripts see it too).
NOT_FOUND = 404
#: A typed code that cannot be right (length or check symbol): the form is shown again.
UNPROCESSABLE = 422
#: Verdict -> CSS modifier of the verdict block.
VERDICT_STYLE = {services.Verdict.VALID: "valid", services.Verdict.REVOKED: "revoked",
                 services.Verdict.SUPERSEDED: "revoked", services.Verdict.NOT_VALID: "invalid"}


# /cek limits. A stadium puts 5,000 phones behind one address, and a found code must never be revealed to a
# guesser who is over a limit (a 429 for unknown codes next to an answer for real ones would itself tell). So:
# - each browser gets a random checker id in its session cookie (the form page or any answer sets it);
# - failed lookups count against that id (CERTIFICATE_LOOKUP_FAILURES_PER_SESSION): a session over it gets 429
#   whatever it types, found or not;
# - failed lookups also count against the address (CERTIFICATE_LOOKUP_FAILURES_PER_IP, generous), but the address
#   is checked only for requests that arrive without a checker id (scripts that drop cookies): browsers that kept
#   theirs go on verifying, each held to its own limit, while one device guesses on the same Wi-Fi.


def _checker_key() -> str:
    return "cek-session:" + visitor()[0]


def _brought_checker_id() -> bool:
    return visitor()[1]


def _lookup_limit() -> str:
    return current_app.config["CERTIFICATE_LOOKUP_FAILURES_PER_IP"]


def _session_lookup_limit() -> str:
    return current_app.config["CERTIFICATE_LOOKUP_FAILURES_PER_SESSION"]


def _failed_lookup(response) -> bool:
    """Only lookups that found nothing count: a verifier's office may check many real certificates."""
    return response.status_code in (NOT_FOUND, UNPROCESSABLE)


@bp.route("/v/", defaults={"token": ""})
@bp.route("/v/<path:token>")
def verify(token: str):
    """The page a certificate's QR opens: VALID, REVOKED or NOT VALID."""
    # The signature is checked before any database access, so forged or garbled links cost no query.
    return _answer(services.verify_token_online(token))


@bp.route("/cek", methods=["GET", "POST"])
@limiter.limit(_session_lookup_limit, methods=["POST"], key_func=_checker_key, deduct_when=_failed_lookup)
@limiter.limit(_lookup_limit, methods=["POST"], exempt_when=_brought_checker_id, deduct_when=_failed_lookup)
def check_code():
    """Look a certificate up by the code printed under its QR; same answer page as /v."""
    visitor()  # the form page hands out the visitor id its lookups will be counted against
    form = CheckCodeForm()
    if form.validate_on_submit():
        typed = services.display_code(services.parse_code(form.code.data))
        return _answer(services.verify_code(form.code.data), typed_code=typed)
    return _no_store(make_response(render_template("certificates/check.html", form=form),
                                  UNPROCESSABLE if form.errors else 200))


def _answer(verification: services.Verification, typed_code: str | None = None):
    """The verdict page: 200 for VALID and REVOKED, 404 for NOT VALID; never cached."""
    if verification.document is not None:
        return _document_answer(verification)
    record = verification.record
    with_reason = record is not None and record.is_revoked and _may_read_revocation_reason()
    if verification.verdict == services.Verdict.NOT_VALID:
        current_app.logger.info("certificate check NOT VALID: %s", verification.reason)
    page = render_template("certificates/verify.html", verdict=verification.verdict.value,
                           style=VERDICT_STYLE[verification.verdict], typed_code=typed_code,
                           details=_public_details(record, with_reason=with_reason) if record else None,
                           event={"name": record.event_name} if record else None,
                           official_host=urlsplit(public_base_url(current_app.config["PUBLIC_BASE_URL"])).netloc)
    status = NOT_FOUND if verification.verdict == services.Verdict.NOT_VALID else 200
    response = _no_store(make_response(page, status))
    response.headers["X-Robots-Tag"] = "noindex, nofollow"  # masked personal data: keep it out of search engines
    return response


def _document_answer(verification: services.Verification):
    """A printed case document: VALID (masked name, no case matter) or DIGANTI (only its replacement's number)."""
    page = render_template("cases/verify_document.html", verdict=verification.verdict.value,
                           style=VERDICT_STYLE[verification.verdict], document=verification.document,
                           official_host=urlsplit(public_base_url(current_app.config["PUBLIC_BASE_URL"])).netloc)
    response = _no_store(make_response(page, 200))
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _may_read_revocation_reason() -> bool:
    """Only a signed-in super admin (who sees it in the certificate screens anyway) learns why it was revoked.

    A reason such as a disciplinary case is personal data (UU PDP): the public sees DICABUT and the date. An
    anonymous visitor carries no login in the session (nor a remember cookie), so the staff account is loaded only
    for a visitor who may be staff.
    """
    remember_cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    if "_user_id" not in session and remember_cookie not in request.cookies:
        return False
    return current_user.is_authenticated and current_user.role == Role.SUPER_ADMIN


def _public_details(record: services.PublicRecord, *, with_reason: bool = False) -> dict[str, str | None]:
    """The minimum anyone may see (UU PDP): masked name and number; reason and note only when with_reason."""
    return {
        "name": mask_name(record.employee_name),
        "is_nip": bool(record.nip),  # the label (NIP or NIK) is translated in the template
        "number": mask_number(record.nip or record.nik),
        "agency": record.agency_name,
        "event": record.event_name,
        "signed_dt": record.signed_dt,
        "code": services.display_code(record.code),
        "revoked_dt": record.revoked_dt,
        "reason": str(REASON_LABELS[record.revocation_reason]) if with_reason and record.revocation_reason else None,
        "note": record.revocation_note if with_reason else None,
    }


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"  # a revocation must show at once
    return response


@bp.route("/.well-known/jwks.json")
def jwks():
    """Every published public key (current and retired) as a JWK Set (RFC 7517, OKP keys of RFC 8037)."""
    return _open_json(jsonify(keys=[key.jwk() for key in services.published_keys()]), max_age=300)


@bp.route("/.well-known/crl/<kid>.json")
def revocation_list(kid: str):
    """Revoked certificates of one key: {kid, method: "sha256-token", ctr, rids} (SMART Health Cards style)."""
    if kid not in {key.kid for key in services.published_keys()}:
        response = jsonify(error="unknown kid")
        response.status_code = NOT_FOUND
        return _open_json(response, max_age=60)
    response = _open_json(jsonify(services.revocation_list(kid)), max_age=60)
    response.add_etag()
    return response.make_conditional(request)


def _open_json(response, *, max_age: int):
    """Public data for any verifier, including scripts on other origins."""
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
