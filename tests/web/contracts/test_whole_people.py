"""Targets counting people are split into whole people per period, still adding up to the target."""

import datetime as dt
from decimal import Decimal

import pytest

from socialvalue.core.delivery import (
    BACK_LOADED,
    EVEN,
    FRONT_LOADED,
    counts_people,
    largest_remainder,
    spread_targets,
)
from socialvalue.web.contracts.services import profile_targets
from tests.web.contracts.factories import contract_between, parties

QUARTERS = [
    (dt.date(2025, 4, 1), dt.date(2025, 6, 30)),
    (dt.date(2025, 7, 1), dt.date(2025, 9, 30)),
    (dt.date(2025, 10, 1), dt.date(2025, 12, 31)),
    (dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
]


@pytest.mark.parametrize(
    "unit",
    ["people", "people entering work (first year in work)", "people trained", "Participants"],
)
def test_units_that_count_people(unit):
    assert counts_people(unit)


@pytest.mark.parametrize(
    "unit", ["hours", "volunteer hours", "£ spent", "% of people", "admissions", "FTE", ""]
)
def test_units_that_do_not(unit):
    assert not counts_people(unit)


def test_largest_remainder_gives_the_spare_people_to_the_largest_fractions():
    # 10 over weights 1, 1, 1: 3.33 each; one spare goes to the first of the tied shares.
    assert largest_remainder(10, [1, 1, 1]) == [4, 3, 3]
    # 7 over 0.5, 0.3, 0.2 of the whole: 3.5, 2.1, 1.4 -> 3, 2, 1 and the spare to 3.5.
    assert largest_remainder(7, [5, 3, 2]) == [4, 2, 1]
    assert largest_remainder(0, [1, 2]) == [0, 0]
    assert largest_remainder(3, [0, 0]) == [0, 3]


@pytest.mark.parametrize("profile", [EVEN, FRONT_LOADED, BACK_LOADED])
@pytest.mark.parametrize("total", [1, 3, 5, 17, 250])
def test_a_yearly_target_of_people_is_whole_in_every_quarter_and_adds_up(profile, total):
    shares = spread_targets(Decimal(total), QUARTERS, profile, whole=True)
    assert all(s == s.to_integral_value() and s >= 0 for s in shares)
    assert sum(shares) == total


def test_one_person_a_year_is_one_quarter_not_a_quarter_of_a_person():
    assert any(s != s.to_integral_value() for s in spread_targets(Decimal(1), QUARTERS, EVEN))
    whole = profile_targets(Decimal(1), QUARTERS, EVEN, unit="people entering work")
    assert sorted(whole) == [0, 0, 0, 1]


def test_a_fractional_people_target_keeps_the_decimal_split():
    # 2.5 people cannot be split into whole people; it is spread as before.
    shares = profile_targets(Decimal("2.5"), QUARTERS, EVEN, unit="people")
    assert sum(shares) == Decimal("2.5")


def test_other_units_keep_the_four_decimal_split():
    assert profile_targets(Decimal(10), QUARTERS, EVEN, unit="hours") == spread_targets(
        Decimal(10), QUARTERS, EVEN
    )


@pytest.mark.django_db
def test_the_return_pages_show_whole_people_per_period(client):
    p = parties()
    contract = contract_between(p, targets=(8, 3))
    people_lines = list(
        contract.commitments.get(unit="people").lines.order_by("period_return__period_index")
    )
    targets = [line.target_quantity for line in people_lines]
    assert sum(targets) == 3 and all(t == t.to_integral_value() for t in targets)
    client.force_login(p.provider_lead)
    first = contract.returns.order_by("period_index").first()
    page = client.get(f"/returns/{first.pk}/report/").content.decode()
    shown = f"(target this period: {people_lines[0].target_quantity:.0f} people)"
    assert shown in page
    # 3 people over 8 quarters was 0.37 or 0.38 of a person each quarter.
    assert "0.37 people" not in page and "0.38 people" not in page
