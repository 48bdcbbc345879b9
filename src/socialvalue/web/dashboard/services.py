"""What a provider's dashboard shows, each figure from one SQL aggregate over the organisation's rows.

Value over time is summed in the database by (period start, measure): a handful of groups however
many records there are. Themes and goals are then looked up for those few measures, so a record
whose measure serves several targets of one goal is counted once for that goal.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Sum
from django.utils import timezone

from socialvalue.reports import charts
from socialvalue.reports.to_html import chart_html as render
from socialvalue.web.casestudies.models import CaseStudy
from socialvalue.web.evidence.models import Evidence, Verification
from socialvalue.web.measures.models import Measure, SdgTarget
from socialvalue.web.statements import services as statements

#: Quarters the value chart covers, ending with the current one.
QUARTERS = 8
#: Goals shown by name in the SDG chart; the rest are added up as "Other goals".
TOP_GOALS = 6
#: The levels still waiting for someone to verify them.
AWAITING = (Verification.SELF_REPORTED, Verification.EVIDENCED)
#: Days before the review date when the dashboard starts reminding.
REVIEW_SOON_DAYS = 60


@dataclass(frozen=True)
class Quarter:
    start: dt.date

    @property
    def label(self) -> str:
        # Two lines under the chart's bar, one in its table: "Apr–Jun" over "2025".
        end = _add_months(self.start, 2)
        return f"{self.start:%b}–{end:%b}\n{self.start:%Y}"


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def quarters_to(today: dt.date, count: int = QUARTERS) -> list[Quarter]:
    """`count` calendar quarters ending with the one `today` is in, oldest first."""
    current = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    return [Quarter(_add_months(current, -3 * i)) for i in range(count - 1, -1, -1)]


def _quarter_of(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


@dataclass
class ValueOverTime:
    quarters: list[Quarter]
    by_theme: dict[str, list[float]]
    by_goal: dict[str, list[float]]
    total: float
    price_year: int | None
    records: int

    @property
    def labels(self) -> list[str]:
        return [q.label for q in self.quarters]


@dataclass(frozen=True)
class Scope:
    """The part of the organisation a dashboard shows: everything, or one team and/or area."""

    team: str = ""
    area: str = ""

    def evidence(self, organisation: Any):
        records = Evidence.objects.filter(organisation=organisation)
        if self.team:
            records = records.filter(activity__team=self.team)
        if self.area:
            records = records.filter(activity__area=self.area)
        return records

    @property
    def label(self) -> str:
        return ", ".join(part for part in (self.team, self.area) if part)


EVERYTHING = Scope()


def value_over_time(
    organisation: Any, *, scope: Scope = EVERYTHING, today: dt.date | None = None
) -> ValueOverTime:
    """Value of the counted (not rejected) records by quarter of their period, by theme and by SDG."""
    quarters = quarters_to(today or timezone.localdate())
    index = {q.start: i for i, q in enumerate(quarters)}
    groups = list(
        scope.evidence(organisation)
        .filter(
            period_start__gte=quarters[0].start,
            period_start__lt=_add_months(quarters[-1].start, 3),
            value__isnull=False,
        )
        .exclude(verification=Verification.REJECTED)
        .order_by()
        .values("period_start", "measure_id", "value_price_year")
        .annotate(total=Sum("value"), records=Count("id"))
    )
    measure_ids = {g["measure_id"] for g in groups}
    themes = dict(Measure.objects.filter(pk__in=measure_ids).values_list("pk", "theme__name"))
    goals: dict[int, set[str]] = defaultdict(set)
    for measure_id, number, name in SdgTarget.objects.filter(measures__in=measure_ids).values_list(
        "measures", "goal__number", "goal__short_name"
    ):
        goals[measure_id].add(f"{number}. {name}")
    by_theme: dict[str, list[float]] = defaultdict(lambda: [0.0] * len(quarters))
    by_goal: dict[str, list[float]] = defaultdict(lambda: [0.0] * len(quarters))
    total = Decimal(0)
    records = 0
    price_years = set()
    contributions: list[Contribution] = []
    for group in groups:
        i = index[_quarter_of(group["period_start"])]
        amount = float(group["total"])
        total += group["total"]
        records += group["records"]
        price_years.add(group["value_price_year"])
        by_theme[themes.get(group["measure_id"]) or "No theme"][i] += amount
        served = frozenset(goals.get(group["measure_id"], ()))
        contributions.append((i, amount, served))
        for goal in served:
            by_goal[goal][i] += amount
    return ValueOverTime(
        quarters=quarters,
        by_theme=dict(sorted(by_theme.items(), key=lambda kv: -sum(kv[1]))),
        by_goal=_top_goals(by_goal, len(quarters), contributions),
        total=float(total),
        price_year=max(price_years) if price_years else None,
        records=records,
    )


#: One group of records: its quarter's index, its value and the goals its measure serves.
Contribution = tuple[int, float, frozenset[str]]


def _top_goals(
    by_goal: dict[str, list[float]], width: int, contributions: list[Contribution]
) -> dict[str, list[float]]:
    """The goals with most value by name, and "Other goals": the value serving any of the rest.

    A record whose measure serves two of the other goals counts once in "Other goals", as it
    counts once under each goal shown by name: goals overlap, so nothing here adds them up.
    """
    ranked = sorted(by_goal.items(), key=lambda kv: (-sum(kv[1]), int(kv[0].split(".")[0])))
    shown = dict(ranked[:TOP_GOALS])
    rest = {goal for goal, _ in ranked[TOP_GOALS:]}
    if rest:
        other = [0.0] * width
        for i, amount, served in contributions:
            if served & rest:
                other[i] += amount
        shown["Other goals"] = other
    return shown


def quarter_chart(
    title: str,
    periods: list[str],
    series: dict[str, list[float]],
    alt: str = "",
    *,
    additive: bool = True,
) -> charts.Chart:
    """Value by quarter, stacked (themes) or side by side (goals, which overlap)."""
    return charts.stacked_bar(
        title, periods, series, period_label="Quarter", alt=alt or None, additive=additive
    )


def chart_html(
    title: str,
    periods: list[str],
    series: dict[str, list[float]],
    alt: str = "",
    *,
    additive: bool = True,
) -> str:
    """The chart as page HTML with its data table; drawn once per distinct data, then cached."""
    key = (
        "dashboard-chart-"
        + hashlib.sha256(
            json.dumps([title, periods, series, alt, additive], sort_keys=True).encode()
        ).hexdigest()
    )
    html = cache.get(key)
    if html is None:
        html = render(
            quarter_chart(title, periods, series, alt, additive=additive), for_print=False
        )
        cache.set(key, html, timeout=24 * 3600)
    return html


# ---------------------------------------------------------------- evidence, statement, case studies


@dataclass(frozen=True)
class Awaiting:
    by_level: dict[str, int]
    oldest: list[Evidence] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.by_level.values())


def awaiting_verification(
    organisation: Any, *, scope: Scope = EVERYTHING, show: int = 5
) -> Awaiting:
    waiting = scope.evidence(organisation).filter(verification__in=AWAITING)
    # COUNT(*) rather than COUNT(id): the (organisation, verification) index answers it alone.
    by_level = dict(waiting.order_by().values_list("verification").annotate(n=Count("*")))
    oldest = list(
        waiting.select_related("measure", "activity").order_by("period_start", "id")[:show]
    )
    return Awaiting({level: by_level.get(level, 0) for level in AWAITING}, oldest)


@dataclass(frozen=True)
class Review:
    statement: Any
    date: dt.date | None
    published: Any

    @property
    def overdue(self) -> bool:
        return self.date is not None and self.date < timezone.localdate()

    @property
    def due_soon(self) -> bool:
        if self.date is None or self.overdue:
            return False
        return (self.date - timezone.localdate()).days <= REVIEW_SOON_DAYS


def statement_review(organisation: Any) -> Review | None:
    """The review date of the statement in force: its latest published version's, else the draft's."""
    statement = statements.current_statement(organisation)
    if statement is None:
        return None
    published = statements.latest_version(statement)
    date = published.review_date if published else statement.review_date
    return Review(statement, date, published)


def recent_case_studies(
    organisation: Any, *, scope: Scope = EVERYTHING, count: int = 5
) -> list[CaseStudy]:
    studies = CaseStudy.objects.filter(organisation=organisation)
    if scope.team:
        studies = studies.filter(team=scope.team)
    if scope.area:
        studies = studies.filter(area=scope.area)
    return list(studies.order_by("-created_at", "-id")[:count])
