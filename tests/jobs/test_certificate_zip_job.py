"""The certificate ZIP as a background job: the same archive as the streamed download, owner-only, scoped, audited
once, and the streamed download refusing selections above BACKGROUND_EXPORT_ROWS."""
from __future__ import annotations

import io
import json
import stat
import zipfile

import pytest
import sqlalchemy as sa

from netralitas.audit.models import AuditEntry
from netralitas.auth.models import Role
from netralitas.certificates import exports
from netralitas.extensions import db
from netralitas.jobs import services
from netralitas.jobs.models import Job, JobProblem, JobStatus
from netralitas.jobs.queue import queue_for
from netralitas.masterdata.models import AgencyKind
from tests.conftest import PASSWORD

pytestmark = pytest.mark.usefixtures("fast_passwords")


@pytest.fixture
def city(make_agency, make_employee, make_event, sign_for):
    kota = make_agency("KOTA", name="Pemerintah Kota Uji", kind=AgencyKind.PEMERINTAH)
    a = make_agency("DINAS-A", parent=kota, name="Dinas A")
    b = make_agency("DINAS-B", parent=kota, name="Dinas B")
    event = make_event(name="Deklarasi Uji Sertifikat", slug="uji-zip")
    for name in ("Ani", "Budi", "Citra"):
        sign_for(event, make_employee(a, name=f"{name} Di A"))
    sign_for(event, make_employee(b, name="Dedi Di B"))
    make_employee(a, name="Belum Tanda Tangan")
    return {"a": a, "b": b, "event": event}


@pytest.fixture
def immediate(app):
    queue = queue_for(app)
    queue.huey.immediate = True  # tasks run in this process on enqueue
    return queue


def fresh(job_id: int) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job_id)


def export_entries() -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "certificate.export")
                                   .order_by(AuditEntry.id)))


def start_by_post(client, event, query: str = "") -> Job:
    response = client.post(f"/admin/acara/{event.id}/sertifikat.zip/tugas{query}")
    assert response.status_code == 302
    job = db.session.scalars(sa.select(Job).order_by(Job.id.desc())).first()
    assert response.headers["Location"].endswith(f"/admin/tugas/{job.id}")
    return fresh(job.id)


def members(data: bytes) -> list[tuple[str, bytes]]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return [(info.filename, archive.read(info)) for info in archive.infolist()]


def test_the_job_builds_the_same_zip_as_the_streamed_download(app, client, login_as, immediate, city, make_staff,
                                                              monkeypatch):
    heard = []
    real = services.Progress.__call__

    def listening(progress, done, total=None, *, force=False):
        heard.append((done, total))
        real(progress, done, total, force=force)

    monkeypatch.setattr(services.Progress, "__call__", listening)
    login_as(make_staff(Role.AGENCY_ADMIN, agency=city["a"]))
    event = city["event"]
    streamed = client.get(f"/admin/acara/{event.id}/sertifikat.zip")
    assert streamed.status_code == 200
    job = start_by_post(client, event)
    assert job.status == JobStatus.DONE, (job.problem, job.error)
    assert (job.done, job.total, job.file_format, job.file_name) == (3, 3, "zip", "sertifikat-uji-zip-semua.zip")
    path = services.job_path(job)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    built = path.read_bytes()
    assert members(built) == members(streamed.data)  # names, order and bytes of every member
    assert built == streamed.data  # written the same way, entry dates included: the same archive
    names = [name for name, _ in members(built)]
    assert len(names) == 4 and names[-1] == "daftar.csv" and all(n.startswith("DINAS-A/") for n in names[:-1])
    assert heard[0] == (0, 3) and [done for done, _ in heard][-2:] == [3, 3]  # per certificate, then a beat
    first, second = export_entries()  # the streamed download's, then the job's: the same entry, written once
    assert (second.actor_staff_id, second.target_id, second.summary, second.data_json) == (
        first.actor_staff_id, first.target_id, first.summary, first.data_json)
    assert json.loads(second.data_json)["count"] == 3


