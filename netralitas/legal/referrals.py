"""Where else a report must go, and by when: the election authorities' channels, as data with their legal source.

The windows are fixed by the election laws (no room for a local setting), so they are read from
netralitas/legal/data/referral_channels.csv rather than kept in an editable table; the README names the sources.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from netralitas.legal.services import read_seed


@dataclass(frozen=True)
class ReferralChannel:
    """An authority a matter belongs to, what it takes, the window to report in, and the rule that says so."""

    key: str
    name: str
    matters: str
    window: str
    source: str


@functools.cache
def referral_channels() -> tuple[ReferralChannel, ...]:
    """Every channel, in the file's order (read once per process)."""
    return tuple(ReferralChannel(**row) for row in read_seed("referral_channels"))
