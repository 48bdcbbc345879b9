"""API routes for contracts and commitments, provider returns, verification and the portfolio summary."""

import datetime as dt
import json
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from socialvalue.core.text import TextError, clean_text
from socialvalue.web.accounts.models import Organisation, Role
from socialvalue.web.api.schemas import Id, Pages, answers
from socialvalue.web.commissioning.models import Priority
from socialvalue.web.files.checks import FILE_TYPES
from socialvalue.web.files.schemas import StoredFileOut
from socialvalue.web.files.serving import attachment
from socialvalue.web.measures.models import Measure
from socialvalue.web.tenancy import get_visible_or_404, organisation_to_act_for, visible

from . import portfolio, services
from .models import Contract, DeliveryProfile, LineMessage, ReportingFrequency, Return, ReturnLine

router = Router(tags=["contracts"])


class ContractCommitmentOut(Schema):
    id: int
    measure_id: int | None
    title: str
    description: str
    target_quantity: Decimal
    unit: str
    proxy_value: Decimal | None
    proxy_source: str
    price_year: int | None
    value_type: str
    priority_id: int | None
    profile: str
    committed_value: Decimal


class ContractOut(Schema):
    id: int
    title: str
    reference: str
    description: str
    commissioner_id: int
    commissioner: str
    provider_id: int | None
    provider_name: str
    procurement_id: int | None
    bid_id: int | None
    value: Decimal
    start_date: dt.date
    end_date: dt.date
    reporting_frequency: str
    status: str
    commitments: list[ContractCommitmentOut]

    @staticmethod
    def resolve_commissioner(obj: Contract) -> str:
        return obj.commissioner.name

    @staticmethod
    def resolve_provider_name(obj: Contract) -> str:
        return obj.provider_label

    @staticmethod
    def resolve_commitments(obj: Contract) -> list:
        return list(obj.commitments.select_related("measure").order_by("position", "pk"))


class ContractDetailOut(ContractOut):
    warnings: list[str] = Field(
        description="Possible double counting: the contract commits to two measures that value "
        "the same change (for example a QALY and a WELLBY for the same people)."
    )

    @staticmethod
    def resolve_warnings(obj: Contract) -> list[str]:
        return [warning.text for warning in services.overlap_warnings(obj)]


class ContractCommitmentIn(Schema):
    measure_id: int | None = None
    description: str = Field("", max_length=300)
    target_quantity: Decimal = Field(..., ge=0, max_digits=18, decimal_places=4)
    unit: str = Field("", max_length=300)
    proxy_value: Decimal | None = Field(None, ge=0, max_digits=24, decimal_places=6)
    proxy_source: str = Field("", max_length=2000)
    price_year: int | None = Field(None, ge=1900, le=2100)
    priority_id: int | None = None
    profile: DeliveryProfile = DeliveryProfile.EVEN
    #: One per reporting period, adding up to the target; only with profile "custom".
    period_targets: list[Decimal] | None = Field(None, max_length=1000)


class ContractIn(Schema):
    """A contract entered directly (an awarded procurement makes its own)."""

    commissioner_id: int | None = Field(
        None, description="The commissioning organisation; needed if you belong to several."
    )
    provider_id: int | None = None
    provider_name: str = Field("", max_length=200)
    title: str = Field(..., min_length=1, max_length=300)
    reference: str = Field("", max_length=100)
    description: str = Field("", max_length=10000)
    value: Decimal = Field(..., ge=0, max_digits=18, decimal_places=2)
    start_date: dt.date
    end_date: dt.date
    reporting_frequency: ReportingFrequency = ReportingFrequency.QUARTERLY
    commitments: list[ContractCommitmentIn] = Field(default_factory=list, max_length=200)


