"""Small-cell suppression: counts 1–4 hidden, and no hidden count can be worked out from what is shown.

Two attackers check the second part, each independent of the code under test: linear algebra (is the cell fixed by
the row and column sums?) and an exhaustive search for another table that fits everything shown, knowing what the
page says of each hidden cell ("< 5": 1 to 4; "*": 0 or at least 5).
"""
from __future__ import annotations

import random
from fractions import Fraction

import pytest

from netralitas.core.suppression import (
    Count,
    Hidden,
    ProtectedTable,
    protect,
    protect_line,
    protect_linked,
    protected_median,
)

T = 5


def grid_of(table: ProtectedTable) -> list[list[Count]]:
    """The published table as a grid: inner rows with their totals, then the total row."""
    return [list(row) for row in table.rows] + [list(table.totals)]


def truth_of(inner: list[list[int]]) -> list[list[int]]:
    rows = [[*row, sum(row)] for row in inner]
    return rows + [[sum(col) for col in zip(*rows, strict=True)]]


def lines(n_rows: int, n_cols: int):
    """Each sum rule as (cells that add up, the cell holding their sum)."""
    for r in range(n_rows):
        yield [(r, c) for c in range(n_cols - 1)], (r, n_cols - 1)
    for c in range(n_cols):
        yield [(r, c) for r in range(n_rows - 1)], (n_rows - 1, c)


# --- attacker 1: the sums as linear equations ------------------------------------------------------------------------

def reduced(rows: list[list[Fraction]]) -> list[list[Fraction]]:
    """The reduced row echelon form of the equations (exact arithmetic)."""
    rows = [row[:] for row in rows]
    done, width = 0, len(rows[0]) if rows else 0
    for col in range(width):
        pivot = next((i for i in range(done, len(rows)) if rows[i][col] != 0), None)
        if pivot is None:
            continue
        rows[done], rows[pivot] = rows[pivot], rows[done]
        rows[done] = [value / rows[done][col] for value in rows[done]]
        for i in range(len(rows)):
            if i != done and rows[i][col] != 0:
                factor = rows[i][col]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[done], strict=True)]
        done += 1
    return rows[:done]


def cells_fixed_by_sums(published: list[list[Count]]) -> set[tuple[int, int]]:
    """Hidden cells the sum rules pin down: those whose unit vector lies in the span of the equations (in reduced
    echelon form, a row with a single non-zero entry)."""
    n_rows, n_cols = len(published), len(published[0])
    unknown = [(r, c) for r in range(n_rows) for c in range(n_cols) if published[r][c].value is None]
    index = {cell: i for i, cell in enumerate(unknown)}
    equations = []
    for parts, total in lines(n_rows, n_cols):
        row = [Fraction(0)] * len(unknown)
        for part in parts:
            if part in index:
                row[index[part]] += 1
        if total in index:
            row[index[total]] -= 1
        if any(row):
            equations.append(row)
    fixed = set()
    for row in reduced(equations):
        nonzero = [i for i, value in enumerate(row) if value != 0]
        if len(nonzero) == 1:
            fixed.add(unknown[nonzero[0]])
    return fixed


# --- attacker 2: search for another table that fits what is shown ---------------------------------------------------

def another_value_fits(published: list[list[Count]], truth: list[list[int]], cell: tuple[int, int]) -> bool:
    """Whether a table other than the truth, with a different count in `cell`, fits every shown count and sum."""
    n_rows, n_cols = len(published), len(published[0])
    bound = truth[-1][-1] + 3 * T
    domains = {}
    for r in range(n_rows):
        for c in range(n_cols):
            kind = published[r][c].hidden
            if kind == Hidden.SMALL:
                domains[(r, c)] = range(1, T)
            elif kind == Hidden.DERIVED:
                domains[(r, c)] = [0, *range(T, bound + 1)]
    all_lines = list(lines(n_rows, n_cols))

    def value(assigned, at):
        shown = published[at[0]][at[1]].value
        return shown if shown is not None else assigned.get(at)

    def search(assigned) -> bool:
        for parts, total in all_lines:  # a line with one unknown left: its value is forced, no branching
            cells = [*parts, total]
            open_cells = [at for at in cells if value(assigned, at) is None]
            if len(open_cells) == 0:
                if sum(value(assigned, at) for at in parts) != value(assigned, total):
                    return False
            elif len(open_cells) == 1:
                at = open_cells[0]
                rest = sum(value(assigned, p) for p in parts if p != at)
                forced = value(assigned, total) - rest if at != total else rest
                if forced not in domains[at]:
                    return False
                return search({**assigned, at: forced})
        free = [at for at in domains if at not in assigned]
        if not free:
            return assigned[cell] != truth[cell[0]][cell[1]]
        at = free[0]
        return any(search({**assigned, at: v}) for v in domains[at] if at != cell or v != truth[cell[0]][cell[1]])

    return search({})


def test_both_attackers_find_a_small_count_left_alone_in_its_row():
    """The attackers themselves work: with only the 3 of [3, 10 | 13] hidden, 13 − 10 gives it back."""
    published = [[Count(None, Hidden.SMALL), Count(10), Count(13)], [Count(None, Hidden.SMALL), Count(10), Count(13)]]
    assert cells_fixed_by_sums(published) == {(0, 0), (1, 0)}
    assert not another_value_fits(published, truth_of([[3, 10]]), (0, 0))


