"""Email reminders against a local SMTP server: who gets one, what it says, one a day, failures leave no trace."""
from __future__ import annotations

import json
import smtplib
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from netralitas.auth.models import Role
from netralitas.core.mail import Delivery, MailSettings, plain_address, plain_message, send_batch
from netralitas.events.models import EventStatus
from netralitas.events.services import set_status
from netralitas.extensions import db
from netralitas.invitations.services import code_for, ensure_invitations, invitation_url, live_invitation, reissue
from netralitas.masterdata.models import Employee
from netralitas.reminders import email as reminders
from netralitas.reminders.models import EmailReminder

from .conftest import EVENT_NAME, audit_entries, email_url, free_port, reminder_rows

pytestmark = pytest.mark.usefixtures("fast_passwords")

ADDRESSES_A = {"ani@contoh.go.id", "wayan@contoh.go.id"}
ADDRESSES_ALL = ADDRESSES_A | {"budi@contoh.go.id"}


def current_link(event, employee) -> str:
    invitation = live_invitation(event, db.session.get(Employee, employee.id))
    return invitation_url(code_for(event.id, employee.id, invitation.generation))


def received_addresses(inbox) -> list[str]:
    return sorted(address for r in inbox.received for address in r.rcpt_tos)


def send(client, event, **args):
    return client.post(email_url(event, **args), follow_redirects=True)


@pytest.fixture
def mail_on(smtp_server, mail_settings):
    inbox, port = smtp_server
    mail_settings(port)
    return inbox


def test_confirmation_page_counts_before_sending(signed_in, people, mail_on):
    client, _ = signed_in(Role.SUPER_ADMIN)
    body = client.get(email_url(people.event)).get_data(as_text=True)
    assert "Kirim 3 email" in body  # Ani, Wayan and Budi; Tono has no address, Sari has signed
    assert mail_on.received == []  # a GET sends nothing
    assert reminder_rows() == []


def test_sends_each_unsigned_employee_their_personal_link(signed_in, people, mail_on):
    client, staff = signed_in(Role.SUPER_ADMIN)
    body = send(client, people.event).get_data(as_text=True)
    assert "3 terkirim, 0 gagal, 0 dilewati" in body
    assert "1 tanpa alamat email" in body
    assert received_addresses(mail_on) == sorted(ADDRESSES_ALL)
    for employee in (people.ani, people.wayan, people.budi):
        (message,) = mail_on.to(employee.email)
        assert message["To"] == employee.email
        assert message["From"] == "Netralitas <netralitas@contoh.go.id>"
        assert EVENT_NAME in message["Subject"]
        assert message.get_content_type() == "text/plain"
        text = message.get_content()
        assert current_link(people.event, employee) in text
        assert employee.name in text  # the accented name survives (UTF-8)
        assert "WIB" in text
    rows = reminder_rows()
    assert [(r.employee_id, r.to_address, r.sent_by_id, r.event_id) for r in rows] == [
        (people.ani.id, "ani@contoh.go.id", staff.id, people.event.id),
        (people.wayan.id, "wayan@contoh.go.id", staff.id, people.event.id),
        (people.budi.id, "budi@contoh.go.id", staff.id, people.event.id)]
    (entry,) = audit_entries("reminder.email")
    data = json.loads(entry.data_json)
    assert (data["sent"], data["failed"], data["skipped"], data["no_email"]) == (3, 0, 0, 1)
    assert sorted(data["sent_to"]) == sorted([people.ani.id, people.wayan.id, people.budi.id])
    assert entry.actor_staff_id == staff.id


def test_a_second_send_the_same_day_skips_everyone(signed_in, people, mail_on):
    client, _ = signed_in(Role.SUPER_ADMIN)
    send(client, people.event)
    other, _ = signed_in(Role.OPERATOR)  # another staff member, same day
    body = send(other, people.event).get_data(as_text=True)
    assert "Tidak ada yang perlu dikirimi email sekarang: 3 sudah diingatkan hari ini, 1 tanpa alamat email" in body
    assert len(mail_on.received) == 3
    assert len(reminder_rows()) == 3
    assert len(audit_entries("reminder.email")) == 1  # nothing was attempted the second time


