"""Indonesian mobile numbers as people write them (0812-3456-789, +62 812…, 62812…, 812…) in wa.me form (62812…)."""
from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote

COUNTRY_CODE = "62"
#: Digits after the country code: Indonesian mobile numbers are 0 + 9 to 12 digits (0811-234-567 to 0812-3456-78901).
NATIONAL_DIGITS = range(9, 13)
#: Separators people type or spreadsheets keep between digit groups; stripped before reading the number.
_SEPARATORS = re.compile(r"[\s.\-()\u2010-\u2015]+")


class PhoneProblem(enum.StrEnum):
    """Why a number cannot be used for WhatsApp; the reminders screen words each one for people."""

    EMPTY = "empty"
    CHARACTERS = "characters"  # letters or other symbols, e.g. "0812… ext 5" or two numbers "0812… / 0813…"
    FOREIGN = "foreign"  # an international number outside Indonesia (+1…, 0065…)
    NOT_MOBILE = "not_mobile"  # a landline (021…), toll-free (0800…) or other non-mobile number
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"


@dataclass(frozen=True)
class PhoneNumber:
    """The outcome of reading a number: digits for wa.me (62812…) or the problem."""

    digits: str | None
    problem: PhoneProblem | None = None

    @property
    def is_valid(self) -> bool:
        return self.digits is not None

    @property
    def readable(self) -> str:
        """'+62 812-3456-789' for people to read back (empty when invalid)."""
        if self.digits is None:
            return ""
        national = self.digits[len(COUNTRY_CODE):]
        return f"+{COUNTRY_CODE} {national[:3]}-{national[3:7]}-{national[7:]}"


def normalize_mobile(raw: str | None) -> PhoneNumber:
    """Read an Indonesian mobile number in any usual notation; '62' + national digits, or why not."""
    # NFKC turns full-width digits and no-break spaces (pasted from documents) into plain ones.
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw or ""))
    if not text:
        return PhoneNumber(None, PhoneProblem.EMPTY)
    has_plus = text.startswith("+")
    digits = text[1:] if has_plus else text
    if not digits.isascii() or not digits.isdigit():
        return PhoneNumber(None, PhoneProblem.CHARACTERS)
    national = _national_part(digits, has_plus)
    if national is None:
        return PhoneNumber(None, PhoneProblem.FOREIGN)
    return _check_national(national)


def _national_part(digits: str, has_plus: bool) -> str | None:
    """The digits after the country code (None for another country); a trunk 0 after 62 is dropped."""
    if has_plus or digits.startswith("00"):  # international notation: +62… or 0062…
        digits = digits if has_plus else digits[2:]
        if not digits.startswith(COUNTRY_CODE):
            return None
        national = digits[len(COUNTRY_CODE):]
    elif digits.startswith(COUNTRY_CODE):
        national = digits[len(COUNTRY_CODE):]
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        national = digits  # 812…: the leading zero lost in a spreadsheet number cell
    # "+62 (0)812…" is a common way of writing it; the 0 is the domestic trunk prefix, never dialled after 62.
    return national[1:] if national.startswith("08") else national


def _check_national(national: str) -> PhoneNumber:
    if not national:
        return PhoneNumber(None, PhoneProblem.TOO_SHORT)
    # Mobile numbers start with 8; 80x are toll-free and premium numbers, not phones with WhatsApp.
    if not national.startswith("8") or national[1:2] == "0":
        return PhoneNumber(None, PhoneProblem.NOT_MOBILE)
    if len(national) < NATIONAL_DIGITS.start:
        return PhoneNumber(None, PhoneProblem.TOO_SHORT)
    if len(national) >= NATIONAL_DIGITS.stop:
        return PhoneNumber(None, PhoneProblem.TOO_LONG)
    return PhoneNumber(COUNTRY_CODE + national)


def whatsapp_url(digits: str, message: str) -> str:
    """WhatsApp click-to-chat link to a number in international form (no +) with a prefilled message."""
    return f"https://wa.me/{digits}?text={quote(message, safe='')}"
