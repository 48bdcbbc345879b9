"""API routes for case studies and the good-practice library (`?search=`), their sharing and files."""

import datetime as dt
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from socialvalue.web.api.schemas import Id, Pages, answers
from socialvalue.web.files.checks import FILE_TYPES
from socialvalue.web.files.schemas import StoredFileOut
from socialvalue.web.files.serving import attachment
from socialvalue.web.measures.models import Outcome, SdgGoal, Theme
from socialvalue.web.tenancy import get_visible_or_404, organisation_to_act_for, require_role

from . import services
from .models import CaseStudy, CaseStudyFile

router = Router(tags=["case studies"])


class CaseStudyFileOut(StoredFileOut):
    caption: str

    @staticmethod
    def resolve_download_url(obj: CaseStudyFile) -> str:
        return reverse(
            "api:case_study_file", kwargs={"case_study_id": obj.case_study_id, "file_id": obj.pk}
        )


class TagOut(Schema):
    id: int
    name: str


class CaseStudyOut(Schema):
    id: int
    organisation_id: int
    title: str
    summary: str
    story: str = Field(description="Markdown, as written.")
    story_html: str = Field(description="The story rendered and sanitised.")
    team: str
    area: str
    themes: list[TagOut]
    outcomes: list[TagOut]
    sdgs: list[int] = Field(description="Goal numbers, 1 to 17.")
    replication_notes: str
    anonymised: bool
    consent_given_on: dt.date | None
    consent_note: str
    shared: bool
    shared_at: dt.datetime | None
    files: list[CaseStudyFileOut]
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_story_html(obj: CaseStudy) -> str:
        return str(services.story_html(obj.story))

    @staticmethod
    def resolve_themes(obj: CaseStudy) -> list:
        return list(obj.themes.all())

    @staticmethod
    def resolve_outcomes(obj: CaseStudy) -> list:
        return list(obj.outcomes.all())

    @staticmethod
    def resolve_sdgs(obj: CaseStudy) -> list[int]:
        return [g.number for g in obj.sdgs.all()]

    @staticmethod
    def resolve_shared(obj: CaseStudy) -> bool:
        return obj.is_shared

    @staticmethod
    def resolve_files(obj: CaseStudy) -> list:
        return list(obj.files.all())


class CaseStudyPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    summary: str | None = Field(None, min_length=1, max_length=5000)
    story: str | None = Field(None, max_length=100_000)
    team: str | None = Field(None, max_length=200)
    area: str | None = Field(None, max_length=200)
    theme_ids: list[Id] | None = None
    outcome_ids: list[Id] | None = None
    sdgs: list[Annotated[int, Field(ge=1, le=17)]] | None = None
    replication_notes: str | None = Field(None, max_length=20_000)
    anonymised: bool | None = None
    consent_given_on: dt.date | None = None
    consent_note: str | None = Field(None, max_length=2000)
    shared: bool | None = Field(
        None, description="Share in the library (needs consent recorded) or take it out."
    )


class CaseStudyIn(CaseStudyPatch):
    organisation_id: Id | None = Field(
        None, description="Needed when you belong to more than one organisation."
    )
    title: str = Field(..., min_length=1, max_length=200)
    summary: str = Field(..., min_length=1, max_length=5000)


def _case_studies():
    return CaseStudy.objects.prefetch_related("themes", "outcomes", "sdgs", "files")


def _fetch(request: HttpRequest, case_study_id: int) -> CaseStudy:
    return get_visible_or_404(CaseStudy, request.actor, pk=case_study_id)


def _save(request: HttpRequest, case_study: CaseStudy, payload: CaseStudyPatch, sent: set[str]):
    fields = {name: getattr(payload, name) for name in services.TEXT_FIELDS if name in sent}
    for name in ("title", "summary", "story", "team", "area", "replication_notes", "consent_note"):
        if name in fields and fields[name] is None:
            fields[name] = ""
    if "anonymised" in fields and fields["anonymised"] is None:
        fields["anonymised"] = False
    tags = {}
    if "theme_ids" in sent:
        tags["themes"] = list(Theme.objects.filter(pk__in=payload.theme_ids or []))
        if len(tags["themes"]) != len(set(payload.theme_ids or [])):
            raise ValidationError({"theme_ids": ["No theme has one of these ids."]})
    if "outcome_ids" in sent:
        tags["outcomes"] = list(Outcome.objects.filter(pk__in=payload.outcome_ids or []))
        if len(tags["outcomes"]) != len(set(payload.outcome_ids or [])):
            raise ValidationError({"outcome_ids": ["No outcome has one of these ids."]})
    if "sdgs" in sent:
        tags["sdgs"] = list(SdgGoal.objects.filter(number__in=payload.sdgs or []))
    try:
        services.save_case_study(case_study, by=request.user, **fields, **tags)
    except ValidationError as exc:
        names = {"themes": "theme_ids", "outcomes": "outcome_ids"}
        raise ValidationError({names.get(k, k): v for k, v in exc.message_dict.items()}) from None
    if "shared" in sent and payload.shared is not None:
        if payload.shared:
            services.share(case_study, by=request.user)
        elif case_study.is_shared:
            services.unshare(case_study)
    return _case_studies().get(pk=case_study.pk)


