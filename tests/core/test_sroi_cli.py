"""`socialvalue sroi` as a user runs it: JSON equal to the library, clean one-line errors, exit 2."""

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from socialvalue.cli import main
from socialvalue.core.sroi import calculate, load_impact_map

ROOT = Path(__file__).resolve().parents[2]
MEALS = ROOT / "examples" / "community-meals.yaml"
EMPLOYMENT = ROOT / "examples" / "employment-support.yaml"


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_calc_json_equals_the_library_result():
    result = run("sroi", "calc", str(MEALS), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == calculate(load_impact_map(MEALS)).to_dict()


def test_calc_json_with_monte_carlo_options():
    result = run("sroi", "calc", str(EMPLOYMENT), "--json", "--monte-carlo", "500", "--seed", "9")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data == calculate(load_impact_map(EMPLOYMENT), monte_carlo=500, seed=9).to_dict()
    assert (data["monte_carlo"]["draws"], data["monte_carlo"]["seed"]) == (500, 9)


def test_calc_tables_show_the_ratio_and_range():
    result = run("sroi", "calc", str(MEALS), "--monte-carlo", "300")
    assert result.exit_code == 0, result.output
    assert "SROI ratio" in result.output
    assert "p5-p95" in result.output
    assert "Switching values nearest to 1:1" in result.output


def test_out_writes_json_and_workbook(tmp_path):
    out_json = tmp_path / "r.json"
    assert (
        run("sroi", "calc", str(MEALS), "--out", str(out_json), "--monte-carlo", "0").exit_code == 0
    )
    assert (
        json.loads(out_json.read_text())
        == calculate(load_impact_map(MEALS), monte_carlo=0).to_dict()
    )
    out_xlsx = tmp_path / "r.xlsx"
    result = run("sroi", "calc", str(EMPLOYMENT), "--out", str(out_xlsx), "--monte-carlo", "200")
    assert result.exit_code == 0, result.output
    assert zipfile.is_zipfile(out_xlsx)


def test_template_command(tmp_path):
    out = tmp_path / "map.xlsx"
    result = run("sroi", "template", str(out))
    assert result.exit_code == 0
    assert out.exists()


def bad(tmp_path, name, content):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return run("sroi", "calc", str(path))


@pytest.mark.parametrize(
    "name, content, expected",
    [
        (
            "m.yaml",
            "title: T\ninputs: [{value: 10}]\noutcomes:\n - {stakeholder: A, description: B, quantity: 1, proxy: 5, duration: 1, deadweight: 1.5}\n",
            "outcomes[0].deadweight: 1.5 is not between 0 and 1",
        ),
        ("m.yaml", "title: [unclosed\n", "is not valid YAML"),
        ("m.json", "{not json", "is not valid JSON"),
        ("m.xlsx", b"PK\x03\x04 not really a zip", "is not a readable Excel workbook"),
        ("m.yaml", b"\xff\xfe\x00bad", "is not UTF-8"),
        ("m.txt", "x", "not an impact map file"),
    ],
)
def test_bad_input_is_one_clean_line_and_exit_two(tmp_path, name, content, expected):
    result = bad(tmp_path, name, content)
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)


def test_a_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "m.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "hi")
    result = run("sroi", "calc", str(path))
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_every_problem_on_its_own_line(tmp_path):
    result = bad(
        tmp_path,
        "m.yaml",
        "title: T\ninputs: [{value: -1}]\noutcomes:\n - {stakeholder: A, description: B, quantity: 1, proxy: 5, duration: 0, typo: 1}\n",
    )
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line]
    assert len(lines) == 3
    assert all(line.startswith(str(tmp_path)) for line in lines)


def test_missing_file_exit_two(tmp_path):
    result = run("sroi", "calc", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    assert "Traceback" not in result.output


SLOW_MAP = """\
title: Slow payback
price_year: 2024
inputs: [{value: 100000}]
outcomes:
  - {id: now, stakeholder: People, description: Change, quantity: 100, proxy: 300,
     duration: 3, drop_off: 0.5}
  - {id: later, stakeholder: People, description: Later, quantity: 10, proxy: 300,
     duration: 1, start: 2}
"""


def _row(output: str, first_cell: str) -> list[str]:
    for line in output.splitlines():
        cells = [c.strip() for c in line.strip("│┃ ").split("│")]
        if cells and cells[0] == first_cell:
            return cells
    raise AssertionError(f"no row {first_cell!r} in:\n{output}")


def test_tables_say_no_uncertainty_given_and_when_payback_is_beyond_the_horizon(tmp_path):
    path = tmp_path / "slow.yaml"
    path.write_text(SLOW_MAP, encoding="utf-8")
    result = run("sroi", "calc", str(path), "--monte-carlo", "200")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "no uncertainty given" in out
    assert "p5-p95" not in out and "Chance the ratio is below 1:1" not in out
    # Values 30 000, 15 000 + 3 000, 7 500: 55 500 undiscounted against 100 000 invested.
    assert "not reached within the 3-year horizon" in out
    assert "months" not in _row(out, "Payback")[1]
    assert "Warning: no-uncertainty:" in out
    assert "Warning: payback-beyond-horizon:" in out
    # Year 1 of the analysis: the outcome starting in year 2 has nothing in it.
    assert _row(out, "now")[2] == "£30,000"
    assert _row(out, "later")[2] == "£0"


def test_tables_keep_the_range_and_months_when_there_is_something_to_show():
    result = run("sroi", "calc", str(EMPLOYMENT), "--monte-carlo", "300")
    assert result.exit_code == 0, result.output
    assert "p5-p95" in result.output and "Chance the ratio is below 1:1" in result.output
    assert "no uncertainty given" not in result.output
    assert _row(result.output, "Payback")[1].endswith("months")
    assert _row(result.output, "Prices")[1].startswith("2024 (proxies restated")
