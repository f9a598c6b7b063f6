"""Dates as people type them on a phone: any usual Indonesian or English notation, nothing stricter."""
from __future__ import annotations

import re
from datetime import date
from functools import cache

from babel import Locale


def parse_typed_date(typed: str) -> date | None:
    """A date as people type it, in any usual notation, None when unreadable or impossible (31-2-1976).

    Day first with any of - / . or spaces (24-2-1976, 24/02/1976, 24.2.1976, 24021976), year first (1976-02-24),
    or a month name in Indonesian or English, full or short (24 Februari 1976, 24 feb 1976, February 24, 1976).
    """
    text = " ".join((typed or "").lower().replace(",", " ").split())
    for pattern, order in _DATE_PATTERNS:
        found = pattern.fullmatch(text)
        if found is None:
            continue
        parts = dict(zip(order, found.groups(), strict=True))
        month = parts["m"]
        month = int(month) if month.isdigit() else _month_names().get(month.rstrip("."))
        try:
            return date(int(parts["y"]), month, int(parts["d"])) if month else None
        except ValueError:
            return None
    return None


_SEP = r"\s*[-/.\s]\s*"
_DATE_PATTERNS = (
    (re.compile(rf"(\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP}(\d{{4}})"), "dmy"),
    (re.compile(r"(\d{2})(\d{2})(\d{4})"), "dmy"),
    (re.compile(rf"(\d{{4}}){_SEP}(\d{{1,2}}){_SEP}(\d{{1,2}})"), "ymd"),
    (re.compile(r"(\d{1,2})\s*[-/.\s]?\s*([a-z]+\.?)\s*[-/.\s]?\s*(\d{4})"), "dmy"),
    (re.compile(r"([a-z]+\.?)\s*(\d{1,2})\s+(\d{4})"), "mdy"),
)


@cache
def _month_names() -> dict[str, int]:
    """Month names and abbreviations from Babel's Indonesian and English data, plus common short forms."""
    names: dict[str, int] = {}
    for language in ("id", "en"):
        months = Locale(language).months
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in months[context][width].items():
                    names[name.lower().rstrip(".")] = number
    full = [(name, number) for name, number in names.items() if len(name) > 3]
    for name, number in full:  # "sept", "agust", "des": any start of a full name of at least three letters
        for end in range(3, len(name)):
            names.setdefault(name[:end], number)
    # Short forms Indonesian offices write that are not the start of the full name (Babel has "Agu").
    names.update({"agt": 8, "ags": 8, "peb": 2, "nop": 11, "pebruari": 2, "nopember": 11})
    return names
