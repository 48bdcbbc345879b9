"""The SROI report of one of the organisation's analyses."""

from __future__ import annotations

from typing import Any

from socialvalue.core.sroi import load_impact_map
from socialvalue.reports import Document
from socialvalue.reports.sroi import sroi_document
from socialvalue.web.analyses.models import Analysis
from socialvalue.web.analyses.services import engine_map
from socialvalue.web.tenancy import visible

from ..registry import ReportType, object_parameter, register


def build(*, actor: Any, organisation: Any, progress: Any, analysis: Any) -> Document:
    impact_map = load_impact_map(engine_map(analysis))
    kind = analysis.get_kind_display()
    subtitle = f"{kind} social return on investment" + (
        f", {analysis.period}" if analysis.period else ""
    )
    return sroi_document(
        impact_map,
        draws=analysis.draws,
        seed=analysis.seed,
        organisation=organisation.name,
        title=analysis.name,
        subtitle=subtitle,
        description=analysis.description,
        progress=progress,
    )


def register_report() -> None:
    register(
        ReportType(
            name="sroi",
            title="SROI report",
            description="One SROI analysis: its impact map, value by stakeholder, sensitivity, "
            "Monte Carlo range, assumptions and sources.",
            build=build,
            parameters=(
                object_parameter(
                    "analysis",
                    "SROI analysis",
                    Analysis,
                    queryset=lambda actor, organisation: visible(Analysis, actor).filter(
                        organisation=organisation
                    ),
                ),
            ),
            background=True,
            order=50,
        )
    )
