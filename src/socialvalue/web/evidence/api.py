"""API routes for evidence: list with filters, get, create, update, verification, files (multipart) and imports."""

import datetime as dt
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from socialvalue.core.valuation import check_price_year
from socialvalue.web.api.schemas import Id, Pages, answers
from socialvalue.web.files.checks import FILE_TYPES, check_upload
from socialvalue.web.files.schemas import StoredFileOut
from socialvalue.web.files.serving import attachment
from socialvalue.web.measures.models import Measure
from socialvalue.web.planning.models import Activity
from socialvalue.web.tenancy import get_visible_or_404, organisation_to_act_for, require_role

from . import importing, services
from .models import Evidence, EvidenceFile, EvidenceImport, Verification

router = Router(tags=["evidence"])


class EvidenceFileOut(StoredFileOut):
    @staticmethod
    def resolve_download_url(obj: EvidenceFile) -> str:
        return reverse(
            "api:evidence_file", kwargs={"evidence_id": obj.evidence_id, "file_id": obj.pk}
        )


class EvidenceOut(Schema):
    id: int
    organisation_id: int
    measure_id: int
    measure_code: str
    measure_title: str
    unit: str
    activity_id: int
    activity: str
    team: str
    area: str
    contract_id: int | None
    quantity: Decimal
    period_start: dt.date
    period_end: dt.date
    note: str
    verification: Verification
    verified_by: str | None
    verified_at: dt.datetime | None
    rejection_reason: str
    value: Decimal | None = Field(
        description="Pounds in value_price_year prices; null when counted, not valued."
    )
    value_price_year: int | None
    proxy_value: Decimal | None
    proxy_price_year: int | None
    deflator_factor: Decimal | None
    explanation: str | None = Field(description="The calculation trail in one line.")
    files: list[EvidenceFileOut]
    recorded_by: str | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_measure_code(obj: Evidence) -> str:
        return obj.measure.code

    @staticmethod
    def resolve_measure_title(obj: Evidence) -> str:
        return obj.measure.title

    @staticmethod
    def resolve_unit(obj: Evidence) -> str:
        return obj.measure.unit

    @staticmethod
    def resolve_activity(obj: Evidence) -> str:
        return obj.activity.name

    @staticmethod
    def resolve_team(obj: Evidence) -> str:
        return obj.activity.team

    @staticmethod
    def resolve_area(obj: Evidence) -> str:
        return obj.activity.area

    @staticmethod
    def resolve_verified_by(obj: Evidence) -> str | None:
        return obj.verified_by.email if obj.verified_by_id else None

    @staticmethod
    def resolve_recorded_by(obj: Evidence) -> str | None:
        return obj.recorded_by.email if obj.recorded_by_id else None

    @staticmethod
    def resolve_explanation(obj: Evidence) -> str | None:
        trail = services.trail(obj)
        return trail.explain() if trail else None

    @staticmethod
    def resolve_files(obj: Evidence) -> list:
        return list(obj.files.all())


Quantity = Annotated[Decimal, Field(ge=0, lt=services.MAX_QUANTITY, decimal_places=4)]


class EvidencePatch(Schema):
    measure_id: Id | None = None
    activity_id: Id | None = None
    contract_id: Id | None = Field(None, description="A contract your organisation provides.")
    quantity: Quantity | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    note: str | None = Field(None, max_length=10_000)


class EvidenceIn(EvidencePatch):
    organisation_id: Id | None = Field(
        None, description="Needed when you belong to more than one organisation."
    )
    measure_id: Id
    activity_id: Id
    quantity: Quantity
    period_start: dt.date
    period_end: dt.date
    note: str = Field("", max_length=10_000)


class EvidenceDecisionIn(Schema):
    decision: Literal["verify", "reject", "reopen"]
    reason: str = Field("", max_length=2000, description="Why it is rejected; needed to reject.")


class EvidencePages(Pages):
    """Pages read as `services.page_of` reads them: the ids from an index, then those rows."""

    def paginate_queryset(self, queryset, pagination, request, **params):
        limit = min(pagination.limit, self.max_limit)
        return {
            "items": services.page_of(
                queryset,
                pagination.offset,
                limit,
                related=("measure", "activity", "verified_by", "recorded_by"),
                prefetch=("files",),
            ),
            "count": queryset.count(),
        }


