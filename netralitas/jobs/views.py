"""A staff member's background jobs: start a status-list XLSX, watch its progress, retry it, download the file."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from netralitas.auth.access import ALL_STAFF, EXPORTERS, roles_required
from netralitas.core.forms import ConfirmForm
from netralitas.core.spreadsheet import XLSX_MIMETYPE
from netralitas.events.models import Event
from netralitas.extensions import db
from netralitas.jobs import services
from netralitas.jobs.models import Job, JobProblem, JobStatus
from netralitas.masterdata.scope import get_unit_in_scope
from netralitas.reports.statuses import StatusFilter

bp = Blueprint("jobs", __name__)

#: Why a job failed, in the reader's language; the stored detail (a server's answer, an error class) follows.
PROBLEM_MESSAGES = {
    JobProblem.NOT_ALLOWED: _l("Anda tidak lagi berwenang menjalankan tugas ini."),
    JobProblem.OUT_OF_SCOPE: _l("Acara atau unit tidak lagi ada atau tidak lagi berada dalam lingkup Anda."),
    JobProblem.WORKER_LOST: _l("Proses pekerja berhenti setiap kali tugas ini dikerjakan. Coba lagi; bila terulang, "
                               "hubungi pengelola server."),
    JobProblem.MAIL_NOT_SET: _l("Pengiriman email belum disiapkan di server (MAIL_SERVER atau MAIL_FROM kosong)."),
    JobProblem.NOT_SENDABLE: _l("Acara ini tidak sedang menerima tanda tangan; pengingat tidak dikirim."),
    JobProblem.TOO_LARGE: _l("Pilihan ini terlalu besar untuk satu berkas; saring per unit."),
    JobProblem.SMTP: _l("Server email menolak atau tidak dapat dihubungi."),
    JobProblem.ERROR: _l("Tugas gagal karena kesalahan di server."),
}
#: Content type of each job file format.
MIMETYPES = {"xlsx": XLSX_MIMETYPE, "pdf": "application/pdf", "zip": "application/zip"}
#: What each kind of job is called on its pages.
KIND_LABELS = {
    "status_list": _l("Daftar status pegawai (XLSX)"),
    "email_reminders": _l("Pengingat email"),
    "invitation_slips": _l("Slip kode undangan (PDF)"),
    "certificate_zip": _l("Sertifikat pegawai (ZIP)"),
}


@bp.route("/admin/acara/<int:event_id>/rekap/pegawai.xlsx/tugas", methods=["POST"])
@roles_required(*EXPORTERS)
def start_status_list(event_id: int):
    """Start building the status list as XLSX in the background (the drill-down's filters apply); show its page."""
    event = db.get_or_404(Event, event_id)
    unit = get_unit_in_scope(current_user, request.args.get("unit", 0, type=int))
    job = services.start(current_user, "status_list", event, unit, file_format="xlsx",
                         params=StatusFilter.from_args(request.args).as_data())
    db.session.commit()
    enqueue_or_warn(job)
    return redirect(url_for("jobs.job_detail", job_id=job.id))


@bp.route("/admin/tugas")
@roles_required(*ALL_STAFF)
def job_list():
    """The staff member's own jobs, newest first."""
    page = db.paginate(services.jobs_of(current_user), per_page=current_app.config["PER_PAGE"], error_out=False)
    return render_template("jobs/list.html", page=page, JobStatus=JobStatus, kind_labels=KIND_LABELS)


@bp.route("/admin/tugas/<int:job_id>")
@roles_required(*ALL_STAFF)
def job_detail(job_id: int):
    """Progress (refreshed by a small script), the failure reason with a retry, or the download."""
    job = _job_or_404(job_id)
    return render_template("jobs/detail.html", job=job, JobStatus=JobStatus, form=ConfirmForm(),
                           downloadable=services.downloadable(job), kind_label=KIND_LABELS.get(job.kind, job.kind),
                           problem=PROBLEM_MESSAGES.get(job.problem) if job.problem else None)


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
        enqueue_or_warn(job)
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
    response = send_file(services.job_path(job), mimetype=MIMETYPES[job.file_format], as_attachment=True,
                         download_name=job.file_name, conditional=False, etag=False, max_age=0)
    response.headers["Cache-Control"] = "no-store"  # personal data: never in a shared or browser cache
    return response


def _job_or_404(job_id: int) -> Job:
    job = services.find_job(current_user, job_id)
    if job is None:
        abort(404)
    return job


def enqueue_or_warn(job: Job) -> None:
    """Queue the committed job; when the queue is down, say the request is kept and will run once it is back."""
    if not services.enqueue(job):
        flash(_("Antrean tugas sedang tidak dapat dihubungi. Permintaan Anda tersimpan dan akan dikerjakan "
                "otomatis setelah antrean pulih; halaman ini menunjukkan kemajuannya."), "warning")
