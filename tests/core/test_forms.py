"""AppForm: WTForms' own messages still follow the language, from a catalog loaded once per locale."""
from __future__ import annotations

import importlib
import pkgutil

import pytest
from flask_babel import force_locale
from flask_wtf import FlaskForm
from flask_wtf.i18n import translations as flask_wtf_translations
from werkzeug.datastructures import MultiDict
from wtforms import StringField
from wtforms.validators import DataRequired, Length

import netralitas
from netralitas import create_app
from netralitas.core.forms import OWN_CATALOGS, AppForm, wtforms_catalog


class NameForm(AppForm):
    name = StringField(validators=[DataRequired()])  # no label, WTForms' default message


class ShortForm(AppForm):
    name = StringField(validators=[DataRequired()])
    code = StringField(validators=[Length(max=3)])


@pytest.fixture(scope="module")
def app():
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "WTF_CSRF_ENABLED": False})


@pytest.mark.parametrize("language", ["en", "de"])
def test_builtin_messages_are_what_flask_wtf_gives(app, language):
    with app.test_request_context("/", method="POST"), force_locale(language):
        form = NameForm(formdata=MultiDict())
        assert not form.validate()
        assert form.name.errors == [flask_wtf_translations.gettext("This field is required.")]
        assert form.name.label.text == flask_wtf_translations.gettext("Name")
    if language == "de":  # a language WTForms has a catalog for really is translated
        assert form.name.errors != ["This field is required."]


@pytest.mark.parametrize(("language", "required", "too_long"), [
    ("id", "Isian ini wajib diisi.", "Isian maksimal 3 karakter."),
    ("en", "This field is required.", "Field cannot be longer than 3 characters."),
])
def test_builtin_messages_speak_the_page_language(app, language, required, too_long):
    """WTForms ships no Indonesian: our own wtforms catalog gives it, English stays WTForms' own."""
    with app.test_request_context("/", method="POST"), force_locale(language):
        form = ShortForm(formdata=MultiDict({"code": "abcd"}))
        assert not form.validate()
        assert form.name.errors == [required]
        assert form.code.errors == [too_long]


def test_indonesian_catalog_translates_every_wtforms_message():
    from babel.messages.pofile import read_po
    from wtforms.i18n import messages_path

    with open(f"{messages_path()}/wtforms.pot", "rb") as handle:
        wanted = {m.id for m in read_po(handle) if m.id}
    with (OWN_CATALOGS / "id" / "LC_MESSAGES" / "wtforms.po").open("rb") as handle:
        ours = {m.id: m for m in read_po(handle) if m.id}
    assert wanted <= set(ours)
    assert [m.id for m in ours.values() if not all(m.string if isinstance(m.string, tuple) else [m.string])
            or m.fuzzy] == []
    compiled = wtforms_catalog("id")
    assert all(compiled.gettext(key) == ours[key].string for key in ours if isinstance(key, str))  # .mo is current


def test_catalog_is_read_from_disk_once_per_locale(app, monkeypatch):
    from babel import support

    reads = []
    real_load = support.Translations.load
    monkeypatch.setattr(support.Translations, "load", lambda *a, **k: reads.append(a) or real_load(*a, **k))
    wtforms_catalog.cache_clear()
    for language in ["en", "en", "id", "en", "id"]:  # one request each, every form asking for a label
        with app.test_request_context("/"), force_locale(language):
            NameForm(formdata=None)
    assert len(reads) == 3  # en (ours, then WTForms') and id (ours), once each (Flask-WTF alone reads it in every request)


def test_every_form_of_the_app_is_an_app_form():
    for module in pkgutil.walk_packages(netralitas.__path__, "netralitas."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    stray = [cls.__qualname__ for cls in _subclasses(FlaskForm)
             if cls.__module__.startswith("netralitas.") and not issubclass(cls, AppForm)]
    assert stray == []
    assert len([cls for cls in _subclasses(AppForm) if cls.__module__.startswith("netralitas.")]) >= 15


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)
