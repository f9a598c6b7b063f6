"""Templates' _(), gettext() and ngettext() give exactly what Jinja's own newstyle callables give."""
from __future__ import annotations

import jinja2
import pytest
from flask_babel import force_locale, get_translations

from netralitas import create_app

TEMPLATES = [
    '{{ _("Masuk petugas") }}',
    '{{ gettext("Masuk petugas") }}',
    '{{ _("Tidak ada sertifikat dengan kode %(code)s.", code=value) }}',  # the value is escaped, the text is not
    '{{ _("Tidak ada sertifikat dengan kode %(code)s.", code=value)|length }}',
    '{{ _("100%% pasti & <b>jelas</b>") }}',  # not in the catalog: '%%' prints '%', the text itself is Markup
    '{{ _("tanpa persen") ~ value }}',
    '{{ ngettext("%(n)s baris data", "%(n)s baris data", 1, n=value) }}',
    '{{ ngettext("%(num)s berkas", "%(num)s berkas", 3) }}',
    '{% autoescape false %}{{ _("Tidak ada sertifikat dengan kode %(code)s.", code=value) }}{% endautoescape %}',
    '{% autoescape false %}{{ _("100%% pasti") }}{% endautoescape %}',
]


@pytest.fixture(scope="module")
def app():
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def jinja_reference(source: str) -> jinja2.Template:
    """The same template with Jinja's stock newstyle callables over Flask-Babel's catalog."""
    translations = get_translations()
    environment = jinja2.Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    environment.install_gettext_callables(translations.ugettext, translations.ungettext, newstyle=True)
    return environment.from_string(source)


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("source", TEMPLATES)
def test_same_output_as_jinja_newstyle_gettext(app, language, source):
    value = '<script>&"'
    with app.test_request_context("/"), force_locale(language):
        ours = app.jinja_env.from_string(source).render(value=value)
        assert ours == jinja_reference(source).render(value=value)
    assert "<script>" not in ours or "autoescape false" in source


def test_strings_are_translated_and_follow_force_locale_within_one_request(app):
    source = '{{ _("Masuk petugas") }}|{{ ngettext("%(n)s baris data", "%(n)s baris data", 2, n=2) }}'
    template = app.jinja_env.from_string(source)
    with app.test_request_context("/"):
        assert template.render() == "Masuk petugas|2 baris data"
        with force_locale("en"):
            assert template.render() == "Staff sign-in|2 data rows"
        assert template.render() == "Masuk petugas|2 baris data"
