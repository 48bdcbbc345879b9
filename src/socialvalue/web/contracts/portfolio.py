"""The commissioner's portfolio: committed, delivered and verified social value across its contracts, in SQL.

The return lines are kept summed per commitment and financial year (`LineSums`, in the same
transaction as each change to the lines); one statement reads those sums, restates each to the
reader's price year (value × D[price year] / D[proxy's price year], the GDP deflator of section 6
of the SROI method), and groups them by theme, priority, SDG, provider, year, measure and value
type. Restatement is linear, so sums are divided by their own deflator in SQL, added, and
multiplied by D[price year] and rounded to the penny once per figure, in Python: the same
portfolio in two price years scales by exactly D[Y1] / D[Y2] before that one rounding. Fiscal value
(value to the public purse, not necessarily cashable) is always summed apart from the wider economic, social, wellbeing
and environmental value. `lines_behind` returns the return lines behind any figure, for drill-down.

The reports app reuses `summary`, `lines_behind` and `charter_compliance` for the council's
annual evaluation, so a figure on the screen and in the report cannot differ.
"""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils.translation import ngettext

from socialvalue.core.money import round_quantity
from socialvalue.core.periods import financial_year_label as year_label
from socialvalue.core.valuation import check_price_year, deflator, in_price_year, load_deflators
from socialvalue.reports.document import Column, Document, KeyFigure, Section, Table
from socialvalue.web.accounts.models import Organisation
from socialvalue.web.commissioning.models import Charter, Priority
from socialvalue.web.measures.models import Measure, SdgGoal, SdgTarget, Theme
from socialvalue.web.prices import over_deflator

from .models import Commitment, Contract, LineReview, LineSums, ReturnLine, YearSums

#: The groupings of the summary, in the order the page shows them.
DIMENSIONS = {
    "theme": "Theme",
    "priority": "Local priority",
    "sdg": "Sustainable Development Goal",
    "provider": "Provider",
    "year": "Financial year",
    "measure": "Measure",
    "value_type": "Value type",
}
FIGURES = {
    "committed": "Committed",
    "delivered": "Delivered",
    "verified": "Verified",
}
NONE_KEY = "none"


def _quantity(value: Any) -> Decimal:
    return round_quantity(value)


@dataclass
class Figures:
    """Committed, delivered and verified value (£), each with its fiscal part, and the units where one measure is summed."""

    committed: Decimal = Decimal(0)
    committed_fiscal: Decimal = Decimal(0)
    delivered: Decimal = Decimal(0)
    delivered_fiscal: Decimal = Decimal(0)
    verified: Decimal = Decimal(0)
    verified_fiscal: Decimal = Decimal(0)
    committed_units: Decimal = Decimal(0)
    delivered_units: Decimal = Decimal(0)
    verified_units: Decimal = Decimal(0)
    commitments: int = 0
    #: None where the rows were summed per measure first (theme, SDG, measure, value type).
    contracts: int | None = 0

    @property
    def committed_wider(self) -> Decimal:
        return self.committed - self.committed_fiscal

    @property
    def delivered_wider(self) -> Decimal:
        return self.delivered - self.delivered_fiscal

    @property
    def verified_wider(self) -> Decimal:
        return self.verified - self.verified_fiscal

    @property
    def delivered_share(self) -> float | None:
        return float(self.delivered / self.committed) if self.committed else None

    @property
    def verified_share(self) -> float | None:
        return float(self.verified / self.delivered) if self.delivered else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "committed_value": self.committed,
            "committed_fiscal_value": self.committed_fiscal,
            "committed_wider_value": self.committed_wider,
            "delivered_value": self.delivered,
            "delivered_fiscal_value": self.delivered_fiscal,
            "delivered_wider_value": self.delivered_wider,
            "verified_value": self.verified,
            "verified_fiscal_value": self.verified_fiscal,
            "verified_wider_value": self.verified_wider,
            "commitments": self.commitments,
            "contracts": self.contracts,
        }


@dataclass
class Row:
    dimension: str
    key: str
    label: str
    figures: Figures
    unit: str = ""


