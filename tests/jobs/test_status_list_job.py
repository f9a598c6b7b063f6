"""The status-list XLSX as a background job: service (start, run, fail, retry), pages, download and a queue that is down."""
from __future__ import annotations

import io
import stat
from datetime import timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from netralitas.audit.models import AuditEntry
from netralitas.auth.models import Role
from netralitas.db import utcnow
from netralitas.extensions import db
from netralitas.jobs import services, tasks
from netralitas.jobs.models import Job, JobProblem, JobStatus
from netralitas.jobs.queue import queue_for
from netralitas.masterdata.models import AgencyKind
from netralitas.reports import exports
from netralitas.reports.statuses import StatusFilter
from tests.conftest import PASSWORD

pytestmark = pytest.mark.usefixtures("fast_passwords")


@pytest.fixture
def city(make_agency, make_employee, make_event, sign_for):
    kota = make_agency("KOTA", name="Pemerintah Kota Uji", kind=AgencyKind.PEMERINTAH)
    a = make_agency("DINAS-A", parent=kota, name="Dinas A")
    b = make_agency("DINAS-B", parent=kota, name="Dinas B")
    event = make_event(name="Deklarasi Uji Tugas", slug="uji-tugas")
    people = [make_employee(a, name=f"Pegawai A{i}") for i in range(5)] + [make_employee(b, name="Pegawai B")]
    sign_for(event, people[0])
    return {"a": a, "b": b, "event": event}


@pytest.fixture
def immediate(app):
    queue = queue_for(app)
    queue.huey.immediate = True  # tasks run in this process on enqueue
    return queue


def fresh(job_id: int) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job_id)


def new_job(staff, city, unit=None) -> Job:
    return services.start(staff, "status_list", city["event"], unit, file_format="xlsx",
                          params=StatusFilter().as_data())


def start(staff, city, unit=None) -> Job:
    job = new_job(staff, city, unit)
    db.session.commit()
    assert services.enqueue(job)
    return fresh(job.id)


def test_started_job_builds_the_owner_only_xlsx(app, immediate, city, make_staff, monkeypatch):
    monkeypatch.setattr(exports, "BATCH_SIZE", 2)  # progress after every second row
    heard = []
    real = services.Progress.__call__

    def listening(progress, done, total=None, *, force=False):
        heard.append(done)
        real(progress, done, total, force=force)

    monkeypatch.setattr(services.Progress, "__call__", listening)
    staff = make_staff(Role.AGENCY_ADMIN, agency=city["a"])
    job = start(staff, city)
    assert job.status == JobStatus.DONE
    assert (job.done, job.total) == (5, 5)
    assert heard == [0, 2, 4]
    assert job.expires_dt - job.finished_dt == timedelta(hours=24)
    assert job.file_name.startswith("status-uji-tugas-DINAS-A-") and job.file_name.endswith(".xlsx")
    path = services.job_path(job)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    sheet = openpyxl.load_workbook(path).active
    names = sorted(row[2] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert names == [f"Pegawai A{i}" for i in range(5)]  # agency A's scope only
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.action == "report.status_export"))


def test_a_failed_job_says_why_and_can_be_retried(app, immediate, city, make_staff, monkeypatch):
    staff = make_staff(Role.OPERATOR)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr(exports, "write_status_xlsx", broken)
        job = start(staff, city)
    assert job.status == JobStatus.FAILED
    assert (job.problem, job.error) == (JobProblem.ERROR, "RuntimeError")
    services.retry(job, staff)
    db.session.commit()
    assert services.enqueue(job)
    job = fresh(job.id)
    assert (job.status, job.problem, job.error, job.total, job.attempts) == (JobStatus.DONE, None, None, 6, 1)


def test_a_starter_who_lost_the_export_role_gets_a_failed_job(app, immediate, city, make_staff):
    staff = make_staff(Role.OPERATOR)
    job = new_job(staff, city)
    staff.role = Role.VIEWER
    db.session.commit()
    services.enqueue(job)
    job = fresh(job.id)
    assert job.status == JobStatus.FAILED
    assert job.problem == JobProblem.NOT_ALLOWED
    assert not services.job_path(job).exists()


def test_pages_progress_json_and_audited_download(app, client, login_as, immediate, city, make_staff):
    staff = make_staff(Role.AGENCY_ADMIN, agency=city["a"])
    login_as(staff)
    response = client.post(f"/admin/acara/{city['event'].id}/rekap/pegawai.xlsx/tugas?unit={city['a'].id}")
    assert response.status_code == 302
    job = db.session.scalars(sa.select(Job)).one()
    assert response.headers["Location"].endswith(f"/admin/tugas/{job.id}")
    page = client.get(f"/admin/tugas/{job.id}").get_data(as_text=True)
    assert f"/admin/tugas/{job.id}/unduh" in page
    assert client.get(f"/admin/tugas/{job.id}.json").get_json() == {
        "status": "done", "done": 5, "total": 5, "percent": 100, "finished": True}
    assert f"/admin/tugas/{job.id}" in client.get("/admin/tugas").get_data(as_text=True)
    response = client.get(f"/admin/tugas/{job.id}/unduh")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert f'filename={fresh(job.id).file_name}' in response.headers["Content-Disposition"]
    assert openpyxl.load_workbook(io.BytesIO(response.data)).active.max_row == 6
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "job.download")).one()
    assert (entry.actor_staff_id, entry.target_id) == (staff.id, str(job.id))


