"""The board's tally and the dashboard's completion count the same event the same way (one roll-up)."""
from __future__ import annotations

from netralitas.events.rules import Audience
from netralitas.events.tally import compute_tally
from netralitas.reports.completion import completion


def test_board_and_dashboard_agree_for_the_whole_tree(town):
    tally = compute_tally(town.event)
    result = completion(town.event, Audience.of(town.event, town.staff["super"]))
    assert (tally.required, tally.signed, tally.attended, tally.percent) == \
        (result.total.required, result.total.signed, result.total.attended, result.total.percent)
    board = {i: (c.code, c.required, c.signed, c.attended, c.percent) for i, c in tally.by_agency.items()}
    dashboard = {i: (a.code, a.required, a.signed, a.attended, a.percent) for i, a in result.agencies.items()}
    assert board == dashboard
    assert board[town.units["root"].id][1:3] == (12, 8)


def test_a_scoped_dashboard_shows_the_boards_subtree_counts(town):
    tally = compute_tally(town.event)
    result = completion(town.event, Audience.of(town.event, town.staff["admin_dinkes"]))
    dinkes, pkm = town.units["dinkes"].id, town.units["pkm"].id
    assert set(result.agencies) == {dinkes, pkm} and result.root_ids == [dinkes]
    assert result.agencies[dinkes].percent == tally.by_agency[dinkes].percent == 60.0
    assert len({*result.agencies.values()}) == 2  # frozen rows: hashable values
