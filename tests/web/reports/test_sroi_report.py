"""The SROI report of an analysis, and of a map file on the command line."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from socialvalue.cli import main
from socialvalue.core.sroi import calculate, load_impact_map
from socialvalue.reports.formatting import money, ratio
from socialvalue.web.analyses.services import engine_map
from socialvalue.web.reports.models import ReportRun
from tests.factories import bearer
from tests.reports.readers import csv_rows, docx_text, pdf_text, xlsx_values
from tests.web.analyses.factories import analysis_for

pytestmark = pytest.mark.django_db


def _files(client, run):
    return {
        fmt: b"".join(client.get(f"/reports/runs/{run.pk}/download.{fmt}").streaming_content)
        for fmt in ("pdf", "docx", "xlsx", "csv")
    }


def test_the_sroi_report_of_an_analysis_shows_its_ratio_everywhere(client, demo_world):
    analysis = analysis_for(demo_world.alice_org)
    expected = calculate(load_impact_map(engine_map(analysis)), monte_carlo=0)
    client.force_login(demo_world.viewer)
    response = client.post("/reports/sroi/", {"analysis": analysis.pk})
    run = ReportRun.objects.get()
    assert run.status == "done", run.error
    page = client.get(response["Location"]).content.decode()
    headline = [
        ratio(expected.sroi_ratio),
        money(expected.present_value),
        money(expected.investment),
    ]
    for figure in headline:
        assert figure in page
    files = _files(client, run)
    text = pdf_text(files["pdf"])
    word = docx_text(files["docx"])
    for figure in headline:
        assert figure in text and figure in word
    for section in (
        "The impact map",
        "Value by stakeholder",
        "Sensitivity",
        "Monte Carlo",
        "Assumptions and sources",
    ):
        assert section in text
    assert "HM Treasury wellbeing guidance" in text  # the proxy's source
    sheets = xlsx_values(files["xlsx"])
    [stored] = [row[1] for row in sheets["Summary"] if row[0] == "SROI ratio"]
    assert stored == pytest.approx(expected.sroi_ratio)
    assert "Present value by stakeholder" in sheets
    csv_figures = {row[0]: row[1] for row in csv_rows(files["csv"]) if len(row) > 1}
    assert float(csv_figures["Present value of outcomes"]) == pytest.approx(
        expected.present_value, abs=0.005
    )


def test_another_organisations_analysis_cannot_be_named(client, demo_world):
    theirs = analysis_for(demo_world.alice_org)
    client.force_login(demo_world.outsider)
    page = client.post("/reports/sroi/", {"analysis": theirs.pk}).content.decode()
    assert "govuk-error-summary" in page
    assert not ReportRun.objects.exists()
    response = client.post(
        "/api/v1/reports/sroi/runs",
        f'{{"parameters": {{"analysis": {theirs.pk}}}}}',
        content_type="application/json",
        **bearer(demo_world.outsider),
    )
    assert response.status_code == 404
    assert not ReportRun.objects.exists()


def test_command_line_writes_the_report_of_an_analysis(demo_world, tmp_path):
    analysis = analysis_for(demo_world.alice_org)
    out = tmp_path / "sroi.docx"
    result = CliRunner().invoke(
        main,
        [
            "report",
            "sroi",
            "--org",
            "alice-care",
            "--param",
            f"analysis={analysis.pk}",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Befriending" in docx_text(out.read_bytes())


def test_command_line_reads_a_map_file(tmp_path):
    out = tmp_path / "meals.pdf"
    result = CliRunner().invoke(
        main, ["report", "sroi", "--map", "examples/community-meals.yaml", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    expected = calculate(load_impact_map("examples/community-meals.yaml"))
    assert ratio(expected.sroi_ratio) in pdf_text(out.read_bytes())


def test_command_line_csv_carries_the_caveats_unless_told_not_to(tmp_path):
    noted, bare = tmp_path / "meals.csv", tmp_path / "meals-bare.csv"
    args = ["report", "sroi", "--map", "examples/community-meals.yaml", "--out"]
    assert CliRunner().invoke(main, [*args, str(noted)]).exit_code == 0
    assert CliRunner().invoke(main, [*args, str(bare), "--no-notes"]).exit_code == 0
    lines = noted.read_bytes().decode("utf-8-sig").splitlines()
    assert lines[0] == "# Notes on these figures"
    assert any("financial proxies" in line for line in lines if line.startswith("#"))
    assert not bare.read_bytes().decode("utf-8-sig").startswith("#")


def test_command_line_lists_the_reports_an_organisation_can_run(demo_world):
    result = CliRunner().invoke(main, ["report", "list", "--org", "alice-care"])
    assert result.exit_code == 0, result.output
    assert "sroi: SROI report (parameters: analysis)" in result.output
    assert "annual-evaluation" not in result.output  # a council's report


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sroi", "--org", "alice-care", "--out", "x.odt"], "the extension chooses the format"),
        (["sroi", "--org", "nobody", "--out", "x.pdf"], 'no organisation with the slug "nobody"'),
        (
            ["nothing", "--org", "alice-care", "--out", "x.pdf"],
            "nothing: not a report Alice Care can run",
        ),
        (["sroi", "--org", "alice-care", "--out", "x.pdf"], "analysis: Choose the SROI analysis"),
        (
            ["sroi", "--org", "alice-care", "--param", "analysis=abc", "--out", "x.pdf"],
            "is not the id",
        ),
        (
            ["sroi", "--org", "alice-care", "--param", "analysis=99999", "--out", "x.pdf"],
            "No SROI analysis 99999",
        ),
        (["sroi", "--org", "alice-care", "--param", "oops", "--out", "x.pdf"], "is not NAME=VALUE"),
        (["sroi", "--out", "x.pdf"], "--org: say which organisation"),
        (["sroi", "--org", "alice-care"], "--out: say which file to write"),
    ],
)
def test_command_line_bad_input_exits_2_with_a_clear_message(
    demo_world, tmp_path, monkeypatch, args, message
):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["report", *args])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