def test_the_database_refuses_a_second_reminder_the_same_day(app, people, make_staff):
    """The race path: someone else's row appears between planning and claiming; the unique constraint decides."""
    staff = make_staff(Role.SUPER_ADMIN)
    today = reminders.local_today(app.config["BABEL_DEFAULT_TIMEZONE"])
    plan = reminders.plan(people.event, staff, None, today)
    assert {r.employee_id for r in plan.due} == {people.ani.id, people.wayan.id, people.budi.id}
    db.session.add(EmailReminder(event_id=people.event.id, employee_id=people.ani.id, sent_by_id=None,
                                 to_address="ani@contoh.go.id", sent_on=today))
    db.session.flush()
    batch = reminders.claim(staff, people.event, plan.due, today, tz_name="Asia/Jakarta")
    assert {r.employee_id for r in batch.recipients} == {people.wayan.id, people.budi.id}
    assert batch.lost_races == 1
    db.session.commit()
    with pytest.raises(sa.exc.IntegrityError):  # and the constraint itself holds, whichever event it is for
        db.session.add(EmailReminder(event_id=people.event.id, employee_id=people.budi.id, sent_by_id=None,
                                     to_address="x@contoh.go.id", sent_on=today))
        db.session.flush()
    db.session.rollback()


def test_a_reminder_yesterday_does_not_count_today(signed_in, people, mail_on, monkeypatch):
    # 18:30 UTC on 20 Nov is 01:30 WIB on 21 Nov: "today" is the local day.
    monkeypatch.setattr(reminders, "utcnow", lambda: datetime(2026, 11, 20, 18, 30, tzinfo=UTC))
    db.session.add(EmailReminder(event_id=people.event.id, employee_id=people.ani.id, sent_by_id=None,
                                 to_address="ani@contoh.go.id", sent_on=date(2026, 11, 20)))
    db.session.add(EmailReminder(event_id=people.event.id, employee_id=people.budi.id, sent_by_id=None,
                                 to_address="budi@contoh.go.id", sent_on=date(2026, 11, 21)))
    db.session.commit()
    client, _ = signed_in(Role.SUPER_ADMIN)
    body = send(client, people.event).get_data(as_text=True)
    assert "2 terkirim, 0 gagal, 1 dilewati" in body
    assert received_addresses(mail_on) == ["ani@contoh.go.id", "wayan@contoh.go.id"]
    today_rows = db.session.scalars(sa.select(EmailReminder.employee_id).where(
        EmailReminder.sent_on == date(2026, 11, 21))).all()
    assert sorted(today_rows) == sorted([people.ani.id, people.wayan.id, people.budi.id])


def test_agency_admin_emails_only_their_subtree(signed_in, people, mail_on):
    client, _ = signed_in(Role.AGENCY_ADMIN)
    assert client.post(email_url(people.event, unit=people.b.id)).status_code == 404
    assert client.get(email_url(people.event, unit=people.b.id)).status_code == 404
    assert mail_on.received == []
    assert reminder_rows() == []
    send(client, people.event)
    assert received_addresses(mail_on) == sorted(ADDRESSES_A)
    send(client, people.event, unit=people.a1.id)  # Wayan was reminded already: nothing new
    assert len(mail_on.received) == 2


def test_unit_choice_limits_the_batch(signed_in, people, mail_on):
    client, _ = signed_in(Role.OPERATOR)
    send(client, people.event, unit=people.b.id)
    assert received_addresses(mail_on) == ["budi@contoh.go.id"]
    entry = audit_entries("reminder.email")[-1]
    assert json.loads(entry.data_json)["unit"] == "DINAS-B"


