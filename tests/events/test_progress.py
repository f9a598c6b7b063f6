"""One Progress value and one roll-up of per-agency counts up the tree, shared by the board and the dashboard."""
from __future__ import annotations

from netralitas.events.progress import Progress, path_ids, roll_up


def test_percent_unsigned_and_remote():
    assert Progress(3, 2, 1).percent == 66.7
    assert (Progress(3, 2, 1).unsigned, Progress(3, 2, 1).remote) == (1, 1)
    assert Progress(0, 0, 0).percent == 0.0  # nobody required: 0, not a division by zero
    assert Progress(8, 8).percent == 100.0


def test_progress_is_a_hashable_value_that_adds_up():
    assert Progress(1, 1, 0) + Progress(2, 0, 0) == Progress(3, 1, 0)
    assert sum([Progress(1, 1, 1), Progress(4, 2, 0)], Progress()) == Progress(5, 3, 1)
    assert len({Progress(1, 1), Progress(1, 1)}) == 1


def test_path_ids():
    assert path_ids("/1/7/42/") == [1, 7, 42]
    assert path_ids("/5/") == [5]


def test_roll_up_credits_each_agency_and_its_ancestors():
    paths = {1: "/1/", 2: "/1/2/", 3: "/1/2/3/", 4: "/1/4/"}
    own = {2: Progress(2, 1, 1), 3: Progress(3, 2, 0), 4: Progress(5, 5, 0)}
    assert roll_up(own, paths) == {1: Progress(10, 8, 1), 2: Progress(5, 3, 1), 3: Progress(3, 2, 0),
                                   4: Progress(5, 5, 0)}


def test_roll_up_leaves_out_ancestors_not_shown():
    """A staff member scoped to agency 2 sees 2 and 3; the government above them is not credited."""
    paths = {2: "/1/2/", 3: "/1/2/3/"}
    own = {2: Progress(2, 1), 3: Progress(3, 2)}
    assert roll_up(own, paths, shown=paths) == {2: Progress(5, 3), 3: Progress(3, 2)}