@dataclass
class Compliance:
    """Charter compliance: of the contracts at or above the charter's threshold, how many meet its rules."""

    has_charter: bool
    threshold: Decimal | None = None
    minimum_outcomes: int | None = None
    minimum_weight: Decimal | None = None
    in_scope: int = 0
    compliant: int = 0
    failing: list[Any] = field(default_factory=list)

    @property
    def share(self) -> float | None:
        return self.compliant / self.in_scope if self.in_scope else None


@dataclass
class Portfolio:
    commissioner: Any
    year: int | None
    totals: Figures
    rows: dict[str, list[Row]]
    compliance: Compliance
    years: list[int]
    #: The year whose prices every pound is in.
    price_year: int = 0
    #: Valued commitments left out of the pounds because their proxy's price year is unknown.
    not_restated: int = 0

    @property
    def year_label(self) -> str:
        return year_label(self.year) if self.year is not None else "All years"

    @property
    def price_basis(self) -> str:
        return f"{self.price_year} prices (restated with HM Treasury's GDP deflator)"


def _tables() -> dict[str, str]:
    return {
        "line": ReturnLine._meta.db_table,
        "sums": LineSums._meta.db_table,
        "years": YearSums._meta.db_table,
        "commitment": Commitment._meta.db_table,
        "contract": Contract._meta.db_table,
        "measure": Measure._meta.db_table,
        "theme": Theme._meta.db_table,
        "priority": Priority._meta.db_table,
        "organisation": Organisation._meta.db_table,
        "measure_targets": Measure.sdg_targets.through._meta.db_table,
        "target": SdgTarget._meta.db_table,
        "goal": SdgGoal._meta.db_table,
    }


def _sums() -> str:
    """The sums of a grouping: pounds each divided by the deflator of their proxy's price year.

    The rows summed are in pounds of one proxy price year each (`p.price_year`), few per
    grouping (per measure and price year, or per commitment), so the division costs little;
    the sum is in "deflator points" that `in_price_year` turns into pounds of one year.
    """
    index = _deflator_case("p.price_year")
    money = [
        f"SUM({v} / {index}) AS {v}"
        for v in (
            "committed",
            "committed_fiscal",
            "delivered",
            "delivered_fiscal",
            "verified",
            "verified_fiscal",
        )
    ]
    units = [f"SUM({v}) AS {v}" for v in ("committed_units", "delivered_units", "verified_units")]
    return ", ".join(money + units)


_VALUES = (
    "committed",
    "committed_fiscal",
    "delivered",
    "delivered_fiscal",
    "verified",
    "verified_fiscal",
    "committed_units",
    "delivered_units",
    "verified_units",
)
#: Groupings that depend only on the measure and priority read the rows summed per those first.
_BY_MEASURE = ("total", "theme", "priority", "sdg", "measure", "value_type")