def _records():
    return Evidence.objects.select_related(
        "measure", "activity", "verified_by", "recorded_by"
    ).prefetch_related("files")


def _fetch(request: HttpRequest, evidence_id: int) -> Evidence:
    return get_visible_or_404(Evidence, request.actor, pk=evidence_id)


def _resolve(organisation, payload: EvidencePatch, fields: set[str]) -> dict:
    """Objects for the ids sent; an id that names nothing usable is a 400 on that field."""
    values: dict = {}
    problems: dict[str, list[str]] = {}
    if "measure_id" in fields:
        values["measure"] = Measure.objects.filter(pk=payload.measure_id).first()
        if values["measure"] is None:
            problems["measure_id"] = ["No measure has this id."]
    if "activity_id" in fields:
        values["activity"] = Activity.objects.filter(
            pk=payload.activity_id, organisation=organisation
        ).first()
        if values["activity"] is None:
            problems["activity_id"] = ["Your organisation has no activity with this id."]
    if "contract_id" in fields:
        values["contract"] = None
        if payload.contract_id is not None:
            values["contract"] = (
                services.provider_contracts(organisation).filter(pk=payload.contract_id).first()
            )
            if values["contract"] is None:
                problems["contract_id"] = ["Your organisation provides no contract with this id."]
    for name in ("quantity", "period_start", "period_end", "note"):
        if name in fields:
            values[name] = getattr(payload, name)
    if problems:
        raise ValidationError(problems)
    return values


def _api_names(error: ValidationError) -> ValidationError:
    names = {"measure": "measure_id", "activity": "activity_id", "contract": "contract_id"}
    return ValidationError({names.get(k, k): v for k, v in error.message_dict.items()})


@router.get("/evidence", response=answers(list[EvidenceOut]), summary="Evidence records")
@paginate(EvidencePages)
def list_evidence(
    request: HttpRequest,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    measure: Id | None = None,
    activity: Id | None = None,
    contract: Id | None = None,
    verification: Verification | None = None,
    team: str = "",
    area: str = "",
    search: str = "",
):
    """Records of your organisations matching every filter, newest period first: `date_from` and `date_to` keep periods that overlap them; `team` and `area` are the activity's."""
    filters = services.Filters(
        date_from=date_from,
        date_to=date_to,
        measure=measure,
        activity=activity,
        contract=contract,
        verification=verification or "",
        team=team,
        area=area,
        search=search,
    )
    records = services.search_evidence(request.actor, filters)
    return records.select_related(
        "measure", "activity", "verified_by", "recorded_by"
    ).prefetch_related("files")


@router.post(
    "/evidence", response=answers(EvidenceOut, 403, 404, status=201), summary="Record evidence"
)
def create_evidence(request: HttpRequest, payload: EvidenceIn):
    """Valued with the measure's proxy in the latest deflator year's prices; self-reported until files or a verifier say more."""
    organisation = organisation_to_act_for(request.actor, payload.organisation_id)
    fields = {
        "measure_id",
        "activity_id",
        "contract_id",
        "quantity",
        "period_start",
        "period_end",
        "note",
    }
    try:
        evidence = services.record_evidence(
            organisation=organisation,
            recorded_by=request.user,
            **_resolve(organisation, payload, fields),
        )
    except ValidationError as exc:
        raise _api_names(exc) from None
    return Status(201, _records().get(pk=evidence.pk))


class ImportOut(Schema):
    id: int
    organisation_id: int
    filename: str
    sha256: str = Field(description="The sha256 of the file's bytes, in hex.")
    records: int
    imported_at: dt.datetime
    imported_by: str | None
    confirmed_duplicate: bool = Field(
        description="True when the same content had been imported before and this was confirmed."
    )

    @staticmethod
    def resolve_imported_by(obj: EvidenceImport) -> str | None:
        return obj.imported_by.email if obj.imported_by_id else None


