"""API route for a provider's dashboard: the same figures as its home page."""

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Router, Schema

from socialvalue.web.api.schemas import answers
from socialvalue.web.tenancy import organisation_to_act_for

from . import services

router = Router(tags=["dashboard"])


class QuarterValues(Schema):
    name: str = Field(
        ..., description="A theme, or an SDG as '8. Decent work and economic growth'."
    )
    values: list[float] = Field(
        ..., description="Pounds in each quarter, in the order of `quarters`."
    )


class CaseStudyBrief(Schema):
    id: int
    title: str
    team: str
    area: str
    created_at: dt.datetime


class StatementReview(Schema):
    statement_id: int
    title: str
    published_version: int | None
    review_date: dt.date | None
    overdue: bool
    due_soon: bool


class DashboardOut(Schema):
    organisation_id: int
    quarters: list[dt.date] = Field(..., description="The first day of each quarter, oldest first.")
    price_year: int | None
    total_value: float
    records: int
    value_by_theme: list[QuarterValues]
    value_by_goal: list[QuarterValues]
    awaiting_verification: dict[str, int]
    statement: StatementReview | None
    recent_case_studies: list[CaseStudyBrief]


@router.get(
    "/dashboard", response=answers(DashboardOut, 403, 404), summary="A provider's dashboard"
)
def dashboard(
    request: HttpRequest,
    organisation_id: Annotated[int, Field(ge=1, le=2**63 - 1)] | None = None,
    team: str = "",
    area: str = "",
):
    """Value of the counted evidence by theme and SDG for the last eight quarters, evidence awaiting
    verification, the statement's review date in force and the latest case studies.
    `organisation_id` is needed when you belong to more than one organisation; `team` and `area`
    narrow the figures to the evidence of the activities (and the case studies) of one team or area."""
    organisation = organisation_to_act_for(request.actor, organisation_id, "viewer")
    scope = services.Scope(team=team.strip(), area=area.strip())
    value = services.value_over_time(organisation, scope=scope)
    review = services.statement_review(organisation)
    return {
        "organisation_id": organisation.pk,
        "quarters": [q.start for q in value.quarters],
        "price_year": value.price_year,
        "total_value": value.total,
        "records": value.records,
        "value_by_theme": [{"name": k, "values": v} for k, v in value.by_theme.items()],
        "value_by_goal": [{"name": k, "values": v} for k, v in value.by_goal.items()],
        "awaiting_verification": services.awaiting_verification(organisation, scope=scope).by_level,
        "statement": (
            {
                "statement_id": review.statement.pk,
                "title": review.statement.title,
                "published_version": review.published.number if review.published else None,
                "review_date": review.date,
                "overdue": review.overdue,
                "due_soon": review.due_soon,
            }
            if review
            else None
        ),
        "recent_case_studies": services.recent_case_studies(organisation, scope=scope),
    }
