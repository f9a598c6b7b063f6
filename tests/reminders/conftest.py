"""Fixtures for reminders: a small agency tree with phones and emails, an open event, a local SMTP server."""
from __future__ import annotations

import socket
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from netralitas.audit.models import AuditEntry
from netralitas.auth.models import Role, Staff
from netralitas.events.models import Event
from netralitas.extensions import db
from netralitas.masterdata.models import Agency, AgencyKind, Employee
from netralitas.reminders.models import EmailReminder

EVENT_NAME = "Deklarasi Netralitas ASN Pilkada 2026"


@dataclass
class People:
    """KOTA with agency A (sub-unit A1) and agency B; who is reachable how."""

    event: Event
    a: Agency
    a1: Agency
    b: Agency
    #: In A, a valid mobile number and an email.
    ani: Employee
    #: In A1, a landline and an email; a name with an accent.
    wayan: Employee
    #: In A1, neither phone nor email.
    tono: Employee
    #: In B, a valid mobile number and an email.
    budi: Employee
    #: In A, has signed: never on a reminder list.
    sari: Employee


@pytest.fixture(autouse=True)
def jobs_run_at_once(app):
    """A reminder job runs inside the request that starts it (Huey's immediate mode), unthrottled, no retry waits."""
    from netralitas.jobs.queue import queue_for

    queue_for(app).huey.immediate = True
    app.config.update(REMINDER_EMAILS_PER_MINUTE=0, REMINDER_RETRY_DELAYS=())


@pytest.fixture
def people(make_agency, make_employee, make_event, sign_for) -> People:
    government = make_agency("KOTA", name="Pemerintah Kota Uji", kind=AgencyKind.PEMERINTAH)
    a = make_agency("DINAS-A", parent=government, name="Dinas A")
    a1 = make_agency("BIDANG-A1", parent=a, name="Bidang A1", kind=AgencyKind.UNIT)
    b = make_agency("DINAS-B", parent=government, name="Dinas B")
    event = make_event(name=EVENT_NAME)
    ani = make_employee(a, name="Ani Lestari", phone="0812-1111-2222", email="ani@contoh.go.id")
    wayan = make_employee(a1, name="Ni Luh Putu Ayu Wédari", phone="(021) 555-1234", email="wayan@contoh.go.id")
    tono = make_employee(a1, name="Tono Sugiarto")
    budi = make_employee(b, name="Budi Santoso", phone="+62 813 2222 3333", email="budi@contoh.go.id")
    sari = make_employee(a, name="Sari Sudah", phone="0812-9999-0000", email="sari@contoh.go.id")
    sign_for(event, sari)
    return People(event, a, a1, b, ani, wayan, tono, budi, sari)


@pytest.fixture
def signed_in(app, make_staff, people):
    """A client signed in as a role; agency admins get agency A. Returns (client, staff)."""

    def make(role: Role = Role.SUPER_ADMIN) -> tuple:
        staff = make_staff(role, agency=people.a if role in (Role.AGENCY_ADMIN, Role.VIEWER) else None)
        client = app.test_client()
        response = client.post("/masuk", data={"email": staff.email, "password": "rahasia-123456"})
        assert response.status_code == 302
        return client, staff

    return make


def list_url(event: Event, **args) -> str:
    query = "&".join(f"{key}={value}" for key, value in args.items())
    return f"/admin/acara/{event.id}/pengingat" + (f"?{query}" if query else "")


def email_url(event: Event, **args) -> str:
    query = "&".join(f"{key}={value}" for key, value in args.items())
    return f"/admin/acara/{event.id}/pengingat/email" + (f"?{query}" if query else "")


def audit_entries(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)))


def reminder_rows() -> list[EmailReminder]:
    return list(db.session.scalars(sa.select(EmailReminder).order_by(EmailReminder.employee_id)))


def staff_email(staff: Staff) -> str:
    return db.session.get(Staff, staff.id).email


# --- a local SMTP server -------------------------------------------------------------------------------------------

@dataclass
class Received:
    """One message as the server received it."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class Inbox:
    """aiosmtpd handler keeping what it receives; refuses the recipients listed in `refuse`."""

    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's hook name)
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [r.message for r in self.received if address in r.rcpt_tos]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    """An SMTP server on a free local port for this test; yields (inbox, port)."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


@pytest.fixture
def mail_settings(app):
    """Point the app's MAIL_* settings at a port (plain SMTP, no login)."""

    def point(port: int) -> None:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False, MAIL_USE_SSL=False,
                          MAIL_USERNAME="", MAIL_PASSWORD="", MAIL_FROM="Netralitas <netralitas@contoh.go.id>",
                          MAIL_TIMEOUT=5)

    return point


@pytest.fixture
def mail_off(app):
    """Email not configured, whatever the environment says."""
    app.config.update(MAIL_SERVER="", MAIL_FROM="")