class RepeatOut(Schema):
    row: int = Field(description="The row's number in the file (the header is row 1).")
    measure: str
    activity: str
    period: str
    quantity: str
    repeats: str = Field(description="A record already saved, or an earlier row of the file.")

    @staticmethod
    def resolve_repeats(obj: importing.Repeat) -> str:
        return obj.what


class ImportedOut(Schema):
    imported: ImportOut
    total_value: Decimal = Field(description="Pounds in value_price_year prices.")
    value_price_year: int
    possible_duplicates: int = Field(
        description="Rows with the measure, activity, period and quantity of a record already "
        "saved or of an earlier row: imported, but worth a look."
    )
    repeats: list[RepeatOut] = Field(description=f"At most {importing.REPEATS_SHOWN} of them.")


class DuplicateOut(Schema):
    detail: str
    earlier_import: ImportOut


@router.post(
    "/evidence/imports",
    response={**answers(ImportedOut, 403, 404, status=201), 409: DuplicateOut},
    summary="Import evidence from a CSV or Excel file (multipart)",
)
def import_evidence(
    request: HttpRequest,
    file: File[UploadedFile],
    confirm_duplicate: Form[bool] = False,
    organisation_id: Form[Id | None] = None,
):
    """Send the file in the multipart field `file` (the columns of the web import). Every row is
    checked and all are saved or none: a bad row is a 400 naming each row and column. A file whose
    content was imported into the organisation before is a 409 naming the earlier import, unless
    `confirm_duplicate` is true. Rows that repeat a record are imported and listed in `repeats`."""
    organisation = organisation_to_act_for(request.actor, organisation_id)
    check_upload(file)
    with tempfile.TemporaryDirectory(prefix="socialvalue-import-") as folder:
        path = Path(folder) / "upload"
        with path.open("wb") as out:
            for chunk in file.chunks():
                out.write(chunk)
        try:
            plan = importing.run_import(
                path,
                organisation=organisation,
                user=request.user,
                filename=file.name or "upload",
                confirm_duplicate=confirm_duplicate,
            )
        except importing.DuplicateImport as refusal:
            return Status(409, {"detail": refusal.message, "earlier_import": refusal.earlier})
    return Status(
        201,
        {
            "imported": plan.saved,
            "total_value": plan.total_value,
            "value_price_year": services.report_price_year(),
            "possible_duplicates": plan.repeat_count,
            "repeats": plan.repeats,
        },
    )


class EvidenceInPriceYearOut(EvidenceOut):
    price_year: int = Field(description="The year whose prices value_in_price_year is in.")
    value_in_price_year: Decimal | None = Field(
        description="The value restated to price_year prices with the GDP deflator, as the "
        "council's portfolio restates a return line; null when counted, not valued."
    )
    warnings: list[str] = Field(
        description="Possible double counting: another measure that values the same change as "
        "this record's is claimed for its activity in a period that meets its own."
    )


@router.get(
    "/evidence/{evidence_id}",
    response=answers(EvidenceInPriceYearOut, 400, 404),
    summary="One evidence record",
)
def get_evidence(
    request: HttpRequest, evidence_id: Id, price_year: int | None = Query(None, ge=1, le=9999)
):
    """`price_year` (default: the organisation's reporting price year) must be in the deflator series."""
    evidence = _records().get(pk=_fetch(request, evidence_id).pk)
    year = check_price_year(
        evidence.organisation.reporting_price_year if price_year is None else price_year
    )
    evidence.price_year = year
    evidence.value_in_price_year = services.value_of(evidence, year)
    evidence.warnings = [w.text for w in services.overlap_warnings_for(evidence)]
    return evidence


@router.patch(
    "/evidence/{evidence_id}", response=answers(EvidenceOut, 403, 404), summary="Change evidence"
)
def update_evidence(request: HttpRequest, evidence_id: Id, payload: EvidencePatch):
    """Changes only the fields you send; changing what a verified record claims sends it back for checking."""
    evidence = _fetch(request, evidence_id)
    require_role(request.actor, evidence, "editor")
    fields = set(payload.model_dump(exclude_unset=True))
    try:
        services.update_evidence(
            evidence, by=request.user, **_resolve(evidence.organisation, payload, fields)
        )
    except ValidationError as exc:
        raise _api_names(exc) from None
    return _records().get(pk=evidence.pk)


