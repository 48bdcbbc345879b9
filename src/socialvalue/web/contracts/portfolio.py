"""The commissioner's portfolio: committed, delivered and verified social value across its contracts, in SQL.

One statement sums the return lines per commitment and year once (a common table expression),
then groups those sums by theme, priority, SDG, provider, year, measure and value type, so the
summary of a council with a million return lines is a single pass over an index. Fiscal value
(value to the public purse, not necessarily cashable) is always summed apart from the wider economic, social, wellbeing
and environmental value. `lines_behind` returns the return lines behind any figure, for drill-down.

The reports app reuses `summary`, `lines_behind` and `charter_compliance` for the council's
annual evaluation, so a figure on the screen and in the report cannot differ.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from socialvalue.reports.document import Column, Document, KeyFigure, Section, Table
from socialvalue.web.accounts.models import Organisation
from socialvalue.web.commissioning.models import Charter, Priority
from socialvalue.web.measures.models import Measure, SdgGoal, SdgTarget, Theme

from .models import Commitment, Contract, Return, ReturnLine, Verification
from .services import year_label

CENT = Decimal("0.01")
QUANTUM = Decimal("0.0001")

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


def _money(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT)


def _quantity(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(QUANTUM)


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

    @property
    def year_label(self) -> str:
        return year_label(self.year) if self.year is not None else "All years"


def _tables() -> dict[str, str]:
    return {
        "line": ReturnLine._meta.db_table,
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


_SUMS = """
    SUM(committed) AS committed, SUM(committed_fiscal) AS committed_fiscal,
    SUM(delivered) AS delivered, SUM(delivered_fiscal) AS delivered_fiscal,
    SUM(verified) AS verified, SUM(verified_fiscal) AS verified_fiscal,
    SUM(committed_units) AS committed_units, SUM(delivered_units) AS delivered_units,
    SUM(verified_units) AS verified_units"""
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


def _statement(year: int | None) -> str:
    """One statement: the lines summed per commitment and year once, then every grouping of those sums.

    The lines are read once, as one range of the covering index `line_portfolio` (commissioner,
    year, commitment, values), into a row per commitment (and per year when every year is asked for); each grouping
    then reads those rows, one per commitment; the groupings that depend only on the measure and
    priority (the total, theme, priority, SDG, measure, value type) read them summed per measure
    and priority first, a few hundred rows. Contracts are counted by provider and by year.
    """
    names = _tables()
    year_filter = "AND l.year = %s" if year is not None else ""
    selects = []
    for dimension, (key, label, sort, joins, unit, group_by) in _GROUPS.items():
        grouping = f"GROUP BY {', '.join(group_by)}" if group_by else ""
        if dimension in _BY_MEASURE:
            source, counts = (
                "per_measure",
                "SUM(commitments) AS commitments, CAST(NULL AS BIGINT) AS contracts",
            )
        else:
            source = "per_year" if dimension == "year" else "per_commitment"
            counts = "COUNT(*) AS commitments, COUNT(DISTINCT contract_id) AS contracts"
        selects.append(
            f"SELECT '{dimension}' AS dimension, {key} AS key, {label} AS label, "
            f"{sort} AS sort, {unit} AS unit, {_SUMS}, {counts} "
            f"FROM {source} p {joins.format(**names)} {grouping}"
        )
    fiscal = "CASE WHEN c.value_type = 'fiscal' THEN {} ELSE 0 END"
    values = "committed, delivered, verified, committed_units, delivered_units, verified_units"
    line_sums = (
        "SUM(l.target_value) AS committed, SUM(l.delivered_value) AS delivered, "
        "SUM(l.verified_value) AS verified, SUM(l.target_quantity) AS committed_units, "
        "SUM(l.delivered_quantity) AS delivered_units, SUM(l.verified_quantity) AS verified_units"
    )
    lines_of_council = f"""
        FROM {names["line"]} l WHERE l.commissioner_id = %s {year_filter}"""
    if year is not None:
        # One financial year: a row per commitment straight from the lines.
        sums = f"""
by_commitment AS (
    SELECT l.commitment_id AS commitment_id, l.year AS year, {line_sums} {lines_of_council}
    GROUP BY l.year, l.commitment_id
),
by_commitment_year AS (SELECT * FROM by_commitment),"""
    else:
        # Every year: a row per commitment and year, then folded to a row per commitment.
        sums = f"""
