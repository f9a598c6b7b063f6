"""Case screens: the list with deadline flags, intake, the case file (team, evidence, declarations, triage)."""
from __future__ import annotations

import functools

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from netralitas.auth.access import ALL_STAFF, CASE_READERS, roles_required
from netralitas.auth.models import Role, Staff
from netralitas.calendar.services import local_today, work_calendar
from netralitas.cases import documents, services, steps
from netralitas.cases.deadlines import DeadlineState
from netralitas.cases.forms import (
    MEMBER_LABELS,
    SIGNING_LABELS,
    SOURCE_LABELS,
    STAGE_LABELS,
    STEP_LABELS,
    TRIAGE_LABELS,
    AttendanceForm,
    DecisionForm,
    DeliveryForm,
    EvidenceForm,
    ExaminationForm,
    IntakeForm,
    MemberForm,
    ReportBackForm,
    SummonsForm,
    TriageForm,
)
from netralitas.cases.models import Case, CaseMemberRole, CaseSource, CaseStage
from netralitas.cases.pdf import KIND_NAMES
from netralitas.core.evidence import PROBLEM_MESSAGES, EvidenceError, clean_evidence, evidence_download
from netralitas.core.forms import select_choices
from netralitas.extensions import db
from netralitas.legal import services as legal
from netralitas.legal.models import Sanction
from netralitas.masterdata.scope import employees_matching, get_employee_in_scope

bp = Blueprint("cases", __name__, url_prefix="/admin/kasus")

#: Employees listed on the intake's search page.
PICK_LIMIT = 20


@bp.route("")
@roles_required(*CASE_READERS)
def case_list():
    """The cases the staff member may see, with the running deadline of each; search and filter by stage."""
    q = (request.args.get("q") or "").strip()[:100]
    stage = request.args.get("tahap") or ""
    wanted = CaseStage(stage) if stage in {s.value for s in CaseStage} else None
    page = db.paginate(services.cases_for(current_user, stage=wanted, search=q),
                       per_page=current_app.config["PER_PAGE"], error_out=False)
    deadlines = _deadlines(page.items)
    return render_template("cases/list.html", page=page, q=q, stage=stage, deadlines=deadlines,
                           stage_labels=STAGE_LABELS, DeadlineState=DeadlineState,
                           may_open=services.may_open_cases(current_user))


def case_officers_only(view):
    """Signed-in staff who may open cases (super admins, case officers); others get 403."""

    @functools.wraps(view)
    @login_required
    def guarded(*args, **kwargs):
        if not services.may_open_cases(current_user):
            abort(403)
        return view(*args, **kwargs)

    return guarded


@bp.route("/baru", methods=["GET", "POST"])
@case_officers_only
def intake():
    """Step 1 picks the employee (search within scope); step 2 is the intake form for that employee."""
    employee_id = request.args.get("pegawai", 0, type=int)
    if not employee_id:
        if request.method == "POST":
            flash(_("Pilih pegawai terlebih dahulu."), "warning")
        q = (request.args.get("q") or "").strip()[:100]
        found = employees_matching(current_user, q, limit=PICK_LIMIT) if q else []
        return render_template("cases/pick_employee.html", q=q, found=found)
    employee = get_employee_in_scope(current_user, employee_id)
    form = IntakeForm()
    form.violation_form_id.choices = select_choices((f.id, f"{f.code} — {f.text}") for f in legal.active_forms())
    if form.validate_on_submit():
        evidence = _evidence_or_none(form.evidence.data, form)
        if evidence is not False:
            intake_data = services.Intake(
                employee=employee, violation_form_id=form.violation_form_id.data, source=CaseSource(form.source.data),
                received_on=form.received_on.data, summary=form.summary.data.strip(),
                letter_number=(form.letter_number.data or "").strip() or None, letter_date=form.letter_date.data,
                occurred_on=form.occurred_on.data, known_on=form.known_on.data)
            name = (form.reporter_name.data or "").strip()
            reporter = services.Reporter(name, (form.reporter_contact.data or "").strip() or None,
                                         (form.reporter_note.data or "").strip() or None) if name else None
            try:
                case = services.open_case(current_user, intake_data, reporter)
                if evidence is not None:
                    services.add_evidence(current_user, case, form.evidence.data.filename, evidence)
            except services.CaseError as exc:
                db.session.rollback()
                flash(str(exc), "danger")
            else:
                db.session.commit()
                flash(_("Kasus %(number)s dibuka.", number=case.number), "success")
                return redirect(url_for(".detail", case_id=case.id))
    return render_template("cases/intake.html", form=form, employee=employee,
                           declarations=services.declarations_of(employee.id))