def test_the_email_follows_a_reissued_code(signed_in, make_staff, people, mail_on):
    ensure_invitations(people.event, [people.ani.id])  # the slip with code generation 0 was handed out
    reissue(make_staff(Role.OPERATOR), people.event, db.session.get(Employee, people.ani.id), "slip hilang")
    db.session.commit()
    new_link = current_link(people.event, people.ani)
    old_link = invitation_url(code_for(people.event.id, people.ani.id, 0))
    assert new_link != old_link
    client, _ = signed_in(Role.SUPER_ADMIN)
    send(client, people.event)
    (message,) = mail_on.to("ani@contoh.go.id")
    assert new_link in message.get_content()
    assert old_link not in message.get_content()


def test_not_configured_sends_nothing_and_says_so(signed_in, people, mail_off):
    client, _ = signed_in(Role.SUPER_ADMIN)
    page = client.get(email_url(people.event)).get_data(as_text=True)
    assert "MAIL_SERVER kosong" in page
    assert "Kirim 3 email" not in page
    body = send(client, people.event).get_data(as_text=True)
    assert "MAIL_SERVER kosong" in body
    assert reminder_rows() == []
    assert audit_entries("reminder.email") == []


def test_server_down_gives_a_clear_message_and_no_reminder_rows(signed_in, people, mail_settings, smtp_server):
    mail_settings(free_port())  # nothing listens there
    client, _ = signed_in(Role.SUPER_ADMIN)
    body = send(client, people.event).get_data(as_text=True)
    assert "Server email menolak atau tidak dapat dihubungi" in body  # the job failed, and says why
    assert "0 terkirim, 3 gagal" in body
    assert "Coba lagi" in body
    assert reminder_rows() == []  # so a retry reaches them
    (entry,) = audit_entries("reminder.email")
    data = json.loads(entry.data_json)
    assert (data["sent"], data["failed"]) == (0, 3) and "ConnectionRefusedError" in data["error"]
    inbox, port = smtp_server
    mail_settings(port)  # the server is back: the retry the same day goes out
    assert "3 terkirim" in send(client, people.event).get_data(as_text=True)
    assert received_addresses(inbox) == sorted(ADDRESSES_ALL)


def test_a_refused_recipient_fails_alone(signed_in, people, mail_on):
    mail_on.refuse.add("wayan@contoh.go.id")
    client, _ = signed_in(Role.SUPER_ADMIN)
    body = send(client, people.event).get_data(as_text=True)
    assert "2 terkirim, 1 gagal" in body
    assert "Server email menjawab: 550 5.1.1 Mailbox unavailable" in body
    assert {r.employee_id for r in reminder_rows()} == {people.ani.id, people.budi.id}
    mail_on.refuse.clear()
    assert "1 terkirim, 0 gagal, 2 dilewati" in send(client, people.event).get_data(as_text=True)
    assert len(mail_on.to("wayan@contoh.go.id")) == 1


def test_one_click_sends_the_whole_selection_batch_by_batch(app, signed_in, people, mail_on, monkeypatch):
    app.config["REMINDER_EMAIL_BATCH"] = 2  # two SMTP connections for three emails
    claims = []
    real_claim = reminders.claim
    monkeypatch.setattr(reminders, "claim", lambda *args, **kwargs: claims.append(len(args[2])) or real_claim(
        *args, **kwargs))
    client, _ = signed_in(Role.SUPER_ADMIN)
    page = client.get(email_url(people.event)).get_data(as_text=True)
    assert "Kirim 3 email" in page and "satu tugas latar belakang" in page
    response = client.post(email_url(people.event))
    assert response.status_code == 302 and "/admin/tugas/" in response.headers["Location"]
    body = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "3 terkirim, 0 gagal, 0 dilewati" in body
    assert claims == [2, 1]
    assert received_addresses(mail_on) == sorted(ADDRESSES_ALL)
    assert len(audit_entries("reminder.email")) == 1  # one mailing, one entry