# Each grouping: key, label, sort (an integer; rows of equal sort go by label), extra joins,
# unit, and the columns it groups by.
_GROUPS: dict[str, tuple[str, str, str, str, str, tuple[str, ...]]] = {
    "total": ("'all'", "'All'", "0", "", "''", ()),
    "theme": (
        "COALESCE(CAST(t.id AS VARCHAR(20)), 'none')",
        "COALESCE(t.name, 'No theme')",
        "CASE WHEN t.id IS NULL THEN 1 ELSE 0 END",
        "LEFT JOIN {measure} m ON m.id = p.measure_id LEFT JOIN {theme} t ON t.id = m.theme_id",
        "''",
        ("t.id", "t.name"),
    ),
    "priority": (
        "COALESCE(CAST(pr.id AS VARCHAR(20)), 'none')",
        "COALESCE(pr.title, 'No priority')",
        "COALESCE(pr.rank, 999999)",
        "LEFT JOIN {priority} pr ON pr.id = p.priority_id",
        "''",
        ("pr.id", "pr.title", "pr.rank"),
    ),
    "sdg": (
        "COALESCE(CAST(g.number AS VARCHAR(20)), 'none')",
        "COALESCE(g.short_name, 'No SDG')",
        "COALESCE(g.number, 99)",
        # A measure serving several targets of one goal counts once under that goal.
        "LEFT JOIN (SELECT DISTINCT mt.measure_id, st.goal_id FROM {measure_targets} mt "
        "JOIN {target} st ON st.id = mt.sdgtarget_id) ms ON ms.measure_id = p.measure_id "
        "LEFT JOIN {goal} g ON g.id = ms.goal_id",
        "''",
        ("g.number", "g.short_name"),
    ),
    "provider": (
        "CASE WHEN p.provider_id IS NULL THEN 'name:' || p.provider_name "
        "ELSE 'org:' || CAST(p.provider_id AS VARCHAR(20)) END",
        "COALESCE(o.name, p.provider_name)",
        "0",
        "LEFT JOIN {organisation} o ON o.id = p.provider_id",
        "''",
        ("p.provider_id", "p.provider_name", "o.name"),
    ),
    "year": (
        "CAST(p.year AS VARCHAR(20))",
        "CAST(p.year AS VARCHAR(20))",
        "p.year",
        "",
        "''",
        ("p.year",),
    ),
    "measure": (
        "COALESCE(CAST(p.measure_id AS VARCHAR(20)), 'none') || '|' || p.unit",
        "COALESCE(m.title, 'Outcomes without a measure')",
        "CASE WHEN m.id IS NULL THEN 1 ELSE 0 END",
        "LEFT JOIN {measure} m ON m.id = p.measure_id",
        "p.unit",
        ("p.measure_id", "m.id", "m.title", "p.unit"),
    ),
    "value_type": (
        "CASE WHEN p.value_type = '' THEN 'none' ELSE p.value_type END",
        "p.value_type",
        "0",
        "",
        "''",
        ("p.value_type",),
    ),
}


def _deflator_case(column: str) -> str:
    """SQL for D[`column`]: the shipped GDP deflator of a price year, NULL outside the series.

    The figures are written as the series gives them (decimal literals), so PostgreSQL divides
    exact numerics by them; a value whose proxy has no price year, or one outside the series,
    divides by NULL and is left out of the money sums (and counted apart: `not_restated`).
    """
    whens = " ".join(f"WHEN {int(year)} THEN {deflator(year)}" for year in load_deflators().index)
    return f"(CASE {column} {whens} END)"


def real_terms(field: str, price_year_field: str = "commitment__price_year"):
    """An ORM expression: a line's pounds over D[its proxy's price year] (NULL outside the series).

    Summed in SQL and passed to `in_price_year`, it gives the pounds of any one price year,
    rounded once: the restatement of `_statement`, for querysets of return lines.
    """
    return over_deflator(F(field), price_year_field)