@bp.route("/<int:case_id>")
@roles_required(*CASE_READERS)
def detail(case_id: int):
    """The case file: employee and declarations, the running deadline, evidence, team, timeline, triage."""
    case = services.get_case(current_user, case_id)
    return render_case(case)


@bp.route("/<int:case_id>/bukti", methods=["POST"])
@roles_required(*ALL_STAFF)
def add_evidence(case_id: int):
    case = run_case(case_id)
    form = EvidenceForm()
    if form.validate_on_submit():
        evidence = _evidence_or_none(form.evidence.data, form)
        if evidence is None:
            form.evidence.errors.append(_("Pilih berkas bukti."))
        elif evidence is not False:
            services.add_evidence(current_user, case, form.evidence.data.filename, evidence)
            db.session.commit()
            flash(_("Bukti disimpan."), "success")
            return redirect(url_for(".detail", case_id=case.id))
    return render_case(case, evidence_form=form), 422


@bp.route("/<int:case_id>/bukti/<int:evidence_id>")
@roles_required(*CASE_READERS)
def evidence_file(case_id: int, evidence_id: int):
    """An evidence file, to members only, each opening audited."""
    case = services.get_case(current_user, case_id)
    item = services.evidence_file(case, evidence_id)
    response = evidence_download(item)  # 404 before the audit entry when the file is gone
    services.record_evidence_view(current_user, case, item)
    db.session.commit()
    return response


@bp.route("/<int:case_id>/anggota", methods=["POST"])
@roles_required(*ALL_STAFF)
def add_member(case_id: int):
    case = run_case(case_id)
    form = MemberForm()
    if form.validate_on_submit():
        staff = db.session.scalar(sa.select(Staff).where(sa.func.lower(Staff.email) == form.email.data.strip().lower()))
        if staff is None:
            form.email.errors.append(_("Tidak ada akun staf dengan email ini."))
        else:
            try:
                services.add_member(current_user, case, staff, CaseMemberRole(form.role.data))
            except services.CaseError as exc:
                form.email.errors.append(str(exc))
            else:
                db.session.commit()
                flash(_("%(name)s ditambahkan ke tim kasus.", name=staff.name), "success")
                return redirect(url_for(".detail", case_id=case.id))
    return render_case(case, member_form=form), 422


@bp.route("/<int:case_id>/penelaahan", methods=["POST"])
@roles_required(*ALL_STAFF)
def triage(case_id: int):
    case = run_case(case_id)
    if case.stage != CaseStage.TRIAGE:  # decided meanwhile (another tab, another officer): nothing to triage
        flash(_("Kasus ini sudah melewati tahap penelaahan."), "warning")
        return redirect(url_for(".detail", case_id=case.id))
    form = TriageForm()
    if form.validate_on_submit():
        try:
            services.triage(current_user, case, services.TriageOutcome(form.outcome.data), reason=form.reason.data or "",
                            forward_to=form.forward_to.data or None)
        except services.CaseError as exc:
            form.reason.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Hasil penelaahan disimpan."), "success")
            return redirect(url_for(".detail", case_id=case.id))
    return render_case(case, triage_form=form), 422


