"""API routes for SROI analyses: the impact map in the engine's own JSON, and its result.

A map that breaks the file contract answers 400 with each problem's place and message (the
router's InputError handler), exactly as `socialvalue sroi calc` would report it.
"""

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from socialvalue.web.accounts.models import Role
from socialvalue.web.api.schemas import Id, Pages, answers, named_choices
from socialvalue.web.tenancy import (
    get_visible_or_404,
    organisation_to_act_for,
    require_role,
    visible,
)

from . import services
from .models import Analysis

AnalysisKind = named_choices("AnalysisKind", Analysis.Kind)

router = Router(tags=["sroi analyses"])

Draws = Annotated[int, Field(ge=0, le=services.WEB_MAX_DRAWS)]
Seed = Annotated[int, Field(ge=0, le=services.MAX_SEED)]


class AnalysisOut(Schema):
    id: int
    organisation_id: int
    name: str
    description: str
    kind: AnalysisKind
    period: str
    forecast_id: int | None = Field(description="The forecast an evaluative version was made from.")
    draws: int
    seed: int
    stakeholders: list[dict[str, str]]
    impact_map: dict[str, Any] = Field(
        description="The impact map in the file format of sroi-method.md section 1."
    )
    sroi_ratio: float | None
    present_value: float | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_present_value(obj: Analysis) -> float | None:
        return (obj.result or {}).get("present_value")


class AnalysisPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    period: str | None = Field(None, max_length=100)
    draws: Draws | None = None
    seed: Seed | None = None
    impact_map: dict[str, Any] | None = Field(
        None, description="A whole impact map (sroi-method.md section 1); replaces the saved one."
    )


class AnalysisIn(AnalysisPatch):
    organisation_id: Id | None = Field(
        None, description="Needed when you belong to more than one organisation."
    )
    kind: AnalysisKind = AnalysisKind.FORECAST
    impact_map: dict[str, Any] = Field(
        ..., description="A whole impact map (sroi-method.md section 1)."
    )
    name: str | None = Field(
        None, min_length=1, max_length=200, description="Defaults to the map's title."
    )


@router.get(
    "/sroi-analyses", response=answers(list[AnalysisOut]), summary="Your organisations' analyses"
)
@paginate(Pages)
def list_analyses(request: HttpRequest, kind: AnalysisKind | None = None):
    analyses = visible(Analysis, request.actor)
    return analyses.filter(kind=kind) if kind else analyses


@router.post(
    "/sroi-analyses",
    response=answers(AnalysisOut, 403, 404, status=201),
    summary="Create an analysis from an impact map",
)
def create_analysis(request: HttpRequest, payload: AnalysisIn):
    organisation = organisation_to_act_for(request.actor, payload.organisation_id, Role.EDITOR)
    impact_map = services.parse_map(payload.impact_map)
    analysis = services.create_analysis(
        organisation=organisation,
        created_by=request.user,
        name=payload.name or impact_map.title,
        kind=payload.kind,
        description=payload.description or "",
        period=payload.period or "",
        impact_map=impact_map,
        draws=payload.draws,
        seed=payload.seed,
    )
    return Status(201, analysis)


@router.get(
    "/sroi-analyses/{analysis_id}", response=answers(AnalysisOut, 404), summary="One analysis"
)
def get_analysis(request: HttpRequest, analysis_id: Id):
    return get_visible_or_404(Analysis, request.actor, pk=analysis_id)


@router.patch(
    "/sroi-analyses/{analysis_id}",
    response=answers(AnalysisOut, 403, 404),
    summary="Change an analysis or replace its impact map",
)
def update_analysis(request: HttpRequest, analysis_id: Id, payload: AnalysisPatch):
    analysis = get_visible_or_404(Analysis, request.actor, pk=analysis_id)
    require_role(request.actor, analysis, Role.EDITOR)
    changes = payload.dict(exclude_unset=True)
    data = changes.pop("impact_map", None)
    changes = {k: v for k, v in changes.items() if v is not None}
    if data is not None:
        parsed = services.parse_map(data)
        changes = {**services.monte_carlo_settings(parsed), **changes}
        data = parsed.to_dict()
    return services.save_map(analysis, data if data is not None else analysis.impact_map, **changes)


@router.delete(
    "/sroi-analyses/{analysis_id}",
    response=answers(None, 403, 404, status=204),
    summary="Delete an analysis",
)
def delete_analysis(request: HttpRequest, analysis_id: Id):
    analysis = get_visible_or_404(Analysis, request.actor, pk=analysis_id)
    require_role(request.actor, analysis, Role.EDITOR)
    analysis.delete()
    return Status(204, None)


@router.post(
    "/sroi-analyses/{analysis_id}/evaluation",
    response=answers(AnalysisOut, 403, 404, status=201),
    summary="Start the evaluative version of a forecast",
)
def start_evaluation(request: HttpRequest, analysis_id: Id):
    """A copy of the forecast's map and settings, linked to it, to change into what happened."""
    forecast = get_visible_or_404(Analysis, request.actor, pk=analysis_id)
    require_role(request.actor, forecast, Role.EDITOR)
    return Status(201, services.start_evaluation(forecast, created_by=request.user))


@router.get(
    "/sroi-analyses/{analysis_id}/result",
    response=answers(dict[str, Any], 404),
    summary="The analysis's result: the JSON of `socialvalue sroi calc --json`",
)
def get_result(request: HttpRequest, analysis_id: Id):
    """Exactly the engine's result for the saved map, with the analysis's Monte Carlo draws and seed.

    An analysis still missing its inputs or outcomes answers 400 saying which.
    """
    analysis = get_visible_or_404(Analysis, request.actor, pk=analysis_id)
    return services.result_of(analysis).to_dict()
