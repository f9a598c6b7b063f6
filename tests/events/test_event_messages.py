"""Why an event cannot change state is said in the operator's language."""
from __future__ import annotations

import pytest

from netralitas.auth.models import Role
from netralitas.events.models import EventStatus


@pytest.mark.parametrize(("lang", "expected"), [
    ("id", "Acara belum dapat dibuka: kunci tanda tangan sertifikat tidak ada atau tidak terbaca."),
    ("en", "The event cannot be opened yet: the certificate signing key is missing or unreadable."),
])
def test_event_without_a_signing_key_cannot_open(client, make_staff, login_as, make_event, monkeypatch, lang,
                                                 expected):
    monkeypatch.setattr("netralitas.certificates.services.has_usable_signing_key", lambda: False)
    login_as(make_staff(Role.OPERATOR))
    event = make_event(status=EventStatus.DRAFT)
    response = client.post(f"/admin/acara/{event.id}/status/buka?lang={lang}", follow_redirects=True)
    assert expected in response.text
    assert event.status == EventStatus.DRAFT


@pytest.mark.parametrize(("lang", "expected"), [
    ("id", "Alamat singkat hanya huruf kecil, angka dan tanda minus"),
    ("en", "The short address may only hold lowercase letters, digits and hyphens"),
])
def test_event_form_rule_messages_speak_the_page_language(client, make_staff, login_as, lang, expected):
    login_as(make_staff(Role.OPERATOR))
    client.get(f"/admin/acara?lang={lang}")
    response = client.post("/admin/acara/baru", data={
        "name": "Deklarasi Uji", "slug": "Bukan Slug!", "election_kind": "PILKADA", "opens_at": "2026-11-22T07:00",
        "closes_at": "2026-11-22T15:00", "categories": ["PNS"]})
    assert expected in response.text
