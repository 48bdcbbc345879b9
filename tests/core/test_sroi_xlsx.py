"""The impact-map workbook: template round trip, cell-named errors, results workbook."""

import copy
from pathlib import Path

import pytest
from openpyxl import load_workbook

from socialvalue.core.errors import InputError
from socialvalue.core.sroi import calculate, load_impact_map
from socialvalue.core.sroi.xlsx import read_workbook, write_results, write_template

ROOT = Path(__file__).resolve().parents[2]
MEALS_YAML = ROOT / "examples" / "community-meals.yaml"
MEALS_XLSX = ROOT / "examples" / "community-meals.xlsx"


def test_example_workbook_gives_identical_results_to_the_yaml():
    from_yaml = calculate(load_impact_map(MEALS_YAML), monte_carlo=2000, seed=5).to_dict()
    from_xlsx = calculate(load_impact_map(MEALS_XLSX), monte_carlo=2000, seed=5).to_dict()
    assert from_xlsx == from_yaml
    assert load_impact_map(MEALS_XLSX) == load_impact_map(MEALS_YAML)


def test_template_round_trip(tmp_path):
    m = load_impact_map(MEALS_YAML)
    path = write_template(tmp_path / "map.xlsx", m)
    assert load_impact_map(path) == m
    assert load_impact_map(read_workbook(path)) == m


def test_blank_template_has_the_practitioner_sheets_and_validation(tmp_path):
    path = write_template(tmp_path / "blank.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["Instructions", "Settings", "Inputs", "Outcomes", "Notes"]
    headers = [c.value for c in wb["Outcomes"][1]]
    for label in (
        "ID",
        "Stakeholder",
        "Outcome",
        "Indicator",
        "Value type",
        "Quantity",
        "Duration (years)",
        "Start year",
        "Proxy value",
        "Proxy source",
        "Deadweight",
        "Drop-off",
        "Deadweight low",
    ):
        assert label in headers
    kinds = {dv.type for dv in wb["Outcomes"].data_validations.dataValidation}
    assert {"decimal", "whole", "list"} <= kinds
    assert "triangular" in " ".join(str(c.value) for c in wb["Notes"]["A"])
    with pytest.raises(InputError) as info:
        load_impact_map(path)
    assert "Settings sheet, row 2, column B (Title): is required" in str(info.value)


def test_errors_name_sheet_row_and_column(tmp_path):
    path = write_template(tmp_path / "map.xlsx", load_impact_map(MEALS_YAML))
    wb = load_workbook(path)
    ws = wb["Outcomes"]
    headers = [c.value for c in ws[1]]
    ws.cell(3, headers.index("Deadweight") + 1).value = 1.5
    ws.cell(4, headers.index("Duration (years)") + 1).value = "two"
    ws.cell(2, headers.index("Quantity high") + 1).value = 3  # below the mode of 12
    wb.save(path)
    with pytest.raises(InputError) as info:
        load_impact_map(path)
    text = str(info.value)
    assert "Outcomes sheet, row 3, column M (Deadweight): 1.5 is not between 0 and 1" in text
    assert "Outcomes sheet, row 4, column G (Duration (years)): 'two' is not a whole number" in text
    assert "Outcomes sheet, row 2" in text


def test_formula_like_text_is_written_safely_and_read_back(tmp_path):
    data = load_impact_map(MEALS_YAML).to_dict()
    data = copy.deepcopy(data)
    data["outcomes"][0]["description"] = '=HYPERLINK("http://x")'
    data["inputs"][0]["stakeholder"] = "+Council"
    m = load_impact_map(data)
    path = write_template(tmp_path / "map.xlsx", m)
    ws = load_workbook(path)["Outcomes"]
    assert ws["C2"].value == '\'=HYPERLINK("http://x")'
    assert ws["C2"].data_type == "s"
    assert load_impact_map(path) == m


def test_results_workbook_keeps_numbers_as_numbers(tmp_path):
    m = load_impact_map(MEALS_YAML)
    result = calculate(m, monte_carlo=200)
    path = write_results(result, m, tmp_path / "results.xlsx")
    wb = load_workbook(path)
    assert {
        "Results",
        "Inputs",
        "Impact map",
        "Years",
        "Switching values",
        "Sensitivity",
        "Monte Carlo",
    } <= set(wb.sheetnames)
    summary = {row[0].value: row[1] for row in wb["Results"].iter_rows(min_row=2)}
    assert summary["Present value"].value == pytest.approx(result.present_value)
    assert isinstance(summary["Present value"].value, float)
    assert "£" in summary["Present value"].number_format


def test_unrepresentable_distribution_is_refused(tmp_path):
    m = load_impact_map(ROOT / "examples" / "employment-support.yaml")
    with pytest.raises(InputError, match="triangular"):
        write_template(tmp_path / "x.xlsx", m)