def test_a_temporary_refusal_is_retried_in_the_same_job(app, signed_in, people, mail_on, monkeypatch):
    app.config["REMINDER_RETRY_DELAYS"] = (0.01, 0.01)
    answers = iter(["451 4.7.1 Greylisted, try again later"])  # the first RCPT of the job only

    async def greylisting(server, session, envelope, address, rcpt_options):
        answer = next(answers, None)
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    monkeypatch.setattr(mail_on, "handle_RCPT", greylisting)
    client, _ = signed_in(Role.SUPER_ADMIN)
    body = send(client, people.event).get_data(as_text=True)
    assert "3 terkirim, 0 gagal" in body
    assert received_addresses(mail_on) == sorted(ADDRESSES_ALL)


def test_a_permanent_refusal_is_not_retried(app, signed_in, people, mail_on):
    app.config["REMINDER_RETRY_DELAYS"] = (0.01,)
    mail_on.refuse.add("ani@contoh.go.id")
    tried = []
    real = mail_on.handle_RCPT

    async def counting(server, session, envelope, address, rcpt_options):
        tried.append(address)
        return await real(server, session, envelope, address, rcpt_options)

    mail_on.handle_RCPT = counting
    client, _ = signed_in(Role.SUPER_ADMIN)
    assert "2 terkirim, 1 gagal" in send(client, people.event).get_data(as_text=True)
    assert tried.count("ani@contoh.go.id") == 1


def test_closed_events_send_nothing(signed_in, people, mail_on):
    set_status("test", people.event, EventStatus.CLOSED)
    db.session.commit()
    client, _ = signed_in(Role.SUPER_ADMIN)
    body = send(client, people.event).get_data(as_text=True)
    assert "tidak sedang menerima tanda tangan" in body
    assert mail_on.received == []
    assert reminder_rows() == []


def test_bad_addresses_count_as_no_email(signed_in, make_employee, people, mail_on):
    make_employee(people.b, name="Alamat Rusak", email="bukan-alamat")
    make_employee(people.b, name="Dua Alamat", email="a@contoh.go.id, b@contoh.go.id")
    make_employee(people.b, name="Sisip Header", email="c@contoh.go.id\nBcc: d@contoh.go.id")
    client, _ = signed_in(Role.SUPER_ADMIN)
    body = send(client, people.event).get_data(as_text=True)
    assert "3 terkirim" in body and "4 tanpa alamat email" in body
    assert received_addresses(mail_on) == sorted(ADDRESSES_ALL)


# --- the SMTP helper on its own ------------------------------------------------------------------------------------

def settings_for(port: int) -> MailSettings:
    return MailSettings("127.0.0.1", port, "", "", False, False, "netralitas@contoh.go.id", 5)


def test_the_throttle_spaces_messages(smtp_server):
    inbox, port = smtp_server
    settings = settings_for(port)
    messages = [plain_message(settings, f"p{n}@contoh.go.id", "Subjek", "Isi") for n in range(3)]
    now, slept = [100.0], []

    def sleep(seconds):
        slept.append(round(seconds, 3))
        now[0] += seconds

    result = send_batch(settings, messages, interval=0.5, sleep=sleep, clock=lambda: now[0])
    assert [o.delivery for o in result.outcomes] == [Delivery.SENT] * 3
    assert slept == [0.5, 0.5]  # the first goes at once, then one every half second
    assert len(inbox.received) == 3


def test_pace_follows_the_settings():
    pace = reminders.Pace.from_config({"REMINDER_EMAIL_BATCH": 20, "REMINDER_EMAILS_PER_MINUTE": 300,
                                       "REMINDER_RETRY_DELAYS": (30.0, 120.0)})
    assert (pace.batch_size, pace.interval, pace.retry_delays) == (20, 0.2, (30.0, 120.0))
    assert reminders.Pace.from_config({"REMINDER_EMAIL_BATCH": 0, "REMINDER_EMAILS_PER_MINUTE": 0,
                                       "REMINDER_RETRY_DELAYS": ()}).interval == 0.0


