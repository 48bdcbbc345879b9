"""API routes for wellbeing surveys: build one, record responses, read results (with suppression
and WELLBY value) and turn the valued result into an evidence record."""

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from socialvalue.web.api.schemas import Id, Pages, answers
from socialvalue.web.evidence.api import EvidenceOut
from socialvalue.web.planning.models import Activity
from socialvalue.web.prices import requested_price_year
from socialvalue.web.tenancy import get_visible_or_404, organisation_to_act_for, visible

from . import services
from .models import Response, Source, Survey

router = Router(tags=["surveys"])


class QuestionIn(Schema):
    key: str = Field(..., min_length=1, max_length=50)
    text: str = Field(..., min_length=1, max_length=500)
    min: int = Field(0, ge=-1000, le=1000)
    max: int = Field(10, ge=-1000, le=1000)
    higher_is_better: bool = True
    easy_read: str = Field("", max_length=500)


class QuestionOut(Schema):
    key: str
    text: str
    easy_read: str
    min: int = Field(..., alias="minimum")
    max: int = Field(..., alias="maximum")
    higher_is_better: bool


class SurveyIn(Schema):
    organisation_id: Id | None = Field(
        None, description="Needed when you belong to more than one organisation."
    )
    title: str = Field(..., min_length=1, max_length=200)
    ons4: bool = Field(True, description="Ask the ONS's four wellbeing questions.")
    questions: list[QuestionIn] = Field(default_factory=list, description="Your own questions.")
    deadweight: float = Field(0, description=services.GUIDANCE["deadweight"])
    attribution: float = Field(0, description=services.GUIDANCE["attribution"])
    displacement: float = Field(0, description=services.GUIDANCE["displacement"])
    duration: float = Field(1, description=services.GUIDANCE["duration"])
    activity_ids: list[Id] = Field(default_factory=list)
    contract_id: Id | None = None


class SurveyOut(Schema):
    id: int
    organisation_id: int
    title: str
    ons4: bool
    questions: list[QuestionOut]
    deadweight: float
    attribution: float
    displacement: float
    duration: float
    activity_ids: list[int]
    contract_id: int | None
    open: bool
    public_url: str
    responses: int
    created_at: dt.datetime

    @staticmethod
    def resolve_questions(obj: Survey) -> list:
        return list(obj.questions.all())

    @staticmethod
    def resolve_activity_ids(obj: Survey) -> list[int]:
        return [a.id for a in obj.activities.all()]

    @staticmethod
    def resolve_public_url(obj: Survey) -> str:
        return services.public_url(obj)

    @staticmethod
    def resolve_responses(obj: Survey) -> int:
        return obj.responses.count()


class ResponseIn(Schema):
    participant: str = Field(
        ..., max_length=40, description="The participant's code, never a name."
    )
    wave: Literal["baseline", "follow_up"]
    answered_on: dt.date
    answers: dict[str, Any] = Field(..., description="Question key to a whole number on its scale.")
    team: str = Field("", max_length=200)
    area: str = Field("", max_length=200)
    activity_id: Id | None = None


class ResponseOut(Schema):
    id: int
    survey_id: int
    participant: str
    wave: str
    answered_on: dt.date
    team: str
    area: str
    activity_id: int | None
    source: str
    answers: dict[str, int]

    @staticmethod
    def resolve_answers(obj: Response) -> dict[str, int]:
        return {a.key: a.value for a in obj.answers.all()}


class WaveOut(Schema):
    responses: int
    mean: float | None
    suppressed: bool
    reason: str | None


class DistributionOut(Schema):
    points: list[int]
    baseline: list[int]
    follow_up: list[int]


class QuestionResultOut(Schema):
    key: str
    text: str
    pairs: int
    mean_change: float | None
    sd: float | None
    ci95: list[float] | None
    share_improved: float | None
    suppressed: bool
    reason: str | None
    higher_is_better: bool
    baseline: WaveOut
    follow_up: WaveOut
    distribution: DistributionOut | None


class ValueOut(Schema):
    central: float | None
    low: float | None
    high: float | None


class ResultsOut(Schema):
    survey_id: int
    price_year: int
    questions: list[QuestionResultOut]
    wellbys: float | None
    value: ValueOut
    value_reason: str | None


class EvidenceFromSurveyIn(Schema):
    activity_id: Id
    period_start: dt.date
    period_end: dt.date


def _fetch(request: HttpRequest, survey_id: int) -> Survey:
    return get_visible_or_404(Survey, request.actor, pk=survey_id)


def _activity(request: HttpRequest, activity_id: int | None, field: str) -> Activity | None:
    if activity_id is None:
        return None
    activity = visible(Activity, request.actor).filter(pk=activity_id).first()
    if activity is None:
        raise ValidationError({field: ["No activity of yours has this id."]})
    return activity


