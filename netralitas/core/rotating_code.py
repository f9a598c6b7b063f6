"""Short codes that change every period (like TOTP), shown on a screen as proof of presence."""
from __future__ import annotations

import hashlib
import hmac
from datetime import datetime


def code_at(secret: str, moment: datetime, *, period: int = 60, digits: int = 4) -> str:
    """The code valid during the period containing `moment`."""
    return _code(secret, int(moment.timestamp()) // period, digits)


def seconds_left(moment: datetime, *, period: int = 60) -> int:
    """Seconds until the code shown at `moment` changes."""
    return period - int(moment.timestamp()) % period


def matches(secret: str, typed: str, moment: datetime, *, period: int = 60, digits: int = 4,
            grace_periods: int = 1) -> bool:
    """True for the current code or one of the `grace_periods` codes before it."""
    typed = "".join(ch for ch in (typed or "") if not ch.isspace())
    if len(typed) != digits or not typed.isascii() or not typed.isdigit():
        return False
    counter = int(moment.timestamp()) // period
    return any(hmac.compare_digest(_code(secret, counter - back, digits), typed) for back in range(grace_periods + 1))


def _code(secret: str, counter: int, digits: int) -> str:
    # RFC 4226 dynamic truncation over HMAC-SHA256.
    mac = hmac.new(secret.encode(), counter.to_bytes(8, "big"), hashlib.sha256).digest()
    offset = mac[-1] & 0x0F
    value = int.from_bytes(mac[offset:offset + 4], "big") & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)
