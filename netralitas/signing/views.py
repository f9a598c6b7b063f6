"""Public signer pages: venue link, personal link, declaration, confirmation. Small and script-light."""
from __future__ import annotations

import time

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from netralitas.certificates.services import display_code as display_certificate_code
from netralitas.certificates.services import verify_url
from netralitas.core import codes
from netralitas.core.masking import mask_number
from netralitas.events import cache as event_cache
from netralitas.events import services as events
from netralitas.events.cache import CachedEvent
from netralitas.events.models import EventStatus
from netralitas.extensions import db, limiter
from netralitas.invitations.services import display_code, find_by_code
from netralitas.signing import queries, services
from netralitas.signing.forms import AccessForm, DeclarationForm
from netralitas.signing.models import Signature

bp = Blueprint("signing", __name__)

SESSION_KEY = "signer"
#: A verified signer must finish within this time, then prove themselves again.
SIGNER_SESSION_SECONDS = 30 * 60
FAILED = 422


def _failed(response) -> bool:
    """Only failed attempts count against the limits: a venue shares one address among thousands."""
    return response.status_code == FAILED


def _code_key() -> str:
    return "signer-code:" + codes.normalize(request.form.get("code", ""))[:20]


def _ip_limit() -> str:
    return current_app.config["SIGNER_FAILURES_PER_IP"]


def _code_limit() -> str:
    return current_app.config["SIGNER_FAILURES_PER_CODE"]


def _visible_event(slug: str) -> CachedEvent:
    event = event_cache.event_by_slug(slug)  # every signer request asks: a short per-process cache
    if event is None or event.status == EventStatus.DRAFT:
        abort(404)
    return event


@bp.route("/e/<slug>", methods=["GET", "POST"])
@limiter.limit(_ip_limit, methods=["POST"], deduct_when=_failed)
@limiter.limit(_code_limit, methods=["POST"], key_func=_code_key, deduct_when=_failed)
def start(slug: str):
    event = _visible_event(slug)
    form = AccessForm()
    if form.validate_on_submit():
        try:
            access = services.verify_signer(event, form.code.data, form.birth_date.data, form.attendance.data)
        except services.SigningError as exc:
            _field_for(form, exc.field).errors.append(str(exc))
            return _render_start(event, form), FAILED
        session[SESSION_KEY] = {"access": access.__dict__, "since": int(time.time())}
        return redirect(url_for("signing.declare", slug=slug))
    return _render_start(event, form), FAILED if form.errors else 200


@bp.route("/i/<code>")
@limiter.limit(_ip_limit, deduct_when=_failed)
def personal_link(code: str):
    invitation = find_by_code(code)
    event = event_cache.event_by_id(invitation.event_id) if invitation is not None else None
    if event is None or event.status == EventStatus.DRAFT:
        return render_template("signing/unknown_code.html"), FAILED
    form = AccessForm(formdata=None, code=display_code(codes.normalize(code)))
    return _render_start(event, form)


def _render_start(event: CachedEvent, form: AccessForm) -> str:
    state = events.event_status_now(event)
    return render_template("signing/start.html", event=event, form=form, state=state,
                           state_message=services.EVENT_STATE_MESSAGES.get(state))


def _field_for(form, name: str | None):
    fields = {"code": form.code, "birth_date": form.birth_date, "attendance": form.attendance}
    return fields.get(name, form.code)


def _signer_access(event: CachedEvent) -> services.SignerAccess | None:
    """The verified signer of this browser session for this event, unless it expired."""
    stored = session.get(SESSION_KEY)
    if not stored or stored["access"]["event_id"] != event.id:
        return None
    if time.time() - stored["since"] > SIGNER_SESSION_SECONDS:
        session.pop(SESSION_KEY, None)
        return None
    return services.SignerAccess(**stored["access"])


@bp.route("/e/<slug>/deklarasi", methods=["GET", "POST"])
def declare(slug: str):
    event = _visible_event(slug)
    access = _signer_access(event)
    if access is None:
        flash(_("Sesi Anda berakhir. Masukkan kode undangan sekali lagi."), "warning")
        return redirect(url_for("signing.start", slug=slug))
    form = DeclarationForm()
    ticked = {int(v) for v in request.form.getlist("point") if v.isdigit()}
    error = None
    if form.validate_on_submit():
        try:
            # A signer who already signed (double tap, retry, second phone) gets their first signature back.
            services.sign(access, ticked=ticked, typed_name=form.typed_name.data, signature_png=form.signature_png(),
                          client_ip=request.remote_addr or "", user_agent=request.user_agent.string,
                          max_png_bytes=current_app.config["SIGNATURE_MAX_BYTES"])
        except services.SigningError as exc:
            db.session.rollback()
            error = exc
        else:
            db.session.commit()
            return redirect(url_for("signing.done", slug=slug))
    signer = queries.signer_card(event.id, access.employee_id)
    if signer.signature_id is not None:
        return redirect(url_for("signing.done", slug=slug))
    page = render_template("signing/declare.html", event=event, signer=signer, access=access, form=form,
                           text=event.current_text, ticked=ticked, error=error,
                           masked_id=mask_number(signer.nip or signer.nik))
    return page, FAILED if (error or form.errors) else 200


def _own_signature(slug: str) -> tuple[CachedEvent, Signature | None]:
    """The event and the live signature of this browser session's verified signer (None when there is none)."""
    event = _visible_event(slug)
    access = _signer_access(event)
    return event, services.existing_signature(event.id, access.employee_id) if access else None


@bp.route("/e/<slug>/selesai")
def done(slug: str):
    event = _visible_event(slug)
    access = _signer_access(event)
    card = queries.certificate_card(event.id, access.employee_id) if access else None
    if card is None:
        return redirect(url_for("signing.start", slug=slug))
    # The page carries the verify URL; static/js/certificate-qr.js draws the QR on the phone.
    return render_template("signing/done.html", event=event, card=card, masked_id=mask_number(card.nip or card.nik),
                           verify_url=verify_url(card), code=display_certificate_code(card.code))


@bp.route("/e/<slug>/sertifikat.pdf")
def certificate_pdf_download(slug: str):
    _, signature = _own_signature(slug)
    if signature is None:
        return redirect(url_for("signing.start", slug=slug))
    from netralitas.certificates.pdf import certificate_pdf

    response = make_response(certificate_pdf(signature.certificate))
    response.headers["Content-Type"] = "application/pdf"
    filename = f"sertifikat-{display_certificate_code(signature.certificate.code)}.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/e/<slug>/tanda-tangan.png")
def signature_image(slug: str):
    _, signature = _own_signature(slug)
    if signature is None:
        abort(404)
    response = make_response(signature.signature_png)
    response.headers["Content-Type"] = "image/png"
    response.headers["Cache-Control"] = "private, max-age=600"
    return response


@bp.route("/e/<slug>/keluar", methods=["POST"])
def leave(slug: str):
    session.pop(SESSION_KEY, None)
    return redirect(url_for("signing.start", slug=slug))
