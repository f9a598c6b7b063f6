"""Invitation slips as a background job: the same PDF as the direct download, owner-only, scoped, audited once, and
the direct download refusing selections above BACKGROUND_EXPORT_ROWS."""
from __future__ import annotations

import json
import stat

import pytest
import sqlalchemy as sa

from netralitas.audit.models import AuditEntry
from netralitas.auth.models import Role
from netralitas.extensions import db
from netralitas.invitations import slips as slip_sheets
from netralitas.jobs import services
from netralitas.jobs.models import Job, JobProblem, JobStatus
from netralitas.jobs.queue import queue_for
from netralitas.masterdata.models import AgencyKind
from tests.certificate_exports import pdfread
from tests.conftest import PASSWORD

pytestmark = pytest.mark.usefixtures("fast_passwords")


@pytest.fixture
def city(make_agency, make_employee, make_event, sign_for):
    kota = make_agency("KOTA", name="Pemerintah Kota Uji", kind=AgencyKind.PEMERINTAH)
    a = make_agency("DINAS-A", parent=kota, name="Dinas A")
    b = make_agency("DINAS-B", parent=kota, name="Dinas B")
    event = make_event(name="Deklarasi Uji Slip", slug="uji-slip")
    people = [make_employee(a, name=f"Pegawai A{i}") for i in range(9)] + [make_employee(b, name="Pegawai Di B")]
    sign_for(event, people[0])
    return {"a": a, "b": b, "event": event, "signed": people[0]}


@pytest.fixture
def immediate(app):
    queue = queue_for(app)
    queue.huey.immediate = True  # tasks run in this process on enqueue
    return queue


def fresh(job_id: int) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job_id)


def export_entries() -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "invitation.export")
                                   .order_by(AuditEntry.id)))


def start_by_post(client, event, query: str = "") -> Job:
    response = client.post(f"/admin/acara/{event.id}/undangan.pdf/tugas{query}")
    assert response.status_code == 302
    job = db.session.scalars(sa.select(Job).order_by(Job.id.desc())).first()
    assert response.headers["Location"].endswith(f"/admin/tugas/{job.id}")
    return fresh(job.id)


def test_the_job_builds_the_same_slips_as_the_direct_download(app, client, login_as, immediate, city, make_staff,
                                                              monkeypatch):
    heard, beats = [], []
    real = services.Progress.__call__

    def listening(progress, done, total=None, *, force=False):
        (beats if force else heard).append(done)
        real(progress, done, total, force=force)

    monkeypatch.setattr(services.Progress, "__call__", listening)
    login_as(make_staff(Role.AGENCY_ADMIN, agency=city["a"]))
    event = city["event"]
    direct = client.get(f"/admin/acara/{event.id}/undangan.pdf")
    assert direct.status_code == 200
    job = start_by_post(client, event)
    assert job.status == JobStatus.DONE, (job.problem, job.error)
    assert (job.done, job.total, job.file_format) == (9, 9, "pdf")
    assert job.file_name == "kode-undangan-uji-slip-semua.pdf"
    path = services.job_path(job)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    built = path.read_bytes()
    assert len(pdfread.pages(built)) == len(pdfread.pages(direct.data)) == 2
    assert pdfread.text_lines(built) == pdfread.text_lines(direct.data)
    text = pdfread.text(built)
    assert "Pegawai A8" in text and "Pegawai Di B" not in text  # agency A's scope only
    assert heard[0] == 0 and heard[-1] == 9  # slips drawn, out of 9
    assert len(beats) >= 2  # around writing the PDF out
    first, second = export_entries()  # the direct download's, then the job's: the same entry, written once
    assert (second.actor_staff_id, second.target_id, second.summary, second.data_json) == (
        first.actor_staff_id, first.target_id, first.summary, first.data_json)
    assert json.loads(second.data_json)["format"] == "pdf" and json.loads(second.data_json)["count"] == 9


def test_unsigned_only_and_unit_are_kept(app, client, login_as, immediate, city, make_staff):
    login_as(make_staff(Role.OPERATOR))
    event = city["event"]
    job = start_by_post(client, event, f"?unit={city['a'].id}&belum=1")
    assert job.status == JobStatus.DONE
    assert job.unit_id == city["a"].id and job.file_name == "kode-undangan-uji-slip-DINAS-A-belum-tanda-tangan.pdf"
    text = pdfread.text(services.job_path(job).read_bytes())
    assert "Pegawai A1" in text and city["signed"].name not in text and "Pegawai Di B" not in text
    [entry] = export_entries()
    data = json.loads(entry.data_json)
    assert (data["unit"], data["unsigned_only"], data["count"]) == ("DINAS-A", True, 8)


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


