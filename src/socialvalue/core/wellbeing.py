"""Wellbeing surveys: matched change per question, small-group suppression and WELLBY value.

The contract is `docs/wellbeing-method.md`. A pair is one participant's earliest baseline and
latest follow-up answer to a question; the change of a pair is follow-up minus baseline. For n
pairs: the mean change, the standard deviation (ddof = 1, none when n < 2), the 95 % interval
with Student's t (none when n < 2) and the share of pairs that moved in the better direction.
No figure is shown for fewer than 5 pairs (5 responses for a single-wave figure). Life
satisfaction is valued: WELLBYs = mean change × n × d × (1 − DW) × (1 − DS) × (1 − AT), worth
£13,000 (£10,000 to £16,000) in 2019 prices, restated with the shipped GDP deflator.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats as scipy_stats

from socialvalue.core.errors import InputError, Problem
from socialvalue.core.valuation import DeflatorTable, check_price_year, deflator

BASELINE = "baseline"
FOLLOW_UP = "follow_up"
WAVES = (BASELINE, FOLLOW_UP)

#: Fewer pairs than this (or responses, for one wave) and no figure is shown.
MIN_GROUP = 5

WELLBY_PRICE_YEAR = 2019
WELLBY_CENTRAL = 13_000
WELLBY_LOW = 10_000
WELLBY_HIGH = 16_000

LIFE_SATISFACTION = "life_satisfaction"


@dataclass(frozen=True)
class Question:
    """A question on a whole-number scale, and which end of it is better."""

    key: str
    text: str
    minimum: int = 0
    maximum: int = 10
    higher_is_better: bool = True


#: The ONS's four personal wellbeing questions, in the contract's wording.
ONS4: tuple[Question, ...] = (
    Question(LIFE_SATISFACTION, "Overall, how satisfied are you with your life nowadays?"),
    Question(
        "worthwhile",
        "Overall, to what extent do you feel the things you do in your life are worthwhile?",
    ),
    Question("happiness", "Overall, how happy did you feel yesterday?"),
    Question(
        "anxiety",
        'On a scale where 0 is "not at all anxious" and 10 is "completely anxious", overall, '
        "how anxious did you feel yesterday?",
        higher_is_better=False,
    ),
)
ONS4_KEYS = tuple(q.key for q in ONS4)


def suppression_reason(count: int, *, single_wave: bool = False) -> str | None:
    """Why a group of `count` pairs (or responses) shows no figure, or None when it may."""
    if count >= MIN_GROUP:
        return None
    unit = "responses" if single_wave else "pairs"
    return (
        f"fewer than {MIN_GROUP} {unit} ({count}): too few to show without risk of "
        "identifying someone"
    )


# ---------------------------------------------------------------- pairs


@dataclass(frozen=True)
class Pairs:
    """One question's matched pairs: a baseline and a follow-up answer per participant."""

    participants: tuple[str, ...]
    baseline: NDArray[np.float64]
    follow_up: NDArray[np.float64]

    @property
    def changes(self) -> NDArray[np.float64]:
        return self.follow_up - self.baseline

    def __len__(self) -> int:
        return len(self.participants)


