"""Showing the minimum of personal data: partly masked identity numbers and names."""
from __future__ import annotations

MASK = "•"


def mask_number(number: str | None, *, keep_start: int = 4, keep_end: int = 4) -> str:
    """'198504122010032007' -> '1985••••••••••2007'; short or empty values are fully masked."""
    if not number:
        return ""
    if len(number) <= keep_start + keep_end + 2:
        return MASK * len(number)
    return number[:keep_start] + MASK * (len(number) - keep_start - keep_end) + number[-keep_end:]


def mask_name(name: str) -> str:
    """'Siti Rahayu Lestari' -> 'Siti R••••• L••••••': first word whole, then initials only."""
    words = (name or "").split()
    if not words:
        return ""
    return " ".join([words[0], *(w[0] + MASK * (len(w) - 1) for w in words[1:])])
