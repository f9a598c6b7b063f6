"""The case after triage, one POST per step: summons, attendance, examination record, decision, delivery, report back.

Each view reads its form, calls netralitas.cases.steps, commits, and goes back to the case; a refused step re-shows
the case page with the form's errors (422).
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from netralitas.auth.access import ALL_STAFF, roles_required
from netralitas.calendar.services import local_today, work_calendar
from netralitas.cases import services, steps
from netralitas.cases.forms import AttendanceForm, DeliveryForm, ExaminationForm, ReportBackForm, SummonsForm
from netralitas.cases.models import CaseSummons, RecordSigning
from netralitas.cases.views import decision_form, render_case, run_case
from netralitas.extensions import db
from netralitas.legal import services as legal
from netralitas.legal.models import Sanction

bp = Blueprint("case_steps", __name__, url_prefix="/admin/kasus")


@bp.route("/<int:case_id>/panggilan", methods=["POST"])
@roles_required(*ALL_STAFF)
def summon(case_id: int):
    case = run_case(case_id)
    form = SummonsForm()
    if form.validate_on_submit():
        try:
            steps.summon(current_user, case, letter_number=form.letter_number.data, issued_on=form.issued_on.data,
                         exam_on=form.exam_on.data, exam_time=form.exam_time.data, place=form.place.data,
                         calendar=work_calendar(), days_for=legal.deadline_days)
        except services.CaseError as exc:
            form.exam_on.errors.append(str(exc))
        else:
            return _done(case.id, _("Surat panggilan dicatat."))
    return render_case(case, summons_form=form), 422


@bp.route("/<int:case_id>/panggilan/<int:summons_id>/kehadiran", methods=["POST"])
@roles_required(*ALL_STAFF)
def attendance(case_id: int, summons_id: int):
    case = run_case(case_id)
    summons = db.session.get(CaseSummons, summons_id)
    if summons is None or summons.case_id != case.id:
        abort(404)
    form = AttendanceForm()
    if form.validate_on_submit():
        try:
            steps.record_attendance(current_user, case, summons, attended=form.attended.data == "yes",
                                    today=local_today())
        except services.CaseError as exc:
            flash(str(exc), "warning")
        else:
            return _done(case.id, _("Kehadiran dicatat."))
    else:
        flash(_("Pilih hadir atau tidak hadir."), "warning")
    return render_case(case), 422


@bp.route("/<int:case_id>/pemeriksaan", methods=["POST"])
@roles_required(*ALL_STAFF)
def examination(case_id: int):
    case = run_case(case_id)
    form = ExaminationForm()
    if form.validate_on_submit():
        try:
            steps.record_examination(
                current_user, case, held_on=form.held_on.data, place=form.place.data, text=form.record.data,
                signing=RecordSigning(form.signing.data), signature_png=form.signature_png(),
                refusal_note=form.refusal_note.data, max_signature_bytes=current_app.config["SIGNATURE_MAX_BYTES"])
        except services.CaseError as exc:
            form.signing.errors.append(str(exc))
        else:
            return _done(case.id, _("Berita acara pemeriksaan dicatat."))
    return render_case(case, examination_form=form), 422


@bp.route("/<int:case_id>/keputusan", methods=["POST"])
@roles_required(*ALL_STAFF)
def decide(case_id: int):
    case = services.get_case(current_user, case_id)
    if not steps.may_decide(current_user, case):
        abort(403)
    form = decision_form(case)
    if form.validate_on_submit():
        sanction = db.session.get(Sanction, form.sanction_id.data)
        try:
            steps.decide(current_user, case, sanction=sanction, reasons=form.reasons.data,
                         decree_number=form.decree_number.data, decree_on=form.decree_on.data,
                         in_force_from=form.in_force_from.data)
        except services.CaseError as exc:
            form.sanction_id.errors.append(str(exc))
        else:
            return _done(case.id, _("Keputusan dicatat."))
    return render_case(case, decision_form=form), 422


@bp.route("/<int:case_id>/penyampaian", methods=["POST"])
@roles_required(*ALL_STAFF)
def deliver(case_id: int):
    case = run_case(case_id)
    form = DeliveryForm()
    if form.validate_on_submit():
        try:
            steps.deliver(current_user, case, delivered_on=form.delivered_on.data)
        except services.CaseError as exc:
            flash(str(exc), "warning")
        else:
            return _done(case.id, _("Penyampaian keputusan dicatat."))
    return render_case(case, delivery_form=form), 422


@bp.route("/<int:case_id>/laporan", methods=["POST"])
@roles_required(*ALL_STAFF)
def report_back(case_id: int):
    case = run_case(case_id)
    form = ReportBackForm()
    if form.validate_on_submit():
        try:
            revoked = steps.report_back(current_user, case, letter_number=form.letter_number.data,
                                        sent_on=form.sent_on.data,
                                        revoke_certificates=bool(form.revoke_certificates.data))
        except services.CaseError as exc:  # out of turn: the form is not on the page, so say it above it
            flash(str(exc), "warning")
        else:
            message = _("Tindak lanjut dilaporkan.")
            if revoked:
                message += " " + _("%(n)d sertifikat dicabut.", n=revoked)
            return _done(case.id, message)
    return render_case(case, report_form=form), 422


def _done(case_id: int, message: str):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("cases.detail", case_id=case_id))
