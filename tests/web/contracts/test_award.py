"""A contract made by an award carries the winning bid's commitments; the portfolio checks contracts against the charter."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from socialvalue.web.contracts import portfolio
from socialvalue.web.contracts.services import create_contract
from tests.factories import OrganisationFactory
from tests.web.commissioning.factories import charter, procurement, three_bids

pytestmark = pytest.mark.django_db


def test_award_makes_a_contract_with_the_bids_commitments():
    council = OrganisationFactory(name="Riverbank Council")
    charter(council)
    tender = procurement(council, state="published")
    winner, unregistered, _ = three_bids(tender)
    contract = create_contract(
        procurement=tender,
        bid=winner,
        start_date=dt.date(2025, 4, 1),
        end_date=dt.date(2027, 3, 31),
        reporting_frequency="six_monthly",
    )
    assert contract.commissioner == council and contract.provider == winner.bidder
    assert contract.title == tender.title and contract.value == winner.price
    offered = winner.commitments.get()
    made = contract.commitments.get()
    assert (made.measure, made.target_quantity, made.proxy_value, made.proxy_source) == (
        offered.measure,
        offered.quantity,
        offered.proxy_value,
        offered.proxy_source,
    )
    assert made.committed_value == offered.quantity * offered.proxy_value
    assert contract.returns.count() == 4 and made.lines.count() == 4
    # A bid from a provider not registered here keeps its name.
    other = create_contract(
        procurement=tender,
        bid=unregistered,
        start_date=dt.date(2025, 4, 1),
        end_date=dt.date(2026, 3, 31),
    )
    assert other.provider is None and other.provider_label == "Carewell"


def test_a_bid_for_another_procurement_is_refused():
    council = OrganisationFactory()
    first = procurement(council, state="published")
    second = procurement(council, state="published")
    winner = three_bids(first)[0]
    with pytest.raises(ValidationError):
        create_contract(
            procurement=second,
            bid=winner,
            start_date=dt.date(2025, 4, 1),
            end_date=dt.date(2026, 3, 31),
        )


def test_a_provider_cannot_let_a_contract():
    provider = OrganisationFactory()
    with pytest.raises(ValidationError) as error:
        create_contract(
            commissioner=provider,
            provider_name="Somebody",
            title="Care",
            value=Decimal(1),
            start_date=dt.date(2025, 4, 1),
            end_date=dt.date(2026, 3, 31),
        )
    assert "not a commissioning organisation" in str(error.value)


def test_charter_compliance_counts_contracts_above_the_threshold_that_meet_the_rules():
    council = OrganisationFactory(name="Riverbank Council")
    charter(council, threshold=100_000, minimum_outcomes=2, minimum_weight=10)
    light = procurement(council, state="published", weights=(45, 50, 5))
    bids = three_bids(light)
    dates = {"start_date": dt.date(2025, 4, 1), "end_date": dt.date(2026, 3, 31)}
    # Homeside offered two outcomes, but under a 5% social value weight: a breach.
    weak_weight = create_contract(procurement=light, bid=bids[2], **dates)
    # One outcome only: a breach.
    create_contract(procurement=light, bid=bids[0], **dates)
    # Below the threshold: out of scope.
    create_contract(
        commissioner=council,
        provider_name="Tiny",
        title="Small grant",
        value=Decimal(5000),
        **dates,
    )
    result = portfolio.charter_compliance(council)
    assert (result.in_scope, result.compliant) == (2, 0)
    reasons = {c.pk: c.charter_breaches for c in result.failing}
    assert reasons[weak_weight.pk] == [
        "social value weighted 5%, below the charter's minimum of 10%"
    ]
    assert any("fewer than the charter's minimum of 2" in r for r in sum(reasons.values(), []))
