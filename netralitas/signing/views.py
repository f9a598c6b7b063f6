"""Public signer pages: venue link, personal link, declaration, confirmation. Small and script-light."""
from __future__ import annotations

import time

from flask import Blueprint, abort, current_app, flash, g, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from netralitas.certificates.services import display_code as display_certificate_code
from netralitas.certificates.services import verify_url
from netralitas.core import codes
from netralitas.core.masking import mask_number
from netralitas.core.numbers import plain_int
from netralitas.events import cache as event_cache
from netralitas.events.cache import CachedEvent
from netralitas.events.models import EventStatus
from netralitas.events.rules import window
from netralitas.extensions import db, limiter
from netralitas.invitations.services import display_code, find_invitation
from netralitas.signing import queries, services
from netralitas.signing.forms import AccessForm, DeclarationForm
from netralitas.signing.models import Signature

bp = Blueprint("signing", __name__)

SESSION_KEY = "signer"
#: A verified signer must finish within this time, then prove themselves again.
SIGNER_SESSION_SECONDS = 30 * 60
FAILED = 422

Problem = services.Problem
#: What the signer is told for each problem, in their language; %(detail)s is the refusal's detail.
PROBLEM_MESSAGES = {
    Problem.UNKNOWN_CODE: _l("Kode undangan tidak dikenal. Periksa kembali, atau minta bantuan petugas."),
    Problem.CODE_OTHER_EVENT: _l("Kode undangan ini untuk acara lain."),
    Problem.CODE_ENDED: _l("Kode undangan ini sudah tidak berlaku. Hubungi meja bantuan."),
    Problem.BIRTH_DATE_FORMAT: _l("Format tanggal lahir tidak dikenali. Contoh: 24-02-1976"),
    Problem.WRONG_BIRTH_DATE: _l("Tanggal lahir tidak cocok dengan data kepegawaian."),
    Problem.NOT_REQUIRED: _l("Anda tidak termasuk pegawai yang wajib menandatangani acara ini. Hubungi petugas."),
    Problem.WRONG_ATTENDANCE: _l("Kode kehadiran salah atau sudah kedaluwarsa. Lihat kode terbaru di layar, "
                                 "atau kosongkan untuk tanda tangan jarak jauh."),
    Problem.EVENT_DRAFT: _l("Acara ini belum dibuka."),
    Problem.EVENT_NOT_YET: _l("Penandatanganan belum dibuka. Silakan coba lagi saat acara dimulai."),
    Problem.EVENT_ENDED: _l("Waktu penandatanganan sudah berakhir."),
    Problem.EVENT_CLOSED: _l("Penandatanganan untuk acara ini sudah ditutup."),
    Problem.EMPLOYEE_INACTIVE: _l("Data kepegawaian Anda tidak aktif. Hubungi petugas."),
    Problem.POINTS_MISSING: _l("Centang semua butir pernyataan (belum: %(detail)s)."),
    Problem.NAME_MISMATCH: _l("Ketik nama lengkap Anda sesuai data: %(detail)s."),
    Problem.NO_SIGNING_KEY: _l("Sertifikat belum dapat diterbitkan: kunci tanda tangan sistem tidak tersedia. "
                               "Tanda tangan Anda belum disimpan. Beri tahu petugas, lalu kirim ulang sebentar lagi."),
}
#: Refusals that do not count against the per-code limit: a typing problem is not a guess.
NOT_COUNTED = {Problem.BIRTH_DATE_FORMAT}


def say(refusal: services.Refusal) -> str:
    """The refusal in the signer's language (the drawing's problems come from core.images as they are)."""
    if refusal.problem == Problem.SIGNATURE:
        return refusal.detail
    return str(PROBLEM_MESSAGES[refusal.problem]) % {"detail": refusal.detail}


# Rate limits. A stadium puts thousands of phones behind one address, so the address limit counts only UNKNOWN
# codes (a guesser's footprint) and does not apply at all to a code that exists: one device typing wrong codes
# must not lock out everyone else on the same Wi-Fi. A known code is guarded by its own limit instead, which
# counts wrong birth dates and attendance codes (but not a date that could not be read).

