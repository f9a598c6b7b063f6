"""A staff member's background jobs: start a status-list XLSX, watch its progress, retry it, download the file."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from netralitas.auth.access import ALL_STAFF, EXPORTERS, roles_required
from netralitas.core.forms import ConfirmForm
from netralitas.core.spreadsheet import XLSX_MIMETYPE
from netralitas.events.models import Event
from netralitas.extensions import db
from netralitas.jobs import services
from netralitas.jobs.models import Job, JobStatus
from netralitas.masterdata.scope import get_unit_in_scope
from netralitas.reports.statuses import StatusFilter

bp = Blueprint("jobs", __name__)


@bp.route("/admin/acara/<int:event_id>/rekap/pegawai.xlsx/tugas", methods=["POST"])
@roles_required(*EXPORTERS)
def start_status_list(event_id: int):
    """Start building the status list as XLSX in the background (the drill-down's filters apply); show its page."""
    event = db.get_or_404(Event, event_id)
    unit = get_unit_in_scope(current_user, request.args.get("unit", 0, type=int))
    job = services.start_status_list(current_user, event, unit, StatusFilter.from_args(request.args))
    db.session.commit()
    _enqueue(job)
    return redirect(url_for("jobs.job_detail", job_id=job.id))


@bp.route("/admin/tugas")
@roles_required(*ALL_STAFF)
def job_list():
    """The staff member's own jobs, newest first."""
    page = db.paginate(services.jobs_of(current_user), per_page=current_app.config["PER_PAGE"], error_out=False)
    return render_template("jobs/list.html", page=page, JobStatus=JobStatus)


@bp.route("/admin/tugas/<int:job_id>")
@roles_required(*ALL_STAFF)
def job_detail(job_id: int):
    """Progress (refreshed by a small script), the failure reason with a retry, or the download."""
    job = _job_or_404(job_id)
    return render_template("jobs/detail.html", job=job, JobStatus=JobStatus, form=ConfirmForm(),
                           downloadable=services.downloadable(job))


@bp.route("/admin/tugas/<int:job_id>.json")
@roles_required(*ALL_STAFF)
def job_json(job_id: int):
    """The job's state for the progress script."""
    job = _job_or_404(job_id)
    response = jsonify(status=job.status.value, done=job.done, total=job.total, percent=job.percent,
                       finished=job.status in (JobStatus.DONE, JobStatus.FAILED))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/admin/tugas/<int:job_id>/ulang", methods=["POST"])
@roles_required(*EXPORTERS)
def job_retry(job_id: int):
    """Put a failed job back on the queue."""
    job = _job_or_404(job_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if job.status == JobStatus.FAILED:
        services.retry(job, current_user)
        db.session.commit()
        _enqueue(job)
    return redirect(url_for("jobs.job_detail", job_id=job.id))


@bp.route("/admin/tugas/<int:job_id>/unduh")
@roles_required(*EXPORTERS)
def job_download(job_id: int):
    """The finished file, audited; 404 once expired or for anyone but its starter (or a super admin)."""
    job = _job_or_404(job_id)
    if not services.downloadable(job):
        abort(404)
    services.record_download(current_user, job)
    db.session.commit()
    response = send_file(services.job_path(job), mimetype=XLSX_MIMETYPE, as_attachment=True,
                         download_name=job.file_name, conditional=False, etag=False, max_age=0)
    response.headers["Cache-Control"] = "no-store"  # personal data: never in a shared or browser cache
    return response


def _job_or_404(job_id: int) -> Job:
    job = services.find_job(current_user, job_id)
    if job is None:
        abort(404)
    return job


def _enqueue(job: Job) -> None:
    """Queue the committed job; when the queue is down, keep the job as failed and say so."""
    if not services.enqueue(job):
        db.session.commit()
        flash(_("Antrean tugas sedang tidak dapat dihubungi. Permintaan Anda disimpan; coba lagi nanti."), "danger")
