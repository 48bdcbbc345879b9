"""`socialvalue tender evaluate`: the contract JSON, readable tables and clean failures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from socialvalue.cli import main
from socialvalue.core.scoring import evaluate, load_tender

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run(*args: str):
    return CliRunner().invoke(main, ["tender", "evaluate", *args])


@pytest.mark.parametrize("name", ["tender-supported-living.yaml", "tender-homecare-tie.yaml"])
def test_json_output_is_the_evaluation_contract(name):
    path = EXAMPLES / name
    result = run(str(path), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == evaluate(load_tender(path)).to_dict()


def test_readable_output_shows_scores_winner_charter_and_sensitivity():
    result = run(str(EXAMPLES / "tender-homecare-tie.yaml"))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Homecare and reablement" in out
    assert "Winner: Anchor Point Care" in out
    assert "Charter: compliant." in out
    assert "Winner by social value weight" in out
    for bidder in ("Swiftcare Homecare Ltd", "Riverside Homecare Co-operative"):
        assert bidder in out
    assert "84.91" in out  # Anchor Point Care's total


def test_readable_output_lists_charter_breaches(tmp_path):
    data = yaml.safe_load((EXAMPLES / "tender-supported-living.yaml").read_text())
    data["charter"]["minimum_social_value_weight"] = 20
    data["charter"]["minimum_outcomes"] = 5
    path = tmp_path / "breach.yaml"
    path.write_text(yaml.safe_dump(data))
    result = run(str(path))
    assert result.exit_code == 0, result.output
    assert "Charter: 2 breaches" in result.output
    assert "The social value weighting is 15%, below the charter's minimum of 20%." in result.output


def test_bad_input_gives_one_line_per_problem_and_exit_2(tmp_path):
    data = yaml.safe_load((EXAMPLES / "tender-supported-living.yaml").read_text())
    data["weights"]["price"] = 50
    data["bids"][1]["quality"]["q2"] = 7
    data["bids"][2]["bidder"] = data["bids"][0]["bidder"]
    data["bids"][3]["commitments"][0]["quantity"] = -1
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    result = run(str(path))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert lines == [
        f"{path}: weights: price 50 + quality 45 + social_value 15 = 110, not 100",
        f"{path}: bids[1].quality.q2: 7 is above max_score 5",
        f'{path}: bids[2].bidder: "Brightcare Support Ltd" is already used by bids[0]',
        f"{path}: bids[3].commitments[0].quantity: -1 is below 0",
    ]


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("broken.yaml", "title: [unclosed\n", "not valid YAML"),
        ("broken.json", '{"title": ', "not valid JSON"),
        ("list.yaml", "- 1\n- 2\n", "must be a mapping of tender fields, not a list"),
        ("empty.yaml", "", "must be a mapping of tender fields, not nothing"),
        ("binary.yaml", None, "not UTF-8 text"),
    ],
)
def test_unreadable_content_gets_a_clean_message(tmp_path, name, text, expected):
    path = tmp_path / name
    if text is None:
        path.write_bytes(b"\xff\xfe\x00title")
    else:
        path.write_text(text)
    result = run(str(path))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert expected in result.output and str(path) in result.output


def test_missing_file_gets_a_clean_message(tmp_path):
    result = run(str(tmp_path / "nowhere.yaml"))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "nowhere.yaml" in result.output and "No such file" in result.output


def test_a_directory_is_not_a_tender(tmp_path):
    result = run(str(tmp_path))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
