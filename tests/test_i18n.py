"""English translation: the language switch, and a catalog that is complete, compiled and in step with the code."""
from __future__ import annotations

import io
import re

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from netralitas.config import PROJECT_ROOT

TRANSLATIONS = PROJECT_ROOT / "netralitas" / "translations"
PO_FILE = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
MO_FILE = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.mo"
UPDATE_HINT = ("update the catalog: .venv/bin/pybabel extract -F babel.cfg -k _l -o netralitas/translations/messages.pot . "
               "&& .venv/bin/pybabel update -i netralitas/translations/messages.pot -d netralitas/translations "
               "--ignore-obsolete, translate the new entries in messages.po, "
               "then .venv/bin/pybabel compile -d netralitas/translations")
PLACEHOLDER = re.compile(r"%\((\w+)\)")


def read_catalog():
    with PO_FILE.open("rb") as handle:
        return read_po(handle, locale="en")


def as_tuple(value) -> tuple[str, ...]:
    """A message id or string as a tuple (plural forms come as tuples, or as lists from read_mo)."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def translated_messages(catalog) -> dict:
    """{(context, msgid): msgstr} of every real message (the header has an empty msgid)."""
    return {(message.context, as_tuple(message.id)): as_tuple(message.string) for message in catalog if message.id}


# --- the language switch --------------------------------------------------------------------


def test_login_page_in_english_when_chosen_and_the_choice_sticks(client):
    english = client.get("/masuk?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english
    assert "Staff sign-in" in english
    assert ">Sign in</button>" in english
    assert "Masuk petugas" not in english

    again = client.get("/masuk").get_data(as_text=True)  # no ?lang: the session remembers English
    assert "Staff sign-in" in again
    assert "Masuk petugas" not in again

    back = client.get("/masuk?lang=id").get_data(as_text=True)
    assert "Masuk petugas" in back
    assert "Staff sign-in" not in back


def test_login_page_in_indonesian_by_default(client):
    body = client.get("/masuk").get_data(as_text=True)
    assert '<html lang="id">' in body
    assert "Masuk petugas" in body
    assert ">Masuk</button>" in body
    assert "Sign in" not in body


def test_error_page_in_english(client):
    response = client.get("/tidak-ada-halaman-ini?lang=en")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


# --- the catalog ----------------------------------------------------------------------------


def test_compiled_catalog_matches_the_po_file():
    """messages.mo is tracked in git, so a clone works without a compile step; it must not go stale."""
    compiled = io.BytesIO()
    write_mo(compiled, read_catalog())
    compiled.seek(0)
    expected = translated_messages(read_mo(compiled))
    with MO_FILE.open("rb") as handle:
        actual = translated_messages(read_mo(handle))
    stale = sorted(key[1][0] for key in expected.keys() | actual.keys() if expected.get(key) != actual.get(key))
    assert not stale, f"messages.mo is out of date; run .venv/bin/pybabel compile -d netralitas/translations ({stale})"


def test_every_message_is_translated_and_not_fuzzy():
    catalog = read_catalog()
    assert not catalog.fuzzy, "the catalog header is marked fuzzy, so pybabel compile would skip the file"
    fuzzy = [message.id for message in catalog if message.id and message.fuzzy]
    untranslated = [message.id for message in catalog if message.id and not all(as_tuple(message.string))]
    assert not (fuzzy or untranslated), f"in {PO_FILE.name}, fuzzy: {fuzzy}; untranslated: {untranslated}"


def test_translations_keep_every_placeholder():
    """A lost or renamed %(name)s would raise KeyError or drop a value from the English page."""
    problems = []
    for message in read_catalog():
        if not message.id:
            continue
        wanted = set(PLACEHOLDER.findall(as_tuple(message.id)[0]))
        for form in as_tuple(message.string):
            if set(PLACEHOLDER.findall(form)) != wanted:
                problems.append(f"{as_tuple(message.id)[0]!r} -> {form!r}")
    assert not problems, "placeholders differ between msgid and translation:\n" + "\n".join(problems)


def test_every_extracted_message_is_in_the_catalog():
    """A string wrapped in _() (or _l, ngettext, …) but missing from the English catalog fails here."""
    with (PROJECT_ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle, "babel.cfg")
    catalog = read_catalog()
    missing = {}
    for filename, lineno, message, _comments, context in extract_from_dir(PROJECT_ROOT, method_map, options_map):
        msgid = as_tuple(message)[0]
        entry = catalog.get(msgid, context)
        if entry is None or isinstance(message, tuple) != entry.pluralizable:
            missing.setdefault(msgid, f"{filename}:{lineno}")
    listing = "\n".join(f"  {where}: {msgid!r}" for msgid, where in sorted(missing.items(), key=lambda item: item[1]))
    assert not missing, f"{len(missing)} msgid(s) not in {PO_FILE.relative_to(PROJECT_ROOT)}; {UPDATE_HINT}\n{listing}"


@pytest.mark.parametrize(("count", "expected"), [(1, "%(num)s sub-unit"), (3, "%(num)s sub-units")])
def test_compiled_catalog_knows_english_plurals(count, expected):
    translations = Translations.load(str(TRANSLATIONS), ["en"])
    assert translations.ngettext("%(num)s sub-unit", "%(num)s sub-unit", count) == expected
