"""The case officers' triage queue of public reports: list, the report, claim, match, case, forward, dismiss."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from netralitas.auth.models import Staff
from netralitas.cases.services import CaseError
from netralitas.cases.views import case_officers_only
from netralitas.core.evidence import evidence_download
from netralitas.core.forms import select_choices
from netralitas.core.numbers import plain_int
from netralitas.extensions import db
from netralitas.legal import services as legal
from netralitas.masterdata.models import Employee
from netralitas.masterdata.scope import employees_matching
from netralitas.public_reports import triage
from netralitas.public_reports.forms import (
    REPORT_STAGE_LABELS,
    REPORT_STEP_LABELS,
    DismissForm,
    ForwardForm,
    MatchForm,
    OpenCaseForm,
)
from netralitas.public_reports.models import PublicReport, ReportStage
from netralitas.public_reports.services import reporter_view
from netralitas.public_reports.status import STATUS_LABELS
from netralitas.public_reports.topics import topic as topic_of

bp = Blueprint("report_triage", __name__, url_prefix="/admin/laporan-masyarakat")

#: The list's tabs: which stages each shows.
VIEWS = {
    "antrian": triage.QUEUE_STAGES,
    "selesai": (ReportStage.CASE, ReportStage.FORWARDED, ReportStage.DISMISSED),
}
#: Employees listed when matching a report.
PICK_LIMIT = 20


@bp.route("")
@case_officers_only
def report_list():
    """Waiting reports (oldest first), mine, or finished ones; search by number or the name as written."""
    view = request.args.get("tampil", "antrian")
    mine = view == "saya"
    stages = VIEWS.get(view, triage.QUEUE_STAGES)
    q = (request.args.get("q") or "").strip()[:100]
    page = db.paginate(triage.queue_for(current_user, stages=stages, mine=mine, search=q),
                       per_page=current_app.config["PER_PAGE"], error_out=False)
    return render_template("public_reports/triage_list.html", page=page, view=view if view in (*VIEWS, "saya")
                           else "antrian", q=q, topic_of=topic_of, stage_labels=REPORT_STAGE_LABELS)


@bp.route("/<int:report_id>")
@case_officers_only
def detail(report_id: int):
    report = triage.get_report(current_user, report_id)
    return render_report(report)


@bp.route("/<int:report_id>/ambil", methods=["POST"])
@case_officers_only
def claim(report_id: int):
    return _act(report_id, lambda report: triage.claim(current_user, report), _("Laporan diambil untuk ditelaah."))


@bp.route("/<int:report_id>/lepas", methods=["POST"])
@case_officers_only
def release(report_id: int):
    return _act(report_id, lambda report: triage.release(current_user, report), _("Laporan dikembalikan ke antrean."))


@bp.route("/<int:report_id>/cocokkan", methods=["POST"])
@case_officers_only
def match(report_id: int):
    report = triage.get_report(current_user, report_id)
    form = MatchForm()
    employee = db.session.get(Employee, plain_int(form.employee_id.data) or 0) if form.validate_on_submit() else None
    if employee is None:
        flash(_("Pilih pegawai dari hasil pencarian."), "warning")
        return redirect(url_for(".detail", report_id=report.id))
    return _act(report_id, lambda r: triage.match_employee(current_user, r, employee),
                _("Laporan dicocokkan dengan %(name)s.", name=employee.name))


@bp.route("/<int:report_id>/kasus", methods=["POST"])
@case_officers_only
def open_case(report_id: int):
    report = triage.get_report(current_user, report_id)
    form = open_case_form(report)
    if form.validate_on_submit():
        try:
            case = triage.open_case(current_user, report, form.violation_form_id.data)
        except (triage.TriageError, CaseError) as exc:
            db.session.rollback()
            form.violation_form_id.errors = [*form.violation_form_id.errors, str(exc)]
        else:
            db.session.commit()
            flash(_("Kasus %(number)s dibuka dari laporan %(report)s.", number=case.number, report=report.number),
                  "success")
            return redirect(url_for("cases.detail", case_id=case.id))
    return render_report(report, case_form=form), 422


@bp.route("/<int:report_id>/teruskan", methods=["POST"])
@case_officers_only
def forward(report_id: int):
    form = forward_form()
    return _end_report(report_id, form, "forward_form",
                       lambda report: triage.forward(current_user, report, form.target.data, form.public_reason.data),
                       _("Laporan diteruskan; pelapor dapat membaca keterangannya."))


@bp.route("/<int:report_id>/tutup", methods=["POST"])
@case_officers_only
def dismiss(report_id: int):
    form = DismissForm()
    return _end_report(report_id, form, "dismiss_form",
                       lambda report: triage.dismiss(current_user, report, form.public_reason.data),
                       _("Laporan ditutup; pelapor dapat membaca alasannya."))


def _end_report(report_id: int, form, form_name: str, step, done_message: str):
    """Forward or dismiss: take the step with the public reason, or show the form again with why not."""
    report = triage.get_report(current_user, report_id)
    if form.validate_on_submit():
        try:
            step(report)
        except triage.TriageError as exc:
            db.session.rollback()
            form.public_reason.errors = [*form.public_reason.errors, str(exc)]
        else:
            db.session.commit()
            flash(done_message, "success")
            return redirect(url_for(".detail", report_id=report.id))
    return render_report(report, **{form_name: form}), 422


@bp.route("/<int:report_id>/bukti/<int:evidence_id>")
@case_officers_only
def evidence_file(report_id: int, evidence_id: int):
    """An evidence file of the report, each opening audited."""
    report = triage.get_report(current_user, report_id)
    item = next((e for e in report.evidence if e.id == evidence_id), None)
    if item is None:
        abort(404)
    response = evidence_download(item)  # 404 before the audit entry when the file is gone
    triage.record_evidence_view(current_user, report, item)
    db.session.commit()
    return response


def _act(report_id: int, step, done_message: str):
    """A button without fields (claim, release, match): take the step or say why not, then back to the report."""
    report = triage.get_report(current_user, report_id)
    try:
        step(report)
    except triage.TriageError as exc:
        db.session.rollback()
        flash(str(exc), "warning")
    else:
        db.session.commit()
        flash(done_message, "success")
    return redirect(url_for(".detail", report_id=report.id))


def open_case_form(report: PublicReport) -> OpenCaseForm:
    """The violation form menu, the topic's most likely form first selected."""
    form = OpenCaseForm()
    forms = legal.active_forms()
    form.violation_form_id.choices = select_choices((f.id, f"{f.code} — {f.text}") for f in forms)
    if not form.is_submitted():
        chosen = topic_of(report.topic)
        likely = next((f.id for code in (chosen.violation_codes if chosen else ()) for f in forms if f.code == code),
                      None)
        form.violation_form_id.data = likely
    return form


