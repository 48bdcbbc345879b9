"""Double counting across measures: where both measures of a declared overlap are claimed together.

A claim is one measure claimed for one *group* (an activity, or a contract) over a period. The
apps above pass their claims down, as a queryset and the names of its four fields or as plain
tuples, so this module knows nothing of evidence or contracts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from .models import Measure, MeasureOverlap

#: (measure id, group, first day, last day), both days included.
Claim = tuple[int, Hashable, date, date]


@dataclass(frozen=True)
class OverlapWarning:
    """Both measures of an overlap claimed for one group over periods that meet."""

    measure_a: str
    measure_b: str
    reason: str
    measure_ids: tuple[int, int]
    group: Hashable
    #: None for measures named together with no period (a statement's commitments).
    start: date | None
    end: date | None
    where: str = ""

    @property
    def text(self) -> str:
        where = f" for {self.where}" if self.where else ""
        when = (
            f" between {self.start:%-d %b %Y} and {self.end:%-d %b %Y}"
            if self.start is not None and self.end is not None
            else ""
        )
        return (
            f"{self.measure_a} and {self.measure_b} are both claimed{where}{when}. "
            f"{self.reason.rstrip('.')}. Count the change under one of them only."
        )

    def __str__(self) -> str:
        return self.text


def _label(measure: Measure) -> str:
    return f"{measure.code} ({measure.title})"


def _intersections(
    first: list[tuple[date, date]], second: list[tuple[date, date]]
) -> tuple[date, date] | None:
    """The span from the first to the last day on which a period of each list is running."""
    start: date | None = None
    end: date | None = None
    for a_start, a_end in first:
        for b_start, b_end in second:
            lo, hi = max(a_start, b_start), min(a_end, b_end)
            if lo <= hi:
                start = lo if start is None else min(start, lo)
                end = hi if end is None else max(end, hi)
    return None if start is None or end is None else (start, end)


def declared_overlaps(measure_ids: Iterable[int], *, where: str = "") -> list[OverlapWarning]:
    """The overlaps among measures named together, whatever the period (a plan, a statement)."""
    overlaps = MeasureOverlap.objects.among(set(measure_ids)).select_related(
        "measure_a", "measure_b"
    )
    return [
        OverlapWarning(
            measure_a=_label(o.measure_a),
            measure_b=_label(o.measure_b),
            reason=o.reason,
            measure_ids=(o.measure_a_id, o.measure_b_id),
            group=None,
            start=None,
            end=None,
            where=where,
        )
        for o in overlaps
    ]


def overlapping_claims(
    claims: QuerySet | Iterable[Claim],
    *,
    fields: tuple[str, str, str, str] = ("measure_id", "activity_id", "period_start", "period_end"),
    where: Mapping[Hashable, str] | None = None,
) -> list[OverlapWarning]:
    """Each overlap whose two measures are claimed for the same group over periods that meet.

    `claims` is a queryset (its `fields` name the measure id, the group, and the period's first
    and last days) or tuples in that order. `where` names the groups for the warning's text.
    One warning per group and overlap, spanning every day both measures are claimed together.
    """
    if isinstance(claims, QuerySet):
        measure_field = fields[0]
        claims = claims.order_by()
        # Declared overlaps are few; whether each measure is claimed is one index lookup, where
        # listing every claimed measure first reads all the claims (100 ms of 200,000 on PostgreSQL).
        overlaps = list(
            MeasureOverlap.objects.filter(
                Exists(claims.filter(**{measure_field: OuterRef("measure_a_id")})),
                Exists(claims.filter(**{measure_field: OuterRef("measure_b_id")})),
            ).select_related("measure_a", "measure_b")
        )
        if not overlaps:
            return []
        involved = {o.measure_a_id for o in overlaps} | {o.measure_b_id for o in overlaps}
        rows: Iterable[Any] = (
            claims.filter(**{f"{measure_field}__in": involved}).values_list(*fields).distinct()
        )
    else:
        rows = list(claims)
        overlaps = list(
            MeasureOverlap.objects.among({row[0] for row in rows}).select_related(
                "measure_a", "measure_b"
            )
        )
        if not overlaps:
            return []
    periods: dict[Hashable, dict[int, list[tuple[date, date]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for measure_id, group, start, end in rows:
        if measure_id is not None and start is not None and end is not None:
            periods[group][measure_id].append((start, end))
    names = where or {}
    warnings: list[OverlapWarning] = []
    for group in sorted(periods, key=lambda g: (str(names.get(g, "")), str(g))):
        by_measure = periods[group]
        for overlap in overlaps:
            if overlap.measure_a_id not in by_measure or overlap.measure_b_id not in by_measure:
                continue
            span = _intersections(
                by_measure[overlap.measure_a_id], by_measure[overlap.measure_b_id]
            )
            if span is not None:
                warnings.append(
                    OverlapWarning(
                        measure_a=_label(overlap.measure_a),
                        measure_b=_label(overlap.measure_b),
                        reason=overlap.reason,
                        measure_ids=(overlap.measure_a_id, overlap.measure_b_id),
                        group=group,
                        start=span[0],
                        end=span[1],
                        where=names.get(group, ""),
                    )
                )
    return warnings
