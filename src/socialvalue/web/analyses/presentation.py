"""What the analysis pages show, built from the engine's result: figures, tables and the tornado chart."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from socialvalue.core.sroi import SroiResult
from socialvalue.reports import charts

from .models import Analysis

PARAMETER_LABELS = {
    "quantity": "Quantity",
    "proxy_value": "Financial proxy",
    "deadweight": "Deadweight",
    "displacement": "Displacement",
    "attribution": "Attribution",
    "drop_off": "Drop-off",
}
PERCENT_PARAMETERS = ("deadweight", "displacement", "attribution", "drop_off")
TORNADO_BARS = 10
PERCENTILES = ("p5", "p10", "p25", "p50", "p75", "p90", "p95")


def outcome_names(analysis: Analysis) -> dict[str, str]:
    return {o["id"]: o.get("description") or o["id"] for o in analysis.outcomes}


def input_initial(index: int, item: dict[str, Any]) -> dict[str, Any]:
    dist = (item.get("uncertainty") or {}).get("value") or {}
    return {
        "index": index,
        "stakeholder": item.get("stakeholder") or "",
        "description": item.get("description") or "",
        "value": item.get("value"),
        "low": dist.get("low"),
        "high": dist.get("high"),
    }


def change_needed(parameter: str, current: float, value: float) -> str:
    """How far a switching value is from today's figure: percentage points for the percentages,
    a share of the figure for quantities and proxies."""
    if parameter in PERCENT_PARAMETERS:
        return f"{(value - current) * 100:+.1f} points"
    if current == 0:
        return "From zero"
    return f"{(value - current) / abs(current) * 100:+,.0f}%"


def possible(parameter: str, current: float, value: float | None) -> bool:
    """Whether a switching value is one the assumption could take on its own, as the page's text
    promises: it exists, and a financial proxy keeps its sign (a benefit whose proxy would have
    to turn negative, or a harm positive, to reach 1 : 1 is not a switching point but a
    different outcome)."""
    if value is None:
        return False
    if parameter == "proxy_value" and current != 0:
        return value * current > 0 or value == 0
    return True


@dataclass
class OutcomeTableRow:
    form: Any
    present_value: float | None
    index: int | None


def outcome_rows(
    formset: Any, analysis: Analysis, present_values: list[float]
) -> list[OutcomeTableRow]:
    """The outcome table's rows: each form with its outcome's present value when it is saved."""
    rows = []
    for form in formset.forms:
        raw = form["index"].value()
        index = int(raw) if raw is not None and str(raw).isdigit() else None
        saved = index is not None and index < len(present_values)
        rows.append(OutcomeTableRow(form, present_values[index] if saved else None, index))
    return rows


@dataclass(frozen=True)
class SensitivityLine:
    outcome: str
    parameter: str
    low: float
    high: float
    ratio_low: float | None
    ratio_high: float | None
    present_value_low: float
    present_value_high: float

    @property
    def label(self) -> str:
        return f"{self.outcome}: {PARAMETER_LABELS[self.parameter].lower()}"

    @property
    def short_label(self) -> str:
        """For the chart's axis, where a long outcome would crowd the bars."""
        outcome = self.outcome if len(self.outcome) <= 32 else self.outcome[:30].rstrip() + "…"
        return f"{outcome}: {PARAMETER_LABELS[self.parameter].lower()}"


def results(analysis: Analysis, result: SroiResult) -> dict[str, Any]:
    """The context of the results page, every figure taken from the engine's result."""
    data = result.to_dict()
    names = outcome_names(analysis)
    switching = [
        {
            "outcome": names.get(s.outcome, s.outcome),
            "parameter": s.parameter,
            "label": PARAMETER_LABELS[s.parameter],
            "current": s.current,
            "value": s.value,
            "change": change_needed(s.parameter, s.current, s.value),
        }
        for s in sorted(
            (s for s in result.switching if possible(s.parameter, s.current, s.value)),
            key=lambda s: s.relative_change,
        )
    ]
    sensitivity = [
        SensitivityLine(
            names.get(row.outcome, row.outcome),
            row.parameter,
            row.low,
            row.high,
            row.sroi_ratio_low,
            row.sroi_ratio_high,
            row.present_value_low,
            row.present_value_high,
        )
        for row in result.sensitivity[:TORNADO_BARS]
        if row.swing > 0
    ]
    outcomes = [{**o, "description": names.get(o["id"], o["id"])} for o in data["outcomes"]]
    years = list(
        zip(data["years"], data["value_by_year"], data["present_value_by_year"], strict=True)
    )
    tornado = tornado_chart(analysis, result, sensitivity)
    stakeholders = sorted(data["by_stakeholder"].items(), key=lambda item: -item[1])
    by_stakeholder = charts.bar(
        f"Present value by stakeholder: {analysis.name}",
        [name for name, _ in stakeholders],
        [value for _, value in stakeholders],
        kind="money",
        value_label="Present value",
        category_label="Stakeholder",
    )
    return {
        "stakeholder_chart": by_stakeholder,
        "stakeholder_chart_src": svg_data_uri(by_stakeholder),
        "result": data,
        "outcomes": outcomes,
        "years": years,
        "switching": switching,
        "sensitivity": sensitivity,
        "tornado": tornado,
        "tornado_src": svg_data_uri(tornado) if tornado else "",
        "percentiles": PERCENTILES,
    }


def tornado_chart(analysis: Analysis, result: SroiResult, lines: list[SensitivityLine]) -> Any:
    """The tornado: the ratio (or, with no investment, the present value) as each assumption moves."""
    if not lines:
        return None
    by_ratio = result.sroi_ratio is not None
    rows = [
        (
            line.short_label,
            line.ratio_low if by_ratio else line.present_value_low,
            line.ratio_high if by_ratio else line.present_value_high,
        )
        for line in lines
    ]
    return charts.tornado(
        f"What moves the result most: {analysis.name}",
        rows,
        result.sroi_ratio if by_ratio else result.present_value,
        kind="ratio" if by_ratio else "money",
        value_label="SROI ratio" if by_ratio else "Present value",
        low_label="Assumption lowered",
        high_label="Assumption raised",
    )


def svg_data_uri(chart: Any) -> str:
    """The chart's SVG as an image address: inside an <img> its own styles apply, which the page's
    content security policy would refuse inline."""
    return "data:image/svg+xml;base64," + base64.b64encode(chart.svg().encode("utf-8")).decode()
