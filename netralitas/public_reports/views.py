"""The public's pages: /lapor (a report, no login, no JavaScript needed), the receipt, and /lapor/status.

Spam controls: CSRF on every form, a honeypot field, size and count limits on files, and rate limits on every POST
per browser (the visitor id in the session) and per address; a refused post stores nothing.
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from netralitas.core.codes import CodeError
from netralitas.core.evidence import PROBLEM_MESSAGES, EvidenceError, clean_evidence
from netralitas.core.sessions import visitor
from netralitas.core.text import single_line
from netralitas.extensions import db, limiter
from netralitas.legal.referrals import referral_channels
from netralitas.masterdata import services as masterdata
from netralitas.public_reports import services
from netralitas.public_reports.forms import ReceiptForm, ReporterEvidenceForm, ReportForm
from netralitas.public_reports.models import PublicReport
from netralitas.public_reports.status import STATUS_LABELS, PublicStatus
from netralitas.public_reports.topics import topic as topic_of

bp = Blueprint("public_reports", __name__)

#: Session key holding the receipt of the report this browser just sent (the receipt page shows it).
RECEIPT_KEY = "lapor_receipt"
UNPROCESSABLE = 422
NOT_FOUND = 404


def _visitor_key() -> str:
    return "lapor-session:" + visitor()[0]


def _posts_per_session() -> str:
    return current_app.config["PUBLIC_REPORTS_PER_SESSION"]


def _posts_per_ip() -> str:
    return current_app.config["PUBLIC_REPORTS_PER_IP"]


def _status_failures_per_session() -> str:
    return current_app.config["REPORT_STATUS_FAILURES_PER_SESSION"]


def _status_failures_per_ip() -> str:
    return current_app.config["REPORT_STATUS_FAILURES_PER_IP"]


def _brought_visitor_id() -> bool:
    return visitor()[1]


def _failed_lookup(response) -> bool:
    """A receipt that cannot be right or names no report counts against the limits; a found one does not."""
    return response.status_code in (NOT_FOUND, UNPROCESSABLE)


# Every POST that could store something counts, accepted or not: per browser, and per address for everyone (a bot
# that drops its cookie gets a new visitor id each time, the address stays). Each form keeps its own counters.
posts_per_browser = limiter.limit(_posts_per_session, methods=["POST"], key_func=_visitor_key)
posts_per_address = limiter.limit(_posts_per_ip, methods=["POST"])


@bp.route("/lapor", methods=["GET", "POST"])
@posts_per_browser
@posts_per_address
def report():
    """The report form; a valid post with acceptable files becomes a report and the browser goes to its receipt."""
    visitor()
    form = ReportForm()
    governments = masterdata.governments()
    form.government_id.choices = [(g.id, g.name) for g in governments]
    if request.method == "GET" and len(governments) == 1:
        form.government_id.data = governments[0].id
    if form.validate_on_submit():
        uploads = _uploads(form.evidence, form.evidence.data)
        if uploads is not None:
            draft = services.ReportDraft(
                government_id=form.government_id.data, subject_name=form.subject_name.data,
                topic=form.topic.data, description=form.description.data,
                subject_position=form.subject_position.data or None, subject_unit=form.subject_unit.data or None,
                subject_handle=form.subject_handle.data or None, occurred_on=form.occurred_on.data,
                place=form.place.data or None, known_on=form.known_on.data,
                reporter_name=form.reporter_name.data or None, reporter_contact=form.reporter_contact.data or None)
            _, receipt = services.submit(draft, uploads)
            db.session.commit()
            session[RECEIPT_KEY] = receipt
            return redirect(url_for(".receipt"))
    page = render_template("public_reports/report.html", form=form, single_government=len(governments) == 1,
                           channels=referral_channels(), max_files=current_app.config["PUBLIC_REPORT_FILES_PER_POST"],
                           max_mb=current_app.config["PUBLIC_REPORT_FILE_MAX_BYTES"] // (1024 * 1024))
    return _private(make_response(page, UNPROCESSABLE if form.errors else 200))


@bp.route("/lapor/terima")
def receipt():
    """The receipt of the report this browser just sent: the code to keep, and where else to report."""
    code = session.get(RECEIPT_KEY)
    report = services.find_by_receipt(code) if isinstance(code, str) else None
    if report is None:
        return redirect(url_for(".status"))
    chosen = topic_of(report.topic)
    also = [c for c in referral_channels() if chosen and c.key == chosen.referral]
    page = render_template("public_reports/receipt.html", receipt=services.display_receipt(code), raw_receipt=code,
                           received_dt=report.created_dt, also=also)
    return _private(make_response(page))


@bp.route("/lapor/status", methods=["GET", "POST"])
# Lookups: only failures count, as on /cek; the address only for requests without a visitor id.
@limiter.limit(_status_failures_per_session, methods=["POST"], key_func=_visitor_key, deduct_when=_failed_lookup)
@limiter.limit(_status_failures_per_ip, methods=["POST"], exempt_when=_brought_visitor_id, deduct_when=_failed_lookup)
def status():
    """The receipt lookup: the report's stage and public reason, and a form to add evidence."""
    visitor()
    form = ReceiptForm()
    status_code = 200
    if form.validate_on_submit():
        found = _report_for(form.receipt)
        if not isinstance(found, int):
            return _status_page(*found)
        status_code = found
    elif form.errors:
        status_code = UNPROCESSABLE
    page = render_template("public_reports/status_lookup.html", form=form)
    return _private(make_response(page, status_code))