by_commitment_year AS (
    SELECT l.commitment_id AS commitment_id, l.year AS year, {line_sums} {lines_of_council}
    GROUP BY l.year, l.commitment_id
),
by_commitment AS (
    SELECT commitment_id, {", ".join(f"SUM({v}) AS {v}" for v in values.split(", "))}
    FROM by_commitment_year GROUP BY commitment_id
),"""
    return f"""
WITH {sums}
per_commitment AS (
    SELECT s.commitment_id, c.contract_id, k.provider_id, k.provider_name, c.measure_id,
           c.priority_id, c.unit, c.value_type, s.committed, s.delivered, s.verified,
           {fiscal.format("s.committed")} AS committed_fiscal,
           {fiscal.format("s.delivered")} AS delivered_fiscal,
           {fiscal.format("s.verified")} AS verified_fiscal,
           s.committed_units, s.delivered_units, s.verified_units
    FROM by_commitment s
    JOIN {names["commitment"]} c ON c.id = s.commitment_id
    JOIN {names["contract"]} k ON k.id = c.contract_id
),
per_measure AS (
    SELECT measure_id, unit, value_type, priority_id,
           {", ".join(f"SUM({v}) AS {v}" for v in _VALUES)}, COUNT(*) AS commitments
    FROM per_commitment GROUP BY measure_id, unit, value_type, priority_id
),
per_year AS (
    SELECT s.year, c.contract_id, s.committed, s.delivered, s.verified,
           {fiscal.format("s.committed")} AS committed_fiscal,
           {fiscal.format("s.delivered")} AS delivered_fiscal,
           {fiscal.format("s.verified")} AS verified_fiscal,
           s.committed_units, s.delivered_units, s.verified_units
    FROM by_commitment_year s JOIN {names["commitment"]} c ON c.id = s.commitment_id
)
{" UNION ALL ".join(selects)}
ORDER BY dimension, sort, label
"""


def _figures(row: dict[str, Any]) -> Figures:
    return Figures(
        committed=_money(row["committed"]),
        committed_fiscal=_money(row["committed_fiscal"]),
        delivered=_money(row["delivered"]),
        delivered_fiscal=_money(row["delivered_fiscal"]),
        verified=_money(row["verified"]),
        verified_fiscal=_money(row["verified_fiscal"]),
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


def summary(*, commissioner: Any, year: int | None = None) -> Portfolio:
    """The portfolio of `commissioner`'s contracts, for one financial year or (None) over all years."""
    params: list[Any] = [commissioner.pk] + ([year] if year is not None else [])
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The statement's estimated cost passes PostgreSQL's JIT threshold, and compiling it
            # takes longer than running it (0.7 s of JIT for 0.3 s of work on a million lines).
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(_statement(year), params)
        columns = [c[0] for c in cursor.description]
        fetched = [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]
    rows: dict[str, list[Row]] = {d: [] for d in DIMENSIONS}
    totals = Figures()
    for row in fetched:
        figures = _figures(row)
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
    )


def years(commissioner: Any) -> list[int]:
    """The financial years the commissioner's contracts report in."""
    return list(
        Return.objects.filter(contract__commissioner=commissioner)
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
                f"{contract.outcomes} social value outcome{'s' if contract.outcomes != 1 else ''}, "
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
        lines = lines.filter(verification=Verification.ACCEPTED, verified_quantity__gt=0)
    return lines.select_related(
        "period_return", "commitment__measure", "commitment__contract__provider"
    ).order_by("-period_end", "commitment__contract__title", "commitment__position", "pk")


def as_document(summary: Portfolio):
    """The summary as a report document (key figures and a table per grouping) for Excel and CSV."""
    t = summary.totals
    money = [
        Column("Committed (£)", "money"),
        Column("of which fiscal (£)", "money"),
        Column("Delivered (£)", "money"),
        Column("of which fiscal (£)", "money"),
        Column("Verified (£)", "money"),
        Column("of which fiscal (£)", "money"),
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
        title=f"Social value portfolio: {summary.year_label}",
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
    )
