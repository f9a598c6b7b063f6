"""The base of every form (Flask-WTF's FlaskForm, WTForms' own messages loaded once per locale) and the one form
with no domain: a confirmation button. Domain forms live in their domain's forms.py."""
from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from babel import support
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SubmitField
from wtforms.i18n import messages_path

from netralitas.core.formatting import active_locale

#: Our own catalogs of WTForms' messages, for languages WTForms ships none of (Indonesian).
OWN_CATALOGS = Path(__file__).resolve().parent.parent / "translations"


class AppForm(FlaskForm):
    """FlaskForm whose built-in WTForms messages (and unlabelled fields' labels) come from a per-locale cache.

    Flask-WTF reads WTForms' catalog from disk once per request that builds a form (a hidden field without a
    label is enough): ~0.1 ms on every signer POST. The catalogs never change while the app runs.
    """

    class Meta:
        def get_translations(self, form):
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return wtforms_catalog(str(active_locale()))


@cache
def wtforms_catalog(locale: str) -> support.NullTranslations:
    """WTForms' message catalog for locale: ours where WTForms has none (id), else WTForms' own (English: none)."""
    own = support.Translations.load(str(OWN_CATALOGS), [locale], domain="wtforms")
    if isinstance(own, support.Translations):
        return own
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


def select_choices(pairs: Iterable[tuple[Any, str]]) -> list[SelectChoice]:
    """SelectChoice options from (value, label) pairs (WTForms 3.3 deprecates plain tuples)."""
    return [SelectChoice(value, label) for value, label in pairs]


class ConfirmForm(AppForm):
    """An empty form: the CSRF token plus a button, for confirmation pages of any domain."""

    submit = SubmitField(_l("Ya, lanjutkan"))
