"""Matched change, suppression and WELLBY value, against cases worked by hand from the contract."""

from __future__ import annotations

import math

import pytest

from socialvalue.core.errors import InputError
from socialvalue.core.wellbeing import (
    ONS4,
    ONS4_KEYS,
    Deductions,
    change_stats,
    changes_from_counts,
    distribution,
    match_pairs,
    suppression_reason,
    wave_stats,
    wellby_value,
    wellbys,
)

D2019 = 81.1085
D2024 = 100.0
# t(0.975, 5) = 2.5705818356363146 (tables give 2.571)
T5 = 2.5705818356363146


def test_ons4_keys_and_anxiety_lower_is_better():
    assert ONS4_KEYS == ("life_satisfaction", "worthwhile", "happiness", "anxiety")
    assert [q.higher_is_better for q in ONS4] == [True, True, True, False]
    assert all((q.minimum, q.maximum) == (0, 10) for q in ONS4)
    assert ONS4[0].text == "Overall, how satisfied are you with your life nowadays?"


def test_worked_example_of_the_method_page():
    # P01..P06: baselines 4 5 3 6 5 4, follow-ups 6 6 5 6 7 5 -> changes 2 1 2 0 2 1
    stats = change_stats([2, 1, 2, 0, 2, 1], key="life_satisfaction")
    assert stats.pairs == 6
    assert stats.mean_change == pytest.approx(8 / 6, abs=1e-12)
    # sum of squared deviations: 4 * (2/3)^2 + ... = 10/3 ; var = (10/3)/5 = 2/3
    assert stats.sd == pytest.approx(math.sqrt(2 / 3), abs=1e-12)
    half = T5 * math.sqrt(2 / 3) / math.sqrt(6)
    assert stats.ci95 == pytest.approx((8 / 6 - half, 8 / 6 + half), abs=1e-12)
    assert stats.ci95[0] == pytest.approx(0.48, abs=0.005)
    assert stats.ci95[1] == pytest.approx(2.19, abs=0.005)
    assert stats.share_improved == pytest.approx(5 / 6)
    assert not stats.suppressed and stats.reason is None

    value = wellby_value(stats, Deductions(deadweight=0.3, attribution=0.2), 2024)
    assert value.wellbys == pytest.approx(8 / 6 * 6 * 0.7 * 0.8, abs=1e-12)  # 4.48
    assert value.central == pytest.approx(4.48 * 13000 * D2024 / D2019, abs=1e-9)
    assert round(value.central, 2) == 71805.05
    assert round(value.low, 2) == 55234.65
    assert round(value.high, 2) == 88375.45


def test_negative_change_gives_a_negative_value():
    stats = change_stats([-1, -2, 0, -1, -1], key="life_satisfaction")
    assert stats.mean_change == pytest.approx(-1.0)
    assert stats.share_improved == 0.0
    # deviations 0, -1, 1, 0, 0 -> var 2/4
    assert stats.sd == pytest.approx(math.sqrt(0.5))
    value = wellby_value(stats, Deductions(), 2019)
    assert value.wellbys == pytest.approx(-5.0)
    assert value.central == pytest.approx(-65000.0)
    assert value.low == pytest.approx(-50000.0)
    assert value.high == pytest.approx(-80000.0)


def test_one_pair_has_no_sd_or_interval_when_not_suppressed():
    stats = change_stats([3], suppress=False)
    assert stats.pairs == 1
    assert stats.mean_change == 3.0
    assert stats.sd is None and stats.ci95 is None
    assert stats.share_improved == 1.0


def test_two_pairs_use_t_with_one_degree_of_freedom():
    stats = change_stats([1, 3], suppress=False)
    # sd = sqrt(2); t(0.975, 1) = 12.706204736174694
    half = 12.706204736174694 * math.sqrt(2) / math.sqrt(2)
    assert stats.ci95 == pytest.approx((2 - half, 2 + half), abs=1e-9)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 4])
def test_fewer_than_five_pairs_are_suppressed(n):
    stats = change_stats([1] * n, key="happiness")
    assert stats.suppressed
    assert stats.mean_change is None and stats.sd is None and stats.ci95 is None
    assert stats.share_improved is None
    assert "fewer than 5 pairs" in stats.reason
    value = wellby_value(stats, Deductions(), 2024)
    assert value.wellbys is None and value.central is None and value.low is None
    assert value.reason == stats.reason


def test_five_pairs_are_shown():
    stats = change_stats([1, 1, 1, 1, 1])
    assert not stats.suppressed
    assert stats.sd == 0.0 and stats.ci95 == (1.0, 1.0)


def test_anxiety_improves_when_it_falls():
    changes = [-2, -1, 0, 1, -3, -1]
    anxiety = change_stats(changes, key="anxiety", higher_is_better=False)
    assert anxiety.share_improved == pytest.approx(4 / 6)
    assert anxiety.mean_change == pytest.approx(-1.0)
    happier = change_stats(changes, key="happiness")
    assert happier.share_improved == pytest.approx(1 / 6)


