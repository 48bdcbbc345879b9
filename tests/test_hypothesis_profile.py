"""Property tests run their full count of examples in CI and a quarter of it on a laptop."""

import pytest
from hypothesis import settings

from tests.properties import examples, examples_for, profile_name


@pytest.mark.parametrize(
    ("ci", "profile"), [("true", "ci"), ("1", "ci"), ("", "dev"), ("false", "dev"), ("0", "dev")]
)
def test_the_ci_variable_chooses_the_profile(monkeypatch, ci, profile):
    monkeypatch.delenv("HYPOTHESIS_PROFILE", raising=False)
    monkeypatch.setenv("CI", ci)
    assert profile_name() == profile


def test_an_explicit_profile_wins_over_the_ci_variable(monkeypatch):
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("HYPOTHESIS_PROFILE", "dev")
    assert profile_name() == "dev"
    monkeypatch.setenv("HYPOTHESIS_PROFILE", "fast")
    with pytest.raises(ValueError, match="HYPOTHESIS_PROFILE is 'fast'"):
        profile_name()


def test_ci_runs_the_full_count_and_a_laptop_a_quarter_of_it():
    assert examples_for("ci", 200) == 200
    assert examples_for("dev", 200) == 50
    assert examples_for("dev", 30) == 10  # never fewer than ten
    assert examples_for("dev", 5) == 5  # and never more than the full count


def test_the_loaded_profile_matches_this_run():
    # conftest loads the profile at start-up; the default count follows it.
    assert settings.default.max_examples == examples(100)


def test_no_profile_turns_a_slow_machine_into_a_failure():
    # Two test workers on two cores make examples slow at times: that is not a defect.
    from hypothesis import HealthCheck

    for name in ("ci", "dev"):
        profile = settings.get_profile(name)
        assert profile.deadline is None
        assert HealthCheck.too_slow in profile.suppress_health_check
