"""Birth dates typed in any usual notation; a date nobody can read is a typing problem, not a failed attempt."""
from __future__ import annotations

from datetime import date

import pytest
from babel.dates import format_date
from hypothesis import given
from hypothesis import strategies as st

from netralitas.extensions import db
from netralitas.signing.services import parse_birth_date

FORMAT_MESSAGE = "Format tanggal lahir tidak dikenali. Contoh: 24-02-1976"


def notations(day: date) -> list[str]:
    """Every way people type a birth date: numbers with any separator, with and without zeros, month names."""
    d, m, y = day.day, day.month, day.year
    typed = [f"{d}-{m}-{y}", f"{d}/{m}/{y}", f"{d:02}.{m:02}.{y}", f"{d}.{m}.{y}", f"{y}-{m:02}-{d:02}",
             f"{d:02}-{m:02}-{y}", f"{d:02}/{m:02}/{y}", f"{d:02}{m:02}{y}", f"  {d} - {m} -  {y} ", f"{y}/{m}/{d}"]
    for language in ("id", "en"):  # the month names come from Babel, like the parser's
        for width in ("MMMM", "MMM"):
            month = format_date(day, width, locale=language)
            typed += [f"{d} {month} {y}", f"{d} {month.lower()} {y}", f"{d:02} {month.upper()} {y}",
                      f"{d}-{month}-{y}", f"  {d}   {month}  {y}"]
    typed.append(f"{format_date(day, 'MMMM', locale='en')} {d}, {y}")
    return typed


@given(st.dates(min_value=date(1940, 1, 1), max_value=date(2010, 12, 31)))
def test_every_notation_of_a_date_reads_as_that_date(day):
    for typed in notations(day):
        assert parse_birth_date(typed) == day, typed


@pytest.mark.parametrize("typed, expected", [
    ("24-2-1976", date(1976, 2, 24)),
    ("24 Februari 1976", date(1976, 2, 24)),
    ("24 Feb 1976", date(1976, 2, 24)),
    ("24 februari 1976", date(1976, 2, 24)),
    ("24 February 1976", date(1976, 2, 24)),
    ("17 Agt 1985", date(1985, 8, 17)),
    ("17 Agustus 1985", date(1985, 8, 17)),
    ("1 Mei 1990", date(1990, 5, 1)),
    ("1 May 1990", date(1990, 5, 1)),
    ("3 Okt. 1970", date(1970, 10, 3)),
])
def test_examples(typed, expected):
    assert parse_birth_date(typed) == expected


@pytest.mark.parametrize("typed", ["31-2-1976", "29-02-1977", "1976-13-01", "24 Fibruari 1976", "24-02-76", "kemarin",
                                   "", "12345", "24 2 1976 1"])
def test_impossible_or_unreadable_dates_are_none(typed):
    assert parse_birth_date(typed) is None


@pytest.fixture
def born_early_in_the_year(invited):
    """The invited employee, born on a day and month below 10 (the notations that differ without zeros)."""
    invited.employee.birth_date = date(1976, 2, 4)
    db.session.commit()
    return invited


@pytest.mark.parametrize("typed", ["4-2-1976", "4/2/1976", "4.2.1976", "4 Februari 1976", "4 feb 1976",
                                   "4 February 1976", "1976-02-04"])
def test_signer_gets_in_with_any_notation(client, born_early_in_the_year, typed):
    invited = born_early_in_the_year
    response = client.post(f"/e/{invited.event.slug}", data={"code": invited.code, "birth_date": typed})
    assert response.status_code == 302 and response.location.endswith("/deklarasi"), typed


def test_unreadable_date_says_so_and_never_counts(make_rate_limited_app, born_early_in_the_year):
    """The per-code limit (3 here) is untouched by dates nobody can read: the right date still gets in after many."""
    client = make_rate_limited_app(SIGNER_FAILURES_PER_CODE="3 per minute", SIGNER_FAILURES_PER_IP="3 per minute") \
        .test_client()
    invited = born_early_in_the_year
    for typed in ("31-2-1976", "4 Fibruari 1976", "4-2-76", "31-02-1976", "tgl 4", "1976"):
        response = client.post(f"/e/{invited.event.slug}", data={"code": invited.code, "birth_date": typed})
        assert response.status_code == 422 and FORMAT_MESSAGE in response.text, typed
        assert "tidak cocok" not in response.text
    unknown = {"code": "ZZZZZ-ZZZZZ-ZZZ", "birth_date": "31-2-1976"}  # nor against the address
    for _ in range(4):
        assert client.post(f"/e/{invited.event.slug}", data=unknown).status_code == 422
    response = client.post(f"/e/{invited.event.slug}", data={"code": invited.code, "birth_date": "4-2-1976"})
    assert response.status_code == 302