def _statement(year: int | None) -> str:
    """One statement: the kept sums, one row per commitment, then every grouping of them, restated.

    The lines' sums per commitment for the year (or for every year: year 0) are read from
    `LineSums` as one range of its covering index `line_sums_portfolio` (commissioner, year,
    commitment, price year, contract, fiscal, values) and joined to the council's own
    commitments (found through its contracts, so other councils' rows are never read). The
    groupings that depend only on the measure and priority (total, theme, priority, SDG,
    measure, value type) read them summed per measure, priority and price year first, a few
    hundred rows; provider reads them per contract and price year; year reads, for one year,
    those per contract summed per price year, and for every year the council's `YearSums` (a
    few rows per year, kept with the sums), not a row per commitment and year. Each grouping divides its money sums by the
    deflator of their price year (`_sums`), so the restatement is a few thousand divisions.
    """
    names = _tables()
    selects = []
    for dimension, (key, label, sort, joins, unit, group_by) in _GROUPS.items():
        grouping = f"GROUP BY {', '.join(group_by)}" if group_by else ""
        if dimension in _BY_MEASURE:
            source, counts = (
                "per_measure",
                "SUM(commitments) AS commitments, CAST(NULL AS BIGINT) AS contracts",
            )
        elif dimension == "year":
            # Read per year and price year, with the year's number of contracts on each row.
            source = "per_year"
            counts = "SUM(commitments) AS commitments, MAX(contracts) AS contracts"
        else:
            # Read per contract (and price year) first: a few thousand rows, not one per commitment.
            source = "per_contract"
            counts = "SUM(commitments) AS commitments, COUNT(DISTINCT contract_id) AS contracts"
        selects.append(
            f"SELECT '{dimension}' AS dimension, {key} AS key, {label} AS label, "
            f"{sort} AS sort, {unit} AS unit, {_sums()}, {counts} "
            f"FROM {source} p {joins.format(**names)} {grouping}"
        )
    fiscal = "CASE WHEN s.is_fiscal THEN {} ELSE 0 END"
    kept = (
        "s.target_value AS committed, s.delivered_value AS delivered, "
        "s.verified_value AS verified, s.target_quantity AS committed_units, "
        "s.delivered_quantity AS delivered_units, s.verified_quantity AS verified_units"
    )
    # Every year: the per-commitment rows the lines' every-year sums are kept in (year 0).
    # The year grouping reads the council's `YearSums`, a few rows per year.
    if year is not None:
        # One year: its rows per contract are those of the provider grouping.
        per_year = f"""
    SELECT CAST(%s AS INTEGER) AS year, price_year,
           {", ".join(f"SUM({v}) AS {v}" for v in _VALUES)}, SUM(commitments) AS commitments,
           (SELECT COUNT(DISTINCT contract_id) FROM per_contract) AS contracts
    FROM per_contract GROUP BY price_year"""
    else:
        per_year = f"""
    SELECT y.year, y.price_year,
           SUM(y.target_value) AS committed, SUM(y.delivered_value) AS delivered,
           SUM(y.verified_value) AS verified,
           SUM(CASE WHEN y.is_fiscal THEN y.target_value ELSE 0 END) AS committed_fiscal,
           SUM(CASE WHEN y.is_fiscal THEN y.delivered_value ELSE 0 END) AS delivered_fiscal,
           SUM(CASE WHEN y.is_fiscal THEN y.verified_value ELSE 0 END) AS verified_fiscal,
           SUM(y.target_quantity) AS committed_units,
           SUM(y.delivered_quantity) AS delivered_units,
           SUM(y.verified_quantity) AS verified_units, SUM(y.commitments) AS commitments,
           MAX(y.contracts) AS contracts
    FROM {names["years"]} y WHERE y.commissioner_id = %s
    GROUP BY y.year, y.price_year"""
    return f"""
WITH per_commitment AS (
    SELECT s.commitment_id, s.contract_id, k.provider_id, k.provider_name, c.measure_id,
           c.priority_id, c.unit, c.value_type, s.price_year, {kept},
           {fiscal.format("s.target_value")} AS committed_fiscal,
           {fiscal.format("s.delivered_value")} AS delivered_fiscal,
           {fiscal.format("s.verified_value")} AS verified_fiscal
    FROM {names["sums"]} s
    JOIN {names["contract"]} k ON k.id = s.contract_id AND k.commissioner_id = %s
    JOIN {names["commitment"]} c ON c.id = s.commitment_id
    WHERE s.commissioner_id = %s AND s.year = %s
),
per_measure AS (
    SELECT measure_id, unit, value_type, priority_id, price_year,
           {", ".join(f"SUM({v}) AS {v}" for v in _VALUES)}, COUNT(*) AS commitments
    FROM per_commitment GROUP BY measure_id, unit, value_type, priority_id, price_year
),
per_contract AS (
    SELECT contract_id, provider_id, provider_name, price_year,
           {", ".join(f"SUM({v}) AS {v}" for v in _VALUES)}, COUNT(*) AS commitments
    FROM per_commitment GROUP BY contract_id, provider_id, provider_name, price_year
),
per_year AS ({per_year}
)
{" UNION ALL ".join(selects)}
ORDER BY dimension, sort, label
"""


def _figures(row: dict[str, Any], price_year: int) -> Figures:
    def money(column: str) -> Decimal:
        return in_price_year(row[column] or 0, price_year)

    return Figures(
        committed=money("committed"),
        committed_fiscal=money("committed_fiscal"),
        delivered=money("delivered"),
        delivered_fiscal=money("delivered_fiscal"),
        verified=money("verified"),
        verified_fiscal=money("verified_fiscal"),
        committed_units=_quantity(row["committed_units"]),
        delivered_units=_quantity(row["delivered_units"]),
        verified_units=_quantity(row["verified_units"]),
        commitments=int(row["commitments"] or 0),
        contracts=None if row["contracts"] is None else int(row["contracts"]),
    )


