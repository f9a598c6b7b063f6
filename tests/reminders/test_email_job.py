"""Reminders for a unit of 1,000 from one click: one job, progress batch by batch, one email each, one audit entry."""
from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa

from netralitas.auth.models import Role
from netralitas.extensions import db
from netralitas.jobs import services as jobs
from netralitas.jobs.models import Job, JobStatus
from netralitas.masterdata.models import AgencyKind, Category, Employee

from .conftest import audit_entries, email_url, reminder_rows

pytestmark = pytest.mark.usefixtures("fast_passwords")
UNIT_SIZE = 1000


@pytest.fixture
def big_unit(make_agency, make_event):
    """An event and a school office with 1,000 unsigned contract employees, each with an email address."""
    city = make_agency("KOTA", name="Pemerintah Kota Uji", kind=AgencyKind.PEMERINTAH)
    unit = make_agency("DISDIK", parent=city, name="Dinas Pendidikan")
    event = make_event(name="Deklarasi Netralitas ASN Pilkada 2026")
    db.session.execute(sa.insert(Employee), [
        {"name": f"Guru {n:04d}", "name_search": f"guru {n:04d}", "category": Category.KONTRAK, "agency_id": unit.id,
         "birth_date": date(1980, 1 + n % 12, 1 + n % 28), "nik": f"3273{n:012d}", "email": f"guru{n:04d}@sekolah.go.id"}
        for n in range(UNIT_SIZE)])
    db.session.commit()
    return event, unit


def test_a_unit_of_1000_in_one_click(app, smtp_server, mail_settings, big_unit, make_staff, monkeypatch):
    inbox, port = smtp_server
    mail_settings(port)
    event, unit = big_unit
    heard = []
    real = jobs.Progress.__call__

    def listening(progress, done, total=None, *, force=False):
        heard.append((done, total))
        real(progress, done, total, force=force)

    monkeypatch.setattr(jobs.Progress, "__call__", listening)
    staff = make_staff(Role.OPERATOR)
    client = app.test_client()
    assert client.post("/masuk", data={"email": staff.email, "password": "rahasia-123456"}).status_code == 302
    assert "Kirim 1.000 email" in client.get(email_url(event, unit=unit.id)).get_data(as_text=True)

    response = client.post(email_url(event, unit=unit.id))  # the one click

    assert response.status_code == 302
    job = db.session.scalars(sa.select(Job)).one()  # one job for the whole unit
    assert response.headers["Location"].endswith(f"/admin/tugas/{job.id}")
    db.session.refresh(job)
    assert (job.kind, job.status, job.done, job.total) == ("email_reminders", JobStatus.DONE, UNIT_SIZE, UNIT_SIZE)
    assert heard[0] == (0, UNIT_SIZE)  # the bar knows its length from the start …
    batch = app.config["REMINDER_EMAIL_BATCH"]
    assert [done for done, _ in heard[1:]] == list(range(batch, UNIT_SIZE + 1, batch))  # … and moves per batch
    addresses = [address for received in inbox.received for address in received.rcpt_tos]
    assert len(addresses) == UNIT_SIZE and len(set(addresses)) == UNIT_SIZE  # everyone once
    assert len(reminder_rows()) == UNIT_SIZE
    (entry,) = audit_entries("reminder.email")
    assert (json.loads(entry.data_json)["sent"], entry.actor_staff_id) == (UNIT_SIZE, staff.id)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1000 terkirim, 0 gagal, 0 dilewati (sudah diingatkan hari ini), 0 tanpa alamat email" in page
    assert f"/admin/tugas/{job.id}" in client.get("/admin/tugas").get_data(as_text=True)


def test_progress_writes_are_throttled_but_the_last_is_kept(app, make_staff, make_event):
    event = make_event()
    job = jobs.start(make_staff(Role.OPERATOR), "email_reminders", event, None)
    db.session.commit()
    now = [0.0]
    progress = jobs.Progress(job.id, clock=lambda: now[0])
    progress(0, 100)
    progress(10)  # within the second: not written
    db.session.expire_all()
    assert (db.session.get(Job, job.id).done, db.session.get(Job, job.id).total) == (0, 100)
    now[0] = 1.5
    progress(20)
    db.session.expire_all()
    stored = db.session.get(Job, job.id)
    assert stored.done == 20 and stored.heartbeat_dt is not None
    progress(30, force=True)
    db.session.expire_all()
    assert db.session.get(Job, job.id).done == 30
