"""How many examples a property test tries: the full count in CI, a quarter of it on a laptop.

CI (`CI` set, as `.ci/run` and hosted runners do) runs every hypothesis test with the count its
author chose; a local run keeps the same tests with fewer examples, so `pytest tests/core` stays
quick. `HYPOTHESIS_PROFILE=ci` (or `dev`) picks the profile explicitly. `tests/conftest.py`
loads it; a test that chooses its own count writes `@settings(max_examples=examples(80))`.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

PROFILES = ("ci", "dev")
#: Hypothesis's own default: the full count of a test that does not choose one.
FULL_EXAMPLES = 100
#: A local run tries this fraction of the examples, but never fewer than MIN_LOCAL_EXAMPLES.
LOCAL_SHARE = 4
MIN_LOCAL_EXAMPLES = 10


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def profile_name() -> str:
    name = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if in_ci() else "dev")
    if name not in PROFILES:
        raise ValueError(f"HYPOTHESIS_PROFILE is {name!r}: use one of {', '.join(PROFILES)}")
    return name


def examples_for(profile: str, full: int) -> int:
    if profile == "ci":
        return full
    return min(full, max(MIN_LOCAL_EXAMPLES, full // LOCAL_SHARE))


def examples(full: int) -> int:
    """The number of examples for a test whose full count is `full`, in this run's profile."""
    return examples_for(profile_name(), full)


def load_profile() -> str:
    """Register both profiles and load this run's; returns its name."""
    # print_blob: a failure in CI prints the line that replays it on a laptop. No deadline and no
    # check on slow data: how long an example takes depends on the machine's load (two test
    # workers on two cores), which a property test must not turn into a failure.
    timing = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
    settings.register_profile("ci", max_examples=FULL_EXAMPLES, print_blob=True, **timing)
    settings.register_profile("dev", max_examples=examples_for("dev", FULL_EXAMPLES), **timing)
    name = profile_name()
    settings.load_profile(name)
    return name
