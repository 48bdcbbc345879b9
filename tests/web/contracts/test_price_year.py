"""One price basis: the portfolio restated to a price year, the same pounds on both sides, the kept sums."""

from __future__ import annotations

import datetime as dt
import json
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import transaction

from socialvalue.core.valuation import deflator, in_price_year, load_deflators
from socialvalue.web.contracts import portfolio, sums
from socialvalue.web.contracts.models import Contract, ReturnLine
from socialvalue.web.contracts.services import (
    CommitmentSpec,
    Decision,
    LineReport,
    add_commitment,
    create_contract,
    remove_commitment,
    save_return,
    verify_return,
)
from socialvalue.web.evidence import services as evidence_services
from socialvalue.web.measures.models import Theme
from tests.factories import bearer
from tests.web.contracts.factories import parties
from tests.web.evidence.factories import activity
from tests.web.measures.factories import MeasureFactory, ValueSetFactory

pytestmark = pytest.mark.django_db

PENNY = Decimal("0.01")
FIGURES = (
    "committed_value",
    "committed_fiscal_value",
    "committed_wider_value",
    "delivered_value",
    "delivered_fiscal_value",
    "delivered_wider_value",
    "verified_value",
    "verified_fiscal_value",
    "verified_wider_value",
)


def D(year: int) -> Decimal:
    return Decimal(repr(load_deflators().index[year]))


def _measures():
    """Proxies in three price years, as a shared set ships them: 2012, 2019 and 2024."""
    value_set = ValueSetFactory(name="Mixed years", organisation=None)
    theme = Theme.objects.create(value_set=value_set, name="Jobs")
    job = MeasureFactory(
        value_set=value_set,
        theme=theme,
        title="Jobs for local people",
        unit="jobs",
        proxy_value=Decimal("9234"),
        price_year=2012,
        value_type="economic",
    )
    admission = MeasureFactory(
        value_set=value_set,
        theme=theme,
        title="Admissions avoided",
        unit="admissions",
        proxy_value=Decimal("2217.33"),
        price_year=2019,
        value_type="fiscal",
    )
    wellbeing = MeasureFactory(
        value_set=value_set,
        theme=theme,
        title="Wellbeing improved",
        unit="people",
        proxy_value=Decimal("1613.19"),
        price_year=2024,
        value_type="wellbeing",
    )
    return job, admission, wellbeing


def _contract(p, measures, targets=(7, 13, 29)):
    return create_contract(
        commissioner=p.council,
        provider=p.provider,
        title="Mixed proxies",
        value=Decimal("400000"),
        start_date=dt.date(2024, 4, 1),
        end_date=dt.date(2026, 3, 31),
        commitments=[
            CommitmentSpec(measure=m, target_quantity=Decimal(t))
            for m, t in zip(measures, targets, strict=True)
        ],
        created_by=p.commissioner,
    )


def _report(period_return, quantities, by, submit=True):
    lines = period_return.lines.select_related("commitment").order_by("commitment__position")
    return save_return(
        period_return,
        by=by,
        narrative="Done",
        lines=[
            LineReport(line.commitment_id, Decimal(q))
            for line, q in zip(lines, quantities, strict=True)
        ],
        submit=submit,
    )


def _by_hand(commissioner, field: str, price_year: int, year: int | None = None) -> Decimal:
    """Section 6 by hand: each line's value × D[Y] / D[proxy's year], added, rounded once."""
    lines = ReturnLine.objects.filter(commissioner=commissioner).select_related("commitment")
    if year is not None:
        lines = lines.filter(year=year)
    exact = sum(
        (getattr(line, field) * D(price_year) / D(line.commitment.price_year) for line in lines),
        Decimal(0),
    )
    return exact.quantize(PENNY, rounding=ROUND_HALF_UP)


