"""The signer's refusals are said in the signer's language: the service gives a reason, the view translates it.

(Passes once the catalog holds the English of the messages in netralitas/signing/views.py PROBLEM_MESSAGES.)
"""
from __future__ import annotations

from netralitas.events.models import EventStatus
from netralitas.extensions import db


def _english(client, invited):
    assert client.get(f"/e/{invited.event.slug}?lang=en").status_code == 200


def _enter(client, invited, **overrides):
    data = {"code": invited.code, "birth_date": invited.birth, "attendance": ""}
    data.update(overrides)
    return client.post(f"/e/{invited.event.slug}", data=data)


def test_entry_refusals_in_english(client, invited):
    _english(client, invited)
    cases = [
        ({"birth_date": "01-01-1950"}, "Date of birth does not match", "Tanggal lahir tidak cocok"),
        ({"code": "ZZZZZ-ZZZZZ-ZZZ"}, "Invitation code not recognised", "Kode undangan tidak dikenal"),
        ({"attendance": "99999"}, "Attendance code is wrong or has expired", "Kode kehadiran salah"),
        ({"birth_date": "31-02-1976"}, "Date of birth format not recognised", "Format tanggal lahir"),
    ]
    for overrides, english, indonesian in cases:
        response = _enter(client, invited, **overrides)
        assert response.status_code == 422
        assert english in response.text and indonesian not in response.text, overrides


def test_window_closed_in_english(client, invited):
    invited.event.status = EventStatus.CLOSED
    db.session.commit()
    _english(client, invited)
    response = _enter(client, invited)
    assert response.status_code == 422
    assert "Signing for this event is closed" in response.text and "sudah ditutup" not in response.text


def test_drawing_refusals_in_english(client, invited):
    """The signature image's problems (core/images.py) come in the signer's language too."""
    _english(client, invited)
    _enter(client, invited)
    response = client.post(f"/e/{invited.event.slug}/deklarasi", data=invited.declaration(signature=""))
    assert response.status_code == 422
    assert "The signature has not been drawn" in response.text and "belum digambar" not in response.text
