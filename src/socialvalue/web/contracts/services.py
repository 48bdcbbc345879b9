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
from django.utils import timezone

from socialvalue.core.bounds import date_problems
from socialvalue.core.delivery import (
    Rag,
    Status,
    delivery_status,
    rag,
    spread_targets,
)
from socialvalue.core.money import CENT, ZERO, apportion
from socialvalue.core.periods import financial_year
from socialvalue.core.periods import reporting_periods as periods_of
from socialvalue.web.accounts.models import Role
from socialvalue.web.errors import FourEyes
from socialvalue.web.measures import services as measures
from socialvalue.web.measures.overlaps import OverlapWarning

from .models import (
    Commitment,
    Contract,
    DeliveryProfile,
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
) -> list[Decimal]:
    """Split `total` over `periods`: evenly by days, front or back loaded, or as given (which must add up)."""
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
    return spread_targets(total, periods, profile)


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
    return save_return(
        period_return, by=actor.user, narrative=narrative, lines=lines, files=files, submit=submit
    )


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
    open_lines = list(
        period_return.lines.select_related("commitment").filter(
            verification__in=[LineReview.PENDING, LineReview.QUERIED]
        )
    )
    reopened = period_return.status == Return.Status.REVIEWED
    if reopened:
        open_lines = [line for line in open_lines if line.verification == LineReview.QUERIED]
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
        if (line.reported_quantity, line.provider_note, line.response) != before:
            line.reported_by = by
    if submit:
        for line in open_lines:
            if line.reported_quantity is None:
                problems.setdefault(f"quantity-{line.commitment_id}", []).append(
                    f"Enter the quantity delivered for {line.commitment.title}, 0 if none."
                )
            elif line.verification == LineReview.QUERIED and not line.response.strip():
                problems.setdefault(f"response-{line.commitment_id}", []).append(
                    "Answer the commissioner's query before resubmitting."
                )
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
    return verify_return(period_return, by=actor.user, decisions=decisions)


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


def label_rag(contracts: Iterable[Contract], today: dt.date | None = None) -> list[Contract]:
    """Give each contract its RAG, overdue returns, returns awaiting review and committed value.

    The sums per commitment come from one grouped SQL query for all the contracts given (a page).
    """
    rows = list(contracts)
    today = today or timezone.localdate()
    ids = [c.pk for c in rows]
    per_commitment = commitment_progress(Commitment.objects.filter(contract_id__in=ids), today)
    behind: dict[int, int] = {}
    due: dict[int, int] = {}
    committed: dict[int, Decimal] = {}
    for contract_id, target, delivered, value in per_commitment.values_list(
        "contract_id", "target_to_date", "delivered", "committed_value"
    ):
        committed[contract_id] = committed.get(contract_id, ZERO) + value
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
        c.committed_value = committed.get(c.pk, ZERO)
        c.overdue_returns = counts.get(c.pk, {}).get("overdue", 0)
        c.awaiting_review = counts.get(c.pk, {}).get("awaiting", 0)
    return rows