class LineOut(Schema):
    id: int
    commitment_id: int
    target_quantity: Decimal
    target_value: Decimal
    reported_quantity: Decimal | None
    delivered_quantity: Decimal
    delivered_value: Decimal
    verified_quantity: Decimal
    verified_value: Decimal
    provider_note: str
    response: str
    verification: str
    reason: str
    verified_at: dt.datetime | None
    evidence_ids: list[int]

    @staticmethod
    def resolve_evidence_ids(obj: ReturnLine) -> list[int]:
        return sorted(record.pk for record in obj.evidence.all())


class ReturnFileOut(StoredFileOut):
    @staticmethod
    def resolve_download_url(obj) -> str:
        return reverse(
            "api:return_file", kwargs={"return_id": obj.period_return_id, "file_id": obj.pk}
        )


class ReturnOut(Schema):
    id: int
    contract_id: int
    period_index: int
    period_start: dt.date
    period_end: dt.date
    year: int
    status: str
    narrative: str
    submitted_at: dt.datetime | None
    lines: list[LineOut]
    files: list[ReturnFileOut]

    @staticmethod
    def resolve_lines(obj: Return) -> list:
        return list(obj.lines.order_by("commitment__position", "commitment_id"))

    @staticmethod
    def resolve_files(obj: Return) -> list:
        return list(obj.files.all())


class LineIn(Schema):
    commitment_id: int
    quantity: Decimal | None = Field(None, ge=0, max_digits=18, decimal_places=4)
    note: str = Field("", max_length=5000)
    response: str = Field("", max_length=5000)
    evidence_ids: list[int] | None = Field(
        None,
        description="The provider's evidence records backing the line: records of the "
        "commitment's measure under this contract (or no contract). Left as they are when absent.",
    )


class ReturnIn(Schema):
    """The provider's return for one period: figures per commitment and a narrative."""

    period_index: int = Field(..., ge=0, le=10000)
    narrative: str = Field("", max_length=20000)
    lines: list[LineIn] = Field(default_factory=list, max_length=1000)
    submit: bool = Field(True, description="False saves a draft.")


class ReturnDecisionIn(Schema):
    line_id: int
    verification: Literal["accepted", "queried", "rejected"]
    reason: str = Field("", max_length=5000)


class VerificationIn(Schema):
    decisions: list[ReturnDecisionIn] = Field(..., min_length=1, max_length=1000)


class FiguresOut(Schema):
    committed_value: Decimal
    committed_fiscal_value: Decimal
    committed_wider_value: Decimal
    delivered_value: Decimal
    delivered_fiscal_value: Decimal
    delivered_wider_value: Decimal
    verified_value: Decimal
    verified_fiscal_value: Decimal
    verified_wider_value: Decimal
    commitments: int
    contracts: int | None


class RowOut(FiguresOut):
    key: str
    label: str
    unit: str
    committed_units: Decimal
    delivered_units: Decimal
    verified_units: Decimal


class ComplianceOut(Schema):
    has_charter: bool
    threshold: Decimal | None
    minimum_outcomes: int | None
    minimum_social_value_weight: Decimal | None
    contracts_in_scope: int
    contracts_compliant: int
    share_compliant: float | None


class PortfolioOut(Schema):
    commissioner_id: int
    year: int | None
    year_label: str
    price_year: int = Field(
        description="Every pound is in this year's prices, restated from each proxy's price year "
        "with the GDP deflator and rounded to the penny once per figure."
    )
    commitments_not_restated: int = Field(
        description="Valued commitments left out of the pounds: their proxy has no price year "
        "in the deflator series."
    )
    totals: FiguresOut
    theme: list[RowOut]
    priority: list[RowOut]
    sdg: list[RowOut]
    provider: list[RowOut]
    by_year: list[RowOut]
    measure: list[RowOut]
    value_type: list[RowOut]
    charter_compliance: ComplianceOut


def _row(row: portfolio.Row) -> dict:
    f = row.figures
    return {
        **f.as_dict(),
        "key": row.key,
        "label": row.label,
        "unit": row.unit,
        "committed_units": f.committed_units,
        "delivered_units": f.delivered_units,
        "verified_units": f.verified_units,
    }