@router.delete(
    "/evidence/{evidence_id}",
    response=answers(None, 403, 404, status=204),
    summary="Delete evidence",
)
def delete_evidence(request: HttpRequest, evidence_id: Id):
    """Editors delete records made in error; a verified record only an admin may delete."""
    evidence = _fetch(request, evidence_id)
    services.delete_evidence(
        evidence, membership=request.actor.membership_for(evidence.organisation_id)
    )
    return Status(204, None)


@router.post(
    "/evidence/{evidence_id}/verification",
    response=answers(EvidenceOut, 403, 404),
    summary="Verify, reject, or withdraw the decision",
)
def decide(request: HttpRequest, evidence_id: Id, payload: EvidenceDecisionIn):
    """An editor or an admin may settle records someone else recorded; whoever recorded a record is refused with 403 and a `detail`, whatever their role."""
    evidence = _fetch(request, evidence_id)
    membership = request.actor.membership_for(evidence.organisation_id)
    if payload.decision == "verify":
        services.verify(evidence, membership=membership)
    elif payload.decision == "reject":
        services.reject(evidence, membership=membership, reason=payload.reason)
    else:
        services.reopen(evidence, membership=membership)
    return _records().get(pk=evidence.pk)


@router.post(
    "/evidence/{evidence_id}/files",
    response=answers(list[EvidenceFileOut], 403, 404, status=201),
    summary="Attach files (multipart)",
)
def attach(request: HttpRequest, evidence_id: Id, file: File[list[UploadedFile]]):
    """Send one or more files in the multipart field `file`: PDF, Word, Excel, CSV, PNG or JPEG (judged by content) within the size limit."""
    evidence = _fetch(request, evidence_id)
    require_role(request.actor, evidence, "editor")
    stored = services.attach_files(evidence, list(file), uploaded_by=request.user)
    return Status(201, stored)


@router.get(
    "/evidence/{evidence_id}/files/{file_id}",
    response=answers(None, 404),
    url_name="evidence_file",
    summary="Download a file",
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
def download(request: HttpRequest, evidence_id: Id, file_id: Id):
    evidence = _fetch(request, evidence_id)
    return attachment(get_object_or_404(evidence.files, pk=file_id))


# --------------------------------------------------------------------------------------------
# The conversation on a record


class EvidenceMessageIn(Schema):
    body: str = Field(..., description="The message, up to 5,000 characters.")
    organisation_id: int | None = Field(
        None,
        description="The side written for, for someone in both the record's organisation and "
        "its contract's council.",
    )


class EvidenceMessageOut(Schema):
    id: int
    evidence_id: int
    organisation_id: int
    organisation_name: str
    author: str
    body: str
    created_at: dt.datetime


def _message_out(message) -> dict:
    author = message.author
    return {
        "id": message.id,
        "evidence_id": message.evidence_id,
        "organisation_id": message.organisation_id,
        "organisation_name": message.organisation.name,
        "author": (author.full_name or author.email) if author else "",
        "body": message.body,
        "created_at": message.created_at,
    }


@router.get(
    "/evidence/{evidence_id}/messages",
    response=answers(list[EvidenceMessageOut], 404),
    summary="The conversation on an evidence record",
)
def list_evidence_messages(request: HttpRequest, evidence_id: Id):
    """Between the record's organisation and, for a record delivered under a contract, the
    contract's council; oldest first."""
    evidence = services.evidence_in_conversation(request.actor, evidence_id)
    return [_message_out(m) for m in services.evidence_messages(evidence, request.actor)]


@router.post(
    "/evidence/{evidence_id}/messages",
    response=answers(EvidenceMessageOut, 403, 404, status=201),
    summary="Write on an evidence record's conversation",
)
def post_evidence_message(request: HttpRequest, evidence_id: Id, payload: EvidenceMessageIn):
    evidence = services.evidence_in_conversation(request.actor, evidence_id)
    message = services.post_evidence_message(
        evidence=evidence,
        actor=request.actor,
        body=payload.body,
        organisation_id=payload.organisation_id,
    )
    return Status(201, _message_out(message))