def match_pairs(
    participants: Sequence[str],
    waves: Sequence[str],
    order: ArrayLike,
    values: ArrayLike,
) -> Pairs:
    """Pick each participant's earliest baseline and latest follow-up answer to one question.

    The four sequences are one answer each: who gave it, in which wave, its place in time
    (`order`: an answer date as an ordinal, or anything that sorts; ties go to the later row)
    and its value. Participants with only one wave are left out.
    """
    people = np.asarray(participants, dtype=object)
    wave = np.asarray(waves, dtype=object)
    when = np.asarray(order, dtype=np.float64)
    value = np.asarray(values, dtype=np.float64)
    if not (len(people) == len(wave) == len(when) == len(value)):
        raise InputError(
            Problem("answers", "participants, waves, order and values differ in length")
        )
    unknown = sorted({str(w) for w in wave} - set(WAVES))
    if unknown:
        raise InputError(Problem("wave", f"{unknown[0]!r} is not baseline or follow_up"))
    codes, person = np.unique(people.astype(str), return_inverse=True)
    row = np.arange(len(value))
    picked = {}
    for name, earliest in ((BASELINE, True), (FOLLOW_UP, False)):
        mask = wave == name
        p, w, r = person[mask], when[mask], row[mask]
        sign = 1.0 if earliest else -1.0
        # Sort by person, then time (reversed for the latest), then row (reversed likewise).
        idx = np.lexsort((sign * r, sign * w, p))
        first = np.ones(len(idx), dtype=bool)
        first[1:] = p[idx][1:] != p[idx][:-1]
        chosen = idx[first]
        found = np.full(len(codes), np.nan)
        found[p[chosen]] = value[mask][chosen]
        picked[name] = found
    both = ~np.isnan(picked[BASELINE]) & ~np.isnan(picked[FOLLOW_UP])
    return Pairs(
        participants=tuple(str(c) for c in codes[both]),
        baseline=picked[BASELINE][both],
        follow_up=picked[FOLLOW_UP][both],
    )


# ---------------------------------------------------------------- figures per question


@dataclass(frozen=True)
class ChangeStats:
    """The change figures of one question in one group (None where not shown or not defined)."""

    key: str
    pairs: int
    mean_change: float | None
    sd: float | None
    ci95: tuple[float, float] | None
    share_improved: float | None
    suppressed: bool
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "pairs": self.pairs,
            "mean_change": self.mean_change,
            "sd": self.sd,
            "ci95": list(self.ci95) if self.ci95 is not None else None,
            "share_improved": self.share_improved,
            "suppressed": self.suppressed,
            "reason": self.reason,
        }


def change_stats(
    changes: ArrayLike,
    *,
    key: str = "",
    higher_is_better: bool = True,
    suppress: bool = True,
) -> ChangeStats:
    """The figures of section 2 for these changes; with `suppress`, none below 5 pairs."""
    change = np.asarray(changes, dtype=np.float64).ravel()
    n = int(change.size)
    if not np.all(np.isfinite(change)):
        raise InputError(Problem(key or "changes", "a change is not a finite number"))
    reason = suppression_reason(n) if suppress else None
    if reason is not None or n == 0:
        return ChangeStats(
            key=key,
            pairs=n,
            mean_change=None,
            sd=None,
            ci95=None,
            share_improved=None,
            suppressed=reason is not None,
            reason=reason or "no pairs",
        )
    mean = float(np.mean(change))
    better = change > 0 if higher_is_better else change < 0
    share = float(np.count_nonzero(better)) / n
    sd: float | None = None
    ci: tuple[float, float] | None = None
    if n >= 2:
        sd = float(np.std(change, ddof=1))
        half = float(scipy_stats.t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
        ci = (mean - half, mean + half)
    return ChangeStats(
        key=key,
        pairs=n,
        mean_change=mean,
        sd=sd,
        ci95=ci,
        share_improved=share,
        suppressed=False,
    )


def changes_from_counts(
    baseline: ArrayLike, follow_up: ArrayLike, counts: ArrayLike
) -> NDArray[np.float64]:
    """The changes of pairs given as a table: (baseline, follow-up) values and how many had them."""
    b = np.asarray(baseline, dtype=np.float64)
    f = np.asarray(follow_up, dtype=np.float64)
    c = np.asarray(counts, dtype=np.int64)
    return np.repeat(f - b, c)


@dataclass(frozen=True)
class WaveStats:
    """A single-wave figure: how many responses and their mean (None when suppressed)."""

    responses: int
    mean: float | None
    suppressed: bool
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "responses": self.responses,
            "mean": self.mean,
            "suppressed": self.suppressed,
            "reason": self.reason,
        }


