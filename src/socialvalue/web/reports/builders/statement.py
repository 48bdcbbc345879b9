"""The statement as one of the organisation's reports (the Reports page, the API and the command line)."""

from __future__ import annotations

from typing import Any

from socialvalue.reports import Document
from socialvalue.web.reports.registry import ReportType, object_parameter, register
from socialvalue.web.statements import services
from socialvalue.web.statements.models import Statement
from socialvalue.web.tenancy import visible


def build(*, actor: Any, organisation: Any, progress: Any, statement: Any) -> Document:
    """The latest published version, or the draft (marked as one) when nothing is published yet."""
    version = services.latest_version(statement) or services.draft_version(statement)
    progress(1.0, "Statement assembled")
    return services.statement_document(version)


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