_VALUE_TYPE_LABELS = {
    "fiscal": "Fiscal",
    "economic": "Economic",
    "social": "Social",
    "wellbeing": "Wellbeing",
    "environmental": "Environmental",
    "": "No value type",
}


def summary(
    *, commissioner: Any, year: int | None = None, price_year: int | None = None
) -> Portfolio:
    """The portfolio of `commissioner`'s contracts, for one financial year or (None) over all years.

    Every pound is in `price_year` prices (default: the council's reporting price year): each
    commitment's sums are restated from its proxy's price year with the GDP deflator, added, and
    rounded to the penny once, at the end. Raises InputError (`price_year`) outside the series.
    """
    price_year = check_price_year(
        commissioner.reporting_price_year if price_year is None else price_year
    )
    params: list[Any] = [
        commissioner.pk,
        commissioner.pk,
        LineSums.ALL_YEARS if year is None else year,
        year if year is not None else commissioner.pk,
    ]
    # A transaction only where settings are made for it: SQLite's would take the write lock.
    postgresql = connection.vendor == "postgresql"
    with transaction.atomic() if postgresql else nullcontext(), connection.cursor() as cursor:
        if postgresql:
            # The statement's estimated cost passes PostgreSQL's JIT threshold, and compiling it
            # takes longer than running it (0.7 s of JIT for 0.3 s of work on a million lines).
            cursor.execute("SET LOCAL jit = off")
            # The rows per commitment are sorted and grouped in memory, not spilled to disk.
            cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(_statement(year), params)
        columns = [c[0] for c in cursor.description]
        fetched = [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]
    rows: dict[str, list[Row]] = {d: [] for d in DIMENSIONS}
    totals = Figures()
    for row in fetched:
        figures = _figures(row, price_year)
        if row["dimension"] == "total":
            totals = figures
            continue
        label = row["label"] or ""
        if row["dimension"] == "year":
            label = year_label(int(row["key"]))
        elif row["dimension"] == "value_type":
            label = _VALUE_TYPE_LABELS.get(label, label.title())
        rows[row["dimension"]].append(
            Row(row["dimension"], str(row["key"]), label, figures, row["unit"] or "")
        )
    # Every contract has one provider, so the providers' contract counts add up to the total.
    totals.contracts = sum(row.figures.contracts or 0 for row in rows["provider"])
    return Portfolio(
        commissioner=commissioner,
        year=year,
        totals=totals,
        rows=rows,
        compliance=charter_compliance(commissioner),
        years=years(commissioner),
        price_year=price_year,
        not_restated=not_restated(commissioner, year),
    )


def not_restated(commissioner: Any, year: int | None = None) -> int:
    """Valued commitments whose proxy has no price year in the deflator series: left out of the pounds."""
    table = load_deflators()
    sums = LineSums.objects.filter(
        commissioner=commissioner, year=LineSums.ALL_YEARS if year is None else year
    ).exclude(price_year__in=list(table.index))
    return sums.filter(Q(target_value__gt=0) | Q(delivered_value__gt=0)).count()


def years(commissioner: Any) -> list[int]:
    """The financial years the commissioner's contracts have return lines in (from its `YearSums`)."""
    return list(
        YearSums.objects.filter(commissioner=commissioner)
        .order_by("year")
        .values_list("year", flat=True)
        .distinct()
    )


def _percent(value: Decimal) -> str:
    return f"{Decimal(value).normalize():f}%"


