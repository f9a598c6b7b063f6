"""Small-cell suppression for published count tables: no count from 1 to threshold − 1 can be read or worked out.

A table is inner counts (rows × columns) published with its row totals, column totals and grand total. Primary
suppression hides every count from 1 to threshold − 1 (0 is shown: there is nobody to recognise). Secondary
suppression then hides more cells until every hidden cell could hold another value without changing anything shown:
for each hidden cell there is a rectangle of hidden cells (two rows × two columns, totals included) along which the
counts can be shifted, every row and column still adding up, and no count leaving what the page says of it (a "< 5"
cell stays within 1 … threshold − 1; a cell hidden to protect another stays 0 or ≥ threshold). So neither a row total
minus its other cells, a column total minus the other rows, nor any mix of such sums gives a hidden count back.

Cells to hide are chosen greedily, cheapest first: fewest new cells, then no zeros, then inner cells before totals,
then the smallest counts. When no rectangle can protect a cell (only in degenerate tables), the whole table is hidden.
"""
from __future__ import annotations

import enum
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: Counts below this (and above 0) are never shown; the usual rule of official statistics for small groups.
DEFAULT_THRESHOLD = 5


class Hidden(enum.StrEnum):
    """Why a count is not shown."""

    SMALL = "small"  # from 1 to threshold − 1: shown as "< 5"
    DERIVED = "derived"  # would give a small count away through a total


@dataclass(frozen=True)
class Count:
    """A published count: its value, or None with the reason it is hidden (the true value is not kept here)."""

    value: int | None
    hidden: Hidden | None = None


@dataclass(frozen=True)
class ProtectedTable:
    """A table as it may be published."""

    #: Each inner row: its cells, then the row total last.
    rows: tuple[tuple[Count, ...], ...]
    #: Each column's total, then the grand total last.
    totals: tuple[Count, ...]


Cell = tuple[int, int]


def protect(inner: Sequence[Sequence[int]], threshold: int = DEFAULT_THRESHOLD, *,
            hide_in_totals: Iterable[int] = ()) -> ProtectedTable:
    """The table of inner counts with its margins, small counts hidden and the cells that would reveal them too.

    hide_in_totals: columns of the total row to hide as well (the last index is the grand total), for a table that
    shares its total row with another one (see protect_linked).
    """
    grid = _with_margins(inner)
    hidden: dict[Cell, Hidden] = {}
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            if 0 < value < threshold:
                hidden[(r, c)] = Hidden.SMALL
    total_row = len(grid) - 1
    for c in hide_in_totals:
        hidden.setdefault((total_row, c), Hidden.DERIVED)
    _hide_derivable(grid, hidden, threshold)
    published = [tuple(Count(None, hidden[(r, c)]) if (r, c) in hidden else Count(value)
                       for c, value in enumerate(row)) for r, row in enumerate(grid)]
    return ProtectedTable(rows=tuple(published[:-1]), totals=published[-1])


def protect_line(counts: Sequence[int], threshold: int = DEFAULT_THRESHOLD) -> ProtectedTable:
    """One row of counts and its total (counts of one thing split by kind): rows[0] holds the counts and the total."""
    return protect([counts], threshold)


def protect_linked(tables: Sequence[Sequence[Sequence[int]]], threshold: int = DEFAULT_THRESHOLD) -> list[ProtectedTable]:
    """Tables that split the same population two ways (equal total rows): a total hidden in one is hidden in all.

    Otherwise the second table would print the total that the first one hid to protect a small count.
    """
    shared: set[int] = set()
    while True:
        protected = [protect(inner, threshold, hide_in_totals=shared) for inner in tables]
        hidden = {c for table in protected for c, count in enumerate(table.totals) if count.value is None}
        if hidden == shared:
            return protected
        shared = hidden


