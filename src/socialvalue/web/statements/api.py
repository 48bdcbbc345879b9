"""API routes for social value statements: the draft, publishing versions and the Word and PDF exports.

Writes go through the builder's forms, so the API refuses what the pages refuse, field by field.
"""

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from socialvalue.web.api.schemas import Id, Pages, answers
from socialvalue.web.links import absolute_reverse
from socialvalue.web.measures.models import SdgGoal
from socialvalue.web.planning.services import current_values
from socialvalue.web.tenancy import get_visible_or_404, organisation_to_act_for, require_role

from . import services
from .forms import DRAFT_FIELDS, CommitmentForm, draft_form
from .models import Commitment, Statement, StatementVersion
from .views import export_response

router = Router(tags=["statements"])


class StatementCommitmentOut(Schema):
    id: int
    title: str
    description: str
    target: str
    position: int
    measure_ids: list[int]
    measure_codes: list[str]
    theme_ids: list[int]
    themes: list[str]
    sdgs: list[int]

    @staticmethod
    def resolve_measure_ids(obj: Commitment) -> list[int]:
        return [m.pk for m in obj.measures.all()]

    @staticmethod
    def resolve_measure_codes(obj: Commitment) -> list[str]:
        return [m.code for m in obj.measures.all()]

    @staticmethod
    def resolve_theme_ids(obj: Commitment) -> list[int]:
        return [t.pk for t in obj.themes.all()]

    @staticmethod
    def resolve_themes(obj: Commitment) -> list[str]:
        return [t.name for t in obj.themes.all()]

    @staticmethod
    def resolve_sdgs(obj: Commitment) -> list[int]:
        return [g.number for g in obj.sdg_goals.all()]


class VersionOut(Schema):
    number: int
    title: str
    published_at: dt.datetime
    published_by: str
    note: str
    review_date: dt.date | None

    @staticmethod
    def resolve_published_by(obj: StatementVersion) -> str:
        return obj.published_by_name


class VersionContentOut(VersionOut):
    content: dict[str, Any] = Field(
        ..., description="Everything the version says, frozen when it was published."
    )


class StatementOut(Schema):
    id: int
    organisation_id: int
    title: str
    mission: str
    principles: str
    csr_policy_url: str
    csr_policy_summary: str
    alignment: str
    objective_ids: list[int]
    governance: str
    champions: list[str]
    measurement: str
    sharing: str
    review_date: dt.date | None
    commitments: list[StatementCommitmentOut]
    versions: list[VersionOut]
    unpublished_changes: bool
    public_url: str | None = Field(
        None, description="The read-only link to the latest published version, when switched on."
    )

    @staticmethod
    def resolve_objective_ids(obj: Statement) -> list[int]:
        return [o.pk for o in obj.objectives.all()]

    @staticmethod
    def resolve_champions(obj: Statement) -> list[str]:
        return [c["name"] for c in services.champions(obj.organisation)]

    @staticmethod
    def resolve_commitments(obj: Statement) -> list[Commitment]:
        return list(obj.commitments.prefetch_related("measures", "themes", "sdg_goals"))

    @staticmethod
    def resolve_versions(obj: Statement) -> list[StatementVersion]:
        return list(obj.versions.order_by("-number"))

    @staticmethod
    def resolve_unpublished_changes(obj: Statement) -> bool:
        return services.has_unpublished_changes(obj)

    @staticmethod
    def resolve_public_url(obj: Statement, context: dict[str, Any]) -> str | None:
        if not obj.is_shared:
            return None
        return absolute_reverse("statements:public", obj.public_token)


class StatementCommitmentIn(Schema):
    title: str = Field(..., min_length=1, max_length=300)
    description: str = ""
    target: str = Field("", max_length=300)
    measure_ids: list[Id] = []
    theme_ids: list[Id] = Field([], description="Empty: the themes of the measures.")
    sdgs: list[Annotated[int, Field(ge=1, le=17)]] = Field(
        [], description="Goal numbers; empty: the goals of the measures."
    )


class StatementPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=300)
    mission: str | None = None
    principles: str | None = None
    csr_policy_url: str | None = Field(None, max_length=500)
    csr_policy_summary: str | None = None
    alignment: str | None = None
    objective_ids: list[Id] | None = None
    governance: str | None = None
    measurement: str | None = None
    sharing: str | None = None
    review_date: dt.date | None = None
    commitments: list[StatementCommitmentIn] | None = Field(
        None, description="When sent, replaces every commitment of the draft, in this order."
    )


class StatementIn(StatementPatch):
    organisation_id: Id | None = Field(
        None, description="Needed when you belong to more than one organisation."
    )


class PublishIn(Schema):
    note: str = Field("", max_length=2000, description="What changed and why.")


