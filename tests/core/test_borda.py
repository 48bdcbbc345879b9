"""The Borda count against cases worked by hand, with ties and partial rankings."""

import numpy as np
import pytest

from socialvalue.core import borda


def _points(standings):
    return {s.item: s.points for s in standings}


def _labels(standings):
    return {s.item: s.position_label for s in standings}


def test_full_rankings_give_n_minus_place_points():
    # 4 items: first 3, second 2, third 1, last 0.
    result = borda.count(
        "ABCD", [{"A": 1, "B": 2, "C": 3, "D": 4}, {"B": 1, "A": 2, "D": 3, "C": 4}]
    )
    assert _points(result.standings) == {"A": 5, "B": 5, "C": 1, "D": 1}
    assert _labels(result.standings) == {"A": "=1", "B": "=1", "C": "=3", "D": "=3"}
    assert result.ballots == result.counted == 2


def test_unranked_items_share_the_places_left_below_the_ranked_ones():
    # 5 items, A and B ranked: places 3, 4 and 5 (2, 1 and 0 points) are shared by C, D and E.
    result = borda.count("ABCDE", [{"A": 1, "B": 2}])
    assert _points(result.standings) == {"A": 4, "B": 3, "C": 1, "D": 1, "E": 1}
    # Every ballot hands out n(n − 1)/2 points, however much of it is ranked.
    assert sum(_points(result.standings).values()) == 10


def test_ties_on_a_ballot_share_the_points_of_the_places_they_take():
    # A and B tied first of four take places 1 and 2: (3 + 2) / 2 each; C third; D unranked last.
    result = borda.count("ABCD", [{"A": 1, "B": 1, "C": 2}])
    assert _points(result.standings) == {"A": 2.5, "B": 2.5, "C": 1, "D": 0}


def test_only_the_order_of_the_ranks_given_counts():
    with_gaps = borda.count("ABC", [{"A": 1, "B": 5}])
    plain = borda.count("ABC", [{"A": 1, "B": 2}])
    assert _points(with_gaps.standings) == _points(plain.standings) == {"A": 2, "B": 1, "C": 0}


def test_the_worked_example_of_the_docs():
    # Three priorities; one person ranks all, one ranks two, one ranks only C.
    result = borda.count(["A", "B", "C"], [{"A": 1, "B": 2, "C": 3}, {"B": 1, "A": 2}, {"C": 1}])
    assert _points(result.standings) == {"A": 3.5, "B": 3.5, "C": 2}
    assert _labels(result.standings) == {"A": "=1", "B": "=1", "C": "3"}
    by_item = {s.item: s for s in result.standings}
    assert by_item["C"].first_places == 1 and by_item["C"].ranked_by == 2
    assert by_item["A"].first_places == 1 and by_item["A"].ranked_by == 2
    assert by_item["A"].mean_points == pytest.approx(3.5 / 3)


def test_an_empty_ballot_is_a_response_that_gives_no_points():
    result = borda.count("AB", [{}, {"B": 1}])
    assert result.ballots == 2 and result.counted == 1
    assert _points(result.standings) == {"B": 1, "A": 0}


def test_the_listing_is_by_points_then_by_the_items_order():
    result = borda.count("ABC", [{"C": 1, "B": 2, "A": 3}])
    assert [s.item for s in result.standings] == ["C", "B", "A"]
    assert [s.position for s in result.standings] == [1, 2, 3]
    assert not any(s.tied for s in result.standings)


def test_no_ballots_leave_every_item_tied_on_nothing():
    result = borda.count("AB", [])
    assert result.ballots == 0 and result.counted == 0
    assert all(s.points == 0 and s.position_label == "=1" for s in result.standings)


def test_the_matrix_form_gives_the_same_points_as_a_loop_over_ballots():
    rng = np.random.default_rng(7)
    n, ballots = 6, 400
    ranks = rng.integers(1, n + 1, size=(ballots, n)).astype(float)
    ranks[rng.random((ballots, n)) < 0.3] = np.nan
    points = borda.points_matrix(ranks)
    for row, expected in zip(ranks, points, strict=True):
        # A slow, obvious count: order the ranked items, tied groups share places.
        got = np.zeros(n)
        ranked = sorted({r for r in row if not np.isnan(r)})
        place = 1
        for value in ranked:
            tied = [j for j in range(n) if row[j] == value]
            places = range(place, place + len(tied))
            for j in tied:
                got[j] = np.mean([n - p for p in places])
            place += len(tied)
        unranked = [j for j in range(n) if np.isnan(row[j])]
        if unranked and ranked:
            share = np.mean([n - p for p in range(place, n + 1)])
            for j in unranked:
                got[j] = share
        np.testing.assert_allclose(expected, got)


def test_a_rank_below_one_is_refused():
    with pytest.raises(ValueError):
        borda.points_matrix(np.array([[0.0, 1.0]]))


def test_the_rule_is_stated_for_unranked_items():
    assert "unranked" in borda.RULE and "n − 1" in borda.RULE