def protected_median(values: Sequence[float], minimum: int = DEFAULT_THRESHOLD) -> float | None:
    """The median of values, or None for fewer than `minimum` of them (a median of a handful points at people)."""
    return statistics.median(values) if len(values) >= minimum else None


# --- secondary suppression ------------------------------------------------------------------------------------------

def _with_margins(inner: Sequence[Sequence[int]]) -> list[list[int]]:
    """The inner counts with a total column and a total row (the grand total in the corner)."""
    if not inner or not inner[0] or any(len(row) != len(inner[0]) for row in inner):
        raise ValueError("a table needs at least one row and one column, all rows the same length")
    if any(value < 0 for row in inner for value in row):
        raise ValueError("counts cannot be negative")
    rows = [[*row, sum(row)] for row in inner]
    return [*rows, [sum(column) for column in zip(*rows, strict=True)]]


def _hide_derivable(grid: list[list[int]], hidden: dict[Cell, Hidden], threshold: int) -> None:
    """Hide more cells until each hidden one has a rectangle it can shift along (see the module docstring)."""
    # A cell once safe stays safe (the hidden set only grows), and the cells of a rectangle just hidden are safe
    # through that rectangle, so every cell is checked once.
    pending = sorted(hidden)
    while pending:
        cell = pending.pop()
        if _shift_of(grid, hidden, threshold, cell, adding=False) is not None:
            continue
        rectangle = _shift_of(grid, hidden, threshold, cell, adding=True)
        if rectangle is None:  # nothing can protect it: show nothing of this table
            for r, row in enumerate(grid):
                for c in range(len(row)):
                    hidden.setdefault((r, c), Hidden.DERIVED)
            return
        for other in rectangle:
            hidden.setdefault(other, Hidden.DERIVED)


def _shift_of(grid: list[list[int]], hidden: dict[Cell, Hidden], threshold: int, cell: Cell, *,
              adding: bool) -> tuple[Cell, ...] | None:
    """A rectangle through `cell` whose counts can shift within what the page says of them, else None.

    adding=False: among hidden cells only. adding=True: the cheapest rectangle, hiding shown cells if needed.
    """
    r, c = cell
    last_row, last_col = len(grid) - 1, len(grid[0]) - 1
    best, best_cost = None, None
    for r2 in range(last_row + 1):
        if r2 == r:
            continue
        for c2 in range(last_col + 1):
            if c2 == c:
                continue
            corners = ((r, c, 1), (r, c2, -1), (r2, c2, 1), (r2, c, -1))
            new = [(i, j) for i, j, _ in corners if (i, j) not in hidden]
            if new and not adding:
                continue
            if not _can_shift(grid, hidden, threshold, corners, last_row, last_col):
                continue
            cost = (len(new), sum(grid[i][j] == 0 for i, j in new),
                    sum(i == last_row or j == last_col for i, j in new), sum(grid[i][j] for i, j in new))
            if best_cost is None or cost < best_cost:
                best, best_cost = tuple(new), cost
                if not adding:
                    return best
    return best


def _can_shift(grid, hidden, threshold, corners, last_row, last_col) -> bool:
    """Whether some non-zero shift keeps every corner's count within what the page says of it.

    The corners alternate +/−, so each row and column keeps its sum; a total counts with the opposite sign (it
    moves with the cells it adds up), hence the sign flip for the total row and column.
    """
    for delta in _deltas(threshold):
        for i, j, sign in corners:
            flip = (-1 if i == last_row else 1) * (-1 if j == last_col else 1)
            moved = grid[i][j] + delta * sign * flip
            kind = hidden.get((i, j), Hidden.DERIVED)
            if not (1 <= moved < threshold if kind == Hidden.SMALL else moved == 0 or moved >= threshold):
                break
        else:
            return True
    return False


def _deltas(threshold: int) -> list[int]:
    """Shifts worth trying: up to the threshold each way, smallest first."""
    return [d for step in range(1, threshold + 1) for d in (step, -step)]