def test_too_many_slips_for_one_pdf_fail_with_the_reason(app, client, login_as, immediate, city, make_staff,
                                                         monkeypatch):
    monkeypatch.setattr(slip_sheets, "MAX_SLIPS_PER_PDF", 3)
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
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.data == services.job_path(job).read_bytes()
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "job.download")).one()
    assert (entry.actor_staff_id, entry.target_id) == (owner.id, str(job.id))
    assert "Slip kode undangan (PDF)" in client.get(f"/admin/tugas/{job.id}").get_data(as_text=True)
    other = app.test_client()
    stranger = make_staff(Role.AGENCY_ADMIN, agency=city["b"], email="admin-b@contoh.go.id")
    assert other.post("/masuk", data={"email": stranger.email, "password": PASSWORD}).status_code == 302
    for url in (f"/admin/tugas/{job.id}", f"/admin/tugas/{job.id}.json", f"/admin/tugas/{job.id}/unduh"):
        assert other.get(url).status_code == 404, url
    # Nor may they start one for a unit outside their agency.
    assert other.post(f"/admin/acara/{city['event'].id}/undangan.pdf/tugas?unit={city['a'].id}").status_code == 404


def test_above_the_threshold_the_direct_download_sends_to_the_background_button(app, client, login_as, city,
                                                                                  make_staff):
    app.config["BACKGROUND_EXPORT_ROWS"] = 8
    login_as(make_staff(Role.AGENCY_ADMIN, agency=city["a"]))
    event = city["event"]
    page_url = f"/admin/acara/{event.id}/undangan"
    response = client.get(f"/admin/acara/{event.id}/undangan.pdf?unit={city['a'].id}")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{page_url}?unit={city['a'].id}")
    assert export_entries() == []  # nothing built, nothing audited
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Slip untuk 9 pegawai dibuat di latar belakang" in page
    assert f'action="/admin/acara/{event.id}/undangan.pdf/tugas?unit={city["a"].id}"' in page
    assert "Buat PDF di latar belakang" in page and 'id="slips-job-why"' in page
    assert f'href="/admin/acara/{event.id}/undangan.pdf?unit={city["a"].id}"' not in page
    # At the threshold (8 unsigned) the direct download is the button again.
    page = client.get(f"{page_url}?unit={city['a'].id}&belum=1").get_data(as_text=True)
    assert f'href="/admin/acara/{event.id}/undangan.pdf?unit={city["a"].id}&amp;belum=1"' in page
    assert "undangan.pdf/tugas" not in page
    assert client.get(f"/admin/acara/{event.id}/undangan.pdf?unit={city['a'].id}&belum=1").status_code == 200


# The status-list XLSX follows the same threshold on the reports pages (its own job has tests/jobs/
# test_status_list_job.py; this checks only which button the page offers).
def test_the_reports_pages_offer_the_status_xlsx_job_above_the_threshold(app, client, login_as, city, make_staff):
    login_as(make_staff(Role.AGENCY_ADMIN, agency=city["a"]))
    event = city["event"]
    dashboard = f"/admin/acara/{event.id}/rekap"
    drill_down = f"/admin/acara/{event.id}/rekap/pegawai"
    for url in (dashboard, drill_down):
        page = client.get(url).get_data(as_text=True)
        assert 'id="status-xlsx-job"' not in page and "rekap/pegawai.xlsx?" in page, url
    app.config["BACKGROUND_EXPORT_ROWS"] = 8  # 9 employees in A, 8 of them unsigned
    for url in (dashboard, drill_down):
        page = client.get(url).get_data(as_text=True)
        assert 'id="status-xlsx-job"' in page and 'id="status-xlsx-why"' in page, url
        assert 'btn btn-sm btn-primary" type="submit">XLSX (latar belakang)' in page, url
        assert ">XLSX</a>" not in page, url  # no direct XLSX of the whole list
        assert "Belum tanda tangan (XLSX)</a>" in page, url  # 8 unsigned: still direct
    page = client.get(f"{drill_down}?status=belum").get_data(as_text=True)
    assert 'id="status-xlsx-job"' not in page and ">XLSX</a>" in page  # the filtered list holds 8
    app.config["BACKGROUND_EXPORT_ROWS"] = 7
    page = client.get(dashboard).get_data(as_text=True)
    assert "Belum tanda tangan (XLSX, latar belakang)" in page
