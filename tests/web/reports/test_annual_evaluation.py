"""The council's annual evaluation: the portfolio page's figures in every format, and what it says about them."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from click.testing import CliRunner
from django.utils import timezone

from socialvalue.cli import main
from socialvalue.reports.formatting import money, percent
from socialvalue.web.casestudies.models import CaseStudy
from socialvalue.web.commissioning.models import Charter
from socialvalue.web.contracts import portfolio
from socialvalue.web.contracts.services import (
    Decision,
    LineReport,
    save_return,
    verify_return,
)
from socialvalue.web.measures.models import Theme
from socialvalue.web.reports.models import ReportRun
from tests.factories import bearer
from tests.reports.chart_geometry import page_charts, problems
from tests.reports.readers import csv_rows, docx_text, pdf_text, xlsx_values
from tests.web.contracts.factories import contract_between, parties

pytestmark = pytest.mark.django_db

INJECTION = '=HYPERLINK("http://x","y")'


def _report(period_return, quantities, by):
    lines = period_return.lines.order_by("commitment__position")
    save_return(
        period_return,
        by=by,
        narrative="Delivered",
        lines=[
            LineReport(line.commitment_id, Decimal(q))
            for line, q in zip(lines, quantities, strict=True)
        ],
        submit=True,
    )
    return list(lines)


@pytest.fixture
def council():
    p = parties()
    contract = contract_between(p)
    contract_between(p, title=INJECTION, targets=(4, 4))
    first = contract.returns.order_by("period_index").first()
    fiscal, economic = _report(first, [1, 3], p.provider_lead)
    verify_return(
        first,
        by=p.commissioner,
        decisions=[Decision(fiscal.pk, "accepted"), Decision(economic.pk, "queried", "Payslips?")],
    )
    health = Theme.objects.get(name="Health", value_set__name="Test shared set")
    shared = CaseStudy.objects.create(
        organisation=p.provider,
        title=INJECTION,
        summary="Mr A went home from hospital a week early.",
        story="## Going home\n\nThe **reablement** team visited daily.",
        consent_given_on=dt.date(2025, 1, 10),
        shared_at=timezone.now(),
    )
    shared.themes.add(health)
    CaseStudy.objects.create(
        organisation=p.provider,
        title="A private draft",
        summary="Not shared, so not the council's to read.",
        consent_given_on=dt.date(2025, 1, 10),
    )
    Charter.objects.create(
        organisation=p.council,
        minimum_social_value_weight=Decimal(10),
        threshold=Decimal(100000),
        minimum_outcomes=3,
    )
    return p


def _files(client, run):
    return {
        fmt: b"".join(client.get(f"/reports/runs/{run.pk}/download.{fmt}").streaming_content)
        for fmt in ("pdf", "docx", "xlsx", "csv")
    }


def test_the_evaluation_carries_the_portfolio_figures_in_every_format(client, council):
    summary = portfolio.summary(commissioner=council.council, year=2024)
    client.force_login(council.commissioner)
    response = client.post("/reports/annual-evaluation/", {"year": "2024"})
    run = ReportRun.objects.get()
    assert run.status == "done", run.error
    assert run.title == "Annual social value evaluation 2024/25"
    page = client.get(response["Location"]).content.decode()
    headline = [
        money(summary.totals.committed),
        money(summary.totals.delivered),
        money(summary.totals.verified),
        money(summary.totals.delivered_fiscal),
        money(summary.totals.delivered_wider),
    ]
    for figure in headline:
        assert figure in page
    files = _files(client, run)
    text, word = pdf_text(files["pdf"]), docx_text(files["docx"])
    for figure in headline:
        assert figure in text and figure in word, figure
    summary_sheet = {row[0]: row[1] for row in xlsx_values(files["xlsx"])["Summary"] if row[0]}
    assert summary_sheet["Social value delivered"] == pytest.approx(float(summary.totals.delivered))
    assert summary_sheet["Verified by the council"] == pytest.approx(float(summary.totals.verified))
    csv_figures = {row[0]: row[1] for row in csv_rows(files["csv"]) if len(row) > 1}
    assert float(csv_figures["Fiscal value delivered"]) == pytest.approx(
        float(summary.totals.delivered_fiscal)
    )


def test_the_evaluation_covers_every_part_the_council_needs(client, council):
    client.force_login(council.commissioner)
    client.post("/reports/annual-evaluation/", {"year": "2024"})
    text = pdf_text(_files(client, ReportRun.objects.get())["pdf"])
    for heading in (
        "Summary",
        "By theme",
        "By local priority",
        "By Sustainable Development Goal",
        "By provider",
        "By year",
        "Verification",
        "Charter compliance",
        "Case studies",
        "Methodology",
        "Caveats",
    ):
        assert re.search(rf"^\s*{heading}\s*$", text, re.M), heading
    assert "Hospital admissions avoided" in text and "Unit costs" in text  # measure and source
    assert "2000 admissions" not in text
    assert "0 of the 2 contracts the charter covers meet it" in text
    assert "fewer than the charter's minimum" in text
    assert "Queried" in text and "the council's review or an answer to a query" in text
    assert "2024/25" in text and "2025/26" in text  # the years around the one evaluated


def test_no_chart_in_the_evaluation_has_labels_running_together(client, council):
    client.force_login(council.commissioner)
    response = client.post("/reports/annual-evaluation/", {"year": "2024"})
    page = client.get(response["Location"]).content.decode()
    svgs = page_charts(page)
    assert any("Social value delivered by financial year" in svg for svg in svgs)
    for svg in svgs:
        assert problems(svg) == []


def test_shared_case_studies_are_told_and_private_ones_are_not(client, council):
    client.force_login(council.commissioner)
    response = client.post("/reports/annual-evaluation/", {"year": "2024"})
    page = client.get(response["Location"]).content.decode()
    assert "Mr A went home from hospital a week early." in page
    assert "<strong>reablement</strong>" in page
    assert "A private draft" not in page
    text = pdf_text(_files(client, ReportRun.objects.get())["pdf"])
    assert "Going home" in text and "A private draft" not in text


def test_a_formula_in_a_case_study_title_stays_text_in_the_downloads(client, council):
    client.force_login(council.commissioner)
    client.post("/reports/annual-evaluation/", {"year": "2024"})
    files = _files(client, ReportRun.objects.get())
    cells = [cell for row in csv_rows(files["csv"]) for cell in row]
    assert "'" + INJECTION in cells and INJECTION not in cells
    for rows in xlsx_values(files["xlsx"]).values():
        for row in rows:
            for cell in row:
                assert not (isinstance(cell, str) and cell.startswith("=")), cell


def test_all_years_and_the_year_choices_come_from_the_portfolio(client, council):
    client.force_login(council.commissioner)
    page = client.get("/reports/annual-evaluation/").content.decode()
    assert '<option value="2025" selected>' in page and '<option value="2024">' in page
    client.post("/reports/annual-evaluation/", {"year": ""})
    run = ReportRun.objects.get()
    assert run.title == "Annual social value evaluation all years"
    everything = portfolio.summary(commissioner=council.council)
    assert (
        money(everything.totals.committed)
        in client.get(f"/reports/runs/{run.pk}/").content.decode()
    )


def test_a_year_without_commitments_says_there_is_nothing_to_evaluate(client, council):
    client.force_login(council.commissioner)
    page = client.post("/reports/annual-evaluation/", {"year": "2030"}).content.decode()
    assert "Choose one of the financial year options" in page  # the page offers years with data
    response = client.post(
        "/api/v1/reports/annual-evaluation/runs",
        '{"parameters": {"year": 2030}}',
        content_type="application/json",
        **bearer(council.commissioner),
    )
    run = response.json()
    assert run["status"] == "failed"
    assert "no contract commitments reporting in 2030/31" in run["error"]


def test_providers_do_not_see_the_councils_evaluation(client, council):
    client.force_login(council.provider_lead)
    assert "Annual social value evaluation" not in client.get("/reports/").content.decode()
    assert client.get("/reports/annual-evaluation/").status_code == 404


def test_verified_share_reads_as_a_percentage(client, council):
    summary = portfolio.summary(commissioner=council.council, year=2024)
    client.force_login(council.commissioner)
    response = client.post("/reports/annual-evaluation/", {"year": "2024"})
    page = client.get(response["Location"]).content.decode()
    assert f"{percent(summary.totals.verified_share)} of delivered" in page
    assert dt.date.today().year >= 2024


def test_command_line_writes_the_evaluation_of_a_year(council, tmp_path):
    out = tmp_path / "evaluation.xlsx"
    args = ["report", "annual-evaluation", "--org", council.council.slug, "--year", "2024"]
    result = CliRunner().invoke(main, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Annual social value evaluation 2024/25" in result.output
    summary = portfolio.summary(commissioner=council.council, year=2024)
    figures = {row[0]: row[1] for row in xlsx_values(out.read_bytes())["Summary"] if row[0]}
    assert figures["Social value delivered"] == pytest.approx(float(summary.totals.delivered))
    bad = CliRunner().invoke(main, [*args[:-1], "1999", "--out", str(out)])
    assert bad.exit_code == 2 and "year: 1999 is not a year between 2000 and 2100" in bad.output
