"""The fast number formatter writes exactly what Babel writes, in Indonesian and English."""
from __future__ import annotations

import pytest
from babel.numbers import format_decimal

from netralitas.core.numbers import NumberFormat


@pytest.mark.parametrize("locale", ["id", "en"])
def test_counts_and_percentages_match_babel(locale):
    number = NumberFormat(locale)
    for value in (0, 7, 999, 1000, 12_345, 100_000, 1_234_567):
        assert number.count(value) == format_decimal(value, locale=locale)
    for signed in range(0, 1001, 7):
        value = round(100 * signed / 1000, 1)
        assert number.percent(value) == format_decimal(value, locale=locale), value
    assert number.count(None) == "0"


def test_indonesian_separators():
    number = NumberFormat("id")
    assert (number.count(100_000), number.percent(66.7), number.percent(100.0)) == ("100.000", "66,7", "100")


def test_plain_int_reads_ascii_digits_only():
    from netralitas.core.numbers import plain_int

    assert plain_int("42") == 42 and plain_int("007") == 7
    for junk in ("²", "①", "９", "-1", "1e9", "", " 1", "1 ", None, 5, "1234567890"):
        assert plain_int(junk) is None, junk
    assert plain_int("1234567890", max_digits=10) == 1234567890
