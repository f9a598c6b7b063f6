"""Chasing employees who have not signed: the reminder text with their current personal link, WhatsApp links, audit."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa

from netralitas.audit.services import record
from netralitas.core.phone import PhoneNumber, normalize_mobile, whatsapp_url
from netralitas.core.timezones import local_time
from netralitas.events.models import Event, Invitation
from netralitas.events.rules import Audience
from netralitas.extensions import db
from netralitas.invitations.services import code_for, ensure_invitations, invitation_url
from netralitas.masterdata.models import Agency, Employee
from netralitas.reports.statuses import SignStatus, employee_statuses

if TYPE_CHECKING:
    from netralitas.auth.models import Staff

#: Longest search text taken from the query string.
MAX_SEARCH_LENGTH = 100


def unsigned_employees(event: Event, staff: Staff, unit: Agency | None, search: str | None = None) -> sa.Select:
    """Required employees in the staff member's scope (and unit subtree) who have not signed; rows start with Employee."""
    return employee_statuses(Audience.of(event, staff, unit), status=SignStatus.UNSIGNED, search=search)


def personal_links(event: Event, employee_ids: Iterable[int]) -> dict[int, str]:
    """Each employee's personal link with their CURRENT code (a re-issued code replaces the old one).

    Employees without an invitation get one first, as when slips are downloaded; the caller commits. An employee
    whose code was ended (revoked certificate) has no live code and no entry: only the help desk issues a new one.
    """
    ids = list(employee_ids)
    if not ids:
        return {}
    ensure_invitations(event, ids)
    live = db.session.execute(sa.select(Invitation.employee_id, Invitation.generation).where(
        Invitation.event_id == event.id, Invitation.revoked_dt.is_(None), Invitation.employee_id.in_(ids)))
    return {employee_id: invitation_url(code_for(event.id, employee_id, generation)) for employee_id, generation in live}


def closing_text(event: Event, tz_name: str) -> str:
    """'21 November 2026, 17.00 WIB': when signing closes, as the message states it."""
    return local_time(event.closes_dt, tz_name)


def reminder_text(name: str, event_name: str, closes: str, link: str | None) -> str:
    """The reminder sent by WhatsApp and email.

    Always Indonesian (not gettext): it goes to employees, whatever language the staff member's screen uses.
    Without a link (the employee's code was ended when their certificate was revoked) it sends them to the help
    desk, the only place that may issue a new code.
    """
    greeting = (f"Yth. Bapak/Ibu {name},\n\n"
                f"Anda belum menandatangani {event_name}. Batas waktu: {closes}.\n\n")
    if link is None:
        return greeting + ("Kode undangan Anda sudah tidak berlaku. Silakan datang ke meja bantuan BKPSDM dengan "
                           "KTP atau kartu pegawai untuk mendapatkan kode baru.")
    return greeting + (f"Silakan tanda tangani melalui tautan pribadi Anda:\n{link}\n\n"
                       "Siapkan tanggal lahir Anda untuk verifikasi. Tautan ini khusus untuk Anda; mohon tidak "
                       "dibagikan. Abaikan pesan ini bila Anda sudah menandatangani.")


@dataclass(frozen=True)
class WhatsAppRow:
    """One unsigned employee on the reminder screen (plain values: the page renders after the commit)."""

    employee_id: int
    name: str
    id_number: str
    unit: str
    raw_phone: str
    phone: PhoneNumber
    message: str
    #: wa.me click-to-chat link, None when the number cannot be used.
    whatsapp: str | None


def whatsapp_rows(event: Event, employees: Sequence[Employee], tz_name: str) -> list[WhatsAppRow]:
    """The reminder text and, for usable numbers, a wa.me link for each employee (links created if missing)."""
    links = personal_links(event, [employee.id for employee in employees])
    closes = closing_text(event, tz_name)
    rows = []
    for employee in employees:
        phone = normalize_mobile(employee.phone)
        message = reminder_text(employee.name, event.name, closes, links.get(employee.id))
        rows.append(WhatsAppRow(employee.id, employee.name, employee.nip or employee.nik or "", employee.agency.name,
                                employee.phone or "", phone, message,
                                whatsapp_url(phone.digits, message) if phone.is_valid else None))
    return rows


def record_whatsapp_links(actor: Staff, event: Event, unit: Agency | None, rows: Sequence[WhatsAppRow], *,
                          search: str, page: int) -> None:
    """Audit one reminder list shown: who, which event and unit, how many personal links and WhatsApp links."""
    links = sum(1 for row in rows if row.whatsapp)
    unit_code = unit.code if unit is not None else None
    record(actor, "reminder.whatsapp_links", "event", event.id,
           f"Tautan pengingat {event.name} dibuat ({len(rows)} pegawai, {links} tautan WhatsApp, "
           f"unit {unit_code or 'semua'})",
           {"event": event.slug, "unit": unit_code, "search": search or None, "page": page,
            "employees": len(rows), "whatsapp_links": links, "employee_ids": [row.employee_id for row in rows]})
