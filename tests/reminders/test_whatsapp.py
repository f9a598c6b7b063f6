"""The reminder list: unsigned employees in scope, wa.me links whose message holds the current personal link, audit."""
from __future__ import annotations

import html
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from netralitas.auth.models import Role
from netralitas.extensions import db
from netralitas.invitations.services import code_for, invitation_url, live_invitation, reissue
from netralitas.masterdata.models import Employee
from netralitas.reminders.services import reminder_text

from .conftest import EVENT_NAME, audit_entries, list_url, reminder_rows, staff_email

pytestmark = pytest.mark.usefixtures("fast_passwords", "mail_off")


def wa_links(body: str) -> dict[str, str]:
    """wa.me number -> prefilled text, for every WhatsApp link on the page."""
    links = {}
    for href in re.findall(r'href="(https://wa\.me/[^"]+)"', body):
        parts = urlsplit(html.unescape(href))
        links[parts.path.lstrip("/")] = parse_qs(parts.query)["text"][0]
    return links


def current_link(event, employee) -> str:
    invitation = live_invitation(event, db.session.get(Employee, employee.id))
    return invitation_url(code_for(event.id, employee.id, invitation.generation))


def test_super_admin_sees_every_unsigned_employee_with_a_prefilled_whatsapp_link(signed_in, people):
    client, _ = signed_in(Role.SUPER_ADMIN)
    response = client.get(list_url(people.event))
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    for name in ("Ani Lestari", "Ni Luh Putu Ayu Wédari", "Tono Sugiarto", "Budi Santoso"):
        assert html.escape(name) in body, name
    assert "Sari Sudah" not in body  # signed: nothing to remind
    links = wa_links(body)
    assert set(links) == {"6281211112222", "6281322223333"}  # Ani and Budi; Wayan's landline gets none
    text = links["6281211112222"]
    assert "Ani Lestari" in text
    assert EVENT_NAME in text
    assert "WIB" in text  # the closing time, in the display time zone
    assert current_link(people.event, people.ani) in text
    assert current_link(people.event, people.budi) in links["6281322223333"]
    assert "bukan nomor HP" in body  # the landline is flagged next to the number
    assert "(021) 555-1234" in body
    assert "Tidak ada nomor HP" in body


def test_the_message_is_the_reminder_text_with_the_personal_link(signed_in, people):
    client, _ = signed_in(Role.OPERATOR)
    text = wa_links(client.get(list_url(people.event)).get_data(as_text=True))["6281211112222"]
    closes = re.search(r"Batas waktu: (.+)\.\n", text).group(1)
    assert text == reminder_text("Ani Lestari", EVENT_NAME, closes, current_link(people.event, people.ani))
    assert re.fullmatch(r"\d{1,2} \w+ \d{4}, \d{2}\.\d{2} WIB", closes)


def test_links_follow_a_reissued_code(signed_in, make_staff, people):
    client, _ = signed_in(Role.SUPER_ADMIN)
    before = wa_links(client.get(list_url(people.event)).get_data(as_text=True))["6281211112222"]
    old_link = current_link(people.event, people.ani)
    assert old_link in before
    reissue(make_staff(Role.OPERATOR), people.event, db.session.get(Employee, people.ani.id), "slip hilang")
    db.session.commit()
    after = wa_links(client.get(list_url(people.event)).get_data(as_text=True))["6281211112222"]
    new_link = current_link(people.event, people.ani)
    assert new_link != old_link
    assert new_link in after
    assert old_link not in after


def test_employees_without_a_code_get_one(signed_in, people):
    assert live_invitation(people.event, people.budi) is None
    client, _ = signed_in(Role.SUPER_ADMIN)
    client.get(list_url(people.event))
    assert live_invitation(people.event, db.session.get(Employee, people.budi.id)) is not None


def test_agency_admin_sees_only_their_subtree(signed_in, people):
    client, _ = signed_in(Role.AGENCY_ADMIN)
    body = client.get(list_url(people.event)).get_data(as_text=True)
    assert "Ani Lestari" in body and "Tono Sugiarto" in body
    assert "Budi Santoso" not in body and "Dinas B" not in body
    assert set(wa_links(body)) == {"6281211112222"}
    sub_unit = client.get(list_url(people.event, unit=people.a1.id)).get_data(as_text=True)
    assert "Tono Sugiarto" in sub_unit and "Ani Lestari" not in sub_unit


