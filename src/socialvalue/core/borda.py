"""The Borda count, for ranking a consultation's priorities from many people's rankings.

The rule (the same words are shown on the results page, `RULE`):

* With *n* items on the ballot, the item a person puts first earns *n − 1* points, the second
  *n − 2*, and so on down to 0 for the last place.
* **Ties on a ballot.** Items a person gives the same rank share the places they take between
  them: each earns the average of those places' points. Two items tied first of four take places
  1 and 2 and earn (3 + 2) / 2 = 2.5 each.
* **Partial rankings.** Only the order of the ranks given matters (ranks 1, 2 and 5 are read as
  first, second and third). Items a person leaves unranked are taken as tied below every item
  they ranked: they share the remaining places, so each earns the average of those places'
  points. Ranking two of five items gives the unranked three (2 + 1 + 0) / 3 = 1 point each.
  So leaving items out neither helps nor harms them against each other, and every ballot hands
  out the same total, n(n − 1) / 2 points.
* A ballot that ranks nothing is counted as a response but gives no points.
* Items are listed by total points; equal totals share a position ("=2").

Points are computed with numpy over a (ballots × items) matrix of ranks, so a consultation with
many thousands of answers is one vectorised pass.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

RULE = (
    "Borda count: with n priorities, a first place earns n − 1 points, a second n − 2, and so on "
    "down to 0 for the last place. Priorities a person ranks equally share the points of the "
    "places they take. Priorities a person leaves unranked share the points of the places left "
    "below those they ranked. Priorities are listed by total points; equal totals share a place."
)


@dataclass(frozen=True)
class Standing:
    """One item's result."""

    item: Hashable
    #: 1 for the most points; items with equal points share a position.
    position: int
    tied: bool
    points: float
    #: Average points per ballot that ranked anything.
    mean_points: float
    #: Ballots that put this item first (alone or tied).
    first_places: int
    #: Ballots that ranked this item at all.
    ranked_by: int

    @property
    def position_label(self) -> str:
        return f"={self.position}" if self.tied else str(self.position)


@dataclass(frozen=True)
class Count:
    standings: list[Standing]
    #: Every ballot, including those that ranked nothing.
    ballots: int
    #: Ballots that ranked at least one item (the ones that give points).
    counted: int
    rule: str = RULE


def points_matrix(ranks: np.ndarray) -> np.ndarray:
    """Borda points for a (ballots × items) matrix of ranks, NaN where an item is unranked.

    Each row's ranks are read by their order alone; ties and unranked items share the points of
    the places they take (see the module's rule). A row with no ranks scores all zeros."""
    ranks = np.asarray(ranks, dtype=float)
    if ranks.ndim != 2:
        raise ValueError("ranks must be a (ballots × items) matrix")
    ballots, n = ranks.shape
    if n == 0 or ballots == 0:
        return np.zeros((ballots, n))
    if np.any(ranks[~np.isnan(ranks)] <= 0):
        raise ValueError("ranks start at 1")
    # Unranked items rank below every ranked one, tied together.
    filled = np.where(np.isnan(ranks), np.inf, ranks)
    # For each cell: how many items on its ballot rank strictly better, and how many equally.
    better = (filled[:, None, :] < filled[:, :, None]).sum(axis=2)
    equal = (filled[:, None, :] == filled[:, :, None]).sum(axis=2)
    # The places taken are better+1 .. better+equal; a place p earns n − p points, so the
    # average over them is n − better − (equal + 1) / 2.
    points = n - better - (equal + 1) / 2.0
    empty = np.isnan(ranks).all(axis=1)
    points[empty] = 0.0
    return points


def count(items: Sequence[Hashable], ballots: Iterable[Mapping[Hashable, int | float]]) -> Count:
    """The Borda count of `items` over `ballots`, each a mapping of item to the rank given
    (1 = most important; items not in a ballot are unranked; keys that are not items are
    ignored)."""
    index = {item: i for i, item in enumerate(items)}
    rows = []
    for ballot in ballots:
        row = np.full(len(items), np.nan)
        for item, rank in ballot.items():
            if item in index and rank is not None:
                row[index[item]] = float(rank)
        rows.append(row)
    ranks = np.vstack(rows) if rows else np.empty((0, len(items)))
    return count_matrix(items, ranks)


def count_matrix(items: Sequence[Hashable], ranks: np.ndarray) -> Count:
    """The Borda count from a ready (ballots × items) matrix of ranks (NaN = unranked)."""
    points = points_matrix(ranks)
    ranked = ~np.isnan(ranks)
    counted_rows = ranked.any(axis=1)
    counted = int(counted_rows.sum())
    totals = points.sum(axis=0)
    filled = np.where(ranked, ranks, np.inf)
    best = filled.min(axis=1, keepdims=True) if len(items) else filled
    firsts = ((filled == best) & ranked).sum(axis=0)
    ranked_by = ranked.sum(axis=0)
    # Rounded so that sums of halves compare equal however they were added up.
    totals = np.round(totals, 9)
    order = sorted(range(len(items)), key=lambda i: (-totals[i], i))
    first_at: dict[float, int] = {}
    for place, i in enumerate(order, start=1):
        first_at.setdefault(float(totals[i]), place)
    sharing = {t: int((totals == t).sum()) for t in first_at}
    standings: list[Standing] = []
    for i in order:
        total = float(totals[i])
        standings.append(
            Standing(
                item=items[i],
                position=first_at[total],
                tied=sharing[total] > 1,
                points=total,
                mean_points=round(total / counted, 9) if counted else 0.0,
                first_places=int(firsts[i]),
                ranked_by=int(ranked_by[i]),
            )
        )
    return Count(standings=standings, ballots=int(ranks.shape[0]), counted=counted)
