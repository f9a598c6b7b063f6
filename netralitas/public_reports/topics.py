"""What a member of the public can say they saw, in plain words, and which violation forms of the catalogue it means.

The public does not choose between the SKB's ethics and discipline tracks (the same act is in both); a case officer
picks the violation form when the report becomes a case, starting from the first code the topic names. Read from
netralitas/public_reports/data/topics.csv.
"""
from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "topics.csv"
#: The topic for "other, or not sure".
OTHER = "lainnya"


@dataclass(frozen=True)
class Topic:
    """One plain-words choice on /lapor."""

    key: str
    text: str
    #: Codes of the violation forms it may be (netralitas/legal/data/violation_forms.csv), most likely first.
    violation_codes: tuple[str, ...]
    #: A referral channel key (netralitas/legal/data/referral_channels.csv) the matter also belongs to, e.g. money
    #: politics to Gakkumdu.
    referral: str | None


@functools.cache
def topics() -> tuple[Topic, ...]:
    """Every topic in the order the form lists them (read once per process)."""
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        rows = sorted(csv.DictReader(handle), key=lambda row: int(row["position"]))
    return tuple(Topic(row["key"], row["text"], tuple(row["violation_forms"].split()), row["referral"] or None)
                 for row in rows)


def topic(key: str) -> Topic | None:
    """The topic with this key, or None."""
    return next((t for t in topics() if t.key == key), None)
