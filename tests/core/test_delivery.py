"""Delivery profiles, commitment status and contract RAG: the pure rules, tested without Django."""

import datetime as dt
from decimal import Decimal

import pytest

from socialvalue.core.delivery import (
    BACK_LOADED,
    EVEN,
    FRONT_LOADED,
    RAG_RULE,
    STATUS_RULE,
    Rag,
    Status,
    delivery_status,
    rag,
    spread_targets,
)
from socialvalue.core.periods import reporting_periods

YEAR_OF_MONTHS = reporting_periods(dt.date(2024, 4, 1), dt.date(2025, 3, 31), 1)


@pytest.mark.parametrize("profile", [EVEN, FRONT_LOADED, BACK_LOADED])
def test_profiles_add_up_to_the_target_exactly(profile):
    targets = spread_targets(Decimal("10"), YEAR_OF_MONTHS, profile)
    assert sum(targets) == Decimal("10") and len(targets) == 12
    assert all(t == t.quantize(Decimal("0.0001")) for t in targets)


def test_front_loaded_falls_and_back_loaded_rises():
    front = spread_targets(Decimal("10"), YEAR_OF_MONTHS, FRONT_LOADED)
    back = spread_targets(Decimal("10"), YEAR_OF_MONTHS, BACK_LOADED)
    assert front[0] > front[-1] and back[0] < back[-1]


def test_even_shares_follow_the_days_of_each_period():
    # Two periods of 30 and 61 days: 30/91 and 61/91 of 91.
    periods = [
        (dt.date(2025, 4, 1), dt.date(2025, 4, 30)),
        (dt.date(2025, 5, 1), dt.date(2025, 6, 30)),
    ]
    assert spread_targets(Decimal("91"), periods, EVEN) == [Decimal("30.0000"), Decimal("61")]


def test_front_loaded_weights_the_first_of_n_periods_by_n():
    # Three equal periods weighted 3:2:1 of 12.
    periods = [
        (dt.date(2025, 1, 1), dt.date(2025, 1, 10)),
        (dt.date(2025, 1, 11), dt.date(2025, 1, 20)),
        (dt.date(2025, 1, 21), dt.date(2025, 1, 30)),
    ]
    assert spread_targets(Decimal("12"), periods, FRONT_LOADED) == [
        Decimal("6.0000"),
        Decimal("4.0000"),
        Decimal("2.0000"),
    ]


@pytest.mark.parametrize(
    ("delivered", "target", "status"),
    [
        (11, 10, Status.AHEAD),
        (10.9, 10, Status.ON_TRACK),
        (9, 10, Status.ON_TRACK),
        (8.99, 10, Status.BEHIND),
        (0, 0, Status.NOT_DUE),
        (1, 0, Status.AHEAD),
        (None, 10, Status.BEHIND),
    ],
)
def test_status_thresholds(delivered, target, status):
    assert delivery_status(delivered, target) == status


@pytest.mark.parametrize(
    ("behind", "due", "expected"),
    [
        (0, 0, Rag.NOT_DUE),
        (0, 4, Rag.GREEN),
        (1, 4, Rag.AMBER),
        (2, 4, Rag.RED),
        (3, 5, Rag.RED),
        (2, 5, Rag.AMBER),
    ],
)
def test_rag_is_red_when_half_or_more_are_behind(behind, due, expected):
    assert rag(behind, due) == expected


def test_the_written_rules_state_the_thresholds_the_code_applies():
    assert "at least 110%" in STATUS_RULE and "at least 90%" in STATUS_RULE
    assert "half or more" in RAG_RULE
    assert set(Status.LABELS) == set(Status.TAGS) == {"ahead", "on_track", "behind", "not_due"}
    assert set(Rag.LABELS) == set(Rag.TAGS) == {"red", "amber", "green", "not_due"}
