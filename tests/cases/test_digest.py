"""The daily case digest with a frozen clock: who gets which lines, once a day, on working days, with mail set up."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from netralitas.audit.models import AuditEntry
from netralitas.auth.models import Role
from netralitas.calendar.models import DayOff, DayOffKind
from netralitas.cases import digest
from netralitas.cases.digest_models import CaseDigest
from netralitas.cases.models import CaseStage
from netralitas.extensions import db
from netralitas.jobs import tasks
from netralitas.jobs.queue import queue_for
from tests.reminders.conftest import free_port, mail_settings, smtp_server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("fast_passwords")

#: A Wednesday without holidays around it (February 2025 has none).
TODAY = date(2025, 2, 26)
BASE_URL = "http://127.0.0.1:5000"  # PUBLIC_BASE_URL of the test app


@pytest.fixture
def cases(world, make_agency, make_letter_case):
    """Letters received on chosen days (the follow-up is due 14 working days later), and cases with no deadline."""
    overdue = make_letter_case(world.ani, date(2025, 2, 3))  # due Fri 21 Feb: 3 working days late on the 26th
    due_soon = make_letter_case(world.budi, date(2025, 2, 10))  # due Fri 28 Feb: 2 working days left
    on_time = make_letter_case(world.ani, date(2025, 2, 24))  # due Fri 14 Mar
    forwarded = make_letter_case(world.budi, date(2025, 1, 6))
    forwarded.stage = CaseStage.FORWARDED  # no longer the employer's: no deadline however old
    finding = make_letter_case(world.ani, date(2025, 1, 6), letter=False)  # an internal finding: no follow-up rule
    db.session.commit()
    return {"overdue": overdue, "due_soon": due_soon, "on_time": on_time, "forwarded": forwarded, "finding": finding}


@pytest.fixture
def officers(world, officer, make_agency, make_case_officer, make_staff):
    """Who might get a digest: the city-wide officer (from conftest), an officer of A, one of an empty unit, others."""
    c = make_agency("DINAS-C", parent=world.a.parent, name="Dinas C")
    return {
        "city": officer,
        "a": make_case_officer(Role.AGENCY_ADMIN, agency=world.a),
        "c": make_case_officer(Role.AGENCY_ADMIN, agency=c),  # nothing due in C: no email
        "retired": make_case_officer(Role.OPERATOR, is_active=False),
        "boss": make_staff(Role.SUPER_ADMIN),  # sees every case, but is not a case officer: no email
    }


@pytest.fixture
def frozen(monkeypatch):
    """Freeze the day the digest counts from (local_today where the digest reads it)."""

    def freeze(day: date) -> None:
        monkeypatch.setattr(digest, "local_today", lambda: day)

    freeze(TODAY)
    return freeze


@pytest.fixture
def inbox(smtp_server, mail_settings):  # noqa: F811 (fixtures imported above)
    received, port = smtp_server
    mail_settings(port)
    return received


@pytest.fixture
def immediate_queue(app):
    queue = queue_for(app)
    queue.huey.immediate = True
    return queue


def case_lines(message) -> list[str]:
    """The digest's section titles and case lines ("- KN-… · unit · stage"), in order."""
    body = message.get_content()
    return [line for line in body.splitlines() if line.startswith(("- ", "TERLAMBAT", "SEGERA"))]


def digest_audits() -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "case.digest")
                                   .order_by(AuditEntry.seq)))


def digest_rows() -> list[tuple[int, date, int]]:
    db.session.expire_all()
    return [tuple(row) for row in db.session.execute(
        sa.select(CaseDigest.staff_id, CaseDigest.sent_on, CaseDigest.case_count).order_by(CaseDigest.staff_id))]


def test_each_officer_gets_their_due_cases_overdue_first(app, world, cases, officers, frozen, inbox, immediate_queue):
    summary = immediate_queue.enqueue("case_digest")()
    assert {r.rcpt_tos[0] for r in inbox.received} == {officers["city"].email, officers["a"].email}
    assert len(inbox.received) == 2  # one email each; C, the inactive officer and the super admin get none

    (city,) = inbox.to(officers["city"].email)
    assert city["Subject"].strip() == "Kasus netralitas: 1 terlambat, 1 segera jatuh tempo (Rabu, 26 Februari 2025)"
    assert case_lines(city) == ["TERLAMBAT (1)", "- KN-2025-0001 · Dinas A (DINAS-A) · Penelaahan",
                                "SEGERA JATUH TEMPO (1)", "- KN-2025-0002 · Dinas B (DINAS-B) · Penelaahan"]
    body = city.get_content()
    assert "Tindak lanjut rekomendasi oleh PPK: jatuh tempo Jumat, 21 Februari 2025 (lewat 3 hari kerja)" in body
    assert "Tindak lanjut rekomendasi oleh PPK: jatuh tempo Jumat, 28 Februari 2025 (2 hari kerja lagi)" in body
    assert f"{BASE_URL}/admin/kasus/{cases['overdue'].id}" in body
    assert f"{BASE_URL}/admin/kasus/{cases['due_soon'].id}" in body

    (only_a,) = inbox.to(officers["a"].email)
    assert only_a["Subject"].strip() == "Kasus netralitas: 1 terlambat (Rabu, 26 Februari 2025)"
    assert case_lines(only_a) == ["TERLAMBAT (1)", "- KN-2025-0001 · Dinas A (DINAS-A) · Penelaahan"]

    for received in inbox.received:  # case number and unit only: no employee's name or NIP
        text = received.message.as_string()
        assert not any(secret in text for secret in ("Ani", "Budi", world.ani.nip, world.budi.nip))

    assert summary["sent"] == 2 and summary["nothing_due"] == 1 and summary["due_cases"] == 2
    assert digest_rows() == [(officers["city"].id, TODAY, 2), (officers["a"].id, TODAY, 1)]
    (entry,) = digest_audits()
    assert '"sent":2' in entry.data_json and "Ani" not in entry.data_json


