"""Numbers in and out: ids typed or posted by people, and locale-aware numbers for pages that print thousands of them
(Babel's format_decimal costs ~20 µs a call)."""
from __future__ import annotations

from babel import Locale
from babel.numbers import get_decimal_symbol, get_group_symbol


class NumberFormat:
    """Counts and one-decimal percentages written as Babel writes them for this locale (groups of three)."""

    def __init__(self, locale: Locale | str):
        self.group = get_group_symbol(locale)
        self.decimal = get_decimal_symbol(locale)

    def count(self, value: int | None) -> str:
        """1234567 -> '1.234.567' in Indonesian."""
        return f"{value or 0:,}".replace(",", self.group)

    def percent(self, value: float | None) -> str:
        """66.7 -> '66,7' and 100.0 -> '100' in Indonesian (no '%' sign: the template adds it)."""
        text = f"{value or 0:,.1f}".removesuffix(".0")
        return text.replace(",", "\0").replace(".", self.decimal).replace("\0", self.group)


def plain_int(text: object, max_digits: int = 9) -> int | None:
    """The int a form or URL value spells in ASCII digits (at most max_digits), else None.

    str.isdigit() alone also accepts "²", "①" or full-width digits, which int() refuses or reads as another id.
    """
    value = text if isinstance(text, str) else ""
    if value.isascii() and value.isdigit() and len(value) <= max_digits:
        return int(value)
    return None
