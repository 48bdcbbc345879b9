"""Delivery against a contract's commitments: targets spread over periods, status and RAG.

A commitment's target quantity is spread over the contract's reporting periods by its delivery
profile; each commitment is then ahead, on track or behind its target to date, and a contract
is red, amber or green by how many of its commitments are behind. The rules are written out in
`STATUS_RULE` and `RAG_RULE`, which the pages show beside the figures.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Final

from socialvalue.core.money import QUANTUM, apportion

# ---------------------------------------------------------------------------------------------
# Delivery status: the one rule, shown on the pages that use it.

#: Delivered at least this share of the target to date: ahead.
AHEAD_AT: Final = Decimal("1.10")
#: Delivered at least this share (and under AHEAD_AT): on track; below it: behind.
ON_TRACK_AT: Final = Decimal("0.90")

STATUS_RULE = (
    "Each commitment is compared with its target to date: the sum of its delivery profile's "
    "targets for every reporting period that has ended. Delivered counts the quantities in "
    "submitted returns, except lines the commissioner rejected. "
    f"Ahead: delivered is at least {AHEAD_AT:.0%} of the target to date. "
    f"On track: at least {ON_TRACK_AT:.0%}. Behind: less than {ON_TRACK_AT:.0%}. "
    "Not yet due: no reporting period has ended."
)

RAG_RULE = (
    "Green: no commitment is behind. Amber: at least one commitment is behind. "
    "Red: half or more of the commitments are behind. Not yet due: no reporting period has ended."
)


class Status:
    AHEAD = "ahead"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    NOT_DUE = "not_due"

    LABELS = {
        "ahead": "Ahead",
        "on_track": "On track",
        "behind": "Behind",
        "not_due": "Not yet due",
    }
    TAGS = {
        "ahead": "govuk-tag--blue",
        "on_track": "govuk-tag--green",
        "behind": "govuk-tag--red",
        "not_due": "govuk-tag--grey",
    }


def delivery_status(delivered: Decimal | float, target_to_date: Decimal | float) -> str:
    """The status of one commitment by the rule in STATUS_RULE."""
    delivered, target = Decimal(str(delivered or 0)), Decimal(str(target_to_date or 0))
    if target <= 0:
        return Status.AHEAD if delivered > 0 else Status.NOT_DUE
    if delivered >= target * AHEAD_AT:
        return Status.AHEAD
    if delivered >= target * ON_TRACK_AT:
        return Status.ON_TRACK
    return Status.BEHIND


class Rag:
    RED = "red"
    AMBER = "amber"
    GREEN = "green"
    NOT_DUE = "not_due"
    LABELS = {"red": "Red", "amber": "Amber", "green": "Green", "not_due": "Not yet due"}
    TAGS = {
        "red": "govuk-tag--red",
        "amber": "govuk-tag--orange",
        "green": "govuk-tag--green",
        "not_due": "govuk-tag--grey",
    }


def rag(behind: int, due: int) -> str:
    """A contract's RAG from how many of its due commitments are behind (RAG_RULE)."""
    if not due:
        return Rag.NOT_DUE
    if behind * 2 >= due:
        return Rag.RED
    return Rag.AMBER if behind else Rag.GREEN


# ---------------------------------------------------------------------------------------------
# Delivery profiles: how a target is spread over the reporting periods.

EVEN: Final = "even"
FRONT_LOADED: Final = "front_loaded"
BACK_LOADED: Final = "back_loaded"
#: Set period by period: the targets are given, not computed (the web checks they add up).
CUSTOM: Final = "custom"


#: Words in a unit that count people: a target in such a unit is a whole number of people in
#: every period, never "0.25 people entering work".
_PEOPLE_WORDS: Final = re.compile(
    r"\b(people|persons?|participants?|learners?|carers?|volunteers|residents|apprentices)\b",
    re.IGNORECASE,
)
#: A unit counting people's time, money or share ("volunteer hours", "% of people") is not a
#: count of people.
_NOT_HEADS: Final = re.compile(r"\b(hours?|days?|weeks?|fte)\b|[%£]", re.IGNORECASE)


def counts_people(unit: str) -> bool:
    """Whether a quantity in `unit` is a number of people ("people", "people entering work")."""
    unit = unit or ""
    return bool(_PEOPLE_WORDS.search(unit)) and not _NOT_HEADS.search(unit)


def largest_remainder(total: int, weights: Sequence[int | Decimal]) -> list[int]:
    """Whole shares of the whole number `total` in proportion to `weights`, adding up to `total`.

    Each share is first rounded down; the units left over go one each to the shares that lost
    the most in rounding (the largest remainder method), ties to the earlier share.
    """
    if not weights:
        return []
    whole = sum(weights)
    if not whole:
        return [0] * (len(weights) - 1) + [total]
    exact = [Decimal(total) * Decimal(w) / Decimal(whole) for w in weights]
    shares = [int(e) for e in exact]  # down: every exact share is at least 0
    left = total - sum(shares)
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in by_remainder[:left]:
        shares[i] += 1
    return shares


def spread_targets(
    total: Decimal,
    periods: Sequence[tuple[dt.date, dt.date]],
    profile: str,
    *,
    whole: bool = False,
) -> list[Decimal]:
    """Split `total` over `periods`: evenly by days, or front or back loaded.

    Even gives each period its share of the days; front loaded weights the first of n periods
    by n, the next by n - 1, ... (each times its days), back loaded the other way round. Shares
    are rounded to four decimal places and add up to `total` exactly. With `whole` (a target
    counting people) and a whole-number total, each share is a whole number instead, by the
    largest remainder method, still adding up to `total`.
    """
    total = Decimal(total)
    count = len(periods)
    days = [(last - first).days + 1 for first, last in periods]
    if profile == FRONT_LOADED:
        weights = [d * (count - i) for i, d in enumerate(days)]
    elif profile == BACK_LOADED:
        weights = [d * (i + 1) for i, d in enumerate(days)]
    else:
        weights = days
    if whole and total >= 0 and total == total.to_integral_value():
        return [Decimal(share) for share in largest_remainder(int(total), weights)]
    return apportion(total, weights, QUANTUM)
