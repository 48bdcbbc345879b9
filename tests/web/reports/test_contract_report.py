"""A contract's report, for its commissioner and its provider, and nobody else."""

from __future__ import annotations

from decimal import Decimal

import pytest

from socialvalue.reports.formatting import money
from socialvalue.web.contracts.services import Decision, LineReport, save_return, verify_return
from socialvalue.web.reports.models import ReportRun
from tests.factories import bearer
from tests.reports.readers import csv_rows, docx_text, pdf_text, xlsx_values
from tests.web.contracts.factories import contract_between, parties

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivered():
    p = parties()
    contract = contract_between(p)
    first = contract.returns.order_by("period_index").first()
    lines = list(first.lines.order_by("commitment__position"))
    save_return(
        first,
        by=p.provider_lead,
        narrative="Quarter one",
        lines=[
            LineReport(lines[0].commitment_id, Decimal(1)),
            LineReport(lines[1].commitment_id, Decimal(3)),
        ],
        submit=True,
    )
    verify_return(
        first,
        by=p.commissioner,
        decisions=[
            Decision(lines[0].pk, "accepted"),
            Decision(lines[1].pk, "rejected", "No payslips"),
        ],
    )
    return p, contract


@pytest.mark.parametrize("who", ["commissioner", "provider_lead"])
def test_both_parties_get_the_contracts_figures_in_every_format(client, delivered, who):
    p, contract = delivered
    client.force_login(getattr(p, who))
    response = client.post("/reports/contract/", {"contract": contract.pk})
    run = ReportRun.objects.get()
    assert run.status == "done", run.error
    assert run.title == "Social value report: Home care north"
    page = client.get(response["Location"]).content.decode()
    figures = [money(Decimal("40000")), money(Decimal("2000")), money(Decimal("500000"))]
    for figure in figures:
        assert figure in page
    files = {
        fmt: b"".join(client.get(f"/reports/runs/{run.pk}/download.{fmt}").streaming_content)
        for fmt in ("pdf", "docx", "xlsx", "csv")
    }
    text, word = pdf_text(files["pdf"]), docx_text(files["docx"])
    for figure in figures:
        assert figure in text and figure in word
    assert "Hospital admissions avoided" in text and "Rejected" in word
    sheets = xlsx_values(files["xlsx"])
    summary = {row[0]: row[1] for row in sheets["Summary"] if row[0]}
    assert summary["Social value committed"] == 40000 and summary["Delivered to date"] == 2000
    assert any(
        name.startswith("Social value over the contra") for name in sheets
    )  # the chart's data
    csv_figures = {row[0]: row[1] for row in csv_rows(files["csv"]) if len(row) > 1}
    assert float(csv_figures["Verified by the council"]) == 2000


def test_another_organisation_cannot_name_the_contract(client, delivered):
    p, contract = delivered
    client.force_login(p.outsider)
    page = client.post("/reports/contract/", {"contract": contract.pk}).content.decode()
    assert "Choose one of the contract options" in page
    response = client.post(
        "/api/v1/reports/contract/runs",
        f'{{"parameters": {{"contract": {contract.pk}}}}}',
        content_type="application/json",
        **bearer(p.outsider),
    )
    assert response.status_code == 404
    assert not ReportRun.objects.exists()


def test_the_page_offers_only_the_organisations_contracts(client, delivered):
    p, contract = delivered
    client.force_login(p.provider_lead)
    page = client.get(f"/reports/contract/?contract={contract.pk}").content.decode()
    assert f'<option value="{contract.pk}" selected>' in page
