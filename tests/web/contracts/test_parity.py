"""Every write route of contracts refuses the same invalid input on the page and in the API,
for the same reason: the rules live once, in the domain functions both call."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from socialvalue.web.commissioning.models import Priority
from socialvalue.web.commissioning.services import charter_for
from socialvalue.web.contracts.models import Commitment, Contract, ReturnLine
from socialvalue.web.contracts.services import LineReport, save_return
from tests.web.contracts.factories import contract_between, measures, parties
from tests.web.parity import Case, check

pytestmark = pytest.mark.django_db

CONTRACT = {"title": "Meals", "value": "50000", "reporting_frequency": "quarterly"}
PAGE_CONTRACT = {**CONTRACT, "provider": "{provider}", "provider_name": "", "description": ""}
API_CONTRACT = {**CONTRACT, "provider_id": "{provider}"}
DATES = {"start_date": "2025-04-01", "end_date": "2026-03-31"}
COMMITMENT = {"profile": "even", "target_quantity": "5"}
RETIRED = "“Old priority” is no longer a charter priority: choose a current one."

CASES = [
    Case(
        "a contract that ends before it starts",
        "The end date must be on or after the start date.",
        page=("/contracts/new/", {**PAGE_CONTRACT, **DATES, "end_date": "2024-01-01"}),
        api=("post", "/api/v1/contracts", {**API_CONTRACT, **DATES, "end_date": "2024-01-01"}),
    ),
    Case(
        "a contract with no provider",
        "Choose the provider, or type its name if it is not listed.",
        page=("/contracts/new/", {**PAGE_CONTRACT, **DATES, "provider": ""}),
        api=("post", "/api/v1/contracts", {**CONTRACT, **DATES}),
    ),
    Case(
        "a commitment serving a retired priority",
        RETIRED,
        page=(
            "/contracts/{contract}/commitments/new/",
            {**COMMITMENT, "measure": "{measure}", "priority": "{retired}"},
        ),
        api=(
            "post",
            "/api/v1/contracts",
            {
                **API_CONTRACT,
                **DATES,
                "commitments": [
                    {"measure_id": "{measure}", "target_quantity": 5, "priority_id": "{retired}"}
                ],
            },
        ),
    ),
    Case(
        "a commitment with neither a measure nor a description",
        "Choose a measure, or describe the outcome committed to.",
        page=("/contracts/{contract}/commitments/new/", {**COMMITMENT, "unit": "meals"}),
        api=(
            "post",
            "/api/v1/contracts",
            {**API_CONTRACT, **DATES, "commitments": [{"target_quantity": 5, "unit": "meals"}]},
        ),
    ),
    Case(
        "removing a commitment already reported on (no API route)",
        "This commitment has been reported on in a return, so it cannot be removed.",
        page=("/contracts/{contract}/commitments/{reported}/remove/", {}),
        api=None,
    ),
    Case(
        "submitting a return without every quantity",
        "Enter the quantity delivered for Local people hired, 0 if none.",
        page=(
            "/returns/{first}/report/",
            # Continuing to the check page saves the draft (the same figure as already saved)
            # and stops on the missing line, as the API's submit does.
            {"quantity_{first_fiscal}": "1", "quantity_{first_economic}": "", "continue": "1"},
        ),
        api=(
            "post",
            "/api/v1/contracts/{contract}/returns",
            {"period_index": 0, "lines": [{"commitment_id": "{reported}", "quantity": "2"}]},
        ),
        page_user="provider",
        api_user="provider",
    ),
    Case(
        "evidence that is not the file it claims to be",
        "fake.pdf",
        page=("/returns/{first}/report/", {"evidence": "{fake_page}"}),
        api=("multipart", "/api/v1/returns/{first}/files", {"file": ["{fake_api}"]}),
        page_user="provider",
        api_user="provider",
    ),
    Case(
        "a query without its reason",
        "Give the reason for the query of Local people hired.",
        page=("/returns/{second}/verify/", {"decision_{second_economic}": "queried"}),
        api=(
            "post",
            "/api/v1/returns/{second}/verification",
            {"decisions": [{"line_id": "{second_economic}", "verification": "queried"}]},
        ),
        page_user="commissioner",
        api_user="commissioner",
    ),
]


@pytest.fixture
def world():
    p = parties()
    contract = contract_between(p)
    charter = charter_for(p.council)
    retired = Priority.objects.create(
        organisation=p.council, charter=charter, rank=1, title="Old priority", active=False
    )
    first, second = contract.returns.order_by("period_index")[:2]
    fiscal, economic = contract.commitments.order_by("position")
    save_return(
        first, by=p.provider_lead, narrative="", lines=[LineReport(fiscal.pk, 1)], submit=False
    )
    save_return(
        second,
        by=p.provider_lead,
        narrative="",
        lines=[LineReport(fiscal.pk, 1), LineReport(economic.pk, 2)],
        submit=True,
    )

    def line(period_return, commitment):
        return period_return.lines.get(commitment=commitment).pk

    def fake(name="fake.pdf"):
        return SimpleUploadedFile(name, b"MZ\x90\x00\xff\xfe binary")

    values = {
        "contract": contract.pk,
        "provider": p.provider.pk,
        "measure": measures()[0].pk,
        "retired": retired.pk,
        "reported": fiscal.pk,
        "first": first.pk,
        "first_fiscal": line(first, fiscal),
        "first_economic": line(first, economic),
        "second": second.pk,
        "second_economic": line(second, economic),
        "fake_page": fake(),
        "fake_api": fake(),
    }
    users = {
        "admin": p.commissioner,
        "commissioner": p.commissioner,
        "provider": p.provider_lead,
    }
    return users, values


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_page_and_api_refuse_for_the_same_reason(client, world, case):
    users, values = world
    before = (
        Contract.objects.count(),
        Commitment.objects.count(),
        list(ReturnLine.objects.values_list("reported_quantity", "verification").order_by("pk")),
    )
    check(client, case, users, values)
    after = (
        Contract.objects.count(),
        Commitment.objects.count(),
        list(ReturnLine.objects.values_list("reported_quantity", "verification").order_by("pk")),
    )
    assert after == before