def test_a_running_job_shows_a_progress_bar_and_a_script(app, client, login_as, city, make_staff):
    staff = make_staff(Role.OPERATOR)
    login_as(staff)
    job = new_job(staff, city)
    job.status, job.done, job.total = JobStatus.RUNNING, 2000, 6000
    db.session.commit()
    page = client.get(f"/admin/tugas/{job.id}").get_data(as_text=True)
    assert '<progress class="w-100" id="job-progress" max="6000" value="2000">33%</progress>' in page
    assert "js/job_progress.js" in page
    assert "<script>" not in page  # CSP: no inline script
    assert client.get(f"/admin/tugas/{job.id}.json").get_json()["finished"] is False


def test_another_staff_member_gets_404_and_expired_files_are_refused(app, client, login_as, immediate, city,
                                                                        make_staff):
    owner = make_staff(Role.OPERATOR)
    job = start(owner, city)
    other = app.test_client()
    stranger = make_staff(Role.OPERATOR, email="lain@contoh.go.id")
    assert other.post("/masuk", data={"email": stranger.email, "password": PASSWORD}).status_code == 302
    for url in (f"/admin/tugas/{job.id}", f"/admin/tugas/{job.id}.json", f"/admin/tugas/{job.id}/unduh"):
        assert other.get(url).status_code == 404, url
    assert other.post(f"/admin/tugas/{job.id}/ulang").status_code == 404
    login_as(owner)
    assert client.get(f"/admin/tugas/{job.id}/unduh").status_code == 200
    job.expires_dt = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert client.get(f"/admin/tugas/{job.id}/unduh").status_code == 404
    assert "kedaluwarsa" in client.get(f"/admin/tugas/{job.id}").get_data(as_text=True)


def test_a_super_admin_may_open_any_job(app, client, login_as, immediate, city, make_staff):
    job = start(make_staff(Role.OPERATOR), city)
    login_as(make_staff(Role.SUPER_ADMIN))
    assert client.get(f"/admin/tugas/{job.id}/unduh").status_code == 200


def test_queue_down_keeps_the_request_and_says_so(app, client, login_as, city, make_staff, immediate):
    good_url = app.config["JOBS_URL"]
    app.config["JOBS_URL"] = "redis://127.0.0.1:1/8"  # nothing listens on port 1
    app.extensions.pop("jobs", None)
    login_as(make_staff(Role.OPERATOR))
    response = client.post(f"/admin/acara/{city['event'].id}/rekap/pegawai.xlsx/tugas", follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Antrean tugas sedang tidak dapat dihubungi. Permintaan Anda tersimpan" in page
    assert "Menunggu giliran" in page
    job = db.session.scalars(sa.select(Job)).one()
    assert (job.status, job.problem) == (JobStatus.QUEUED, None)  # kept, not failed
    # The rest of the site keeps serving.
    assert client.get("/admin/tugas").status_code == 200
    assert client.get(f"/admin/acara/{city['event'].id}/rekap").status_code == 200
    # The queue is back: the worker's sweep finds the job that never reached it and runs it.
    app.config["JOBS_URL"] = good_url
    app.extensions["jobs"] = immediate
    job.heartbeat_dt = utcnow() - timedelta(seconds=app.config["JOB_STALE_SECONDS"] + 1)
    db.session.commit()
    assert tasks.requeue_stalled_jobs() == {"requeued": [job.id], "failed": []}
    assert fresh(job.id).status == JobStatus.DONE


def test_a_large_list_is_not_built_inside_the_request(app, client, login_as, city, make_staff):
    app.config["BACKGROUND_EXPORT_ROWS"] = 3  # the city's list has 6 rows
    login_as(make_staff(Role.OPERATOR))
    event_id = city["event"].id
    response = client.get(f"/admin/acara/{event_id}/rekap/pegawai.xlsx")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/admin/acara/{event_id}/rekap")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Daftar 6 pegawai dibuat di latar belakang" in page and "XLSX (latar belakang)" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "report.status_export")) == 0  # nothing was exported
    assert client.get(f"/admin/acara/{event_id}/rekap/pegawai.csv").status_code == 200  # CSV streams, any size
    unit = client.get(f"/admin/acara/{event_id}/rekap/pegawai.xlsx?unit={city['a'].id}")
    assert unit.status_code == 303 and unit.headers["Location"].endswith(f"/rekap/unit/{city['a'].id}")
