"""Tender scoring against worked examples derived by hand from docs/tender-evaluation.md."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml

from socialvalue.core.errors import InputError
from socialvalue.core.scoring import (
    Charter,
    check_charter,
    dump_tender,
    evaluate,
    load_tender,
    reweight,
    total_by_social_value_weight,
    winner_by_social_value_weight,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def worked_tender(method: str = "lowest_over_bid") -> dict:
    return {
        "title": "Worked example",
        "max_score": 5,
        "weights": {"price": 40, "quality": 40, "social_value": 20},
        "price": {"method": method},
        "quality": [
            {"id": "q1", "name": "Support", "weight": 25},
            {"id": "q2", "name": "Safeguarding", "weight": 15},
        ],
        "social_value": {"qualitative": 50, "quantitative": 50, "outcomes": ["fair-work"]},
        "bids": [
            {
                "bidder": "A",
                "price": 100,
                "quality": {"q1": 5, "q2": 3},
                "social_value_score": 4,
                "commitments": [{"measure": "jobs", "quantity": 2, "proxy_value": 500}],
            },
            {
                "bidder": "B",
                "price": 125,
                "quality": {"q1": 4, "q2": 5},
                "social_value_score": 5,
                "commitments": [
                    {"measure": "hours", "quantity": 10, "proxy_value": 50},
                    {"measure": "unvalued", "quantity": 1, "proxy_value": 0},
                ],
            },
            {"bidder": "C", "price": 200, "quality": {"q1": 2, "q2": 2}, "social_value_score": 0},
        ],
    }


def scores(result) -> dict[str, dict]:
    return {b["bidder"]: b for b in result.to_dict()["bids"]}


# --- section 2: scores ------------------------------------------------------------------------


def test_lowest_over_bid_worked_example():
    result = evaluate(load_tender(worked_tender()))
    s = scores(result)
    # lowest = 100; price = 40 * 100 / price: A 40, B 32, C 20
    assert [s[n]["price_score"] for n in "ABC"] == pytest.approx([40, 32, 20])
    # quality = 25 * q1 / 5 + 15 * q2 / 5: A 25 + 9 = 34, B 20 + 15 = 35, C 10 + 6 = 16
    assert [s[n]["quality_score"] for n in "ABC"] == pytest.approx([34, 35, 16])
    # qualitative = 20 * 50% * sv / 5: A 8, B 10, C 0
    assert [s[n]["social_value_qualitative_score"] for n in "ABC"] == pytest.approx([8, 10, 0])
    # offered: A 2 * 500 = 1000, B 10 * 50 + 1 * 0 = 500, C 0; quantitative = 10 * offered / 1000
    assert [s[n]["social_value_offered"] for n in "ABC"] == [1000.0, 500.0, 0.0]
    assert [s[n]["social_value_quantitative_score"] for n in "ABC"] == pytest.approx([10, 5, 0])
    assert [s[n]["social_value_score"] for n in "ABC"] == pytest.approx([18, 15, 0])
    # totals: A 40 + 34 + 18 = 92, B 32 + 35 + 15 = 82, C 20 + 16 + 0 = 36
    assert [s[n]["total"] for n in "ABC"] == pytest.approx([92, 82, 36])
    assert [s[n]["rank"] for n in "ABC"] == [1, 2, 3]
    # share of price is a fraction: A 1000 / 100 = 10, B 500 / 125 = 4, C 0
    assert [s[n]["social_value_offered_share_of_price"] for n in "ABC"] == [10.0, 4.0, 0.0]
    assert result.winner == "A"


def test_deviation_from_lowest_worked_example_floors_at_zero():
    data = worked_tender("deviation_from_lowest")
    data["bids"].append(
        {"bidder": "D", "price": 250, "quality": {"q1": 5, "q2": 5}, "social_value_score": 5}
    )
    s = scores(evaluate(data))
    # 40 * max(0, 1 - (price - 100) / 100): A 40, B 40 * 0.75 = 30, C 40 * 0 = 0,
    # D 40 * max(0, 1 - 1.5) = 0 (a price more than double the lowest scores nothing, not less)
    assert [s[n]["price_score"] for n in "ABCD"] == pytest.approx([40, 30, 0, 0])
    # D: quality 25 + 15 = 40, social value 10 + 0 = 10, total 50
    # totals: A 92, B 30 + 35 + 15 = 80, C 0 + 16 + 0 = 16, D 0 + 40 + 10 = 50
    assert [s[n]["total"] for n in "ABCD"] == pytest.approx([92, 80, 16, 50])
    assert [s[n]["rank"] for n in "ABCD"] == [1, 2, 4, 3]


def test_quantitative_part_is_zero_for_everyone_when_best_offer_is_zero():
    data = worked_tender()
    for bid in data["bids"]:
        bid["commitments"] = [{"measure": "nothing", "quantity": 0, "proxy_value": 1000}]
    s = scores(evaluate(data))
    assert [s[n]["social_value_quantitative_score"] for n in "ABC"] == [0.0, 0.0, 0.0]
    # only the qualitative part remains: A 8, B 10, C 0
    assert [s[n]["social_value_score"] for n in "ABC"] == pytest.approx([8, 10, 0])
    assert [s[n]["total"] for n in "ABC"] == pytest.approx([82, 77, 36])


def test_ties_share_a_rank_and_the_next_rank_skips():
    data = worked_tender()
    # Zed and Amber are identical, so their totals tie exactly; Carr is behind.
    zed = copy.deepcopy(data["bids"][0]) | {"bidder": "Zed"}
    amber = copy.deepcopy(data["bids"][0]) | {"bidder": "Amber"}
    carr = copy.deepcopy(data["bids"][1]) | {"bidder": "Carr"}
    data["bids"] = [zed, amber, carr]
    result = evaluate(data)
    assert [b.rank for b in result.bids] == [1, 1, 3]
    assert result.winner == ["Amber", "Zed"]
    assert result.to_dict()["winner"] == ["Amber", "Zed"]


def test_totals_differing_only_by_rounding_share_a_rank():
    data = {
        "title": "Rounding",
        "max_score": 1,
        "weights": {"price": 0, "quality": 2, "social_value": 98},
        "quality": [{"id": "a", "weight": 1}, {"id": "b", "weight": 1}],
        "bids": [
            # 0.1 + 0.2 is 0.30000000000000004 in floating point, 0.3 + 0 is 0.3
            {"bidder": "X", "price": 10, "quality": {"a": 0.1, "b": 0.2}, "social_value_score": 0},
            {"bidder": "Y", "price": 10, "quality": {"a": 0.3, "b": 0}, "social_value_score": 0},
        ],
    }
    result = evaluate(data)
    assert result.bids[0].total != result.bids[1].total
    assert [b.rank for b in result.bids] == [1, 1]
    assert result.winner == ["X", "Y"]


def test_result_json_has_the_contract_keys_in_order_and_bids_in_input_order():
    out = evaluate(worked_tender()).to_dict()
    assert list(out) == ["title", "bids", "winner", "charter", "sensitivity"]
    assert list(out["bids"][0]) == [
        "bidder",
        "price",
        "price_score",
        "quality_score",
        "social_value_qualitative_score",
        "social_value_quantitative_score",
        "social_value_score",
        "total",
        "rank",
        "social_value_offered",
        "social_value_offered_share_of_price",
    ]
    assert [b["bidder"] for b in out["bids"]] == ["A", "B", "C"]
    assert isinstance(out["bids"][0]["price"], float)
    assert out["charter"] == {"compliant": True, "breaches": []}
    assert list(out["sensitivity"]) == ["social_value_weight"]
    assert list(out["sensitivity"]["social_value_weight"][0]) == ["from", "to", "winner"]
    json.dumps(out, allow_nan=False)


def test_share_of_price_is_at_full_precision():
    data = worked_tender()
    data["bids"][0]["price"] = 2300000
    data["bids"][0]["commitments"] = [
        {"measure": "apprentices", "quantity": 3, "proxy_value": 25000}
    ]
    bid = evaluate(data).to_dict()["bids"][0]
    assert bid["social_value_offered"] == 75000.0
    assert bid["social_value_offered_share_of_price"] == 75000 / 2300000


# --- section 3: charter -----------------------------------------------------------------------


def charter_tender(**changes) -> dict:
    data = worked_tender()
    data["contract_value"] = 2400000
    data["charter"] = {
        "minimum_social_value_weight": 10,
        "threshold": 100000,
        "minimum_outcomes": 1,
    }
    data.update(changes)
    return data


def low_weight(data: dict) -> dict:
    data["weights"] = {"price": 40, "quality": 55, "social_value": 5}
    data["quality"][0]["weight"] = 40
    return data


def test_charter_breach_for_social_value_weight_below_minimum():
    result = evaluate(low_weight(charter_tender()))
    assert result.to_dict()["charter"] == {
        "compliant": False,
        "breaches": ["The social value weighting is 5%, below the charter's minimum of 10%."],
    }


def test_charter_breach_for_too_few_outcomes():
    data = charter_tender()
    data["social_value"]["outcomes"] = []
    assert check_charter(load_tender(data)) == [
        "The tender asks for 0 social value outcomes; the charter requires at least 1."
    ]


def test_charter_reports_both_breaches_and_the_evaluation_still_runs():
    data = low_weight(charter_tender())
    data["charter"]["minimum_outcomes"] = 3
    result = evaluate(data)
    assert result.breaches == (
        "The social value weighting is 5%, below the charter's minimum of 10%.",
        "The tender asks for 1 social value outcome; the charter requires at least 3.",
    )
    assert result.winner == "A"


def test_charter_does_not_apply_below_its_threshold():
    data = low_weight(charter_tender(contract_value=99999))
    data["social_value"]["outcomes"] = []
    assert evaluate(data).to_dict()["charter"] == {"compliant": True, "breaches": []}


def test_charter_applies_at_exactly_its_threshold():
    assert len(check_charter(low_weight(charter_tender(contract_value=100000)))) == 1


def test_missing_contract_value_counts_as_above_the_threshold():
    data = low_weight(charter_tender())
    del data["contract_value"]
    assert len(check_charter(data)) == 1


def test_no_charter_means_compliant():
    assert check_charter(low_weight(worked_tender())) == []


def test_charter_rules_left_out_do_not_apply():
    data = low_weight(charter_tender(charter={"threshold": 0}))
    data["social_value"]["outcomes"] = []
    assert check_charter(data) == []


def test_check_charter_for_a_draft_procurement_without_bids():
    charter = Charter(minimum_social_value_weight=10, threshold=0, minimum_outcomes=1)
    assert check_charter(charter, social_value_weight=12.5, outcomes=["fair-work"]) == []
    assert check_charter(charter, social_value_weight=7.5, outcomes=0, contract_value=50) == [
        "The social value weighting is 7.5%, below the charter's minimum of 10%.",
        "The tender asks for 0 social value outcomes; the charter requires at least 1.",
    ]


# --- section 4: sensitivity -------------------------------------------------------------------


def two_bid_tender() -> dict:
    return {
        "title": "Crossing",
        "weights": {"price": 50, "quality": 50, "social_value": 0},
        "quality": [{"id": "q", "weight": 50}],
        "social_value": {"qualitative": 100, "quantitative": 0},
        "bids": [
            {"bidder": "A", "price": 100, "quality": {"q": 5}, "social_value_score": 0},
            {"bidder": "B", "price": 200, "quality": {"q": 5}, "social_value_score": 5},
        ],
    }


def test_sensitivity_crossing_point_worked_by_hand():
    # At W_sv = w price and quality share 100 - w equally.
    # A: price ratio 1, quality ratio 1, social value 0 -> total (100 - w)
    # B: price ratio 0.5, quality 1 -> (100 - w) * 0.75 + w * 1 = 75 + 0.25 w
    # 100 - w = 75 + 0.25 w  ->  w = 20
    intervals = [i.to_dict() for i in winner_by_social_value_weight(load_tender(two_bid_tender()))]
    assert [i["winner"] for i in intervals] == ["A", "B"]
    assert intervals[0]["from"] == 0.0 and intervals[1]["to"] == 100.0
    assert intervals[0]["to"] == pytest.approx(20, abs=1e-9)
    assert intervals[1]["from"] == intervals[0]["to"]
    totals = total_by_social_value_weight(two_bid_tender(), [0, 20, 60, 100])
    assert totals["A"] == pytest.approx([100, 80, 40, 0])
    assert totals["B"] == pytest.approx([75, 80, 90, 100])


def test_sensitivity_gives_a_sorted_list_where_lines_coincide():
    data = two_bid_tender()
    data["bids"].insert(0, copy.deepcopy(data["bids"][1]) | {"bidder": "Zoe"})
    data["bids"].append(copy.deepcopy(data["bids"][1]) | {"bidder": "Abe"})
    intervals = [i.to_dict() for i in winner_by_social_value_weight(data)]
    assert [i["winner"] for i in intervals] == [["A", "Abe"], ["B", "Zoe"]]
    assert intervals[0]["to"] == pytest.approx(20, abs=1e-9)


def test_sensitivity_merges_pieces_with_the_same_winner():
    data = two_bid_tender()
    # C never wins, but its line crosses A's and B's; those crossings must not split intervals.
    data["bids"].append({"bidder": "C", "price": 150, "quality": {"q": 1}, "social_value_score": 3})
    assert len(winner_by_social_value_weight(data)) == 2


def test_sensitivity_is_a_single_interval_when_one_bid_dominates():
    intervals = evaluate(worked_tender()).to_dict()["sensitivity"]["social_value_weight"]
    assert intervals == [{"from": 0.0, "to": 100.0, "winner": "A"}]


def brute_force_winner(tender, w: float) -> str | list[str]:
    return evaluate(reweight(tender, w)).winner


@pytest.mark.parametrize(
    "source",
    [
        "tender-supported-living.yaml",
        "tender-homecare-tie.yaml",
        "worked",
        "worked-deviation",
        "crossing",
    ],
)
def test_sensitivity_matches_brute_force_evaluation(source):
    tender = {
        "worked": lambda: load_tender(worked_tender()),
        "worked-deviation": lambda: load_tender(worked_tender("deviation_from_lowest")),
        "crossing": lambda: load_tender(two_bid_tender()),
    }.get(source, lambda: load_tender(EXAMPLES / source))()
    intervals = winner_by_social_value_weight(tender)
    assert intervals[0].start == 0 and intervals[-1].end == 100
    for before, after in zip(intervals, intervals[1:], strict=False):
        assert before.end == after.start
        assert before.winner != after.winner
        # at a boundary the two winners' totals are equal
        totals = total_by_social_value_weight(tender, [before.end])
        assert totals[_first(before.winner)][0] == pytest.approx(
            totals[_first(after.winner)][0], abs=1e-9
        )
    for k in range(2001):
        w = k * 100 / 2000
        if any(abs(w - i.start) < 1e-6 or abs(w - i.end) < 1e-6 for i in intervals[1:]):
            continue
        inside = next(i for i in intervals if i.start <= w <= i.end)
        assert brute_force_winner(tender, w) == inside.winner, w


def _first(winner):
    return winner if isinstance(winner, str) else winner[0]


def test_homecare_example_winner_changes_across_the_range():
    intervals = winner_by_social_value_weight(EXAMPLES / "tender-homecare-tie.yaml")
    assert len({str(i.winner) for i in intervals}) >= 2


def test_sensitivity_when_price_and_quality_weigh_nothing_is_the_current_weight():
    data = {
        "title": "All social value",
        "weights": {"price": 0, "quality": 0, "social_value": 100},
        "bids": [
            {"bidder": "A", "price": 10, "social_value_score": 3},
            {"bidder": "B", "price": 20, "social_value_score": 4},
        ],
    }
    result = evaluate(data)
    # B: 100 * 50% * 4/5 = 40; A: 50 * 3/5 = 30
    assert result.winner == "B"
    assert result.to_dict()["sensitivity"]["social_value_weight"] == [
        {"from": 100.0, "to": 100.0, "winner": "B"}
    ]
    assert total_by_social_value_weight(data, [100]) == {"A": [30.0], "B": [40.0]}
    with pytest.raises(InputError) as err:
        total_by_social_value_weight(data, [100, 50])
    assert [p.place for p in err.value.problems] == ["points[1]"]


def test_reweight_keeps_price_quality_ratio_and_criterion_shares():
    t = reweight(load_tender(worked_tender()), 60)
    # price 40 : quality 40 share 40 points; q1 25 : q2 15 share quality's 20
    assert (t.weights.price, t.weights.quality, t.weights.social_value) == (20, 20, 60)
    assert [c.weight for c in t.quality] == [12.5, 7.5]


def test_total_by_social_value_weight_rejects_points_outside_the_range():
    with pytest.raises(InputError) as err:
        total_by_social_value_weight(worked_tender(), [-1, 50, 101])
    assert [str(p) for p in err.value.problems] == [
        "points[0]: -1 is not between 0 and 100",
        "points[2]: 101 is not between 0 and 100",
    ]


def test_total_by_social_value_weight_at_current_weight_equals_evaluation():
    tender = load_tender(EXAMPLES / "tender-supported-living.yaml")
    totals = total_by_social_value_weight(tender, [tender.weights.social_value])
    for bid in evaluate(tender).bids:
        assert totals[bid.bidder][0] == pytest.approx(bid.total, abs=1e-9)


# --- loading, dumping and validation ----------------------------------------------------------


@pytest.mark.parametrize("name", ["tender-supported-living.yaml", "tender-homecare-tie.yaml"])
def test_examples_round_trip_through_dump(name, tmp_path):
    tender = load_tender(EXAMPLES / name)
    assert load_tender(dump_tender(tender)) == tender
    path = tmp_path / "exported.yaml"
    path.write_text(yaml.safe_dump(dump_tender(tender), sort_keys=False))
    assert load_tender(path) == tender
    path = tmp_path / "exported.json"
    path.write_text(json.dumps(dump_tender(tender)))
    assert load_tender(path) == tender


def test_defaults_for_sections_left_out():
    tender = load_tender(
        {
            "title": "Minimal",
            "weights": {"price": 100, "quality": 0, "social_value": 0},
            "bids": [{"bidder": "Only", "price": 5, "social_value_score": 0}],
        }
    )
    assert tender.max_score == 5
    assert tender.price_method == "lowest_over_bid"
    assert (tender.social_value.qualitative, tender.social_value.quantitative) == (50, 50)
    assert tender.charter is None and tender.contract_value is None
    assert evaluate(tender).winner == "Only"


def problems_of(data) -> list[str]:
    with pytest.raises(InputError) as err:
        load_tender(data)
    return [str(p) for p in err.value.problems]


def test_every_problem_is_reported_at_once_with_its_place():
    data = worked_tender()
    data["weights"]["social_value"] = 10
    data["social_value"] = {"qualitative": 50, "quantitative": 40, "colour": "red"}
    data["bids"][0]["price"] = 0
    data["bids"][1]["quality"] = {"q1": 4, "q2": 7, "q3": 1}
    del data["bids"][1]["social_value_score"]
    data["bids"][1]["commitments"] = [{"measure": "x", "quantity": -3, "proxy_value": "12"}]
    data["bids"][2] = {"bidder": "A", "price": 100, "quality": {"q1": 4}, "social_value_score": 9}
    assert problems_of(data) == [
        "weights: price 40 + quality 40 + social_value 10 = 90, not 100",
        "social_value.colour: unknown key (expected one of qualitative, quantitative, outcomes)",
        "social_value: qualitative 50 + quantitative 40 = 90, not 100",
        "bids[0].price: 0 must be above 0",
        "bids[1].quality.q2: 7 is above max_score 5",
        "bids[1].quality.q3: unknown criterion (the criteria are q1, q2)",
        "bids[1].social_value_score: missing",
        "bids[1].commitments[0].quantity: -3 is below 0",
        'bids[1].commitments[0].proxy_value: must be a number, not the text "12"',
        "bids[2].quality.q2: missing; every quality criterion needs a score",
        "bids[2].social_value_score: 9 is above max_score 5",
        'bids[2].bidder: "A" is already used by bids[0]',
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.pop("title"), "title: missing"),
        (lambda d: d.update(title="  "), 'title: must be non-empty text, not the text "  "'),
        (
            lambda d: d.update(extra=1),
            "extra: unknown key (expected one of title, contract_value,"
            " max_score, weights, price, quality, social_value, charter, bids)",
        ),
        (lambda d: d.pop("weights"), "weights: missing"),
        (lambda d: d["weights"].pop("price"), "weights.price: missing"),
        (lambda d: d["weights"].update(price=-5, quality=85), "weights.price: -5 is below 0"),
        (lambda d: d["weights"].update(price=True), "weights.price: must be a number, not true"),
        (
            lambda d: d["weights"].update(price=float("nan")),
            "weights.price: must be a finite number, not nan",
        ),
        (
            lambda d: d["quality"][1].update(weight=10),
            "quality: criteria weights sum to 35, not weights.quality 40",
        ),
        (
            lambda d: d["quality"][1].update(id="q1"),
            'quality[1].id: "q1" is already used by quality[0]',
        ),
        (
            lambda d: d["quality"][0].update(colour="red"),
            "quality[0].colour: unknown key (expected one of id, name, weight)",
        ),
        (
            lambda d: d.update(quality={"q1": 40}),
            "quality: must be a list of criteria, not a mapping",
        ),
        (lambda d: d.update(max_score=0), "max_score: 0 must be above 0"),
        (lambda d: d.update(contract_value=-1), "contract_value: -1 is below 0"),
        (
            lambda d: d.update(price={"method": "cheapest"}),
            'price.method: the text "cheapest" is not one of lowest_over_bid, deviation_from_lowest',
        ),
        (lambda d: d["social_value"].pop("quantitative"), "social_value.quantitative: missing"),
        (
            lambda d: d["social_value"].update(outcomes=["fair-work", "fair-work"]),
            'social_value.outcomes[1]: "fair-work" is already listed at social_value.outcomes[0]',
        ),
        (
            lambda d: d["social_value"].update(outcomes=[3]),
            "social_value.outcomes[0]: must be non-empty text, not 3",
        ),
        (
            lambda d: d.update(charter={"minimum_outcomes": 1.5}),
            "charter.minimum_outcomes: 1.5 must be a whole number",
        ),
        (
            lambda d: d.update(charter={"minimum_social_value_weight": 120}),
            "charter.minimum_social_value_weight: 120 is above 100",
        ),
        (lambda d: d.update(charter={"threshold": -1}), "charter.threshold: -1 is below 0"),
        (
            lambda d: d.update(charter={"minimum": 1}),
            "charter.minimum: unknown key (expected one of minimum_social_value_weight, threshold,"
            " minimum_outcomes)",
        ),
        (lambda d: d.update(bids=[]), "bids: empty; a tender needs at least one bid"),
        (lambda d: d.pop("bids"), "bids: missing; a tender needs at least one bid"),
        (lambda d: d.update(bids={"A": 1}), "bids: must be a list of bids, not a mapping"),
        (lambda d: d["bids"].__setitem__(0, "A"), 'bids[0]: must be a mapping, not the text "A"'),
        (lambda d: d["bids"][0].pop("bidder"), "bids[0].bidder: missing"),
        (lambda d: d["bids"][0].pop("price"), "bids[0].price: missing"),
        (lambda d: d["bids"][0].update(price=-100), "bids[0].price: -100 must be above 0"),
        (lambda d: d["bids"][0]["quality"].update(q1=-1), "bids[0].quality.q1: -1 is below 0"),
        (
            lambda d: d["bids"][0]["quality"].update(q1=None),
            "bids[0].quality.q1: missing; every quality criterion needs a score",
        ),
        (
            lambda d: d["bids"][0].update(social_value_score=5.5),
            "bids[0].social_value_score: 5.5 is above max_score 5",
        ),
        (
            lambda d: d["bids"][0].update(quality=[4, 3]),
            "bids[0].quality: must be a mapping of criterion id to score, not a list",
        ),
        (
            lambda d: d["bids"][0].update(notes="late"),
            "bids[0].notes: unknown key (expected one of bidder, price, quality, social_value_score,"
            " commitments)",
        ),
        (
            lambda d: d["bids"][0]["commitments"][0].update(proxy_value=-1),
            "bids[0].commitments[0].proxy_value: -1 is below 0",
        ),
        (
            lambda d: d["bids"][0]["commitments"][0].pop("measure"),
            "bids[0].commitments[0].measure: missing",
        ),
        (
            lambda d: d["bids"][0].update(commitments={"jobs": 2}),
            "bids[0].commitments: must be a list, not a mapping",
        ),
    ],
)
def test_validation_message(change, expected):
    data = worked_tender()
    change(data)
    assert problems_of(data) == [expected]


def test_top_level_must_be_a_mapping():
    assert problems_of([1, 2]) == ["must be a mapping of tender fields, not a list"]


def test_malformed_yaml_is_an_input_error_naming_the_file_and_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("title: [unclosed\n")
    with pytest.raises(InputError) as err:
        load_tender(path)
    assert err.value.source == str(path)
    assert "not valid YAML" in err.value.describe() and "line 2" in err.value.describe()


def test_duplicate_keys_in_a_file_are_refused(tmp_path):
    path = tmp_path / "twice.yaml"
    path.write_text("title: One\ntitle: Two\n")
    with pytest.raises(InputError, match='the key "title" is given twice'):
        load_tender(path)
    path = tmp_path / "twice.json"
    path.write_text('{"title": "One", "title": "Two"}')
    with pytest.raises(InputError, match='the key "title" is given twice'):
        load_tender(path)


def test_malformed_json_is_an_input_error(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"title": ')
    with pytest.raises(InputError, match="not valid JSON"):
        load_tender(path)
