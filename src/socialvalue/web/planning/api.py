"""API routes for business-plan objectives and activities.

Creates and updates go through the same forms as the web pages, so a rule (an end date before the
start, a measure of another organisation's licensed set) is refused the same way in both.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from socialvalue.web.api.schemas import Id, Pages, answers
from socialvalue.web.tenancy import get_visible_or_404, organisation_to_act_for, require_role

from . import services
from .forms import ActivityForm, ObjectiveForm
from .models import Activity, Objective

router = Router(tags=["planning"])


# ---------------------------------------------------------------- schemas


class ObjectiveOut(Schema):
    id: int
    organisation_id: int
    code: str
    title: str
    description: str
    owner: str
    target_date: dt.date | None
    position: int
    activity_ids: list[int]

    @staticmethod
    def resolve_activity_ids(obj: Objective) -> list[int]:
        return [a.pk for a in obj.activities.all()]


class ObjectivePatch(Schema):
    code: str | None = Field(None, max_length=20)
    title: str | None = Field(None, min_length=1, max_length=300)
    description: str | None = None
    owner: str | None = Field(None, max_length=200)
    target_date: dt.date | None = None
    position: int | None = Field(None, ge=0, le=2**31 - 1)


class ObjectiveIn(ObjectivePatch):
    organisation_id: Id | None = Field(
        None, description="Needed when you belong to more than one organisation."
    )
    title: str = Field(..., min_length=1, max_length=300)


class ActivityOut(Schema):
    id: int
    organisation_id: int
    name: str
    description: str
    team: str
    area: str
    objective_ids: list[int]
    measure_ids: list[int]
    measure_codes: list[str]
    contract_id: int | None
    start_date: dt.date | None
    end_date: dt.date | None
    cost: Decimal | None
    lead_id: int | None
    lead: str | None

    @staticmethod
    def resolve_objective_ids(obj: Activity) -> list[int]:
        return [o.pk for o in obj.objectives.all()]

    @staticmethod
    def resolve_measure_ids(obj: Activity) -> list[int]:
        return [m.pk for m in obj.measures.all()]

    @staticmethod
    def resolve_measure_codes(obj: Activity) -> list[str]:
        return [m.code for m in obj.measures.all()]

    @staticmethod
    def resolve_lead(obj: Activity) -> str | None:
        return str(obj.lead) if obj.lead_id else None


class ActivityPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=300)
    description: str | None = None
    team: str | None = Field(None, max_length=200)
    area: str | None = Field(None, max_length=200)
    objective_ids: list[Id] | None = None
    measure_ids: list[Id] | None = None
    contract_id: Id | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    cost: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    lead_id: Id | None = Field(None, description="A member of the organisation.")


class ActivityIn(ActivityPatch):
    organisation_id: Id | None = Field(
        None, description="Needed when you belong to more than one organisation."
    )
    name: str = Field(..., min_length=1, max_length=300)


#: API field -> form field, where their names differ.
_ACTIVITY_FIELDS = {
    "objective_ids": "objectives",
    "measure_ids": "measures",
    "contract_id": "contract",
    "lead_id": "lead",
}


def _form_data(payload: Schema, *, unset: bool) -> dict[str, Any]:
    values = payload.dict(exclude_unset=unset, exclude={"organisation_id"})
    return {_ACTIVITY_FIELDS.get(k, k): v for k, v in values.items()}


_API_NAMES = {form_name: api_name for api_name, form_name in _ACTIVITY_FIELDS.items()}


def _saved(form) -> Any:
    """Save a valid form; otherwise a 400 naming each field (by its API name) and what was wrong."""
    if not form.is_valid():
        raise ValidationError(
            {_API_NAMES.get(field, field): errors for field, errors in form.errors.items()}
        )
    return services.save(form)


# ---------------------------------------------------------------- objectives


@router.get("/objectives", response=answers(list[ObjectiveOut]), summary="Business-plan objectives")
@paginate(Pages)
def list_objectives(request: HttpRequest, search: str = ""):
    """Objectives of your organisations, in their business-plan order; `search` matches words in them."""
    return services.find_objectives(request.actor, text=search).prefetch_related("activities")


@router.post(
    "/objectives",
    response=answers(ObjectiveOut, 403, 404, status=201),
    summary="Add an objective",
)
def create_objective(request: HttpRequest, payload: ObjectiveIn):
    organisation = organisation_to_act_for(request.actor, payload.organisation_id)
    data = _form_data(payload, unset=False)
    if data.get("position") is None:
        data["position"] = services.objective_choices(organisation).count() + 1
    form = ObjectiveForm(data, instance=Objective(organisation=organisation))
    return Status(201, _saved(form))


@router.get(
    "/objectives/{objective_id}", response=answers(ObjectiveOut, 404), summary="One objective"
)
def get_objective(request: HttpRequest, objective_id: int):
    return get_visible_or_404(Objective, request.actor, pk=objective_id)


@router.patch(
    "/objectives/{objective_id}",
    response=answers(ObjectiveOut, 403, 404),
    summary="Change an objective",
)
def update_objective(request: HttpRequest, objective_id: int, payload: ObjectivePatch):
    """Changes only the fields you send."""
    objective = get_visible_or_404(Objective, request.actor, pk=objective_id)
    require_role(request.actor, objective, "editor")
    fields = list(ObjectiveForm._meta.fields)
    data = services.current_values(objective, fields) | _form_data(payload, unset=True)
    return _saved(ObjectiveForm(data, instance=objective))


@router.delete(
    "/objectives/{objective_id}",
    response=answers(None, 403, 404, status=204),
    summary="Delete an objective",
)
def delete_objective(request: HttpRequest, objective_id: int):
    """Its activities stay, no longer linked to it."""
    objective = get_visible_or_404(Objective, request.actor, pk=objective_id)
    require_role(request.actor, objective, "editor")
    services.delete(objective)
    return Status(204, None)


# ---------------------------------------------------------------- activities


@router.get("/activities", response=answers(list[ActivityOut]), summary="Activities")
@paginate(Pages)
def list_activities(
    request: HttpRequest,
    search: str = "",
    team: str = "",
    area: str = "",
    objective: Id | None = None,
    measure: Id | None = None,
    contract: Id | None = None,
):
    """Activities of your organisations matching every filter: `team` and `area` exactly (any case), `objective`, `measure` and `contract` by id."""
    return services.find_activities(
        request.actor,
        text=search,
        team=team,
        area=area,
        objective=objective,
        measure=measure,
        contract=contract,
    ).prefetch_related("objectives", "measures")


@router.post(
    "/activities",
    response=answers(ActivityOut, 403, 404, status=201),
    summary="Add an activity",
)
def create_activity(request: HttpRequest, payload: ActivityIn):
    organisation = organisation_to_act_for(request.actor, payload.organisation_id)
    form = ActivityForm(
        _form_data(payload, unset=False),
        instance=Activity(organisation=organisation),
        organisation=organisation,
    )
    return Status(201, _saved(form))


@router.get("/activities/{activity_id}", response=answers(ActivityOut, 404), summary="One activity")
def get_activity(request: HttpRequest, activity_id: int):
    return get_visible_or_404(Activity, request.actor, pk=activity_id)


@router.patch(
    "/activities/{activity_id}",
    response=answers(ActivityOut, 403, 404),
    summary="Change an activity",
)
def update_activity(request: HttpRequest, activity_id: int, payload: ActivityPatch):
    """Changes only the fields you send; a list you send (objective_ids, measure_ids) replaces the old one."""
    activity = get_visible_or_404(Activity, request.actor, pk=activity_id)
    require_role(request.actor, activity, "editor")
    fields = list(ActivityForm._meta.fields)
    data = services.current_values(activity, fields) | _form_data(payload, unset=True)
    form = ActivityForm(data, instance=activity, organisation=activity.organisation)
    return _saved(form)


@router.delete(
    "/activities/{activity_id}",
    response=answers(None, 403, 404, status=204),
    summary="Delete an activity",
)
def delete_activity(request: HttpRequest, activity_id: int):
    """Refused (400) while evidence is recorded against it."""
    activity = get_visible_or_404(Activity, request.actor, pk=activity_id)
    require_role(request.actor, activity, "editor")
    services.delete(activity)
    return Status(204, None)
