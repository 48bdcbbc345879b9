"""Rounding money and quantities, and sharing a total out so the shares add back exactly."""

from decimal import Decimal

import pytest

from socialvalue.core.money import apportion, as_decimal, round_money, round_quantity


@pytest.mark.parametrize(
    ("value", "pounds"),
    [
        (Decimal("2.005"), Decimal("2.01")),  # half up, as by hand (half-even would give 2.00)
        (Decimal("2.004"), Decimal("2.00")),
        (0.1 + 0.2, Decimal("0.30")),
        (None, Decimal("0.00")),
        ("1234.5", Decimal("1234.50")),
        (Decimal("-2.005"), Decimal("-2.01")),
    ],
)
def test_money_is_rounded_to_the_penny_half_up(value, pounds):
    assert round_money(value) == pounds
    assert round_money(value).as_tuple().exponent == -2


def test_quantities_keep_four_decimal_places():
    assert round_quantity(Decimal("1.23455")) == Decimal("1.2346")
    assert round_quantity(3) == Decimal("3.0000")


def test_a_float_is_read_as_its_shortest_text():
    assert as_decimal(0.1) == Decimal("0.1")


def test_apportioned_shares_add_back_to_the_total_with_the_rounding_on_the_last():
    shares = apportion(Decimal("100"), [1, 1, 1], Decimal("0.01"))
    assert shares == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
    assert sum(shares) == Decimal("100")


def test_apportioning_over_no_weight_gives_the_whole_to_the_last():
    assert apportion(Decimal("5"), [0, 0], Decimal("0.01")) == [Decimal("0"), Decimal("5")]
    assert apportion(Decimal("5"), [], Decimal("0.01")) == []
