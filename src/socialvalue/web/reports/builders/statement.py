"""The statement as one of the organisation's reports (the Reports page, the API and the command line)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from socialvalue.reports import BulletList, Document, Section
from socialvalue.reports.document import CAVEATS
from socialvalue.web.measures import services as measures
from socialvalue.web.measures.models import Measure
from socialvalue.web.reports.registry import ReportType, object_parameter, register
from socialvalue.web.statements import services
from socialvalue.web.statements.models import Statement
from socialvalue.web.tenancy import visible


def build(*, actor: Any, organisation: Any, progress: Any, statement: Any) -> Document:
    """The latest published version, or the draft (marked as one) when nothing is published yet."""
    version = services.latest_version(statement) or services.draft_version(statement)
    document = services.statement_document(version)
    overlaps = overlap_warnings(actor, version.content)
    progress(1.0, "Statement assembled")
    if not overlaps:
        return document
    return replace(
        document, sections=[*document.sections, Section(CAVEATS, [BulletList(overlaps)])]
    )


def overlap_warnings(actor: Any, content: dict[str, Any]) -> list[str]:
    """Where the statement's commitments are measured by two measures that value the same change."""
    named = {
        (m["code"], m["value_set"])
        for commitment in content.get("commitments") or []
        for m in commitment.get("measures") or []
    }
    if not named:
        return []
    candidates = (
        visible(Measure, actor)
        .filter(code__in={code for code, _ in named})
        .select_related("value_set")
    )
    ids = [m.pk for m in candidates if (m.code, str(m.value_set)) in named]
    return [
        warning.text
        for warning in measures.overlaps_among(ids, where="this statement's commitments")
    ]


def register_report() -> None:
    register(
        ReportType(
            name="statement",
            title="Social value statement",
            description="The latest published version of a statement (or its draft): mission, "
            "commitments by theme and SDG, alignment with the business plan, governance, "
            "measurement, sharing good practice and the review date.",
            build=build,
            parameters=(
                object_parameter(
                    "statement",
                    "Statement",
                    Statement,
                    queryset=lambda actor, organisation: visible(Statement, actor).filter(
                        organisation=organisation
                    ),
                ),
            ),
            audience=("provider",),
            order=10,
        )
    )
