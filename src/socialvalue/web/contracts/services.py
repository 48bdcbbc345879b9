"""Making contracts and their commitments, the reporting schedule, returns, verification and delivery status.

Each action a page or an API route takes is one keyword-only function here that checks the
actor's side and role and holds the rules: `enter_contract`, `add_commitment`,
`remove_commitment`, `submit_return`, `attach_evidence` and `verify_lines`. Refusals are Django
`ValidationError`s by field (or for the whole form) and `PermissionDenied` (`FourEyes` when the
person would verify what they submitted or entered: `verification_refusal`). `create_contract`,
`save_return` and `verify_return` are the steps themselves, for callers that already hold the
right: the award, demo data and tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Count, DecimalField, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from socialvalue.core.bounds import date_problems
from socialvalue.core.delivery import (
    Rag,
    Status,
    counts_people,
    delivery_status,
    rag,
    spread_targets,
)
from socialvalue.core.money import CENT, ZERO, apportion
from socialvalue.core.periods import financial_year
from socialvalue.core.periods import reporting_periods as periods_of
from socialvalue.core.valuation import deflator, in_price_year, load_deflators
from socialvalue.web.accounts.models import Role
from socialvalue.web.errors import Conflict, FourEyes
from socialvalue.web.evidence.models import Evidence
from socialvalue.web.evidence.models import Verification as EvidenceVerification
from socialvalue.web.measures import services as measures
from socialvalue.web.measures.overlaps import OverlapWarning
from socialvalue.web.notifications import services as notifications
from socialvalue.web.notifications.models import Kind as NotificationKind

from .models import (
    Commitment,
    Contract,
    DeliveryProfile,
    LineMessage,
    LineReview,
    ReportingFrequency,
    Return,
    ReturnFile,
    ReturnLine,
)
from .sums import refresh_line_sums

# The pure rules (financial years, reporting periods, delivery profiles, status and RAG) are
# in core, tested without a database; they are imported here so pages, the API and reports keep
# finding them in the contracts domain.


def reporting_periods(
    start: dt.date, end: dt.date, frequency: str
) -> list[tuple[dt.date, dt.date]]:
    """Consecutive periods from `start`, each `frequency` long, the last one cut at `end`."""
    if end < start:
        raise ValidationError({"end_date": "The end date must be on or after the start date."})
    return periods_of(start, end, ReportingFrequency(frequency).months)


def profile_targets(
    total: Decimal,
    periods: Sequence[tuple[dt.date, dt.date]],
    profile: str,
    custom: Sequence[Decimal] | None = None,
    *,
    unit: str = "",
) -> list[Decimal]:
    """Split `total` over `periods`: evenly by days, front or back loaded, or as given (which must add up).

    A target counting people (`counts_people(unit)`) is split into whole people per period.
    """
    total = Decimal(total)
    count = len(periods)
    if profile == DeliveryProfile.CUSTOM:
        given = [Decimal(str(v)) for v in (custom or [])]
        if len(given) != count:
            raise ValidationError(
                {"period_targets": f"Give one target for each of the {count} reporting periods."}
            )
        if any(v < 0 for v in given):
            raise ValidationError({"period_targets": "A period's target cannot be negative."})
        if sum(given) != total:
            raise ValidationError(
                {
                    "period_targets": f"The period targets add up to {sum(given):f}, "
                    f"not the target quantity {total:f}."
                }
            )
        return given
    return spread_targets(total, periods, profile, whole=counts_people(unit))


def money(quantity: Decimal | None, proxy: Decimal | None) -> Decimal:
    if quantity is None or proxy is None:
        return ZERO
    return (Decimal(quantity) * Decimal(proxy)).quantize(CENT, ROUND_HALF_UP)


# ---------------------------------------------------------------------------------------------
# Making contracts and commitments.


@dataclass
class CommitmentSpec:
    """One commitment to add: the measure and quantity, and the proxy (the measure's unless given)."""

    measure: Any
    target_quantity: Decimal
    proxy_value: Decimal | None = None
    proxy_source: str = ""
    price_year: int | None = None
    unit: str = ""
    description: str = ""
    priority: Any = None
    profile: str = DeliveryProfile.EVEN
    period_targets: Sequence[Decimal] | None = None
    value_type: str = ""
    #: Take the measure's proxy when none is given (False keeps a commitment counted, not valued).
    use_measure_proxy: bool = True


@transaction.atomic
def create_contract(
    *,
    start_date: dt.date,
    end_date: dt.date,
    reporting_frequency: str = ReportingFrequency.QUARTERLY,
    procurement: Any = None,
    bid: Any = None,
    commissioner: Any = None,
    provider: Any = None,
    provider_name: str = "",
    title: str = "",
    reference: str = "",
    description: str = "",
    value: Decimal | None = None,
    commitments: Iterable[CommitmentSpec] = (),
    profile: str = DeliveryProfile.EVEN,
    created_by: Any = None,
) -> Contract:
    """Make a contract with its reporting schedule (one return per period) and its commitments.

    From an award: pass the `procurement` and the winning `bid`; the commissioner is the
    procurement's organisation, the provider the bidder (or the bidder's name when it is not
    registered), the value the bid's price and the title the procurement's, unless given. Every
    commitment of the bid becomes a commitment of the contract (measure, quantity, proxy value,
    proxy source, price year, priority) spread over the periods by `profile`.

    Entered directly: pass `commissioner`, the provider (or `provider_name`), `title`, `value`
    and any `commitments` (more can be added later with `add_commitment`).

    Raises ValidationError (by field) when something is missing or inconsistent.
    """
    if bid is not None:
        procurement = procurement or bid.procurement
        if bid.procurement_id != procurement.pk:
            raise ValidationError({"bid": "This bid was made for another procurement."})
        provider = provider or bid.bidder
        provider_name = provider_name or bid.bidder_name
        value = bid.price if value is None else value
    if procurement is not None:
        commissioner = commissioner or procurement.organisation
        title = title or procurement.title
        if procurement.organisation_id != commissioner.pk:
            raise ValidationError({"procurement": "This procurement belongs to another council."})
    problems: dict[str, str] = {}
    if commissioner is None:
        problems["commissioner"] = "Say which council commissions the contract."
    elif not commissioner.is_commissioner:
        problems["commissioner"] = f"{commissioner.name} is not a commissioning organisation."
    if provider is None and not (provider_name or "").strip():
        problems["provider"] = "Choose the provider, or type its name if it is not listed."
    if provider is not None and commissioner is not None and provider.pk == commissioner.pk:
        problems["provider"] = "The provider must be another organisation than the commissioner."
    if not (title or "").strip():
        problems["title"] = "Enter the contract's title."
    if value is None or Decimal(value) < 0:
        problems["value"] = "Enter the contract value in pounds (0 or more)."
    if start_date and end_date and end_date < start_date:
        problems["end_date"] = "The end date must be on or after the start date."
    problems.update(date_problems(start_date=start_date, end_date=end_date))
    if problems:
        raise ValidationError(problems)
    contract = Contract.objects.create(
        commissioner=commissioner,
        provider=provider,
        provider_name="" if provider is not None else provider_name.strip(),
        title=title.strip(),
        reference=reference.strip(),
        description=description,
        procurement=procurement,
        bid=bid,
        value=Decimal(value),
        start_date=start_date,
        end_date=end_date,
        reporting_frequency=reporting_frequency,
        created_by=created_by,
    )
    periods = reporting_periods(start_date, end_date, reporting_frequency)
    Return.objects.bulk_create(
        Return(
            contract=contract,
            period_index=i,
            period_start=first,
            period_end=last,
            year=financial_year(last),
        )
        for i, (first, last) in enumerate(periods)
    )
    specs = list(commitments)
    if bid is not None and not specs:
        specs = [_spec_from_bid_commitment(c, profile) for c in _bid_commitments(bid)]
    errors: dict[str, list[str]] = {}
    for index, spec in enumerate(specs):
        try:
            _add_commitment(contract, spec)
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                errors[f"commitments[{index}].{key}"] = messages
    if errors:
        raise ValidationError(errors)
    return contract


def enter_contract(*, actor: Any, commissioner: Any, **details: Any) -> Contract:
    """The commissioner (an editor) enters a contract directly, with any `commitments` specs.

    `details` are `create_contract`'s: the provider or its name, title, value, dates and so on.
    """
    actor.require(commissioner.pk, Role.EDITOR)
    details.pop("created_by", None)
    return create_contract(commissioner=commissioner, created_by=actor.user, **details)


def _bid_commitments(bid: Any) -> list:
    return list(bid.commitments.select_related("measure").order_by("position", "pk"))


def _spec_from_bid_commitment(offered: Any, profile: str) -> CommitmentSpec:
    return CommitmentSpec(
        measure=offered.measure,
        target_quantity=offered.quantity,
        proxy_value=offered.proxy_value,
        proxy_source=offered.proxy_source,
        price_year=offered.price_year,
        priority=offered.priority,
        description=offered.description,
        unit=offered.unit,
        value_type=offered.value_type,
        profile=profile,
    )


@transaction.atomic
def add_commitment(*, contract: Contract, actor: Any, spec: CommitmentSpec) -> Commitment:
    """The commissioner adds a commitment: a target line in every return, profiled over the periods."""
    require_commissioner(actor, contract)
    return _add_commitment(contract, spec)


def _add_commitment(contract: Contract, spec: CommitmentSpec) -> Commitment:
    measure = spec.measure
    quantity = Decimal(str(spec.target_quantity))
    problems: dict[str, str] = {}
    if quantity < 0:
        problems["target_quantity"] = "The target quantity cannot be negative."
    if measure is None and not spec.description.strip():
        problems["measure"] = "Choose a measure, or describe the outcome committed to."
    if spec.priority is not None and spec.priority.organisation_id != contract.commissioner_id:
        problems["priority"] = "Choose one of this council's priorities."
    elif spec.priority is not None and not spec.priority.active:
        problems["priority"] = (
            f"“{spec.priority.title}” is no longer a charter priority: choose a current one."
        )
    proxy = spec.proxy_value
    source = spec.proxy_source
    price_year = spec.price_year
    if measure is not None and proxy is None and spec.use_measure_proxy:
        proxy = measure.proxy_value
        source = source or measure.source
        price_year = price_year or measure.price_year
    if proxy is not None and Decimal(proxy) < 0:
        problems["proxy_value"] = "The proxy value cannot be negative."
    unit = spec.unit or (measure.unit if measure is not None else "")
    if not unit.strip():
        problems["unit"] = "Enter the unit the quantity is counted in."
    if problems:
        raise ValidationError(problems)
    returns = list(contract.returns.order_by("period_index"))
    targets = profile_targets(
        quantity,
        [(r.period_start, r.period_end) for r in returns],
        spec.profile,
        spec.period_targets,
        unit=unit,
    )
    committed = money(quantity, proxy)
    commitment = Commitment.objects.create(
        contract=contract,
        measure=measure,
        priority=spec.priority,
        description=spec.description,
        target_quantity=quantity,
        unit=unit,
        proxy_value=proxy,
        proxy_source=source or "",
        price_year=price_year,
        value_type=spec.value_type or (measure.value_type if measure is not None else ""),
        profile=spec.profile,
        committed_value=committed,
        position=contract.commitments.count(),
    )
    values = apportion(committed, targets, CENT) if proxy is not None else [ZERO] * len(targets)
    ReturnLine.objects.bulk_create(
        ReturnLine(
            period_return=r,
            commitment=commitment,
            commissioner_id=contract.commissioner_id,
            year=r.year,
            period_end=r.period_end,
            target_quantity=target,
            target_value=target_value,
        )
        for r, target, target_value in zip(returns, targets, values, strict=True)
    )
    refresh_line_sums([commitment.pk])
    return commitment


@transaction.atomic
def remove_commitment(*, commitment: Commitment, actor: Any) -> None:
    """The commissioner removes a commitment nobody has reported on yet."""
    require_commissioner(actor, commitment.contract)
    if commitment.lines.exclude(reported_quantity=None).exists():
        raise ValidationError(
            "This commitment has been reported on in a return, so it cannot be removed."
        )
    commitment.delete()


# ---------------------------------------------------------------------------------------------
# Who may do what (after the tenancy path has found the contract).


def is_commissioner(actor: Any, contract: Contract) -> bool:
    return contract.commissioner_id in actor.organisation_ids


def is_provider(actor: Any, contract: Contract) -> bool:
    return contract.provider_id is not None and contract.provider_id in actor.organisation_ids


def require_commissioner(actor: Any, contract: Contract, role: str = Role.EDITOR) -> None:
    if not is_commissioner(actor, contract):
        raise PermissionDenied("Only the commissioner of this contract can do this.")
    actor.require(contract.commissioner_id, role)


def require_provider(actor: Any, contract: Contract, role: str = Role.EDITOR) -> None:
    if not is_provider(actor, contract):
        raise PermissionDenied("Only the provider of this contract can do this.")
    actor.require(contract.provider_id, role)


# ---------------------------------------------------------------------------------------------
# Returns: the provider reports, the commissioner verifies.


LINE_REPORT_FIELDS = [
    "reported_quantity",
    "provider_note",
    "response",
    "reported_by",
    "verification",
    "verified_by",
    "verified_at",
    "delivered_quantity",
    "delivered_value",
    "verified_quantity",
    "verified_value",
]
LINE_DECISION_FIELDS = [
    "verification",
    "reason",
    "verified_by",
    "verified_at",
    "delivered_quantity",
    "delivered_value",
    "verified_quantity",
    "verified_value",
]


@dataclass
class LineReport:
    commitment_id: int
    quantity: Decimal | None
    note: str = ""
    response: str = ""
    #: The evidence records backing the line (`offered_evidence`); None leaves them as they are.
    evidence_ids: Sequence[int] | None = None


def offered_evidence(contract: Contract, commitment: Commitment):
    """The provider's evidence records a return line for `commitment` may cite.

    A record is under the contract when it names the contract or its activity delivers the
    contract. Offered: records of the commitment's measure under this contract or under no
    contract at all, or, for a commitment without a measure, any record under this contract.
    Rejected records are not offered. Newest period first.
    """
    if contract.provider_id is None:
        return Evidence.objects.none()
    records = Evidence.objects.filter(organisation_id=contract.provider_id).exclude(
        verification=EvidenceVerification.REJECTED
    )
    under_contract = Q(contract=contract) | Q(activity__contract=contract)
    if commitment.measure_id is not None:
        records = records.filter(measure_id=commitment.measure_id).filter(
            under_contract | Q(contract__isnull=True, activity__contract__isnull=True)
        )
    else:
        records = records.filter(under_contract)
    return records.select_related("measure").order_by("-period_start", "-pk")


def _check_open(period_return: Return, today: dt.date | None = None) -> None:
    today = today or timezone.localdate()
    if period_return.period_start > today:
        raise ValidationError("This reporting period has not started yet.")
    if not period_return.is_open_to_provider:
        raise ValidationError(
            "This return has been submitted: it can be changed only when the commissioner queries a line."
        )


def submit_return(
    *,
    period_return: Return,
    actor: Any,
    narrative: str,
    lines: Iterable[LineReport],
    files: Iterable[Any] = (),
    submit: bool = True,
) -> Return:
    """The provider (an editor) saves its figures for a period; with `submit`, sends them for review."""
    require_provider(actor, period_return.contract)
    with transaction.atomic():
        saved = save_return(
            period_return,
            by=actor.user,
            narrative=narrative,
            lines=lines,
            files=files,
            submit=submit,
        )
        if submit:
            tell_return_submitted(saved, by=actor.user)
    return saved


def _return_link(period_return: Return) -> str:
    return reverse("contracts:return", kwargs={"return_id": period_return.pk})


def tell_return_submitted(period_return: Return, *, by: Any = None) -> None:
    """The council's editors hear that a return (or a line of it) was submitted for review."""
    contract = period_return.contract
    notifications.notify_members(
        NotificationKind.RETURN_SUBMITTED,
        contract.commissioner,
        title=f"{contract.provider_label} submitted the return for {contract.title}, "
        f"{period_return.period_label}",
        link=_return_link(period_return),
        key=f"return-submitted:{period_return.pk}:{period_return.submitted_at:%Y%m%dT%H%M%S.%f}",
        skip=by,
    )


_DECISION_KINDS = {
    LineReview.ACCEPTED: (NotificationKind.LINE_ACCEPTED, "accepted"),
    LineReview.QUERIED: (NotificationKind.LINE_QUERIED, "queried"),
    LineReview.REJECTED: (NotificationKind.LINE_REJECTED, "rejected"),
}


def tell_decisions(period_return: Return, lines: Sequence[ReturnLine], *, by: Any = None) -> None:
    """The provider's editors hear of the council's decisions: one notice per kind of decision."""
    contract = period_return.contract
    if contract.provider is None:
        return
    for verification, (kind, word) in _DECISION_KINDS.items():
        decided = [line for line in lines if line.verification == verification]
        if not decided:
            continue
        titles = ", ".join(line.commitment.title for line in decided)
        stamp = max(line.verified_at for line in decided)
        notifications.notify_members(
            kind,
            contract.provider,
            title=f"{contract.commissioner.name} {word} {titles} in the return for "
            f"{contract.title}, {period_return.period_label}",
            link=_return_link(period_return),
            key=f"line-{word}:{period_return.pk}:"
            + ",".join(str(line.pk) for line in decided)
            + f":{stamp:%Y%m%dT%H%M%S.%f}",
            skip=by,
        )


def _open_lines(period_return: Return) -> list[ReturnLine]:
    """The lines the provider may still change: pending or queried (only queried once reviewed)."""
    lines = list(
        period_return.lines.select_related("commitment").filter(
            verification__in=[LineReview.PENDING, LineReview.QUERIED]
        )
    )
    if period_return.status == Return.Status.REVIEWED:
        lines = [line for line in lines if line.verification == LineReview.QUERIED]
    return lines


def _submission_problems(open_lines: Iterable[ReturnLine]) -> dict[str, list[str]]:
    """What stops the lines being submitted: a quantity not entered, a query not answered."""
    problems: dict[str, list[str]] = {}
    for line in open_lines:
        if line.reported_quantity is None:
            problems.setdefault(f"quantity-{line.commitment_id}", []).append(
                f"Enter the quantity delivered for {line.commitment.title}, 0 if none."
            )
        elif line.verification == LineReview.QUERIED and not line.response.strip():
            problems.setdefault(f"response-{line.commitment_id}", []).append(
                "Answer the commissioner's query before resubmitting."
            )
    return problems


def submission_problems(period_return: Return) -> dict[str, list[str]]:
    """What would stop the saved return being submitted now, keyed as `save_return` keys them.

    The page checks this after saving a draft, before it shows the provider their answers to
    check: the same rules `submit_return` applies when the return is sent.
    """
    return _submission_problems(_open_lines(period_return))


def saved_reports(period_return: Return) -> list[LineReport]:
    """The provider's saved figures for the open lines, as `submit_return` takes them.

    The check-your-answers page submits exactly what it showed: what was saved.
    """
    return [
        LineReport(
            commitment_id=line.commitment_id,
            quantity=line.reported_quantity,
            note=line.provider_note,
            response=line.response,
            evidence_ids=tuple(line.evidence.values_list("pk", flat=True)),
        )
        for line in _open_lines(period_return)
    ]


@transaction.atomic
def save_return(
    period_return: Return,
    *,
    by: Any,
    narrative: str,
    lines: Iterable[LineReport],
    files: Iterable[Any] = (),
    submit: bool = False,
) -> Return:
    """Save the provider's figures, narrative and evidence; with `submit`, send the return for verification.

    A queried line can be changed and answered; accepted and rejected lines stay as decided.
    Submitting needs a quantity for every line that is still open. Problems are keyed
    `quantity-<commitment id>` and `response-<commitment id>`.
    """
    period_return = Return.objects.select_for_update().get(pk=period_return.pk)
    _check_open(period_return)
    reports = {r.commitment_id: r for r in lines}
    known = set(period_return.contract.commitments.values_list("pk", flat=True))
    unknown = sorted(set(reports) - known)
    if unknown:
        raise ValidationError({"lines": f"Not commitments of this contract: {unknown}."})
    open_lines = _open_lines(period_return)
    cited: dict[int, set[int]] = {}
    problems: dict[str, list[str]] = {}
    for line in open_lines:
        report = reports.get(line.commitment_id)
        if report is None:
            continue
        if report.quantity is not None and Decimal(report.quantity) < 0:
            problems.setdefault(f"quantity-{line.commitment_id}", []).append(
                "The quantity delivered cannot be negative."
            )
            continue
        before = (line.reported_quantity, line.provider_note, line.response)
        line.reported_quantity = None if report.quantity is None else Decimal(str(report.quantity))
        line.provider_note = report.note or ""
        if line.verification == LineReview.QUERIED:
            line.response = report.response or ""
        if report.evidence_ids is not None:
            chosen = {int(pk) for pk in report.evidence_ids}
            offered = set(
                offered_evidence(period_return.contract, line.commitment)
                .filter(pk__in=chosen)
                .values_list("pk", flat=True)
            )
            if chosen - offered:
                problems.setdefault(f"evidence-{line.commitment_id}", []).append(
                    f"Choose evidence recorded for {line.commitment.title} under this contract."
                )
                continue
            if chosen != set(line.evidence.values_list("pk", flat=True)):
                cited[line.pk] = chosen
                line.reported_by = by
        if (line.reported_quantity, line.provider_note, line.response) != before:
            line.reported_by = by
    if submit:
        for key, messages in _submission_problems(open_lines).items():
            problems.setdefault(key, []).extend(messages)
    if problems:
        raise ValidationError(problems)
    for line in open_lines:
        if submit:
            line.verification = LineReview.PENDING
            line.verified_by = None
            line.verified_at = None
        _count(line, submitted=submit)
    # Saved one by one (a return has a line per commitment) so the audit trail records each change.
    for line in open_lines:
        line.save(update_fields=LINE_REPORT_FIELDS)
        if line.pk in cited:
            line.evidence.set(cited[line.pk])
    refresh_line_sums([line.commitment_id for line in open_lines], [period_return.year])
    period_return.narrative = narrative
    for upload in files:
        ReturnFile.store(
            upload,
            organisation=period_return.contract.provider,
            uploaded_by=by,
            period_return=period_return,
        )
    if submit:
        period_return.status = Return.Status.SUBMITTED
        period_return.submitted_by = by
        period_return.submitted_at = timezone.now()
    elif period_return.status == Return.Status.DUE:
        period_return.status = Return.Status.DRAFT
    period_return.save()
    return period_return


@transaction.atomic
def attach_evidence(*, period_return: Return, actor: Any, uploads: Iterable[Any]) -> list:
    """Attach files to a return the provider may still change; each is checked by content and size."""
    require_provider(actor, period_return.contract)
    _check_open(period_return)
    return [
        ReturnFile.store(
            upload,
            organisation=period_return.contract.provider,
            uploaded_by=actor.user,
            period_return=period_return,
        )
        for upload in uploads
    ]


def _count(line: ReturnLine, *, submitted: bool) -> None:
    """Set what a line counts as delivered and verified from its report and decision."""
    proxy = line.commitment.proxy_value
    counts = submitted and line.verification != LineReview.REJECTED
    quantity = line.reported_quantity if counts and line.reported_quantity is not None else ZERO
    line.delivered_quantity = quantity
    line.delivered_value = money(quantity, proxy)
    accepted = submitted and line.verification == LineReview.ACCEPTED
    line.verified_quantity = quantity if accepted else ZERO
    line.verified_value = line.delivered_value if accepted else ZERO


@dataclass
class Decision:
    line_id: int
    verification: str
    reason: str = ""


#: Four eyes: whoever submitted a return, or entered a line's figures, does not decide on it.
SUBMITTED_IT = "You submitted this return, so someone else must verify it."
ENTERED_IT = "You entered the figures for {titles}, so someone else must verify {them}."


def verification_refusal(
    period_return: Return, user: Any, lines: Iterable[ReturnLine] = ()
) -> FourEyes | None:
    """Why `user` may not accept, query or reject the return (or these lines of it), or None.

    Whatever their role, a person who submitted the return, or entered the figures of a line
    (a council member who also belongs to the provider, say, filling it in on its behalf), does
    not verify it: "accepted" always means a second person looked.
    """
    if user is None or user.pk is None:
        return None
    if period_return.submitted_by_id == user.pk:
        return FourEyes(SUBMITTED_IT)
    entered = [line for line in lines if line.reported_by_id == user.pk]
    if entered:
        titles = " and ".join(f"“{line.commitment.title}”" for line in entered)
        them = "them" if len(entered) > 1 else "it"
        return FourEyes(ENTERED_IT.format(titles=titles, them=them), field=f"line-{entered[0].pk}")
    return None


def verify_lines(*, period_return: Return, actor: Any, decisions: Iterable[Decision]) -> Return:
    """The commissioner (an editor) accepts, queries or rejects lines of a submitted return.

    Nobody decides on a return they submitted, or a line whose figures they entered, whatever
    their role (`verification_refusal`, checked in `verify_return`): FourEyes, a 403.
    """
    require_commissioner(actor, period_return.contract)
    decisions = list(decisions)
    with transaction.atomic():
        verified = verify_return(period_return, by=actor.user, decisions=decisions)
        decided = {d.line_id for d in decisions}
        lines = [
            line
            for line in verified.lines.select_related("commitment__measure")
            if line.pk in decided
        ]
        tell_decisions(verified, lines, by=actor.user)
    return verified


@transaction.atomic
def verify_return(period_return: Return, *, by: Any, decisions: Iterable[Decision]) -> Return:
    """Record the commissioner's decision on lines of a submitted return; a reason is needed to query or reject.

    Once every line is decided the return is reviewed; a queried line sends it back to the provider.
    Problems are keyed `line-<line id>`. `by` may not be who submitted the return or entered the
    figures of a line decided (`verification_refusal`): that raises FourEyes, demo data included.
    """
    period_return = Return.objects.select_for_update().get(pk=period_return.pk)
    if period_return.status != Return.Status.SUBMITTED:
        raise ValidationError("Only a submitted return can be verified.")
    refusal = verification_refusal(period_return, by)
    if refusal:
        raise refusal
    decisions = [d for d in decisions if d.verification != LineReview.PENDING]
    if not decisions:
        raise ValidationError("Choose a decision for at least one line.")
    lines = {line.pk: line for line in period_return.lines.select_related("commitment__measure")}
    refusal = verification_refusal(
        period_return, by, [lines[d.line_id] for d in decisions if d.line_id in lines]
    )
    if refusal:
        raise refusal
    problems: dict[str, list[str]] = {}
    changed = []
    now = timezone.now()
    for decision in decisions:
        line = lines.get(decision.line_id)
        if line is None:
            problems.setdefault(f"line-{decision.line_id}", []).append(
                "There is no such line in this return."
            )
            continue
        if decision.verification not in LineReview.values:
            problems.setdefault(f"line-{line.pk}", []).append("Choose accept, query or reject.")
            continue
        if decision.verification == LineReview.PENDING:
            continue
        reason = (decision.reason or "").strip()
        if decision.verification in (LineReview.QUERIED, LineReview.REJECTED) and not reason:
            word = "query" if decision.verification == LineReview.QUERIED else "rejection"
            problems.setdefault(f"line-{line.pk}", []).append(
                f"Give the reason for the {word} of {line.commitment.title}."
            )
            continue
        line.verification = decision.verification
        line.reason = reason
        line.verified_by = by
        line.verified_at = now
        _count(line, submitted=True)
        changed.append(line)
    if problems:
        raise ValidationError(problems)
    for line in changed:
        line.save(update_fields=LINE_DECISION_FIELDS)
    refresh_line_sums([line.commitment_id for line in changed], [period_return.year])
    pending = [line for line in lines.values() if line.verification == LineReview.PENDING]
    if not pending:
        period_return.status = Return.Status.REVIEWED
        period_return.reviewed_at = now
        period_return.save(update_fields=["status", "reviewed_at"])
    return period_return


# ---------------------------------------------------------------------------------------------
# Conversations on return lines, and a queried line answered and resubmitted on its own.


def writing_for(actor: Any, contract: Contract, organisation_id: int | None = None) -> Any:
    """The side (the commissioner or the provider) the actor writes for on this contract.

    Someone in both organisations writes for `organisation_id` (their current one on a page)
    when it is one of the two, else for the commissioner.
    """
    sides = [
        org
        for org in (contract.commissioner, contract.provider)
        if org is not None and org.pk in actor.organisation_ids
    ]
    if not sides:
        raise PermissionDenied(
            "Only the commissioner and the provider of this contract can write here."
        )
    chosen = next((org for org in sides if org.pk == organisation_id), sides[0])
    actor.require(chosen.pk, Role.EDITOR)
    return chosen


def _message_problems(body: str) -> dict[str, list[str]]:
    if not (body or "").strip():
        return {"body": ["Write your message."]}
    return {}


def _other_side(contract: Contract, side: Any) -> Any:
    return contract.provider if side.pk == contract.commissioner_id else contract.commissioner


@transaction.atomic
def post_line_message(
    *,
    line: ReturnLine,
    actor: Any,
    body: str,
    upload: Any = None,
    organisation_id: int | None = None,
) -> LineMessage:
    """A message (and optionally a file) from the council or the provider on a return line.

    The file goes through the same checks as a return's evidence (content and size) and is kept
    with the return's files; the other side's editors are told.
    """
    contract = line.period_return.contract
    side = writing_for(actor, contract, organisation_id)
    problems = _message_problems(body)
    if problems:
        raise ValidationError(problems)
    return _add_message(line, side=side, by=actor.user, body=body.strip(), upload=upload)


def _add_message(
    line: ReturnLine, *, side: Any, by: Any, body: str, upload: Any = None, quantity: Any = None
) -> LineMessage:
    stored = None
    if upload is not None:
        stored = ReturnFile.store(
            upload, organisation=side, uploaded_by=by, period_return=line.period_return
        )
    message = LineMessage.objects.create(
        line=line,
        organisation=side,
        author=by,
        body=body,
        file=stored,
        resubmitted_quantity=quantity,
    )
    contract = line.period_return.contract
    other = _other_side(contract, side)
    if other is not None and quantity is None:
        notifications.notify_members(
            NotificationKind.LINE_MESSAGE,
            other,
            title=f"{side.name} wrote about {line.commitment.title} in the return for "
            f"{contract.title}, {line.period_return.period_label}",
            link=line_link(line),
            key=f"line-message:{message.pk}",
            skip=by,
        )
    return message


def line_link(line: ReturnLine) -> str:
    return reverse(
        "contracts:return_line",
        kwargs={"return_id": line.period_return_id, "line_id": line.pk},
    )


@transaction.atomic
def resubmit_line(
    *,
    line: ReturnLine,
    actor: Any,
    quantity: Decimal | None,
    answer: str,
    note: str | None = None,
    upload: Any = None,
) -> ReturnLine:
    """The provider answers a query in the line's conversation and resubmits that line alone.

    The line takes the new figures (its note too, when given), goes back to the council for a
    decision, and the return is submitted again for it; the other lines stay as they were
    decided. The line's sums follow at once. Problems are keyed `quantity` and `answer`.
    """
    contract = line.period_return.contract
    require_provider(actor, contract)
    period_return = Return.objects.select_for_update().get(pk=line.period_return_id)
    line = ReturnLine.objects.select_related("commitment__measure").get(pk=line.pk)
    if line.verification != LineReview.QUERIED:
        raise Conflict(
            "Only a queried line can be answered and resubmitted on its own.", field="answer"
        )
    problems: dict[str, list[str]] = {}
    if quantity is None:
        problems["quantity"] = [
            f"Enter the quantity delivered for {line.commitment.title}, 0 if none."
        ]
    elif Decimal(quantity) < 0:
        problems["quantity"] = ["The quantity delivered cannot be negative."]
    if not (answer or "").strip():
        problems["answer"] = ["Answer the commissioner's query."]
    if problems:
        raise ValidationError(problems)
    line.reported_quantity = Decimal(str(quantity))
    if note is not None:
        line.provider_note = note
    line.response = answer.strip()
    line.reported_by = actor.user
    line.verification = LineReview.PENDING
    line.verified_by = None
    line.verified_at = None
    _count(line, submitted=True)
    line.save(update_fields=LINE_REPORT_FIELDS)
    refresh_line_sums([line.commitment_id], [period_return.year])
    provider = contract.provider
    _add_message(
        line,
        side=provider,
        by=actor.user,
        body=line.response,
        upload=upload,
        quantity=line.reported_quantity,
    )
    period_return.status = Return.Status.SUBMITTED
    period_return.submitted_by = actor.user
    period_return.submitted_at = timezone.now()
    period_return.save(update_fields=["status", "submitted_by", "submitted_at"])
    notifications.notify_members(
        NotificationKind.REPLY_RECEIVED,
        contract.commissioner,
        title=f"{contract.provider_label} answered your query on {line.commitment.title} and "
        f"resubmitted it, in the return for {contract.title}, {period_return.period_label}",
        link=line_link(line),
        key=f"line-reply:{line.pk}:{period_return.submitted_at:%Y%m%dT%H%M%S.%f}",
        skip=actor.user,
    )
    return line


# ---------------------------------------------------------------------------------------------
# Progress against targets, in SQL.

_DEC = DecimalField(max_digits=20, decimal_places=4)


def _sum(field: str, condition: Q | None = None, prefix: str = "lines__"):
    expression = F(prefix + field)
    if condition is not None:
        expression = Case(When(condition, then=expression), default=Value(ZERO), output_field=_DEC)
    return Coalesce(Sum(expression, output_field=_DEC), Value(ZERO), output_field=_DEC)


# ---------------------------------------------------------------- double counting


def overlap_warnings(contract: Contract) -> list[OverlapWarning]:
    """Where the contract commits to two measures that value the same change (a QALY and a
    WELLBY): every commitment runs over the whole contract, so both are claimed together."""
    claims = Commitment.objects.filter(contract=contract, measure__isnull=False)
    return measures.overlapping_claims(
        claims,
        fields=("measure_id", "contract_id", "contract__start_date", "contract__end_date"),
        where={contract.pk: contract.title},
    )


def return_overlap_warnings(period_return: Return) -> list[OverlapWarning]:
    """Where a return reports quantities of two measures that value the same change for its
    period (lines left blank, at nothing or rejected claim nothing)."""
    claims = period_return.lines.filter(
        commitment__measure__isnull=False, reported_quantity__gt=0
    ).exclude(verification=LineReview.REJECTED)
    return measures.overlapping_claims(
        claims,
        fields=(
            "commitment__measure_id",
            "period_return__contract_id",
            "period_return__period_start",
            "period_return__period_end",
        ),
        where={period_return.contract_id: period_return.contract.title},
    )


def commitment_progress(commitments, today: dt.date | None = None):
    """Commitments annotated with their target to date, delivered and verified quantities and values."""
    today = today or timezone.localdate()
    due = Q(lines__period_end__lte=today)
    return commitments.annotate(
        reported_lines=Count("lines", filter=Q(lines__reported_quantity__isnull=False)),
        target_to_date=_sum("target_quantity", due),
        target_value_to_date=_sum("target_value", due),
        delivered=_sum("delivered_quantity"),
        delivered_value_total=_sum("delivered_value"),
        verified=_sum("verified_quantity"),
        verified_value_total=_sum("verified_value"),
    )


def with_status(commitments: Iterable[Commitment]) -> list[Commitment]:
    rows = list(commitments)
    for c in rows:
        c.status = delivery_status(c.delivered, c.target_to_date)
        c.status_label = Status.LABELS[c.status]
        c.status_tag = Status.TAGS[c.status]
        c.share_to_date = (c.delivered / c.target_to_date) if c.target_to_date else None
    return rows


def restate_commitments(commitments: list, price_year: int) -> dict[str, Decimal]:
    """Restate each commitment's sums to `price_year` (a commitment has one proxy price year).

    Sets `*_restated` on each commitment (to the penny) and returns the totals, each the sum of
    value / D[proxy's year] restated and rounded once, as the portfolio does. A commitment whose
    proxy has no price year in the deflator series is left out of the pounds (`not_restated`).
    """
    series = load_deflators().index
    fields = {
        "committed_value": "committed",
        "target_value_to_date": "target_to_date",
        "delivered_value_total": "delivered",
        "verified_value_total": "verified",
    }
    real = dict.fromkeys([*fields.values(), "fiscal"], Decimal(0))
    for c in commitments:
        c.restatable = c.proxy_value is None or c.price_year in series
        index = deflator(c.price_year) if c.price_year in series else None
        for field, key in fields.items():
            value = Decimal(getattr(c, field) or 0)
            if index is None:
                setattr(c, f"{field}_restated", None if value else Decimal(0))
                continue
            setattr(c, f"{field}_restated", in_price_year(value / index, price_year))
            real[key] += value / index
            if key == "delivered" and c.is_fiscal:
                real["fiscal"] += value / index
    totals = {key: in_price_year(value, price_year) for key, value in real.items()}
    totals["not_restated"] = sum(1 for c in commitments if not c.restatable)
    return totals


def label_rag(
    contracts: Iterable[Contract], today: dt.date | None = None, *, price_year: int | None = None
) -> list[Contract]:
    """Give each contract its RAG, overdue returns, returns awaiting review and committed value.

    The sums per commitment come from one grouped SQL query for all the contracts given (a page).
    With `price_year`, the committed value adds each commitment's value over the deflator of its
    proxy's price year, restated and rounded once (`in_price_year`), as the portfolio does; a
    valued commitment whose proxy year is outside the series is left out and counted
    (`committed_not_restated`). Without it, the values are added as stated.
    """
    rows = list(contracts)
    today = today or timezone.localdate()
    ids = [c.pk for c in rows]
    per_commitment = commitment_progress(Commitment.objects.filter(contract_id__in=ids), today)
    series = load_deflators().index
    behind: dict[int, int] = {}
    due: dict[int, int] = {}
    committed: dict[int, Decimal] = {}
    left_out: dict[int, int] = {}
    for contract_id, target, delivered, value, proxy_year in per_commitment.values_list(
        "contract_id", "target_to_date", "delivered", "committed_value", "price_year"
    ):
        if price_year is None:
            committed[contract_id] = committed.get(contract_id, ZERO) + value
        elif proxy_year in series:
            committed[contract_id] = committed.get(contract_id, ZERO) + value / deflator(proxy_year)
        elif value:
            left_out[contract_id] = left_out.get(contract_id, 0) + 1
        if target > 0:
            due[contract_id] = due.get(contract_id, 0) + 1
            if delivery_status(delivered, target) == Status.BEHIND:
                behind[contract_id] = behind.get(contract_id, 0) + 1
    returns = (
        Return.objects.filter(contract_id__in=ids)
        .values("contract_id")
        .annotate(
            overdue=Count(
                "pk",
                filter=Q(status__in=[Return.Status.DUE, Return.Status.DRAFT], period_end__lt=today),
            ),
            awaiting=Count("pk", filter=Q(status=Return.Status.SUBMITTED)),
        )
        .order_by()
    )
    counts = {r["contract_id"]: r for r in returns}
    for c in rows:
        c.rag = rag(behind.get(c.pk, 0), due.get(c.pk, 0))
        c.rag_label = Rag.LABELS[c.rag]
        c.rag_tag = Rag.TAGS[c.rag]
        c.behind_count = behind.get(c.pk, 0)
        c.committed_value = (
            committed.get(c.pk, ZERO)
            if price_year is None
            else in_price_year(committed.get(c.pk, ZERO), price_year)
        )
        c.committed_price_year = price_year
        c.committed_not_restated = left_out.get(c.pk, 0)
        c.overdue_returns = counts.get(c.pk, {}).get("overdue", 0)
        c.awaiting_review = counts.get(c.pk, {}).get("awaiting", 0)
    return rows