@bp.route("/<int:case_id>/pelapor")
@roles_required(Role.SUPER_ADMIN)
def reporter(case_id: int):
    """The reporter's identity: super admins only, each look audited."""
    case = services.get_case(current_user, case_id)
    found = services.reporter_for(current_user, case)
    db.session.commit()
    return render_template("cases/reporter.html", case=case, reporter=found)


def run_case(case_id: int) -> Case:
    """The case if the staff member may see it and take its steps: 404 when hidden, 403 when only a viewer of it."""
    case = services.get_case(current_user, case_id)
    if not services.may_run(current_user, case):
        abort(403)
    return case


def render_case(case: Case, *, evidence_form=None, member_form=None, triage_form=None, **step_forms):
    """The case page; a refused form is passed in to show its errors, every other form starts empty."""
    deadline = _deadlines([case]).get(case.id)
    return render_template(
        "cases/detail.html", case=case, deadline=deadline, DeadlineState=DeadlineState,
        violation=legal.violation_form(case.violation_form_id), stage_labels=STAGE_LABELS,
        source_labels=SOURCE_LABELS, member_labels=MEMBER_LABELS, triage_labels=TRIAGE_LABELS,
        may_run=services.may_run(current_user, case), declarations=services.declarations_of(case.employee_id),
        evidence_form=evidence_form or EvidenceForm(), member_form=member_form or MemberForm(),
        triage_form=triage_form or TriageForm(), forward_targets=services.FORWARD_TARGETS,
        **_step_context(case, step_forms))


def decision_form(case: Case) -> DecisionForm:
    """The decision form with the sanctions open to this case (employee group, the form's level)."""
    form = DecisionForm()
    form.sanction_id.choices = select_choices((s.id, f"{s.text} ({s.level.label})") for s in steps.sanction_menu(case))
    return form


def _step_context(case: Case, step_forms: dict) -> dict:
    """What the later sections of the case page show: summonses, the record, the decision, and their forms."""
    today = local_today()
    round_ = steps.next_round(case)
    plan = steps.summons_plan(case, today, work_calendar(), legal.deadline_days) if round_ else None
    decision = steps.decision_of(case)
    return {
        "summonses": steps.summonses(case), "next_round": round_, "summons_plan": plan, "today": today,
        "examination": steps.examination_of(case), "decision": decision,
        "sanction": db.session.get(Sanction, decision.sanction_id) if decision else None,
        "may_decide": steps.may_decide(current_user, case),
        "summons_form": step_forms.get("summons_form") or SummonsForm(),
        "attendance_form": AttendanceForm(),
        "examination_form": step_forms.get("examination_form") or ExaminationForm(),
        "decision_form": step_forms.get("decision_form") or decision_form(case),
        "delivery_form": step_forms.get("delivery_form") or DeliveryForm(),
        "report_form": step_forms.get("report_form") or ReportBackForm(),
        "signing_labels": SIGNING_LABELS,
        "documents": documents.documents_of(case), "document_names": KIND_NAMES,
        "deadline_labels": {rule.key: rule.label for rule in legal.deadline_rules()}, "step_labels": STEP_LABELS,
    }


def _deadlines(cases) -> dict:
    """The running deadline of each case, from one calendar and today's date."""
    return steps.running_deadlines(cases, today=local_today(), calendar=work_calendar(), days_for=legal.deadline_days,
                                   due_soon=current_app.config["CASE_DUE_SOON_WORKING_DAYS"])


def _evidence_or_none(upload, form):
    """The cleaned upload, None when no file was chosen, False (with the error on the form) when refused."""
    if upload is None or not getattr(upload, "filename", ""):
        return None
    data = upload.read(current_app.config["CASE_EVIDENCE_MAX_BYTES"] + 1)
    try:
        return clean_evidence(data, max_bytes=current_app.config["CASE_EVIDENCE_MAX_BYTES"])
    except EvidenceError as exc:
        form.evidence.errors = [*form.evidence.errors, PROBLEM_MESSAGES[exc.problem]]
        return False
