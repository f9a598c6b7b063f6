"""The queue is down (JOBS_URL points at a Redis that does not answer): the web keeps serving and loses no job."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from netralitas.auth.models import Role
from netralitas.db import utcnow
from netralitas.extensions import db
from netralitas.jobs import tasks
from netralitas.jobs.models import Job, JobStatus
from netralitas.jobs.queue import queue_for
from netralitas.masterdata.models import AgencyKind, Category, Employee
from tests.reminders.conftest import Inbox, free_port

pytestmark = pytest.mark.usefixtures("fast_passwords")

#: Nothing listens on port 1: every connection is refused at once.
DEAD_QUEUE = "redis://127.0.0.1:1/8"
EMPLOYEES = 12


@pytest.fixture
def smtp_inbox():
    """An SMTP server in this process on a free port (aiosmtpd, tests/reminders' Inbox); yields (inbox, port)."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


@pytest.fixture
def city(make_agency, make_event):
    kota = make_agency("KOTA", name="Pemerintah Kota Uji", kind=AgencyKind.PEMERINTAH)
    event = make_event(name="Deklarasi Uji Antrean", slug="uji-antrean")
    db.session.execute(sa.insert(Employee), [
        {"name": f"Pegawai Antrean {i}", "name_search": f"pegawai antrean {i}", "category": Category.PNS,
         "nip": f"198001012005{i:06d}", "nik": f"3273{i:012d}", "birth_date": date(1980, 1, 1),
         "agency_id": kota.id, "email": f"antrean{i}@contoh.go.id"} for i in range(EMPLOYEES)])
    db.session.commit()
    return {"kota": kota, "event": event}


def test_web_keeps_serving_while_the_queue_is_down_and_nothing_is_lost(app, client, login_as, city, make_staff,
                                                                         smtp_inbox):
    inbox, port = smtp_inbox
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False, MAIL_USE_SSL=False,
                      MAIL_USERNAME="", MAIL_PASSWORD="", MAIL_FROM="Netralitas <netralitas@contoh.go.id>",
                      MAIL_TIMEOUT=5, REMINDER_EMAILS_PER_MINUTE=0, REMINDER_RETRY_DELAYS=())
    good_url = app.config["JOBS_URL"]
    app.config["JOBS_URL"] = DEAD_QUEUE
    app.extensions.pop("jobs", None)
    event = city["event"]
    login_as(make_staff(Role.OPERATOR))

    started = []
    for url in (f"/admin/acara/{event.id}/pengingat/email", f"/admin/acara/{event.id}/rekap/pegawai.xlsx/tugas"):
        response = client.post(url)
        assert response.status_code == 302, url
        job = db.session.scalars(sa.select(Job).order_by(Job.id.desc())).first()
        assert response.headers["Location"].endswith(f"/admin/tugas/{job.id}")
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "Antrean tugas sedang tidak dapat dihubungi. Permintaan Anda tersimpan" in page
        assert "Menunggu giliran" in page
        started.append(job.id)
    jobs = db.session.scalars(sa.select(Job).order_by(Job.id)).all()
    assert [(job.kind, job.status, job.problem, job.attempts) for job in jobs] == [
        ("email_reminders", JobStatus.QUEUED, None, 0), ("status_list", JobStatus.QUEUED, None, 0)]

    # The rest of the site answers as usual: staff pages, the public signing page, the health check.
    for url in ("/admin/tugas", f"/admin/acara/{event.id}/rekap", f"/admin/tugas/{started[0]}.json"):
        assert client.get(url).status_code == 200, url
    public = app.test_client()
    assert public.get(f"/e/{event.slug}").status_code == 200
    assert public.get("/healthz").status_code == 200
    assert inbox.received == []

    # The queue is back; once the jobs are older than JOB_STALE_SECONDS the worker's sweep finds them and runs them.
    app.config["JOBS_URL"] = good_url
    app.extensions.pop("jobs", None)
    queue_for(app).huey.immediate = True  # each task runs as it is enqueued
    stale = utcnow() - timedelta(seconds=app.config["JOB_STALE_SECONDS"] + 1)
    db.session.execute(sa.update(Job).values(heartbeat_dt=stale))
    db.session.commit()
    assert tasks.requeue_stalled_jobs() == {"requeued": started, "failed": []}

    db.session.expire_all()
    jobs = db.session.scalars(sa.select(Job).order_by(Job.id)).all()
    assert [(job.status, job.attempts, job.total) for job in jobs] == [(JobStatus.DONE, 1, EMPLOYEES)] * 2
    assert jobs[0].summary["sent"] == EMPLOYEES
    assert sorted(address for message in inbox.received for address in message.rcpt_tos) == sorted(
        f"antrean{i}@contoh.go.id" for i in range(EMPLOYEES))
    assert client.get(f"/admin/tugas/{started[1]}/unduh").status_code == 200
