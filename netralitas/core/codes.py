"""Human-typeable codes in Crockford base32: generation, grouping, normalisation and check symbols."""
from __future__ import annotations

import hashlib
import hmac
import secrets

from netralitas.core.messages import lazy_message as _l

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: Crockford's extra check symbols: the check value is modulo 37.
CHECK_ALPHABET = ALPHABET + "*~$=U"
#: Letters people confuse, read as Crockford says: O is zero, I and L are one.
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


class CodeError(ValueError):
    """A code that cannot be right (wrong length, letters outside the alphabet, bad check symbol).

    str() is the message in the reader's language (a lazy string, translated when shown).
    """


def random_code(length: int) -> str:
    """A uniformly random code of `length` symbols (5 bits each)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def derived_code(key: bytes, message: str, length: int) -> str:
    """A code computed from a secret key and a message: reproducible by the key holder only."""
    digest = hmac.new(key, message.encode(), hashlib.sha256).digest()
    value = int.from_bytes(digest, "big")
    return "".join(ALPHABET[(value >> (5 * i)) & 31] for i in range(length))


def group(code: str, size: int = 5, sep: str = "-") -> str:
    """'ABCDEFGHJK' -> 'ABCDE-FGHJK' for reading aloud and typing."""
    return sep.join(code[i:i + size] for i in range(0, len(code), size))


def normalize(typed: str) -> str:
    """Upper-case, drop spaces and dashes, map O/I/L to 0/1/1."""
    return "".join(ch for ch in (typed or "").upper() if ch not in " -\t").translate(_READ_AS)


def parse(typed: str, length: int) -> str:
    """The normalised code if it has the right length and alphabet, else CodeError."""
    code = normalize(typed)
    if len(code) != length or any(ch not in ALPHABET for ch in code):
        raise CodeError(_l("Kode harus %(n)d huruf/angka", n=length))
    return code


def check_symbol(code: str) -> str:
    """Crockford's mod-37 check symbol of a code."""
    value = 0
    for ch in code:
        value = (value * 32 + ALPHABET.index(ch)) % 37
    return CHECK_ALPHABET[value]


def with_check(code: str) -> str:
    """The code followed by its check symbol."""
    return code + check_symbol(code)


def parse_checked(typed: str, length: int) -> str:
    """Validate a code typed with its trailing check symbol; return the code without it."""
    raw = normalize(typed)
    if len(raw) != length + 1:
        raise CodeError(_l("Kode harus %(n)d huruf/angka", n=length + 1))
    body, check = raw[:-1], raw[-1]
    if any(ch not in ALPHABET for ch in body) or check not in CHECK_ALPHABET or check_symbol(body) != check:
        raise CodeError(_l("Kode tidak valid: periksa kembali setiap huruf dan angka (karakter terakhir, huruf atau "
                           "angka, adalah karakter pemeriksa)"))
    return body


def digest(code: str) -> str:
    """SHA-256 hex of a normalised code: high-entropy codes need no slow hash."""
    return hashlib.sha256(code.encode()).hexdigest()