def _contract(request: HttpRequest, contract_id: Id) -> Contract:
    return get_visible_or_404(Contract, request.actor, pk=contract_id)


@router.get(
    "/contracts", response=answers(list[ContractOut]), summary="Contracts you commission or deliver"
)
@paginate(Pages)
def list_contracts(request: HttpRequest, role: Literal["commissioner", "provider"] | None = None):
    """Every contract one of your organisations commissions or delivers; `role` keeps one side."""
    contracts = visible(Contract, request.actor).select_related("commissioner", "provider")
    ids = request.actor.organisation_ids
    if role == "commissioner":
        contracts = contracts.filter(commissioner_id__in=ids)
    elif role == "provider":
        contracts = contracts.filter(provider_id__in=ids)
    return contracts.order_by("-start_date", "title", "pk")


@router.get(
    "/contracts/{contract_id}", response=answers(ContractDetailOut, 404), summary="One contract"
)
def get_contract(request: HttpRequest, contract_id: Id):
    return _contract(request, contract_id)


def _spec(
    data: ContractCommitmentIn, request: HttpRequest, commissioner
) -> services.CommitmentSpec:
    measure = (
        get_visible_or_404(Measure, request.actor, pk=data.measure_id)
        if data.measure_id is not None
        else None
    )
    priority = None
    if data.priority_id is not None:
        # Any of the council's priorities parses; the domain says whether it may be used.
        priority = Priority.objects.filter(pk=data.priority_id, organisation=commissioner).first()
        if priority is None:
            raise ValidationError({"priority_id": "Choose one of this council's priorities."})
    return services.CommitmentSpec(
        measure=measure,
        target_quantity=data.target_quantity,
        proxy_value=data.proxy_value,
        proxy_source=data.proxy_source,
        price_year=data.price_year,
        unit=data.unit,
        description=data.description,
        priority=priority,
        profile=data.profile,
        period_targets=data.period_targets,
    )


@router.post(
    "/contracts",
    response=answers(ContractOut, 403, 404, status=201),
    summary="Enter a contract directly",
)
def create_contract(request: HttpRequest, payload: ContractIn):
    """Make a contract with its reporting schedule and commitments, as its commissioner (editor)."""
    commissioner = organisation_to_act_for(request.actor, payload.commissioner_id, Role.EDITOR)
    provider = None
    if payload.provider_id is not None:
        provider = Organisation.objects.filter(
            pk=payload.provider_id, kind=Organisation.Kind.PROVIDER
        ).first()
        if provider is None:
            raise ValidationError({"provider_id": "No registered provider has this id."})
    contract = services.enter_contract(
        actor=request.actor,
        commissioner=commissioner,
        provider=provider,
        provider_name=payload.provider_name,
        title=payload.title,
        reference=payload.reference,
        description=payload.description,
        value=payload.value,
        start_date=payload.start_date,
        end_date=payload.end_date,
        reporting_frequency=payload.reporting_frequency,
        commitments=[_spec(data, request, commissioner) for data in payload.commitments],
    )
    return Status(201, contract)


@router.get(
    "/contracts/{contract_id}/returns",
    response=answers(list[ReturnOut], 404),
    summary="A contract's returns, one per reporting period",
)
@paginate(Pages)
def list_returns(request: HttpRequest, contract_id: Id):
    return _contract(request, contract_id).returns.order_by("period_index")


@router.post(
    "/contracts/{contract_id}/returns",
    response=answers(ReturnOut, 403, 404),
    summary="Save or submit the provider's return for a period",
)
def submit_return(request: HttpRequest, contract_id: Id, payload: ReturnIn):
    """As the provider (editor): figures for each commitment, by id; `submit: false` keeps a draft.

    Submitting needs a quantity for every open line; a queried line needs a `response`. Evidence
    files are attached on the return's page.
    """
    contract = _contract(request, contract_id)
    services.require_provider(request.actor, contract)
    period_return = contract.returns.filter(period_index=payload.period_index).first()
    if period_return is None:
        raise Http404("This contract has no reporting period with that index.")
    return services.submit_return(
        period_return=period_return,
        actor=request.actor,
        narrative=payload.narrative,
        lines=[
            services.LineReport(
                line.commitment_id, line.quantity, line.note, line.response, line.evidence_ids
            )
            for line in payload.lines
        ],
        submit=payload.submit,
    )