@bp.route("/lapor/status/bukti", methods=["POST"])
@posts_per_browser
@posts_per_address
def add_evidence():
    """More evidence from the reporter, sent with the receipt; the status page is shown again with the result."""
    form = ReporterEvidenceForm()
    if not form.validate_on_submit():
        return redirect(url_for(".status"))
    found = _report_for(form.receipt)
    if isinstance(found, int):  # the hidden receipt was changed: ask for it again
        return _private(make_response(render_template("public_reports/status_lookup.html", form=ReceiptForm()),
                                      found))
    report, receipt_code = found
    uploads = _uploads(form.evidence, form.evidence.data)
    if uploads is not None and not uploads:
        form.evidence.errors = [*form.evidence.errors, _("Pilih berkas bukti.")]
    elif uploads is not None:
        try:
            services.add_reporter_evidence(report, uploads, max_files=current_app.config["PUBLIC_REPORT_MAX_FILES"])
        except services.ReportError as exc:
            db.session.rollback()
            form.evidence.errors = [*form.evidence.errors, str(exc)]
        else:
            db.session.commit()
            flash(_("Bukti tambahan diterima. Terima kasih."), "success")
            return _status_page(report, receipt_code)
    return _status_page(report, receipt_code, evidence_form=form, status=UNPROCESSABLE)


def _report_for(field) -> tuple[PublicReport, str] | int:
    """The report the typed receipt names and the receipt, or the status to answer with the reason on the field:
    422 for a code that cannot be right (a wrong character fails its check symbol), 404 for one that names nothing."""
    try:
        receipt_code = services.parse_receipt(field.data)
    except CodeError as exc:
        field.errors = [*field.errors, str(exc)]
        return UNPROCESSABLE
    report = services.find_by_receipt(receipt_code)
    if report is None:
        field.errors = [*field.errors, _("Tidak ada laporan dengan kode ini. Periksa kembali kode pada tanda terima "
                                         "Anda.")]
        return NOT_FOUND
    return report, receipt_code


def _status_page(report: PublicReport, receipt_code: str, *, evidence_form=None, status: int = 200):
    view = services.reporter_view(report)
    form = evidence_form or ReporterEvidenceForm(formdata=None)
    form.receipt.data = services.display_receipt(receipt_code)
    page = render_template("public_reports/status.html", view=view, receipt=services.display_receipt(receipt_code),
                           form=form, labels=STATUS_LABELS, stages=list(PublicStatus),
                           max_files=current_app.config["PUBLIC_REPORT_MAX_FILES"])
    return _private(make_response(page, status))


def _uploads(field, files) -> list[services.Upload] | None:
    """The chosen files, cleaned (type by content, metadata stripped); None with the reasons on the field."""
    chosen = [f for f in files or () if getattr(f, "filename", "")]
    limit = current_app.config["PUBLIC_REPORT_FILES_PER_POST"]
    if len(chosen) > limit:
        field.errors = [*field.errors, _("Paling banyak %(n)d berkas sekali kirim.", n=limit)]
        return None
    max_bytes = current_app.config["PUBLIC_REPORT_FILE_MAX_BYTES"]
    uploads, problems = [], []
    for upload in chosen:
        try:
            evidence = clean_evidence(upload.read(max_bytes + 1), max_bytes=max_bytes)
        except EvidenceError as exc:
            problems.append(f"{single_line(upload.filename)[:100]}: {PROBLEM_MESSAGES[exc.problem]}")
        else:
            uploads.append(services.Upload(upload.filename, evidence))
    if problems:
        field.errors = [*field.errors, *problems]
        return None
    return uploads


def _private(response):
    """A page about one report (or a form that may carry one): never cached, never indexed."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response