@pytest.fixture
def world():
    p = parties()
    p.measures = _measures()
    p.contract = _contract(p, p.measures)
    first = p.contract.returns.order_by("period_index").first()
    _report(first, ["2.5", "3", "11"], p.provider_lead)
    lines = list(first.lines.order_by("commitment__position"))
    verify_return(
        first,
        by=p.commissioner,
        decisions=[
            Decision(lines[0].pk, "accepted"),
            Decision(lines[1].pk, "accepted"),
            Decision(lines[2].pk, "queried", "Send the survey results."),
        ],
    )
    return p


def test_every_total_is_each_line_restated_and_scales_by_the_deflators_to_the_penny(client, world):
    answers = {}
    for price_year in (2024, 2019, 2012):
        response = client.get(
            f"/api/v1/portfolio/summary?price_year={price_year}", **bearer(world.commissioner)
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["price_year"] == price_year
        answers[price_year] = body["totals"]
        for field, column in (
            ("committed_value", "target_value"),
            ("delivered_value", "delivered_value"),
            ("verified_value", "verified_value"),
        ):
            assert Decimal(body["totals"][field]) == _by_hand(world.council, column, price_year)
    # Not the proxies added as stated: the 2012 job is worth more in 2024 prices.
    stated = sum(ReturnLine.objects.values_list("target_value", flat=True))
    assert Decimal(answers[2024]["committed_value"]) > stated
    for y1, y2 in ((2024, 2019), (2024, 2012), (2019, 2012)):
        for figure in FIGURES:
            t1, t2 = Decimal(answers[y1][figure]), Decimal(answers[y2][figure])
            assert t1 > 0 or figure.startswith("verified")
            assert abs(t1 - t2 * D(y1) / D(y2)) <= PENNY, (figure, y1, y2, t1, t2)


def test_groupings_and_years_are_restated_too(world):
    summary = portfolio.summary(commissioner=world.council, price_year=2019)
    by_year = portfolio.summary(commissioner=world.council, year=2024, price_year=2019)
    assert summary.price_year == 2019
    assert by_year.totals.delivered == _by_hand(world.council, "delivered_value", 2019, 2024)
    value_types = {r.key: r.figures for r in summary.rows["value_type"]}
    job = ReturnLine.objects.filter(commitment__measure=world.measures[0])
    assert value_types["economic"].committed == (
        sum(line.target_value for line in job) * D(2019) / D(2012)
    ).quantize(PENNY, rounding=ROUND_HALF_UP)
    assert sum((r.figures.committed for r in summary.rows["year"]), Decimal(0)) - (
        summary.totals.committed
    ) in (Decimal(0), PENNY, -PENNY)


def test_the_council_reports_in_its_chosen_price_year(client, world):
    world.council.price_year = 2019
    world.council.save()
    body = client.get("/api/v1/portfolio/summary", **bearer(world.commissioner)).json()
    assert body["price_year"] == 2019
    assert Decimal(body["totals"]["committed_value"]) == _by_hand(
        world.council, "target_value", 2019
    )
    client.force_login(world.commissioner)
    page = client.get("/portfolio/")
    assert page.status_code == 200
    assert "2019 prices" in page.content.decode()


def test_the_same_line_shows_the_same_pounds_to_the_provider_and_the_council(client):
    p = parties()
    job, *_ = _measures()
    contract = create_contract(
        commissioner=p.council,
        provider=p.provider,
        title="Jobs",
        value=Decimal("100000"),
        start_date=dt.date(2024, 4, 1),
        end_date=dt.date(2025, 3, 31),
        reporting_frequency="annual",
        commitments=[CommitmentSpec(measure=job, target_quantity=Decimal(3))],
        created_by=p.commissioner,
    )
    period_return = contract.returns.get()
    _report(period_return, ["3"], p.provider_lead)
    line = period_return.lines.get()
    verify_return(period_return, by=p.commissioner, decisions=[Decision(line.pk, "accepted")])
    record = evidence_services.record_evidence(
        organisation=p.provider,
        recorded_by=p.provider_lead,
        measure=job,
        activity=activity(p.provider),
        quantity=Decimal(3),
        period_start=dt.date(2024, 4, 1),
        period_end=dt.date(2025, 3, 31),
        contract=contract,
    )
    client.force_login(p.provider_lead)
    for price_year in (2024, 2019, 2012):
        council = portfolio.summary(commissioner=p.council, price_year=price_year).totals
        provider = evidence_services.value_of(record, price_year)
        assert council.verified == council.delivered == provider
        api = client.get(
            f"/api/v1/evidence/{record.pk}?price_year={price_year}", **bearer(p.provider_lead)
        ).json()
        assert Decimal(api["value_in_price_year"]) == provider
        assert api["price_year"] == price_year
    # The stored value (in the latest year's prices) is the same function's answer.
    assert record.value == portfolio.summary(commissioner=p.council).totals.delivered
    assert record.value == (Decimal("27702") * D(2024) / D(2012)).quantize(PENNY, ROUND_HALF_UP)
    page = client.get(f"/evidence/{record.pk}/?price_year=2019").content.decode()
    assert f"£{evidence_services.value_of(record, 2019):,}" in page


@pytest.mark.parametrize("bad", ["1975", "2099", "0"])
def test_a_price_year_outside_the_series_is_refused_naming_price_year(client, world, bad):
    response = client.get(
        f"/api/v1/portfolio/summary?price_year={bad}", **bearer(world.commissioner)
    )
    # 422 for a number the route's schema refuses; 400 for a year the deflator series lacks.
    assert response.status_code == (422 if bad == "0" else 400)
    assert "price_year" in json.dumps(response.json())
    client.force_login(world.commissioner)
    page = client.get(f"/portfolio/?price_year={bad}")
    assert page.status_code == 400
    assert "price_year" in page.content.decode()


def test_a_price_year_that_is_not_a_number_is_a_422_naming_it(client, world):
    response = client.get("/api/v1/portfolio/summary?price_year=last", **bearer(world.commissioner))
    assert response.status_code == 422
    assert "price_year" in json.dumps(response.json())


def test_the_organisation_price_year_is_checked_when_set(client, world):
    from tests.factories import MembershipFactory, UserFactory

    admin = UserFactory(email="admin@riverbank.example")
    MembershipFactory(user=admin, organisation=world.council, role="admin")
    url = f"/api/v1/organisations/{world.council.pk}"
    refused = client.patch(
        url, json.dumps({"price_year": 1975}), content_type="application/json", **bearer(admin)
    )
    assert refused.status_code == 400
    assert "price_year" in refused.json()["detail"]
    assert client.get(url, **bearer(admin)).json()["price_year"] == load_deflators().last_year
    changed = client.patch(
        url, json.dumps({"price_year": 2019}), content_type="application/json", **bearer(admin)
    )
    assert changed.status_code == 200 and changed.json()["price_year"] == 2019
    client.force_login(admin)
    page = client.post(
        "/organisation/",
        {"name": world.council.name, "organisation_type": "local_authority", "price_year": "2022"},
    )
    assert page.status_code == 302
    world.council.refresh_from_db()
    assert world.council.price_year == 2022


def _assert_kept(council: int) -> None:
    """The sums per commitment equal the lines', and the sums per year equal those sums'."""
    assert sums.stored(council) == sums.recomputed(council)
    assert sums.years_stored(council) == sums.years_recomputed(council)


def test_the_kept_sums_equal_the_lines_after_every_decision(world):
    council = world.council.pk
    assert sums.years_stored(council) != {}
    assert sums.stored(council) == sums.recomputed(council) != {}
    first = world.contract.returns.order_by("period_index").first()
    queried = first.lines.get(verification="queried")
    save_return(
        first,
        by=world.provider_lead,
        narrative="Answered",
        lines=[LineReport(queried.commitment_id, Decimal("9"), response="Survey attached")],
        submit=True,
    )
    _assert_kept(council)
    verify_return(first, by=world.commissioner, decisions=[Decision(queried.pk, "accepted")])
    _assert_kept(council)
    second = world.contract.returns.order_by("period_index")[1]
    _report(second, ["1", "0", "4"], world.provider_lead)
    lines = list(second.lines.order_by("commitment__position"))
    verify_return(
        second,
        by=world.commissioner,
        decisions=[
            Decision(lines[0].pk, "rejected", "Counted twice"),
            Decision(lines[1].pk, "accepted"),
        ],
    )
    _assert_kept(council)
    added = add_commitment(
        contract=world.contract,
        actor=_actor(world.commissioner, world.council),
        spec=CommitmentSpec(measure=world.measures[0], target_quantity=Decimal(5)),
    )
    _assert_kept(council)
    assert any(key[0] == added.pk for key in sums.stored(council))
    remove_commitment(commitment=added, actor=_actor(world.commissioner, world.council))
    _assert_kept(council)
    assert not any(key[0] == added.pk for key in sums.stored(council))
    Contract.objects.filter(pk=world.contract.pk).delete()
    _assert_kept(council)
    assert sums.stored(council) == sums.years_stored(council) == {}


def _actor(user, organisation):
    from socialvalue.web.tenancy import Actor

    return Actor.for_user(user)


def test_tender_offers_are_valued_with_proxies_restated_to_the_councils_year():
    from socialvalue.web.commissioning.models import BidCommitment
    from socialvalue.web.commissioning.services import restated_proxy

    stated = BidCommitment(quantity=Decimal(4), proxy_value=Decimal("9234"), price_year=2012)
    assert restated_proxy(stated, 2024) == Decimal("9234") / D(2012) * D(2024)
    assert restated_proxy(stated, 2012) == Decimal("9234")
    unknown = BidCommitment(quantity=Decimal(4), proxy_value=Decimal("100"), price_year=None)
    assert restated_proxy(unknown, 2024) == Decimal("100")


def test_rebuilding_a_councils_sums_gives_what_the_decisions_kept(world):
    council = world.council.pk
    kept, years = sums.stored(council), sums.years_stored(council)
    assert any(year == 0 for _commitment, year in kept)
    with transaction.atomic():
        sums.rebuild_line_sums(council)
    assert sums.stored(council) == kept
    assert sums.years_stored(council) == years


def test_each_year_of_the_all_years_portfolio_is_that_years_portfolio(world):
    every = portfolio.summary(commissioner=world.council, year=None, price_year=2019)
    by_year = {row.key: row.figures for row in every.rows["year"]}
    assert by_year
    for key, figures in by_year.items():
        one = portfolio.summary(commissioner=world.council, year=int(key), price_year=2019)
        assert one.totals == figures


def test_the_contract_pages_add_commitments_in_one_price_year(client, world):
    commitments = list(world.contract.commitments.all())
    assert len({c.price_year for c in commitments}) > 1
    expected = in_price_year(
        sum(c.committed_value / deflator(c.price_year) for c in commitments), 2019
    )
    client.force_login(world.commissioner)
    detail = client.get(f"/contracts/{world.contract.pk}/", {"price_year": "2019"})
    assert detail.status_code == 200
    assert detail.context["contract"].committed_value == expected
    assert f'£{expected:,.0f} <span class="govuk-body-s">in 2019 prices' in detail.content.decode()
    listed = client.get("/contracts/", {"price_year": "2019"})
    (row,) = [c for c in listed.context["contracts"] if c.pk == world.contract.pk]
    assert row.committed_value == expected
    assert client.get("/contracts/", {"price_year": "1800"}).status_code == 400
    assert client.get(f"/contracts/{world.contract.pk}/", {"price_year": "x"}).status_code == 400
