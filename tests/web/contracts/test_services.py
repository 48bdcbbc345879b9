"""Contracts under a database: returns and verification, commitments' status and the portfolio's sums.

The pure rules (periods, financial years, profiles, status, RAG) are tested in tests/core.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from socialvalue.web.contracts import portfolio
from socialvalue.web.contracts.models import LineReview, Return, ReturnLine
from socialvalue.web.contracts.services import (
    Decision,
    LineReport,
    Status,
    commitment_progress,
    profile_targets,
    reporting_periods,
    save_return,
    verify_return,
    with_status,
)
from tests.web.contracts.factories import contract_between, parties

pytestmark = pytest.mark.django_db


def test_custom_profile_must_add_up_and_names_both_numbers():
    periods = reporting_periods(dt.date(2024, 4, 1), dt.date(2025, 3, 31), "six_monthly")
    with pytest.raises(ValidationError) as error:
        profile_targets(Decimal("10"), periods, "custom", [Decimal(3), Decimal(4)])
    assert "7" in str(error.value) and "10" in str(error.value)


def test_a_schedule_ending_before_it_starts_is_refused_on_the_end_date():
    with pytest.raises(ValidationError) as error:
        reporting_periods(dt.date(2025, 4, 1), dt.date(2025, 3, 31), "quarterly")
    assert error.value.message_dict == {
        "end_date": ["The end date must be on or after the start date."]
    }


def test_contract_gets_a_return_per_period_with_a_target_line_per_commitment():
    p = parties()
    contract = contract_between(p)
    assert contract.returns.count() == 8
    fiscal = contract.commitments.get(value_type="fiscal")
    assert fiscal.committed_value == Decimal("16000.00")
    lines = ReturnLine.objects.filter(commitment=fiscal)
    assert sum(line.target_quantity for line in lines) == 8
    assert sum(line.target_value for line in lines) == Decimal("16000.00")
    assert {line.year for line in lines} == {2024, 2025}


def _first_return(contract):
    return contract.returns.order_by("period_index").first()


def _report_all(period_return, quantities, by, submit=True):
    lines = period_return.lines.select_related("commitment").order_by("commitment__position")
    reports = [
        LineReport(line.commitment_id, Decimal(q))
        for line, q in zip(lines, quantities, strict=True)
    ]
    return save_return(period_return, by=by, narrative="We did it", lines=reports, submit=submit)


def test_submitting_needs_every_quantity_and_counts_delivered_but_not_verified():
    p = parties()
    contract = contract_between(p)
    first = _first_return(contract)
    line = first.lines.first()
    with pytest.raises(ValidationError) as error:
        save_return(
            first,
            by=p.provider_lead,
            narrative="",
            lines=[LineReport(line.commitment_id, Decimal(1))],
            submit=True,
        )
    assert "Enter the quantity delivered" in str(error.value)
    _report_all(first, [1, 3], p.provider_lead)
    first.refresh_from_db()
    assert first.status == Return.Status.SUBMITTED
    fiscal_line = first.lines.get(commitment__value_type="fiscal")
    assert fiscal_line.delivered_value == Decimal("2000.00")
    assert fiscal_line.verified_value == 0


def test_draft_counts_nothing_delivered():
    p = parties()
    first = _first_return(contract_between(p))
    _report_all(first, [1, 3], p.provider_lead, submit=False)
    first.refresh_from_db()
    assert first.status == Return.Status.DRAFT
    assert all(line.delivered_value == 0 and line.reported_quantity for line in first.lines.all())


def test_query_and_reject_need_a_reason_and_queried_line_reopens_the_return():
    p = parties()
    first = _first_return(contract_between(p))
    _report_all(first, [1, 3], p.provider_lead)
    fiscal, economic = first.lines.order_by("commitment__position")
    with pytest.raises(ValidationError) as error:
        verify_return(first, by=p.commissioner, decisions=[Decision(fiscal.pk, "rejected")])
    assert "reason for the rejection" in str(error.value)
    verify_return(
        first,
        by=p.commissioner,
        decisions=[
            Decision(fiscal.pk, "accepted"),
            Decision(economic.pk, "queried", "Where are the payslips?"),
        ],
    )
    first.refresh_from_db()
    assert first.status == Return.Status.REVIEWED and first.is_open_to_provider
    fiscal.refresh_from_db()
    assert fiscal.verified_value == Decimal("2000.00")
    # The provider answers the query and resubmits; the accepted line cannot change.
    save_return(
        first,
        by=p.provider_lead,
        narrative="Payslips attached",
        lines=[
            LineReport(fiscal.commitment_id, Decimal(9)),
            LineReport(economic.commitment_id, Decimal(2), response="Two, not three: corrected"),
        ],
        submit=True,
    )
    fiscal.refresh_from_db()
    economic.refresh_from_db()
    assert fiscal.reported_quantity == 1 and fiscal.verification == LineReview.ACCEPTED
    assert economic.reported_quantity == 2 and economic.verification == LineReview.PENDING
    verify_return(
        first, by=p.commissioner, decisions=[Decision(economic.pk, "rejected", "No proof")]
    )
    economic.refresh_from_db()
    assert economic.delivered_value == 0 and economic.verified_value == 0


def test_progress_to_date_and_status():
    p = parties()
    contract = contract_between(p)
    first = _first_return(contract)
    _report_all(first, [1, 3], p.provider_lead)
    today = first.period_end
    rows = with_status(commitment_progress(contract.commitments.order_by("position"), today))
    # 8 admissions over 8 quarters (split by days): about 1 due, and 1 delivered is on track;
    # 16 people: about 2 due, and 3 is ahead.
    assert [round(r.target_to_date) for r in rows] == [1, 2]
    assert [r.status for r in rows] == [Status.ON_TRACK, Status.AHEAD]


def test_portfolio_sums_by_every_grouping_and_keeps_fiscal_apart():
    p = parties()
    contract = contract_between(p)
    contract_between(p, title="Day services", targets=(4, 4))
    first = _first_return(contract)
    _report_all(first, [1, 3], p.provider_lead)
    fiscal, economic = first.lines.order_by("commitment__position")
    verify_return(
        first,
        by=p.commissioner,
        decisions=[Decision(fiscal.pk, "accepted"), Decision(economic.pk, "accepted")],
    )

    summary = portfolio.summary(commissioner=p.council, year=2024)
    # Half of each contract falls in 2024/25 (targets spread by days, rounded to 4 places).
    assert abs(summary.totals.committed - Decimal(27000)) < 1
    assert summary.totals.delivered == Decimal("6500")
    assert summary.totals.delivered_fiscal == Decimal("2000")
    assert summary.totals.verified_wider == Decimal("4500")
    assert summary.totals.contracts == 2
    themes = {r.label: r.figures for r in summary.rows["theme"]}
    assert themes["Health"].verified == Decimal("2000")
    assert themes["Jobs"].delivered == Decimal("4500")
    providers = summary.rows["provider"]
    assert [r.label for r in providers] == ["Bright Care"]
    measures = {r.label: r for r in summary.rows["measure"]}
    assert measures["Local people hired"].figures.delivered_units == 3
    assert measures["Local people hired"].unit == "people"
    assert [r.label for r in summary.rows["year"]] == ["2024/25"]
    everything = portfolio.summary(commissioner=p.council)
    assert everything.totals.committed == Decimal("54000")
    assert [r.key for r in everything.rows["year"]] == ["2024", "2025"]

    theme_key = next(r.key for r in summary.rows["theme"] if r.label == "Jobs")
    behind = portfolio.lines_behind(
        commissioner=p.council, dimension="theme", key=theme_key, figure="verified", year=2024
    )
    assert list(behind) == [economic]
    assert sum(line.verified_value for line in behind) == themes["Jobs"].verified


def test_portfolio_of_another_council_is_empty():
    p = parties()
    contract_between(p)
    summary = portfolio.summary(commissioner=p.other)
    assert summary.totals.committed == 0 and summary.rows["theme"] == []