def test_pairs_are_earliest_baseline_and_latest_follow_up():
    # A: baselines on day 1 (value 2) and day 5 (value 9); follow-ups on day 10 (5) and day 20 (7)
    # B: baseline only; C: follow-up only; D: baseline and follow-up on the same day as others
    participants = ["A", "A", "A", "A", "B", "C", "D", "D"]
    waves = ["baseline", "baseline", "follow_up", "follow_up", "baseline", "follow_up",
             "follow_up", "baseline"]  # fmt: skip
    order = [5, 1, 20, 10, 1, 2, 3, 3]
    values = [9, 2, 7, 5, 4, 4, 8, 6]
    pairs = match_pairs(participants, waves, order, values)
    assert pairs.participants == ("A", "D")
    assert list(pairs.baseline) == [2, 6]
    assert list(pairs.follow_up) == [7, 8]
    assert list(pairs.changes) == [5, 2]


def test_pairs_on_the_same_day_take_the_first_and_last_row():
    pairs = match_pairs(
        ["A", "A", "A", "A"], ["baseline", "baseline", "follow_up", "follow_up"],
        [1, 1, 2, 2], [3, 4, 5, 6],
    )  # fmt: skip
    assert list(pairs.baseline) == [3] and list(pairs.follow_up) == [6]


def test_unknown_wave_is_refused_naming_it():
    with pytest.raises(InputError) as error:
        match_pairs(["A"], ["middle"], [1], [3])
    assert error.value.problems[0].place == "wave"


def test_custom_scale_lower_is_better():
    # A 1-5 "loneliness" scale where lower is better: 5->2, 4->4, 3->1, 5->3, 2->3
    pairs = match_pairs(
        ["a", "b", "c", "d", "e"] * 2,
        ["baseline"] * 5 + ["follow_up"] * 5,
        [1] * 5 + [2] * 5,
        [5, 4, 3, 5, 2, 2, 4, 1, 3, 3],
    )
    stats = change_stats(pairs.changes, key="lonely", higher_is_better=False)
    assert stats.mean_change == pytest.approx((-3 + 0 - 2 - 2 + 1) / 5)
    assert stats.share_improved == pytest.approx(3 / 5)
    assert distribution(pairs.baseline, 1, 5) == [0, 1, 1, 1, 2]
    assert distribution(pairs.follow_up, 1, 5) == [1, 1, 2, 1, 0]


def test_counts_table_gives_the_same_figures_as_the_pairs():
    changes = changes_from_counts([4, 5, 3], [6, 5, 2], [3, 2, 1])
    assert sorted(changes) == [-1, 0, 0, 2, 2, 2]


def test_single_wave_mean_needs_five_responses():
    assert wave_stats([4, 6, 8, 2]).suppressed
    assert "fewer than 5 responses" in wave_stats([4, 6, 8, 2]).reason
    shown = wave_stats([4, 6, 8], counts=[2, 2, 1])
    assert shown.responses == 5 and shown.mean == pytest.approx((8 + 12 + 8) / 5)


def test_price_year_restatement():
    stats = change_stats([1, 1, 2, 2, 1, 1])  # mean 4/3, 6 pairs: 8 WELLBYs
    in_2019 = wellby_value(stats, Deductions(), 2019)
    in_2024 = wellby_value(stats, Deductions(), 2024)
    assert in_2019.central == pytest.approx(8 * 13000)
    assert in_2024.central == pytest.approx(8 * 13000 * D2024 / D2019, abs=1e-9)
    assert in_2024.central / in_2019.central == pytest.approx(D2024 / D2019)
    with pytest.raises(InputError) as error:
        wellby_value(stats, Deductions(), 1800)
    assert error.value.problems[0].place == "price_year"


def test_duration_and_displacement_enter_the_wellbys():
    d = Deductions(deadweight=0.1, attribution=0.25, displacement=0.5, duration=2)
    assert wellbys(1.5, 10, d) == pytest.approx(1.5 * 10 * 2 * 0.9 * 0.5 * 0.75)


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("deadweight", {"deadweight": 1.2}),
        ("attribution", {"attribution": -0.1}),
        ("displacement", {"displacement": float("nan")}),
        ("duration", {"duration": 0}),
    ],
)
def test_deductions_outside_their_range_are_refused(field, kwargs):
    with pytest.raises(InputError) as error:
        Deductions(**kwargs).check()
    assert [p.place for p in error.value.problems] == [field]


def test_suppression_reason():
    assert suppression_reason(5) is None
    assert suppression_reason(4).startswith("fewer than 5 pairs (4)")
    assert suppression_reason(0, single_wave=True).startswith("fewer than 5 responses")
