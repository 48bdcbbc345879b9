"""Properties of tender scoring that must hold for any valid tender, checked with hypothesis."""

from __future__ import annotations

import json
from dataclasses import replace

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from socialvalue.core.scoring import (
    Tender,
    dump_tender,
    evaluate,
    load_tender,
    reweight,
    total_by_social_value_weight,
    winner_by_social_value_weight,
)
from tests.properties import examples

NAMES = ["Anchor", "Brightcare", "Harbour", "Meridian", "Oakfield", "Riverside"]


def _split(draw, total: int, parts: int) -> list[int]:
    cuts = sorted(draw(st.lists(st.integers(0, total), min_size=parts - 1, max_size=parts - 1)))
    bounds = [0, *cuts, total]
    return [b - a for a, b in zip(bounds, bounds[1:], strict=False)]


@st.composite
def tenders(draw, *, allow_no_price_or_quality: bool = True) -> Tender:
    max_score = draw(st.sampled_from([1, 5, 10, 100]))
    price_w, quality_w, sv_w = _split(draw, 100, 3)
    if not allow_no_price_or_quality and price_w + quality_w == 0:
        price_w, sv_w = 1, sv_w - 1
    n_criteria = draw(st.integers(1 if quality_w else 0, 3))
    criteria = [
        {"id": f"q{i}", "name": f"Criterion {i}", "weight": w}
        for i, w in enumerate(_split(draw, quality_w, n_criteria) if n_criteria else [])
    ]
    qualitative = draw(st.integers(0, 100))
    score = st.one_of(
        st.integers(0, max_score), st.floats(0, max_score, allow_nan=False, allow_infinity=False)
    )
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=5, unique=True))
    bids = [
        {
            "bidder": name,
            "price": draw(st.sampled_from([1000, 1250, 2000, 2400000]) | st.floats(1, 1e7)),
            "quality": {c["id"]: draw(score) for c in criteria},
            "social_value_score": draw(score),
            "commitments": [
                {"measure": "jobs", "quantity": q, "proxy_value": p}
                for q, p in draw(
                    st.lists(
                        st.tuples(
                            st.sampled_from([0, 1, 2, 5]) | st.floats(0, 100),
                            st.sampled_from([0, 100, 29000]) | st.floats(0, 1e5),
                        ),
                        max_size=3,
                    )
                )
            ],
        }
        for name in names
    ]
    data = {
        "title": "Generated",
        "max_score": max_score,
        "weights": {"price": price_w, "quality": quality_w, "social_value": sv_w},
        "price": {"method": draw(st.sampled_from(["lowest_over_bid", "deviation_from_lowest"]))},
        "quality": criteria,
        "social_value": {
            "qualitative": qualitative,
            "quantitative": 100 - qualitative,
            "outcomes": draw(st.lists(st.sampled_from(["fair-work", "skills"]), unique=True)),
        },
        "bids": bids,
    }
    if draw(st.booleans()):
        data["contract_value"] = draw(st.integers(0, 5_000_000))
        data["charter"] = {
            "minimum_social_value_weight": draw(st.integers(0, 30)),
            "threshold": draw(st.integers(0, 1_000_000)),
            "minimum_outcomes": draw(st.integers(0, 3)),
        }
    return load_tender(data)


@given(tenders())
def test_totals_and_parts_stay_within_their_weights(tender):
    w = tender.weights
    eps = 1e-9
    for bid in evaluate(tender).bids:
        assert -eps <= bid.total <= 100 + eps
        assert -eps <= bid.price_score <= w.price + eps
        assert -eps <= bid.quality_score <= w.quality + eps
        assert -eps <= bid.social_value_score <= w.social_value + eps
        assert bid.rank >= 1


@given(tenders(), st.data())
def test_raising_a_bids_social_value_score_never_lowers_its_total(tender, data):
    index = data.draw(st.integers(0, len(tender.bids) - 1))
    bid = tender.bids[index]
    higher = data.draw(st.floats(bid.social_value_score, tender.max_score))
    bids = list(tender.bids)
    bids[index] = replace(bid, social_value_score=higher)
    before = evaluate(tender).bids[index].total
    after = evaluate(replace(tender, bids=tuple(bids))).bids[index].total
    assert after >= before - 1e-9


@given(tenders(), st.randoms(use_true_random=False))
def test_permuting_bids_permutes_the_results(tender, rnd):
    order = list(range(len(tender.bids)))
    rnd.shuffle(order)
    shuffled = replace(tender, bids=tuple(tender.bids[i] for i in order))
    original = evaluate(tender).to_dict()
    permuted = evaluate(shuffled).to_dict()
    assert permuted["bids"] == [original["bids"][i] for i in order]
    assert permuted["winner"] == original["winner"]
    assert permuted["charter"] == original["charter"]
    a = original["sensitivity"]["social_value_weight"]
    b = permuted["sensitivity"]["social_value_weight"]
    assert [i["winner"] for i in a] == [i["winner"] for i in b]
    for x, y in zip(a, b, strict=True):
        assert abs(x["from"] - y["from"]) <= 1e-9 and abs(x["to"] - y["to"]) <= 1e-9


@settings(max_examples=examples(200))
@given(tenders(allow_no_price_or_quality=False))
def test_sensitivity_winner_at_each_midpoint_matches_a_direct_evaluation(tender):
    intervals = winner_by_social_value_weight(tender)
    assert intervals[0].start == 0 and intervals[-1].end == 100
    for before, after in zip(intervals, intervals[1:], strict=False):
        assert before.end == after.start and before.winner != after.winner
    for interval in intervals:
        mid = (interval.start + interval.end) / 2
        direct = evaluate(reweight(tender, mid))
        winners = [interval.winner] if isinstance(interval.winner, str) else interval.winner
        totals = {b.bidder: b.total for b in direct.bids}
        best = max(totals.values())
        runner_up = max((t for name, t in totals.items() if name not in winners), default=-1.0)
        if best - runner_up > 1e-7:
            # a clear result: the envelope and the direct evaluation agree exactly
            assert direct.winner == interval.winner
        else:
            # lines within rounding of each other: the envelope's winners still top the table
            assert all(abs(totals[n] - best) <= 1e-7 for n in winners)
        line = total_by_social_value_weight(tender, [mid])
        for name, total in totals.items():
            assert abs(line[name][0] - total) <= 1e-7


@given(tenders())
def test_dump_then_load_gives_the_same_tender(tender):
    dumped = dump_tender(tender)
    assert load_tender(dumped) == tender
    assert load_tender(json.loads(json.dumps(dumped))) == tender
    assert load_tender(yaml.safe_load(yaml.safe_dump(dumped))) == tender