@router.post(
    "/returns/{return_id}/verification",
    response=answers(ReturnOut, 403, 404),
    summary="The commissioner's decision on lines of a submitted return",
)
def verify_return(request: HttpRequest, return_id: Id, payload: VerificationIn):
    """Accept, query or reject lines by id; a query or a rejection needs a `reason`."""
    period_return = get_visible_or_404(Return, request.actor, pk=return_id)
    return services.verify_lines(
        period_return=period_return,
        actor=request.actor,
        decisions=[
            services.Decision(d.line_id, d.verification, d.reason) for d in payload.decisions
        ],
    )


@router.post(
    "/returns/{return_id}/files",
    response=answers(list[ReturnFileOut], 403, 404, status=201),
    summary="Attach evidence to a return (multipart)",
)
def attach_files(request: HttpRequest, return_id: Id, file: File[list[UploadedFile]]):
    """As the provider, while the return is open to you: send one or more files in the multipart
    field `file` (PDF, Word, Excel, CSV, PNG or JPEG, judged by content) within the size limit."""
    period_return = get_visible_or_404(Return, request.actor, pk=return_id)
    stored = services.attach_evidence(
        period_return=period_return, actor=request.actor, uploads=list(file)
    )
    return Status(201, stored)


@router.get(
    "/returns/{return_id}/files/{file_id}",
    response=answers(None, 404),
    url_name="return_file",
    summary="Download a return's evidence file",
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
def download_file(request: HttpRequest, return_id: Id, file_id: Id):
    period_return = get_visible_or_404(Return, request.actor, pk=return_id)
    return attachment(get_object_or_404(period_return.files, pk=file_id))


class LineMessageOut(Schema):
    id: int
    line_id: int
    organisation_id: int
    organisation: str
    author: str | None
    body: str
    resubmitted_quantity: Decimal | None = Field(
        None, description="Set when the provider resubmitted the line's figures with this message."
    )
    file: ReturnFileOut | None
    created_at: dt.datetime

    @staticmethod
    def resolve_organisation(obj: LineMessage) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_author(obj: LineMessage) -> str | None:
        return (obj.author.full_name or obj.author.email) if obj.author_id else None


class ResubmitLineIn(Schema):
    """The provider's answer to a query on one line, with the line's corrected figures."""

    quantity: Decimal = Field(..., ge=0, max_digits=18, decimal_places=4)
    answer: str = Field(..., max_length=5000)
    note: str | None = Field(None, max_length=5000, description="Left as it was when absent.")


def _line(request: HttpRequest, return_id: int, line_id: int) -> ReturnLine:
    period_return = get_visible_or_404(Return, request.actor, pk=return_id)
    return get_object_or_404(
        ReturnLine.objects.select_related(
            "period_return__contract__commissioner",
            "period_return__contract__provider",
            "commitment__measure",
        ),
        period_return=period_return,
        pk=line_id,
    )


@router.get(
    "/returns/{return_id}/lines/{line_id}/messages",
    response=answers(list[LineMessageOut], 404),
    summary="The conversation on a return line",
)
def list_line_messages(request: HttpRequest, return_id: Id, line_id: Id):
    line = _line(request, return_id, line_id)
    return list(line.messages.select_related("organisation", "author", "file"))


@router.post(
    "/returns/{return_id}/lines/{line_id}/messages",
    response=answers(LineMessageOut, 403, 404, status=201),
    summary="Write on a return line's conversation (multipart, with an optional file)",
)
def post_line_message(
    request: HttpRequest,
    return_id: Id,
    line_id: Id,
    body: Form[str] = "",
    file: File[UploadedFile] = None,
    organisation_id: Form[Id | None] = None,
):
    """As an editor of the commissioner or the provider: the multipart field `body`, and
    optionally a `file` (checked like a return's evidence). Someone in both organisations names
    the side they write for with `organisation_id`. A message without a file may also be sent
    as JSON, `{"body": ..., "organisation_id": ...}`."""
    line = _line(request, return_id, line_id)
    if request.content_type == "application/json":
        body, organisation_id = _json_message(request)
    try:
        text = clean_text(body, "body", 5000)
    except TextError as error:
        raise ValidationError({"body": [error.message]}) from None
    message = services.post_line_message(
        line=line,
        actor=request.actor,
        body=text,
        upload=file,
        organisation_id=organisation_id,
    )
    return Status(201, message)


def _json_message(request: HttpRequest) -> tuple[str, int | None]:
    """A message sent as JSON (the text policy has already read the body: an object)."""
    data = json.loads(request.body or b"{}")
    body, organisation_id = data.get("body", ""), data.get("organisation_id")
    if not isinstance(body, str):
        raise ValidationError({"body": ["Send the message as text."]})
    if organisation_id is not None and (
        not isinstance(organisation_id, int) or isinstance(organisation_id, bool)
    ):
        raise ValidationError({"organisation_id": ["Send the organisation's id as a number."]})
    return body, organisation_id


@router.post(
    "/returns/{return_id}/lines/{line_id}/resubmit",
    response=answers(LineOut, 403, 404, 409),
    summary="Answer a query and resubmit that line alone",
)
def resubmit_line(request: HttpRequest, return_id: Id, line_id: Id, payload: ResubmitLineIn):
    """As the provider (editor), for a queried line: its corrected `quantity` and the `answer`,
    which goes into the line's conversation; the line goes back to the commissioner. 409 when
    the line is not queried."""
    line = _line(request, return_id, line_id)
    return services.resubmit_line(
        line=line,
        actor=request.actor,
        quantity=payload.quantity,
        answer=payload.answer,
        note=payload.note,
    )


@router.get(
    "/portfolio/summary",
    response=answers(PortfolioOut, 400, 403, 404),
    summary="Committed, delivered and verified social value across a council's contracts",
)
def portfolio_summary(
    request: HttpRequest,
    year: int | None = Query(None, ge=1900, le=2100),
    commissioner_id: int | None = None,
    price_year: int | None = Query(None, ge=1, le=9999),
):
    """`year` is a financial year by its first calendar year (2025 is April 2025 to March 2026).

    `price_year` (default: the council's reporting price year) is a year of the shipped GDP
    deflator series; outside it the answer is 400 naming `price_year`.
    """
    commissioner = organisation_to_act_for(request.actor, commissioner_id, Role.VIEWER)
    if not commissioner.is_commissioner:
        raise Http404("The portfolio is for commissioners.")
    summary = portfolio.summary(commissioner=commissioner, year=year, price_year=price_year)
    compliance = summary.compliance
    return {
        "commissioner_id": commissioner.pk,
        "year": year,
        "year_label": summary.year_label,
        "price_year": summary.price_year,
        "commitments_not_restated": summary.not_restated,
        "totals": summary.totals.as_dict(),
        **{
            key: [_row(r) for r in summary.rows[key]]
            for key in portfolio.DIMENSIONS
            if key != "year"
        },
        "by_year": [_row(r) for r in summary.rows["year"]],
        "charter_compliance": {
            "has_charter": compliance.has_charter,
            "threshold": compliance.threshold,
            "minimum_outcomes": compliance.minimum_outcomes,
            "minimum_social_value_weight": compliance.minimum_weight,
            "contracts_in_scope": compliance.in_scope,
            "contracts_compliant": compliance.compliant,
            "share_compliant": compliance.share,
        },
    }