def _save_draft(
    statement: Statement, payload: StatementPatch, *, base: dict[str, Any]
) -> Statement:
    """Check every field and commitment first, then save them together, or nothing."""
    values = payload.dict(exclude_unset=True, exclude={"organisation_id", "commitments"})
    if "objective_ids" in values:
        values["objectives"] = values.pop("objective_ids")
    form = draft_form(statement, base | values)
    problems: dict[str, list[str]] = {
        ("objective_ids" if k == "objectives" else k): v for k, v in form.errors.items()
    }
    commitment_forms = []
    goals = dict(SdgGoal.objects.values_list("number", "pk"))
    for index, item in enumerate(payload.commitments or []):
        data = {
            "title": item.title,
            "description": item.description,
            "target": item.target,
            "measures": item.measure_ids,
            "themes": item.theme_ids,
            "sdg_goals": [goals[n] for n in item.sdgs if n in goals],
            "position": index + 1,
        }
        commitment = Commitment(statement=statement)
        commitment_form = CommitmentForm(
            data, instance=commitment, organisation=statement.organisation
        )
        for field, errors in commitment_form.errors.items():
            name = {"measures": "measure_ids", "themes": "theme_ids", "sdg_goals": "sdgs"}.get(
                field, field
            )
            problems[f"commitments[{index}].{name}"] = errors
        commitment_forms.append(commitment_form)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        form.instance.updated_at = timezone.now()
        statement = form.save()
        if payload.commitments is not None:
            statement.commitments.all().delete()
            for commitment_form in commitment_forms:
                commitment_form.instance.statement = statement
                commitment_form.save()
    return statement


@router.get("/statements", response=answers(list[StatementOut]), summary="Social value statements")
@paginate(Pages)
def list_statements(request: HttpRequest):
    return services.statements_for(request.actor).prefetch_related("objectives")


@router.post(
    "/statements",
    response=answers(StatementOut, 403, 404, status=201),
    summary="Start a statement",
)
def create_statement(request: HttpRequest, payload: StatementIn):
    """A new draft with whatever sections you send (a title is given if you send none)."""
    organisation = organisation_to_act_for(request.actor, payload.organisation_id)
    statement = Statement(organisation=organisation)
    base = {"title": "Social value statement"}
    return Status(201, _save_draft(statement, payload, base=base))


@router.get(
    "/statements/{statement_id}", response=answers(StatementOut, 404), summary="One statement"
)
def get_statement(request: HttpRequest, statement_id: int):
    """The draft, its commitments, and the versions published from it."""
    return get_visible_or_404(Statement, request.actor, pk=statement_id)


@router.patch(
    "/statements/{statement_id}",
    response=answers(StatementOut, 403, 404),
    summary="Change the draft",
)
def update_statement(request: HttpRequest, statement_id: int, payload: StatementPatch):
    """Changes only the fields you send; published versions never change."""
    statement = get_visible_or_404(Statement, request.actor, pk=statement_id)
    require_role(request.actor, statement, "editor")
    return _save_draft(statement, payload, base=current_values(statement, list(DRAFT_FIELDS)))


@router.post(
    "/statements/{statement_id}/publish",
    response=answers(VersionOut, 403, 404, status=201),
    summary="Publish the draft as the next version",
)
def publish_statement(request: HttpRequest, statement_id: int, payload: PublishIn):
    """Refused (400, with every reason) when the draft is the same as the latest version, or
    says nothing at all: no commitment, no business-plan objective and no section written."""
    statement = get_visible_or_404(Statement, request.actor, pk=statement_id)
    require_role(request.actor, statement, "editor")
    return Status(201, services.publish(statement, user=request.user, note=payload.note))


@router.get(
    "/statements/{statement_id}/versions/{number}",
    response=answers(VersionContentOut, 404),
    summary="One published version",
)
def get_version(request: HttpRequest, statement_id: int, number: int):
    statement = get_visible_or_404(Statement, request.actor, pk=statement_id)
    return get_visible_or_404(StatementVersion, request.actor, statement=statement, number=number)


@router.get(
    "/statements/{statement_id}/export",
    response=answers(None, 404),
    summary="Download the statement as Word or PDF",
    openapi_extra={
        "responses": {
            200: {
                "description": "The statement as an attachment.",
                "content": {
                    "application/pdf": {},
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {},
                },
            }
        }
    },
)
def export_statement(
    request: HttpRequest,
    statement_id: int,
    format: Literal["docx", "pdf"],  # noqa: A002 - the query parameter users write
    version: Id | None = None,
):
    """The version numbered `version`; without it the latest published version, or the draft
    (marked as a draft) when nothing is published yet."""
    statement = get_visible_or_404(Statement, request.actor, pk=statement_id)
    if version is not None:
        chosen = get_visible_or_404(
            StatementVersion, request.actor, statement=statement, number=version
        )
    else:
        chosen = services.latest_version(statement) or services.draft_version(statement)
    return export_response(chosen, format)