def test_agency_admin_cannot_list_another_agency(signed_in, people):
    client, _ = signed_in(Role.AGENCY_ADMIN)
    before = audit_entries("reminder.whatsapp_links")
    response = client.get(list_url(people.event, unit=people.b.id))
    assert response.status_code == 404
    assert "Budi" not in response.get_data(as_text=True)
    assert audit_entries("reminder.whatsapp_links") == before
    assert live_invitation(people.event, people.budi) is None  # no link was made for B's employee


@pytest.mark.parametrize("role", [Role.VIEWER])
def test_viewers_get_no_personal_links(signed_in, people, role):
    client, _ = signed_in(role)
    assert client.get(list_url(people.event)).status_code == 403


def test_each_list_shown_is_audited(signed_in, people):
    client, staff = signed_in(Role.AGENCY_ADMIN)
    client.get(list_url(people.event))
    client.get(list_url(people.event, unit=people.a1.id))
    first, second = audit_entries("reminder.whatsapp_links")
    assert first.actor_label == staff_email(staff)
    assert first.target_type == "event" and first.target_id == str(people.event.id)
    data = json.loads(first.data_json)
    assert data["event"] == people.event.slug and data["unit"] is None
    assert (data["employees"], data["whatsapp_links"]) == (3, 1)  # Ani, Wayan, Tono; only Ani has a mobile
    assert sorted(data["employee_ids"]) == sorted([people.ani.id, people.wayan.id, people.tono.id])
    second_data = json.loads(second.data_json)
    assert second_data["unit"] == "BIDANG-A1"
    assert (second_data["employees"], second_data["whatsapp_links"]) == (2, 0)


def test_an_empty_list_writes_no_audit_entry(signed_in, people):
    client, _ = signed_in(Role.SUPER_ADMIN)
    body = client.get(list_url(people.event, q="tidak-ada-yang-bernama-ini")).get_data(as_text=True)
    assert "cocok dengan pencarian" in body
    assert audit_entries("reminder.whatsapp_links") == []


def test_search_and_pages(signed_in, make_employee, people):
    for n in range(12):
        make_employee(people.b, name=f"Zaki Antre {n:02d}", phone=f"0813-0000-00{n:02d}")
    client, _ = signed_in(Role.SUPER_ADMIN)
    page_one = client.get(list_url(people.event, q="zaki")).get_data(as_text=True)
    assert len(wa_links(page_one)) == 10  # PER_PAGE in tests
    assert "Ani Lestari" not in page_one
    page_two = client.get(list_url(people.event, q="zaki", page=2)).get_data(as_text=True)
    assert len(wa_links(page_two)) == 2
    assert "Zaki Antre 11" in page_two
    last = json.loads(audit_entries("reminder.whatsapp_links")[-1].data_json)
    assert (last["page"], last["employees"], last["search"]) == (2, 2, "zaki")


def test_email_not_configured_is_said_and_nothing_is_sent(signed_in, people):
    client, _ = signed_in(Role.SUPER_ADMIN)
    body = client.get(list_url(people.event)).get_data(as_text=True)
    assert "MAIL_SERVER kosong" in body
    assert re.search(r'<button class="btn btn-primary" type="button" disabled[^>]*>\s*Kirim pengingat email', body)
    response = client.post(f"/admin/acara/{people.event.id}/pengingat/email", follow_redirects=True)
    assert "MAIL_SERVER kosong" in response.get_data(as_text=True)
    assert reminder_rows() == []
    assert audit_entries("reminder.email") == []


def test_a_closed_event_warns(signed_in, make_event, make_employee, people):
    from netralitas.events.models import EventStatus

    closed = make_event(status=EventStatus.CLOSED, name="Acara Lama")
    client, _ = signed_in(Role.SUPER_ADMIN)
    body = client.get(list_url(closed)).get_data(as_text=True)
    assert "tidak sedang menerima tanda tangan" in body


def test_a_revoked_signer_gets_a_help_desk_message_without_a_link(signed_in, make_staff, people):
    import sqlalchemy as sa

    from netralitas.certificates.services import revoke
    from netralitas.signing.models import RevocationReason, Signature

    signature = db.session.scalar(sa.select(Signature).where(Signature.employee_id == people.sari.id))
    revoke(make_staff(Role.SUPER_ADMIN), signature.certificate, RevocationReason.DATA_ERROR, "salah unit")
    db.session.commit()
    client, _ = signed_in(Role.OPERATOR)
    response = client.get(list_url(people.event))
    assert response.status_code == 200
    text = wa_links(response.get_data(as_text=True))["6281299990000"]
    assert "meja bantuan" in text
    assert "/i/" not in text
    assert live_invitation(people.event, db.session.get(Employee, people.sari.id)) is None