def test_a_second_run_the_same_day_sends_nothing(app, world, cases, officers, frozen, inbox):
    tasks.case_digest()
    assert len(inbox.received) == 2
    again = tasks.case_digest()
    assert len(inbox.received) == 2
    assert (again["sent"], again["already_sent"]) == (0, 2)
    assert len(digest_rows()) == 2
    assert len(digest_audits()) == 2  # each run that looked at the cases is on the record, with its counts

    frozen(date(2025, 2, 27))  # the next working day: a new digest
    tasks.case_digest()
    assert len(inbox.received) == 4


@pytest.mark.parametrize("day", [date(2025, 3, 1), date(2025, 3, 31)], ids=["saturday", "idul-fitri"])
def test_no_digest_on_a_day_off(app, world, cases, officers, frozen, inbox, day):
    frozen(day)
    summary = tasks.case_digest()
    assert summary["skipped"] == "not_a_working_day"
    assert inbox.received == [] and digest_rows() == [] and digest_audits() == []


def test_no_digest_on_a_recorded_local_day_off(app, world, cases, officers, frozen, inbox):
    db.session.add(DayOff(day=TODAY, name="Hari jadi kota", kind=DayOffKind.LOCAL, source="Perwali 1/2025"))
    db.session.commit()
    assert tasks.case_digest()["skipped"] == "not_a_working_day"
    assert inbox.received == []


def test_without_mail_settings_the_job_logs_and_does_nothing(app, world, cases, officers, frozen, caplog):
    app.config.update(MAIL_SERVER="", MAIL_FROM="")
    with caplog.at_level("INFO", logger="netralitas.jobs"):
        summary = tasks.case_digest()
    assert summary["skipped"] == "mail_not_set"
    assert "skipped (mail_not_set)" in caplog.text
    assert digest_rows() == [] and digest_audits() == []


def test_nobody_with_nothing_due_gets_an_email(app, world, officers, frozen, inbox, make_letter_case):
    make_letter_case(world.ani, date(2025, 2, 24))  # on time
    summary = tasks.case_digest()
    assert inbox.received == [] and digest_rows() == []
    assert (summary["due_cases"], summary["nothing_due"]) == (0, 3)


def test_a_server_that_is_down_releases_the_claims_and_asks_for_a_retry(app, world, cases, officers, frozen,
                                                                         mail_settings, smtp_server):  # noqa: F811
    mail_settings(free_port())  # nothing listens there: connection refused, which may pass
    with pytest.raises(digest.DigestRetryError):
        tasks.case_digest()
    assert digest_rows() == []  # released: the retry reaches them
    (entry,) = digest_audits()
    assert '"failed":2' in entry.data_json

    received, port = smtp_server
    mail_settings(port)  # the server is back for the queue's retry
    assert tasks.case_digest()["sent"] == 2
    assert len(received.received) == 2


def test_a_refused_address_is_not_retried(app, world, cases, officers, frozen, inbox):
    inbox.refuse.add(officers["a"].email)  # 550: final
    summary = tasks.case_digest()
    assert (summary["sent"], summary["failed"]) == (1, 1)
    assert [row[0] for row in digest_rows()] == [officers["city"].id]


def test_the_schedule_is_seven_in_the_morning_in_jakarta(app):
    (job,) = [job for job in tasks.SCHEDULED if job.name == "case_digest"]
    runs = [minute for minute in range(24 * 60) if job.schedule(datetime(2025, 2, 26) + timedelta(minutes=minute))]
    assert runs == [0]  # 00:00 UTC = 07:00 WIB


def test_later_stages_count_too_an_undelivered_decree(app, world, officer, frozen, inbox, make_letter_case):
    from netralitas.cases.models import CaseDecision
    from netralitas.legal.services import sanction_by_code

    case = make_letter_case(world.ani, date(2025, 1, 6))
    db.session.add(CaseDecision(case_id=case.id, sanction_id=sanction_by_code("PNS-RINGAN-TERTULIS").id,
                                reasons="RAHASIA-ALASAN", decree_number="800/SK-1/2025", decree_on=date(2025, 2, 5),
                                decided_by_id=officer.id))
    case.stage = CaseStage.DECIDED
    db.session.commit()
    tasks.case_digest()
    (message,) = inbox.to(officer.email)
    assert case_lines(message) == ["TERLAMBAT (1)", "- KN-2025-0001 · Dinas A (DINAS-A) · Diputuskan"]
    # 14 working days from the decree of Wed 5 Feb: due Tue 25 Feb, one working day late on the 26th
    assert ("Penyampaian keputusan hukuman disiplin: jatuh tempo Selasa, 25 Februari 2025 (lewat 1 hari kerja)"
            in message.get_content())
    assert "RAHASIA-ALASAN" not in message.as_string()