def wave_stats(values: ArrayLike, counts: ArrayLike | None = None) -> WaveStats:
    """The mean of one wave's answers (optionally weighted by counts), none below 5 responses."""
    v = np.asarray(values, dtype=np.float64).ravel()
    w = np.ones(v.size) if counts is None else np.asarray(counts, dtype=np.float64).ravel()
    n = int(w.sum())
    reason = suppression_reason(n, single_wave=True)
    if reason is not None:
        return WaveStats(responses=n, mean=None, suppressed=True, reason=reason)
    return WaveStats(responses=n, mean=float(np.sum(v * w) / n), suppressed=False)


def distribution(
    values: ArrayLike, minimum: int, maximum: int, counts: ArrayLike | None = None
) -> list[int]:
    """How many answers gave each point of the scale, lowest first."""
    v = np.asarray(values, dtype=np.int64).ravel()
    w = np.ones(v.size, dtype=np.int64) if counts is None else np.asarray(counts, dtype=np.int64)
    inside = (v >= minimum) & (v <= maximum)
    tally = np.bincount(v[inside] - minimum, weights=w[inside], minlength=maximum - minimum + 1)
    return [int(x) for x in tally]


# ---------------------------------------------------------------- value


@dataclass(frozen=True)
class Deductions:
    """Deadweight, attribution and displacement (each 0 to 1) and duration in years."""

    deadweight: float = 0.0
    attribution: float = 0.0
    displacement: float = 0.0
    duration: float = 1.0

    def check(self) -> Deductions:
        problems = []
        for name in ("deadweight", "attribution", "displacement"):
            value = getattr(self, name)
            if not _is_number(value) or not 0 <= value <= 1:
                problems.append(Problem(name, f"{value!r} is not between 0 and 1"))
        if not _is_number(self.duration) or not 0 < self.duration <= 100:
            problems.append(
                Problem("duration", f"{self.duration!r} is not a number of years above 0")
            )
        if problems:
            raise InputError(problems)
        return self

    @property
    def factor(self) -> float:
        return (1 - self.deadweight) * (1 - self.displacement) * (1 - self.attribution)


def _is_number(value: object) -> bool:
    return (
        not isinstance(value, bool)
        and isinstance(value, int | float)
        and math.isfinite(float(value))
    )


@dataclass(frozen=True)
class WellbyValue:
    """The WELLBYs of a life-satisfaction change and their value in one price year."""

    price_year: int
    wellbys: float | None
    central: float | None
    low: float | None
    high: float | None
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "price_year": self.price_year,
            "wellbys": self.wellbys,
            "value": {"central": self.central, "low": self.low, "high": self.high},
            "reason": self.reason,
        }


def wellbys(mean_change: float, pairs: int, deductions: Deductions) -> float:
    """mean change × n × d × (1 − DW) × (1 − DS) × (1 − AT)."""
    d = deductions.check()
    return (
        mean_change
        * pairs
        * d.duration
        * (1 - d.deadweight)
        * (1 - d.displacement)
        * (1 - d.attribution)
    )


def wellby_value(
    stats: ChangeStats,
    deductions: Deductions,
    price_year: int,
    *,
    deflators: DeflatorTable | Mapping[int, float] | None = None,
) -> WellbyValue:
    """Value a life-satisfaction change at £13,000 (£10,000 to £16,000) per WELLBY in 2019 prices,
    restated to `price_year`; nothing, with the reason, when the group is suppressed.
    A fall in life satisfaction gives a negative value."""
    year = check_price_year(price_year, deflators=deflators)
    deductions.check()
    if stats.suppressed or stats.mean_change is None:
        return WellbyValue(
            price_year=year,
            wellbys=None,
            central=None,
            low=None,
            high=None,
            reason=stats.reason or "no pairs",
        )
    count = wellbys(stats.mean_change, stats.pairs, deductions)
    ratio_to = float(deflator(year, deflators=deflators))
    ratio_from = float(deflator(WELLBY_PRICE_YEAR, deflators=deflators))
    return WellbyValue(
        price_year=year,
        wellbys=count,
        central=count * WELLBY_CENTRAL * ratio_to / ratio_from,
        low=count * WELLBY_LOW * ratio_to / ratio_from,
        high=count * WELLBY_HIGH * ratio_to / ratio_from,
    )
