"""How far an event's signing has come: one Progress value and one roll-up of counts up the agency tree.

The board (events/tally.py) and the completion dashboard (reports/completion.py) both count per agency in SQL and
credit each agency's counts to its ancestors; both do it here, so a percentage is computed one way everywhere.
Writing it for people is core.formatting.format_percent's job (the |percent filter).
"""
from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Progress:
    """Required, signed (of those required) and attended (signed at the venue)."""

    required: int = 0
    signed: int = 0
    attended: int = 0

    @property
    def percent(self) -> float:
        """Signed of required in percent, one decimal; 0.0 when nobody is required."""
        return round(100 * self.signed / self.required, 1) if self.required else 0.0

    @property
    def unsigned(self) -> int:
        return self.required - self.signed

    @property
    def remote(self) -> int:
        """Signed away from the venue."""
        return self.signed - self.attended

    def __add__(self, other: Progress) -> Progress:
        return Progress(self.required + other.required, self.signed + other.signed, self.attended + other.attended)


class _Everything:
    def __contains__(self, item: object) -> bool:
        return True


#: roll_up's default: credit every ancestor.
EVERY_AGENCY: Container[int] = _Everything()


def path_ids(path: str) -> list[int]:
    """'/1/7/42/' -> [1, 7, 42]: an agency's materialised path, root first, itself last."""
    return [int(p) for p in path.strip("/").split("/")]


def roll_up(own: Mapping[int, Progress], paths: Mapping[int, str],
            shown: Container[int] = EVERY_AGENCY) -> dict[int, Progress]:
    """Each agency's progress including its subtree: own counts credited to the agency and every ancestor.

    own: counts by agency id (each agency's own employees); paths: the materialised path of each of them.
    shown: ancestors outside it (above a staff member's scope) are not credited. O(agencies × depth).
    """
    sums: dict[int, list[int]] = {}
    for agency_id, counts in own.items():
        for ancestor in path_ids(paths[agency_id]):
            if ancestor in shown:
                total = sums.get(ancestor)
                if total is None:
                    total = sums[ancestor] = [0, 0, 0]
                total[0] += counts.required
                total[1] += counts.signed
                total[2] += counts.attended
    return {agency_id: Progress(*total) for agency_id, total in sums.items()}

