"""The base of every form: Flask-WTF's FlaskForm, with WTForms' own messages loaded once per locale."""
from __future__ import annotations

from functools import cache

from babel import support
from flask import current_app
from flask_wtf import FlaskForm
from wtforms.i18n import messages_path

from netralitas.core.formatting import active_locale


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
    """WTForms' message catalog for locale (NullTranslations, i.e. English, where WTForms has none, as for id)."""
    return support.Translations.load(messages_path(), [locale], domain="wtforms")
