"""What a spreadsheet import would do: row problems found, and the changes its valid rows make."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from netralitas.core.messages import lazy_message as _l


class RowError(NamedTuple):
    """A problem that keeps one row out of the import."""

    row: int
    column: str
    message: str


class RowWarning(NamedTuple):
    """Something worth checking in a row that does not block it."""

    row: int
    message: str


@dataclass
class ImportPlan:
    """Problems per row plus counts; subclasses hold the changes and know how to apply them."""

    total_rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowWarning] = field(default_factory=list)
    bad_rows: set[int] = field(default_factory=set)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def error(self, row: int, column: str, message: str) -> None:
        """Record a problem; the row is then left out."""
        self.errors.append(RowError(row, column, message))
        self.bad_rows.add(row)

    def warn(self, row: int, message: str) -> None:
        """Record a non-blocking remark."""
        self.warnings.append(RowWarning(row, message))

    def is_bad(self, row: int) -> bool:
        """True when the row has at least one error."""
        return row in self.bad_rows

    def apply(self) -> None:
        """Write the valid rows' changes in the caller's transaction."""
        raise NotImplementedError


def row_list(rows: list[int]) -> str:
    """'2, 7 dan 9': row numbers as a message lists them (a lazy string, in the reader's language)."""
    labels = [str(row) for row in sorted(rows)]
    if len(labels) == 1:
        return labels[0]
    return _l("%(rows)s dan %(last)s", rows=", ".join(labels[:-1]), last=labels[-1])


def flag_duplicates(plan: ImportPlan, rows_by_value: dict[str, list[int]], column: str, label: str) -> None:
    """Every row sharing a key value with another row is an error (which one is right cannot be told)."""
    for value, rows in rows_by_value.items():
        if len(rows) < 2:
            continue
        for row in rows:
            others = [other for other in rows if other != row]
            plan.error(row, column, _l("%(label)s %(value)s juga ada di baris %(rows)s dalam berkas ini", label=label,
                                       value=value, rows=row_list(others)))