def hidden_cells(published):
    return [(r, c) for r, row in enumerate(published) for c, count in enumerate(row) if count.value is None]


def assert_nothing_recoverable(inner: list[list[int]], table: ProtectedTable) -> None:
    published, truth = grid_of(table), truth_of(inner)
    fixed = cells_fixed_by_sums(published)
    for r, row in enumerate(published):
        for c, count in enumerate(row):
            if count.value is not None:
                assert count.value == truth[r][c]
                assert not 0 < count.value < T, (inner, (r, c))
    for cell in hidden_cells(published):
        assert cell not in fixed, (inner, cell)
        assert another_value_fits(published, truth, cell), (inner, cell)


# --- the tests -------------------------------------------------------------------------------------------------------

def test_counts_from_one_to_four_are_hidden_as_small_and_zero_is_shown():
    table = protect_line([0, 1, 4, 5, 9])
    cells = table.rows[0]
    assert cells[0] == Count(0)
    assert cells[1] == Count(None, Hidden.SMALL) and cells[2] == Count(None, Hidden.SMALL)
    # 1 + 4 = 19 − 5 − 9 is all the total tells, and "< 5" + "< 5" = 5 has four answers: nothing more to hide.
    assert cells[3:] == (Count(5), Count(9), Count(19))
    assert_nothing_recoverable([[0, 1, 4, 5, 9]], table)


def test_signed_plus_not_signed_is_the_total_so_a_second_cell_in_the_row_is_hidden():
    """3 signed of 13: 13 − 10 would give 3 back, so 10 is hidden too and the total stays."""
    table = protect([[3, 10], [20, 30]])
    assert table.rows[0] == (Count(None, Hidden.SMALL), Count(None, Hidden.DERIVED), Count(13))
    assert_nothing_recoverable([[3, 10], [20, 30]], table)


def test_a_column_total_minus_the_other_rows_does_not_give_a_small_count_back():
    inner = [[3, 10], [20, 30], [40, 50]]
    table = protect(inner)
    column = [row[0] for row in table.rows]
    assert sum(count.value is None for count in column) >= 2 or table.totals[0].value is None
    assert_nothing_recoverable(inner, table)


def test_a_single_small_count_next_to_a_count_of_five_hides_the_total_instead():
    """1 and 5: 5 can only move to 4 or 6 (4 would be a small count, but 5 is not one) — the total is hidden."""
    table = protect_line([1, 5])
    assert table.rows[0][1] == Count(5)
    assert table.rows[0][2].value is None and table.totals[2].value is None
    assert_nothing_recoverable([[1, 5]], table)


def test_a_table_without_small_counts_is_shown_whole():
    inner = [[5, 7], [0, 12]]
    table = protect(inner)
    assert all(count.hidden is None for row in grid_of(table) for count in row)
    assert [c.value for c in table.totals] == [5, 19, 24]


def test_a_small_grand_total_hides_everything_it_could_give_away():
    inner = [[1, 0], [2, 0]]
    table = protect(inner)
    assert table.totals[-1] == Count(None, Hidden.SMALL)
    assert_nothing_recoverable(inner, table)


@pytest.mark.parametrize("seed", range(120))
def test_random_small_tables_hide_nothing_that_can_be_worked_out(seed):
    rng = random.Random(seed)
    n_rows, n_cols = rng.randint(1, 3), rng.randint(1, 3)
    inner = [[rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 8, 11]) for _ in range(n_cols)] for _ in range(n_rows)]
    assert_nothing_recoverable(inner, protect(inner))


@pytest.mark.parametrize("seed", range(10))
def test_tables_the_size_of_a_city_hide_nothing_the_sums_give_back(seed):
    """Forty agencies × signed / not signed: the linear-algebra attacker only (the search would take too long)."""
    rng = random.Random(1000 + seed)
    inner = [[rng.choice([0, 1, 2, 3, 4, 7, 15, 40, 120]) for _ in range(2)] for _ in range(40)]
    table = protect(inner)
    published = grid_of(table)
    assert any(count.hidden == Hidden.SMALL for row in published for count in row)
    assert not cells_fixed_by_sums(published)


def test_linked_tables_hide_the_same_totals():
    """By agency and by category count the same people: a total hidden in one table must not show in the other."""
    by_agency = [[1, 5], [0, 30]]  # a lone 1 next to a 5: protecting it hides the grand total
    by_category = [[0, 20], [1, 15]]  # on its own, the grand total (36) would be shown
    assert protect(by_agency).totals[-1].value is None
    assert protect(by_category).totals[-1] == Count(36)
    agency, category = protect_linked([by_agency, by_category])
    hidden_agency = [c for c, count in enumerate(agency.totals) if count.value is None]
    hidden_category = [c for c, count in enumerate(category.totals) if count.value is None]
    assert hidden_agency == hidden_category and 2 in hidden_agency
    assert_nothing_recoverable(by_category, category)
    assert_nothing_recoverable(by_agency, agency)


def test_tables_must_be_rectangular_and_not_negative():
    with pytest.raises(ValueError):
        protect([])
    with pytest.raises(ValueError):
        protect([[1, 2], [3]])
    with pytest.raises(ValueError):
        protect([[-1]])


def test_a_median_of_fewer_than_five_values_is_not_given():
    assert protected_median([3, 9, 1, 4]) is None
    assert protected_median([3, 9, 1, 4, 20]) == 4
    assert protected_median([1, 2, 3, 4, 5, 6]) == 3.5
    assert protected_median([]) is None