@router.get(
    "/case-studies", response=answers(list[CaseStudyOut]), summary="The good-practice library"
)
@paginate(Pages)
def list_case_studies(
    request: HttpRequest,
    search: str = "",
    theme: str = "",
    sdg: Annotated[int, Field(ge=1, le=17)] | None = None,
    team: str = "",
    area: str = "",
    status: Literal["shared", "draft", "all"] = "shared",
):
    """Case studies of your organisations matching every filter, best matches first: `search` looks in the title, summary, story and replication notes; `theme` is a theme name; `status` all includes drafts."""
    filters = services.Filters(
        search=search,
        theme=theme,
        sdg=sdg,
        team=team,
        area=area,
        status="" if status == "all" else status,
    )
    return services.search_case_studies(request.actor, filters).prefetch_related(
        "themes", "outcomes", "sdgs", "files"
    )


@router.post(
    "/case-studies",
    response=answers(CaseStudyOut, 403, 404, status=201),
    summary="Write a case study",
)
def create_case_study(request: HttpRequest, payload: CaseStudyIn):
    organisation = organisation_to_act_for(request.actor, payload.organisation_id)
    sent = set(payload.model_dump(exclude_unset=True)) | {"title", "summary"}
    return Status(201, _save(request, CaseStudy(organisation=organisation), payload, sent))


@router.get(
    "/case-studies/{case_study_id}", response=answers(CaseStudyOut, 404), summary="One case study"
)
def get_case_study(request: HttpRequest, case_study_id: Id):
    return _case_studies().get(pk=_fetch(request, case_study_id).pk)


@router.patch(
    "/case-studies/{case_study_id}",
    response=answers(CaseStudyOut, 403, 404),
    summary="Change or share a case study",
)
def update_case_study(request: HttpRequest, case_study_id: Id, payload: CaseStudyPatch):
    """Changes only the fields you send; `shared: true` is refused (400) until consent is recorded."""
    case_study = _fetch(request, case_study_id)
    require_role(request.actor, case_study, "editor")
    return _save(request, case_study, payload, set(payload.model_dump(exclude_unset=True)))


@router.delete(
    "/case-studies/{case_study_id}",
    response=answers(None, 403, 404, status=204),
    summary="Delete a case study",
)
def delete_case_study(request: HttpRequest, case_study_id: Id):
    """With its images and files."""
    case_study = _fetch(request, case_study_id)
    require_role(request.actor, case_study, "editor")
    case_study.delete()
    return Status(204, None)


@router.post(
    "/case-studies/{case_study_id}/files",
    response=answers(list[CaseStudyFileOut], 403, 404, status=201),
    summary="Attach images or files (multipart)",
)
def attach(
    request: HttpRequest,
    case_study_id: Id,
    file: File[list[UploadedFile]],
    caption: Form[str] = "",
):
    """Send one or more files in the multipart field `file`, and optionally a `caption` saying what images show."""
    case_study = _fetch(request, case_study_id)
    require_role(request.actor, case_study, "editor")
    if len(caption) > 300:
        raise ValidationError({"caption": ["Keep the caption to 300 characters."]})
    stored = services.attach_files(
        case_study, list(file), uploaded_by=request.user, caption=caption
    )
    return Status(201, stored)


@router.get(
    "/case-studies/{case_study_id}/files/{file_id}",
    response=answers(None, 404),
    url_name="case_study_file",
    summary="Download an image or file",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, as an attachment.",
                "content": {
                    t.content_type.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
                    for t in FILE_TYPES.values()
                },
            }
        }
    },
)
def download(request: HttpRequest, case_study_id: Id, file_id: Id):
    case_study = _fetch(request, case_study_id)
    return attachment(get_object_or_404(case_study.files, pk=file_id))