def _typed_invitation():
    """The invitation (live or ended) the request's code names, looked up once per request."""
    if "signer_invitation" not in g:
        typed = request.form.get("code", "") if request.method == "POST" else (request.view_args or {}).get("code", "")
        g.signer_invitation = find_invitation(typed)
    return g.signer_invitation


def _code_exists() -> bool:
    return _typed_invitation() is not None


def _unknown_code(response) -> bool:
    """Counted against the address: a code that names no invitation."""
    return response.status_code == FAILED and g.get("signer_problem") == Problem.UNKNOWN_CODE


def _failed_guess(response) -> bool:
    """Counted against the code: a checked attempt that was refused."""
    problem = g.get("signer_problem")
    return response.status_code == FAILED and problem is not None and problem not in NOT_COUNTED


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
@limiter.limit(_ip_limit, methods=["POST"], exempt_when=_code_exists, deduct_when=_unknown_code)
@limiter.limit(_code_limit, methods=["POST"], key_func=_code_key, deduct_when=_failed_guess)
def start(slug: str):
    event = _visible_event(slug)
    form = AccessForm()
    if form.validate_on_submit():
        try:
            access = services.verify_signer(event, form.code.data, form.birth_date.data, form.attendance.data,
                                            invitation=_typed_invitation())
        except services.SigningError as exc:
            g.signer_problem = exc.problem
            for refusal in exc.refusals:
                _field_for(form, refusal.field).errors.append(say(refusal))
            return _render_start(event, form), FAILED
        session[SESSION_KEY] = {"access": access.__dict__, "since": int(time.time())}
        return redirect(url_for("signing.declare", slug=slug))
    return _render_start(event, form), FAILED if form.errors else 200


@bp.route("/i/<code>")
@limiter.limit(_ip_limit, exempt_when=_code_exists, deduct_when=_unknown_code)
def personal_link(code: str):
    invitation = _typed_invitation()
    event = event_cache.event_by_id(invitation.event_id) if invitation is not None else None
    if event is None or event.status == EventStatus.DRAFT:
        g.signer_problem = Problem.UNKNOWN_CODE if invitation is None else Problem.EVENT_DRAFT
        return render_template("signing/unknown_code.html"), FAILED
    if invitation.revoked_dt is not None:
        return render_template("signing/unknown_code.html", ended=True), FAILED
    form = AccessForm(formdata=None, code=display_code(codes.normalize(code)))
    return _render_start(event, form)


def _render_start(event: CachedEvent, form: AccessForm) -> str:
    problem = services.WINDOW_PROBLEMS.get(window(event))
    return render_template("signing/start.html", event=event, form=form,
                           window_message=PROBLEM_MESSAGES[problem] if problem else None)


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
    ticked = {n for n in map(plain_int, request.form.getlist("point")) if n is not None}
    refusals: tuple[services.Refusal, ...] = ()
    if form.validate_on_submit():
        try:
            # A signer who already signed (double tap, retry, second phone) gets their first signature back.
            services.sign(access, ticked=ticked, typed_name=form.typed_name.data, signature_png=form.signature_png(),
                          client_ip=request.remote_addr or "", user_agent=request.user_agent.string,
                          max_png_bytes=current_app.config["SIGNATURE_MAX_BYTES"])
        except services.SigningError as exc:
            db.session.rollback()
            refusals = exc.refusals
        else:
            db.session.commit()
            return redirect(url_for("signing.done", slug=slug))
    signer = queries.signer_card(event.id, access.employee_id)
    if signer.signature_id is not None:
        return redirect(url_for("signing.done", slug=slug))
    # The drawing goes back to the page (static/js/sign.js redraws it) unless the drawing itself was the problem.
    drawing_refused = form.signature.errors or any(r.problem == Problem.SIGNATURE for r in refusals)
    page = render_template("signing/declare.html", event=event, signer=signer, access=access, form=form,
                           text=event.current_text, ticked=ticked, errors=[say(r) for r in refusals],
                           drawing=form.signature.data if form.signature_png() and not drawing_refused else "",
                           masked_id=mask_number(signer.nip or signer.nik))
    return page, FAILED if (refusals or form.errors) else 200


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