def test_a_unit_is_kept_and_the_operator_sees_it_whole(app, client, login_as, immediate, city, make_staff):
    login_as(make_staff(Role.OPERATOR))
    event = city["event"]
    job = start_by_post(client, event, f"?unit={city['b'].id}")
    assert (job.status, job.unit_id, job.file_name) == (JobStatus.DONE, city["b"].id, "sertifikat-uji-zip-DINAS-B.zip")
    assert [name for name, _ in members(services.job_path(job).read_bytes())][0].startswith("DINAS-B/")
    job = start_by_post(client, event)
    assert job.total == 4


def test_a_starter_who_lost_the_role_gets_a_failed_job(app, client, login_as, city, make_staff):
    staff = make_staff(Role.AGENCY_ADMIN, agency=city["a"])
    login_as(staff)
    queue_for(app).huey.immediate = False  # keep it queued until the role is gone
    job = start_by_post(client, city["event"])
    staff.role = Role.VIEWER
    db.session.commit()
    queue_for(app).huey.immediate = True
    assert services.enqueue(job)
    job = fresh(job.id)
    assert (job.status, job.problem) == (JobStatus.FAILED, JobProblem.NOT_ALLOWED)
    assert not services.job_path(job).exists()
    assert export_entries() == []


def test_too_many_certificates_for_one_zip_fail_with_the_reason(app, client, login_as, immediate, city, make_staff,
                                                                monkeypatch):
    monkeypatch.setattr(exports, "MAX_CERTIFICATES_PER_ZIP", 2)
    login_as(make_staff(Role.OPERATOR))
    job = start_by_post(client, city["event"])
    assert (job.status, job.problem) == (JobStatus.FAILED, JobProblem.TOO_LARGE)
    assert export_entries() == []


def test_download_is_audited_and_other_agencies_get_404(app, client, login_as, immediate, city, make_staff):
    owner = make_staff(Role.AGENCY_ADMIN, agency=city["a"])
    login_as(owner)
    job = start_by_post(client, city["event"])
    response = client.get(f"/admin/tugas/{job.id}/unduh")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.data == services.job_path(job).read_bytes()
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "job.download")).one()
    assert (entry.actor_staff_id, entry.target_id) == (owner.id, str(job.id))
    assert "Sertifikat pegawai (ZIP)" in client.get(f"/admin/tugas/{job.id}").get_data(as_text=True)
    other = app.test_client()
    stranger = make_staff(Role.AGENCY_ADMIN, agency=city["b"], email="admin-b@contoh.go.id")
    assert other.post("/masuk", data={"email": stranger.email, "password": PASSWORD}).status_code == 302
    for url in (f"/admin/tugas/{job.id}", f"/admin/tugas/{job.id}.json", f"/admin/tugas/{job.id}/unduh"):
        assert other.get(url).status_code == 404, url
    assert other.post(f"/admin/acara/{city['event'].id}/sertifikat.zip/tugas?unit={city['a'].id}").status_code == 404


def test_above_the_threshold_the_stream_sends_to_the_background_button(app, client, login_as, city, make_staff):
    app.config["BACKGROUND_EXPORT_ROWS"] = 2
    login_as(make_staff(Role.AGENCY_ADMIN, agency=city["a"]))
    event = city["event"]
    response = client.get(f"/admin/acara/{event.id}/sertifikat.zip")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/admin/acara/{event.id}/sertifikat")
    assert export_entries() == []  # nothing streamed, nothing audited
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "ZIP berisi 3 sertifikat dibuat di latar belakang" in page
    assert f'action="/admin/acara/{event.id}/sertifikat.zip/tugas"' in page
    assert "Buat ZIP di latar belakang" in page and 'id="zip-job-why"' in page
    assert 'id="zip-download"' not in page
    app.config["BACKGROUND_EXPORT_ROWS"] = 3  # at the threshold: the streamed download again
    page = client.get(f"/admin/acara/{event.id}/sertifikat").get_data(as_text=True)
    assert 'id="zip-download"' in page and "sertifikat.zip/tugas" not in page
    assert client.get(f"/admin/acara/{event.id}/sertifikat.zip").status_code == 200
