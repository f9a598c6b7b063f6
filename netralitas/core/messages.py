"""Lazy messages raised by services: said in the reader's language, and escaped like plain text in HTML.

Flask-Babel's lazy string has an ``__html__`` that returns the text as it is, so Jinja would print a message
such as "NIP … is already used by <name>" without escaping the name. A service's message is plain text that
often carries user data (names, spreadsheet cells), so its HTML form is escaped.
"""
from __future__ import annotations

from flask_babel import LazyString, gettext
from markupsafe import Markup, escape


class LazyMessage(LazyString):
    """A lazy gettext whose HTML form is escaped text, never markup."""

    def __html__(self) -> Markup:
        return escape(str(self))


def lazy_message(string: str, **variables) -> LazyMessage:
    """Like flask_babel.lazy_gettext, for messages whose placeholders may hold user data (import as _l)."""
    return LazyMessage(gettext, string, **variables)