def test_login_failure_fails_the_whole_batch(monkeypatch):
    class Refusing(smtplib.SMTP):
        def __init__(self, *args, **kwargs):  # no network
            self.sock = None

        def login(self, user, password, **kwargs):
            raise smtplib.SMTPAuthenticationError(535, b"5.7.8 Authentication credentials invalid")

        def quit(self):
            raise smtplib.SMTPServerDisconnected("not connected")

        def close(self):
            pass

    monkeypatch.setattr(smtplib, "SMTP", Refusing)
    settings = MailSettings("smtp.contoh.go.id", 587, "akun", "rahasia-sekali", True, False, "akun@contoh.go.id", 5)
    monkeypatch.setattr(Refusing, "starttls", lambda self, **kwargs: None)
    result = send_batch(settings, [plain_message(settings, "x@contoh.go.id", "S", "Isi")])
    assert result.connection_error == "535 5.7.8 Authentication credentials invalid"
    assert "rahasia" not in result.connection_error
    assert [(o.delivery, o.temporary) for o in result.outcomes] == [(Delivery.FAILED, False)]  # 5xx: never retried


def test_a_refused_connection_is_temporary(smtp_server):
    settings = settings_for(free_port())  # nothing listens
    result = send_batch(settings, [plain_message(settings, "x@contoh.go.id", "S", "Isi")])
    assert [(o.delivery, o.temporary) for o in result.outcomes] == [(Delivery.FAILED, True)]


def test_problem_names_what_is_missing():
    assert MailSettings.from_config({}).problem == "no_server"
    assert MailSettings.from_config({"MAIL_SERVER": "smtp.contoh.go.id"}).problem == "no_sender"
    assert MailSettings.from_config({"MAIL_SERVER": "smtp.contoh.go.id", "MAIL_USERNAME": "akun@contoh.go.id"}).problem is None
    assert MailSettings.from_config({"MAIL_SERVER": "s", "MAIL_FROM": "Netralitas <n@contoh.go.id>"}).problem is None



@pytest.mark.parametrize(("raw", "expected"), [
    ("siti@dinas.kota.go.id", "siti@dinas.kota.go.id"),
    ("  siti.rahayu+pengingat@kota.go.id ", "siti.rahayu+pengingat@kota.go.id"),
    ("o'neil@kota.go.id", "o'neil@kota.go.id"),
    (None, None), ("", None), ("siti", None), ("siti@kota", None), ("@kota.go.id", None), ("siti@@kota.go.id", None),
    ("siti rahayu@kota.go.id", None), ("a@kota.go.id, b@kota.go.id", None), ("a@kota.go.id; b@kota.go.id", None),
    ("Siti <siti@kota.go.id>", None), ('"siti"@kota.go.id', None), (".siti@kota.go.id", None),
    ("siti..r@kota.go.id", None), ("siti@-kota.go.id", None), ("siti@kota.go.id\nBcc: x@kota.go.id", None),
    ("siti@kota.go.id\r\n", "siti@kota.go.id"),  # trailing whitespace only: stripped
    ("síti@kota.go.id", None),  # would need SMTPUTF8 from the server
    ("a" * 250 + "@kota.go.id", None),
])
def test_plain_address(raw, expected):
    assert plain_address(raw) == expected


def test_a_revoked_signer_is_sent_to_the_help_desk_not_given_a_new_code(app, signed_in, make_staff, people, mail_on):
    """Revocation ends the code; a reminder must neither crash on the missing link nor hand out a new code."""
    from netralitas.certificates.services import revoke
    from netralitas.signing.models import RevocationReason, Signature

    signature = db.session.scalar(sa.select(Signature).where(Signature.employee_id == people.sari.id))
    revoke(make_staff(Role.SUPER_ADMIN), signature.certificate, RevocationReason.DATA_ERROR, "salah unit")
    db.session.commit()
    client, _ = signed_in(Role.SUPER_ADMIN)
    body = send(client, people.event).get_data(as_text=True)
    assert "4 terkirim, 0 gagal, 0 dilewati" in body  # Sari is unsigned again, and reachable
    (message,) = mail_on.to("sari@contoh.go.id")
    assert "meja bantuan" in message.get_content()
    assert "/i/" not in message.get_content()
    assert live_invitation(people.event, db.session.get(Employee, people.sari.id)) is None