@router.get("/surveys", response=answers(list[SurveyOut]), summary="Your wellbeing surveys")
@paginate(Pages)
def list_surveys(request: HttpRequest):
    return services.visible_surveys(request.actor).prefetch_related("questions")


@router.post(
    "/surveys", response=answers(SurveyOut, 403, 404, status=201), summary="Build a survey"
)
def create_survey(request: HttpRequest, payload: SurveyIn):
    """The ONS4 (when `ons4`) and your own questions, the deductions the WELLBY value takes
    (each 0 to 1) and the years the change lasts. Answers with the survey's public link."""
    organisation = organisation_to_act_for(request.actor, payload.organisation_id)
    activities = list(
        Activity.objects.filter(organisation=organisation, pk__in=payload.activity_ids)
    )
    if len(activities) != len(set(payload.activity_ids)):
        raise ValidationError(
            {"activity_ids": ["No activity of this organisation has one of these ids."]}
        )
    contract = None
    if payload.contract_id is not None:
        contract = services.provider_contracts(organisation).filter(pk=payload.contract_id).first()
        if contract is None:
            raise ValidationError({"contract_id": ["No contract you deliver has this id."]})
    survey = services.create_survey(
        organisation=organisation,
        actor=request.actor,
        title=payload.title,
        ons4=payload.ons4,
        questions=[
            services.QuestionSpec(q.key, q.text, q.min, q.max, q.higher_is_better, q.easy_read)
            for q in payload.questions
        ],
        deadweight=payload.deadweight,
        attribution=payload.attribution,
        displacement=payload.displacement,
        duration=payload.duration,
        activities=activities,
        contract=contract,
    )
    return Status(201, survey)


@router.get("/surveys/{survey_id}", response=answers(SurveyOut, 404), summary="One survey")
def get_survey(request: HttpRequest, survey_id: Id):
    return _fetch(request, survey_id)


@router.get(
    "/surveys/{survey_id}/responses",
    response=answers(list[ResponseOut], 404),
    summary="A survey's responses",
)
@paginate(Pages)
def list_responses(request: HttpRequest, survey_id: Id):
    return _fetch(request, survey_id).responses.prefetch_related("answers")


@router.post(
    "/surveys/{survey_id}/responses",
    response=answers(ResponseOut, 403, 404, status=201),
    summary="Record a baseline or follow-up response",
)
def create_response(request: HttpRequest, survey_id: Id, payload: ResponseIn):
    """Answers outside a question's scale, or to a key the survey does not ask, are refused (400)
    naming `answers.<key>`."""
    survey = _fetch(request, survey_id)
    response = services.record_response(
        survey=survey,
        actor=request.actor,
        data=services.ResponseData(
            participant=payload.participant,
            wave=payload.wave,
            answered_on=payload.answered_on,
            answers=payload.answers,
            team=payload.team,
            area=payload.area,
            activity=_activity(request, payload.activity_id, "activity_id"),
        ),
        source=Source.API,
    )
    return Status(201, response)


@router.get(
    "/surveys/{survey_id}/results",
    response=answers(ResultsOut, 404),
    summary="Change per question and WELLBY value",
)
def get_results(
    request: HttpRequest,
    survey_id: Id,
    price_year: str = "",
    team: str = "",
    area: str = "",
    activity: Id | None = None,
):
    """Per question: matched pairs (earliest baseline, latest follow-up), mean change, sd, 95 %
    interval, share improved and single-wave means; for life satisfaction the WELLBYs and their
    value (central, low, high) in `price_year` prices (default: your reporting price year).
    Groups of fewer than 5 pairs are `suppressed`, with the reason."""
    survey = _fetch(request, survey_id)
    year = requested_price_year(request, survey.organisation)
    filters = services.Filters(
        team=team, area=area, activity=_activity(request, activity, "activity")
    )
    return services.results(survey, price_year=year, filters=filters).as_dict()


@router.post(
    "/surveys/{survey_id}/evidence",
    response=answers(EvidenceOut, 403, 404, status=201),
    summary="Record the valued result as evidence",
)
def record_evidence(request: HttpRequest, survey_id: Id, payload: EvidenceFromSurveyIn):
    """The survey's WELLBYs as an evidence record of the WELLBY measure, with the method, n,
    mean change, interval and deductions in its note; it verifies like any evidence."""
    survey = _fetch(request, survey_id)
    evidence = services.record_as_evidence(
        survey=survey,
        actor=request.actor,
        activity=_activity(request, payload.activity_id, "activity_id"),
        period_start=payload.period_start,
        period_end=payload.period_end,
    )
    return Status(201, evidence)
