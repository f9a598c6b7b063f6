"""Service messages: translated when read, and escaped in HTML (their placeholders carry user data)."""
from __future__ import annotations

from flask_babel import force_locale
from markupsafe import escape

from netralitas import create_app
from netralitas.core.messages import lazy_message


def test_placeholders_are_escaped_in_html_but_not_in_text():
    message = lazy_message("%(column)s %(number)s sudah dipakai oleh %(name)s.", column="NIP", number="1",
                           name="<b>Budi</b>")
    assert str(message) == "NIP 1 sudah dipakai oleh <b>Budi</b>."
    assert escape(message) == "NIP 1 sudah dipakai oleh &lt;b&gt;Budi&lt;/b&gt;."


def test_language_is_chosen_when_read_not_when_made():
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    message = lazy_message("Kode %(code)s sudah dipakai.", code="A-1")
    with app.test_request_context("/"):
        with force_locale("en"):
            assert str(message) == "The code A-1 is already used."
        with force_locale("id"):
            assert str(message) == "Kode A-1 sudah dipakai."
