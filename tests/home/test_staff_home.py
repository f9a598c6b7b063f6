"""The staff home page shows each open event's progress in the staff member's scope, with links to follow it."""
from __future__ import annotations

from netralitas.events.models import EventStatus
from tests.reports.conftest import town  # noqa: F401  (the fixture: 8 of 12 required have signed)


def test_super_admin_sees_the_open_event_with_its_progress_and_links(town, client, login_as):  # noqa: F811
    login_as(town.staff["super"])
    body = client.get("/").get_data(as_text=True)
    event = town.event
    assert event.name in body
    assert "8 dari 12 sudah menandatangani" in body and "66,7%" in body
    assert f'href="/admin/acara/{event.id}/rekap"' in body
    assert f'href="/admin/acara/{event.id}"' in body
    assert f'href="/e/{event.slug}/board"' in body


def test_agency_admin_sees_their_subtree_only(town, client, login_as):  # noqa: F811
    login_as(town.staff["admin_dinkes"])  # DINKES (2, one signed) and PKM1 below it (3, two signed)
    body = client.get("/").get_data(as_text=True)
    assert "3 dari 5 sudah menandatangani" in body and "60%" in body
    assert "8 dari 12" not in body
    assert f"/e/{town.event.slug}/board" not in body  # the big screen is for event runners


def test_no_open_event_says_so(town, client, login_as, app):  # noqa: F811
    from netralitas.extensions import db

    town.event.status = EventStatus.CLOSED
    db.session.commit()
    login_as(town.staff["super"])
    body = client.get("/").get_data(as_text=True)
    assert "Tidak ada acara yang sedang dibuka." in body
    assert town.event.name not in body