def forward_form() -> ForwardForm:
    form = ForwardForm()
    form.target.choices = select_choices(triage.forward_targets().items())
    return form


def render_report(report: PublicReport, **forms):
    """The report page: what the reporter wrote, evidence, timeline, and the steps the viewer may take now."""
    holding = report.stage == ReportStage.IN_REVIEW and report.claimed_by_id == current_user.id
    q = (request.args.get("q") or "").strip()[:100]
    government = triage.government_of(report)
    found = (employees_matching(current_user, q, limit=PICK_LIMIT, within_path=government.path)
             if holding and q else [])
    return render_template(
        "public_reports/triage_detail.html", report=report, government=government, topic=topic_of(report.topic),
        holding=holding, q=q, found=found, public=reporter_view(report), status_labels=STATUS_LABELS,
        stage_labels=REPORT_STAGE_LABELS, step_labels=REPORT_STEP_LABELS, targets=triage.forward_targets(),
        matched=db.session.get(Employee, report.employee_id) if report.employee_id else None,
        claimed_by=report_claimer(report),
        case_form=forms.get("case_form") or open_case_form(report), button_form=MatchForm(),
        forward_form=forms.get("forward_form") or forward_form(),
        dismiss_form=forms.get("dismiss_form") or DismissForm())


def report_claimer(report: PublicReport) -> Staff | None:
    return db.session.get(Staff, report.claimed_by_id) if report.claimed_by_id else None

