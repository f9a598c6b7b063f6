"""Indonesian mobile numbers in every usual notation normalise to wa.me digits; anything else says why not."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netralitas.core.phone import PhoneProblem, normalize_mobile, whatsapp_url

WA_DIGITS = re.compile(r"^628[1-9][0-9]{7,10}$")


@pytest.mark.parametrize(("raw", "digits"), [
    ("0812-3456-789", "628123456789"),
    ("0812 3456 7890", "6281234567890"),
    ("+62 812 3456 789", "628123456789"),
    ("+62-812-3456-7890", "6281234567890"),
    ("62812.3456.789", "628123456789"),
    ("6281234567890", "6281234567890"),
    ("(0812) 3456-789", "628123456789"),
    ("+62 (0)812 3456 789", "628123456789"),  # the domestic 0 written after the country code
    ("0062 812 3456 789", "628123456789"),  # international dialling prefix
    ("812 3456 789", "628123456789"),  # the leading zero a spreadsheet number cell dropped
    ("0811-234-567", "62811234567"),  # shortest: 0 + 9 digits
    ("0812-3456-78901", "6281234567890" + "1"),  # longest: 0 + 12 digits
    (" 0857\u00a01234\u00a05678 ", "6285712345678"),  # no-break spaces pasted from a document
    ("０８１２３４５６７８９", "628123456789"),  # full-width digits
    ("0812\u20133456\u2013789", "628123456789"),  # en dashes
])
def test_usual_notations(raw, digits):
    number = normalize_mobile(raw)
    assert number.is_valid, number
    assert number.digits == digits
    assert number.problem is None


@pytest.mark.parametrize(("raw", "problem"), [
    (None, PhoneProblem.EMPTY),
    ("", PhoneProblem.EMPTY),
    (" - ", PhoneProblem.EMPTY),
    ("021-555-1234", PhoneProblem.NOT_MOBILE),  # Jakarta landline
    ("(0274) 512345", PhoneProblem.NOT_MOBILE),  # Yogyakarta landline
    ("+62 21 555 1234", PhoneProblem.NOT_MOBILE),
    ("0800-123-4567", PhoneProblem.NOT_MOBILE),  # toll-free
    ("0809 1234 5678", PhoneProblem.NOT_MOBILE),
    ("1234567", PhoneProblem.NOT_MOBILE),
    ("+1 415 555 0100", PhoneProblem.FOREIGN),
    ("+65 8123 4567", PhoneProblem.FOREIGN),
    ("0065 8123 4567", PhoneProblem.FOREIGN),
    ("0812", PhoneProblem.TOO_SHORT),
    ("0812-345-67", PhoneProblem.TOO_SHORT),  # 0 + 8 digits
    ("0", PhoneProblem.TOO_SHORT),
    ("62", PhoneProblem.TOO_SHORT),
    ("0812-3456-789012", PhoneProblem.TOO_LONG),  # 0 + 13 digits
    ("6281234567890123", PhoneProblem.TOO_LONG),
    ("0812-3456-789 / 0813-1111-2222", PhoneProblem.CHARACTERS),  # two numbers in one cell
    ("0812-3456-789 ext 12", PhoneProblem.CHARACTERS),
    ("tidak ada", PhoneProblem.CHARACTERS),
    ("0812-3456-789,", PhoneProblem.CHARACTERS),
    ("+", PhoneProblem.CHARACTERS),
    ("62+812345678", PhoneProblem.CHARACTERS),
    ("\u0660\u0668\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669", PhoneProblem.CHARACTERS),  # Arabic-Indic
])
def test_unusable_numbers_say_why(raw, problem):
    number = normalize_mobile(raw)
    assert not number.is_valid
    assert number.digits is None
    assert number.problem == problem


def test_readable_form():
    assert normalize_mobile("081234567890").readable == "+62 812-3456-7890"
    assert normalize_mobile("0811-234-567").readable == "+62 811-2345-67"
    assert normalize_mobile("021-555-1234").readable == ""


# --- properties ------------------------------------------------------------------------------------------------------

#: A national mobile number: 8, a second digit that is not 0, then 7 to 10 digits (9 to 12 in all).
nationals = st.builds(lambda second, rest: f"8{second}{rest}",
                      st.sampled_from("123456789"), st.text("0123456789", min_size=7, max_size=10))
prefixes = st.sampled_from(["0", "+62", "62", "+62 ", "+62 (0)", "0062", ""])
separators = st.sampled_from(["", " ", "-", ".", "  ", " - ", "\u00a0"])


@st.composite
def written(draw, national):
    """A national number as a person might write it: a prefix and separators between random digit groups."""
    digits = draw(prefixes) + national
    groups, i = [], 0
    while i < len(digits):
        size = draw(st.integers(1, 5))
        groups.append(digits[i:i + size])
        i += size
    text = groups[0] + "".join(draw(separators) + group for group in groups[1:])
    if text.startswith("0") and draw(st.booleans()):
        text = f"({text[:4]}) {text[4:]}"
    return text


@given(st.data(), nationals)
def test_every_notation_of_a_mobile_number_gives_the_same_digits(data, national):
    raw = data.draw(written(national))
    number = normalize_mobile(raw)
    assert number.digits == "62" + national, raw


@given(st.text(max_size=40))
def test_never_raises_and_valid_means_wa_form(raw):
    number = normalize_mobile(raw)
    assert (number.digits is None) == (number.problem is not None)
    if number.is_valid:
        assert WA_DIGITS.match(number.digits)


@given(nationals)
def test_normalising_twice_changes_nothing(national):
    once = normalize_mobile("0" + national).digits
    assert normalize_mobile(once).digits == once
    assert normalize_mobile("+" + once).digits == once


@given(st.text("0123456789", min_size=1, max_size=8))
def test_landlines_are_never_mobile(rest):
    for area in ("21", "22", "274", "361", "61", "911"):
        assert normalize_mobile(f"0{area}{rest}").problem == PhoneProblem.NOT_MOBILE


@given(nationals, st.sampled_from("abcxyzABC#*,;/+"))
def test_a_stray_character_makes_it_invalid(national, junk):
    number = normalize_mobile(f"0{national[:3]}{junk}{national[3:]}")
    assert number.problem == PhoneProblem.CHARACTERS


@given(st.text(min_size=0, max_size=300))
def test_whatsapp_url_carries_the_message_exactly(message):
    url = whatsapp_url("628123456789", message)
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "wa.me", "/628123456789")
    assert "#" not in url and " " not in url and "\n" not in url
    assert parse_qs(parts.query, keep_blank_values=True).get("text", [""]) == [message]