def charter_compliance(commissioner: Any) -> Compliance:
    """Contracts at or above the charter's value threshold, and those meeting its rules.

    The rules: at least the charter's minimum number of social value outcomes (commitments), and,
    for a contract let through a procurement here, a social value weight of at least the minimum.
    The charter's current rules are applied to every contract.
    """
    charter = Charter.objects.filter(organisation=commissioner).first()
    if charter is None:
        return Compliance(has_charter=False)
    # A correlated count per contract (on the commitment's contract index), not a GROUP BY over
    # every column of the contracts listed.
    outcomes = (
        Commitment.objects.filter(contract=OuterRef("pk"))
        .order_by()
        .values("contract")
        .annotate(n=Count("pk"))
        .values("n")
    )
    in_scope = (
        Contract.objects.filter(commissioner=commissioner, value__gte=charter.threshold)
        .annotate(outcomes=Coalesce(Subquery(outcomes), 0))
        .select_related("procurement", "provider")
    )
    meets = Q(outcomes__gte=charter.minimum_outcomes) & (
        Q(procurement__isnull=True)
        | Q(procurement__weight_social_value__gte=charter.minimum_social_value_weight)
    )
    counts = in_scope.aggregate(total=Count("pk"), compliant=Count("pk", filter=meets))
    failing = list(in_scope.exclude(meets).order_by("title")[:100])
    for contract in failing:
        reasons = []
        if contract.outcomes < charter.minimum_outcomes:
            reasons.append(
                f"{contract.outcomes} {ngettext('social value outcome', 'social value outcomes', contract.outcomes)}, "
                f"fewer than the charter's minimum of {charter.minimum_outcomes}"
            )
        if (
            contract.procurement is not None
            and contract.procurement.weight_social_value < charter.minimum_social_value_weight
        ):
            reasons.append(
                f"social value weighted {_percent(contract.procurement.weight_social_value)}, "
                f"below the charter's minimum of {_percent(charter.minimum_social_value_weight)}"
            )
        contract.charter_breaches = reasons
    return Compliance(
        has_charter=True,
        threshold=charter.threshold,
        minimum_outcomes=charter.minimum_outcomes,
        minimum_weight=charter.minimum_social_value_weight,
        in_scope=counts["total"],
        compliant=counts["compliant"],
        failing=failing,
    )


def lines_behind(
    *,
    commissioner: Any,
    dimension: str,
    key: str,
    figure: str = "committed",
    year: int | None = None,
) -> QuerySet:
    """The return lines a portfolio figure sums: the drill-down from any cell of the summary.

    Raises ValueError for a dimension, key or figure the summary does not have.
    """
    if figure not in FIGURES:
        raise ValueError(f"No figure {figure!r}.")
    lines = ReturnLine.objects.filter(commissioner=commissioner)
    if year is not None:
        lines = lines.filter(year=year)
    none = key == NONE_KEY
    if dimension == "total":
        pass
    elif dimension == "theme":
        lines = lines.filter(
            Q(commitment__measure__theme__isnull=True)
            if none
            else Q(commitment__measure__theme_id=int(key))
        )
    elif dimension == "priority":
        lines = lines.filter(
            Q(commitment__priority__isnull=True) if none else Q(commitment__priority_id=int(key))
        )
    elif dimension == "sdg":
        serves = Measure.sdg_targets.through.objects.filter(
            measure_id=OuterRef("commitment__measure_id")
        )
        if none:
            lines = lines.exclude(Exists(serves))
        else:
            lines = lines.filter(Exists(serves.filter(sdgtarget__goal__number=int(key))))
    elif dimension == "provider":
        kind, _, value = key.partition(":")
        if kind == "org":
            lines = lines.filter(commitment__contract__provider_id=int(value))
        elif kind == "name":
            lines = lines.filter(
                commitment__contract__provider__isnull=True,
                commitment__contract__provider_name=value,
            )
        else:
            raise ValueError(f"No provider {key!r}.")
    elif dimension == "year":
        lines = lines.filter(year=int(key))
    elif dimension == "measure":
        measure, _, unit = key.partition("|")
        lines = lines.filter(
            Q(commitment__measure__isnull=True)
            if measure == NONE_KEY
            else Q(commitment__measure_id=int(measure)),
            commitment__unit=unit,
        )
    elif dimension == "value_type":
        lines = lines.filter(commitment__value_type="" if none else key)
    else:
        raise ValueError(f"No grouping {dimension!r}.")
    if figure == "delivered":
        lines = lines.filter(delivered_quantity__gt=0)
    elif figure == "verified":
        lines = lines.filter(verification=LineReview.ACCEPTED, verified_quantity__gt=0)
    return lines.select_related(
        "period_return", "commitment__measure", "commitment__contract__provider"
    ).order_by("-period_end", "commitment__contract__title", "commitment__position", "pk")


def as_document(summary: Portfolio):
    """The summary as a report document (key figures and a table per grouping) for Excel and CSV."""
    t = summary.totals
    pounds = f"£, {summary.price_year} prices"
    money = [
        Column(f"Committed ({pounds})", "money"),
        Column(f"of which fiscal ({pounds})", "money"),
        Column(f"Delivered ({pounds})", "money"),
        Column(f"of which fiscal ({pounds})", "money"),
        Column(f"Verified ({pounds})", "money"),
        Column(f"of which fiscal ({pounds})", "money"),
        Column("Commitments", "integer"),
    ]

    def values(f: Figures) -> list:
        return [
            float(f.committed),
            float(f.committed_fiscal),
            float(f.delivered),
            float(f.delivered_fiscal),
            float(f.verified),
            float(f.verified_fiscal),
            f.commitments,
        ]

    sections = []
    for key, label in DIMENSIONS.items():
        rows = summary.rows[key]
        columns = [Column(label)]
        if key == "measure":
            columns += [
                Column("Unit"),
                Column("Units committed", "number"),
                Column("Units delivered", "number"),
                Column("Units verified", "number"),
            ]
        table_rows = []
        for row in rows:
            f = row.figures
            units = (
                [
                    row.unit,
                    float(f.committed_units),
                    float(f.delivered_units),
                    float(f.verified_units),
                ]
                if key == "measure"
                else []
            )
            table_rows.append([row.label, *units, *values(f)])
        sections.append(
            Section(
                f"By {label.lower()}", [Table(f"By {label.lower()}", columns + money, table_rows)]
            )
        )
    compliance = summary.compliance
    return Document(
        title=f"Social value portfolio: {summary.year_label}, in {summary.price_year} prices",
        organisation=summary.commissioner.name,
        date=dt.date.today(),
        key_figures=[
            KeyFigure("Committed", float(t.committed), "money"),
            KeyFigure("Committed: fiscal", float(t.committed_fiscal), "money"),
            KeyFigure("Delivered", float(t.delivered), "money"),
            KeyFigure("Delivered: fiscal", float(t.delivered_fiscal), "money"),
            KeyFigure("Verified", float(t.verified), "money"),
            KeyFigure("Verified: fiscal", float(t.verified_fiscal), "money"),
            KeyFigure("Contracts", t.contracts, "integer"),
            KeyFigure(
                "Contracts over the charter threshold meeting the charter",
                compliance.share,
                "percent",
                f"{compliance.compliant} of {compliance.in_scope}"
                if compliance.has_charter
                else "No charter",
            ),
        ],
        sections=sections,
        slug="social-value-portfolio",
        notes=portfolio_notes(summary),
    )


def portfolio_notes(summary: Portfolio) -> list[str]:
    """What a reader of the portfolio's figures must know, in every file made from it."""
    notes = [
        f"Price basis: every pound is in {summary.price_basis}: each return line's value at its "
        "proxy, times D[price year] / D[the proxy's price year]. Proxies and quantities are "
        "kept as recorded.",
        "Committed is the target of the periods ending in the year; delivered is what providers "
        "reported, less lines the council rejected; verified is the part the council accepted "
        "against the evidence. Delivered but not verified is a claim.",
        "Values are gross: nothing is deducted for deadweight, attribution or displacement "
        "beyond what a measure's proxy itself allows for.",
        "Fiscal value is value to the public purse, not necessarily cashable. Measures can "
        "overlap (a job and the training that led to it), so a total across measures may count "
        "one change twice.",
    ]
    if summary.not_restated:
        notes.append(
            ngettext(
                "%(n)d valued commitment is left out of the pounds: its proxy states no price "
                "year the GDP deflator series covers.",
                "%(n)d valued commitments are left out of the pounds: their proxies state no "
                "price year the GDP deflator series covers.",
                summary.not_restated,
            )
            % {"n": summary.not_restated}
        )
    return notes
