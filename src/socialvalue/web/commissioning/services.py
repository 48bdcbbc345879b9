"""What commissioners and bidders do: the charter, procurements, bids, scores and the award.

Every action a page or an API route can take is one keyword-only function here, holding its rules
once: it checks the actor's role, validates, and refuses with a Django `ValidationError` (a dict
of field -> messages), `PermissionDenied`, `Http404` for what the actor may not see, or a
`Conflict` (`WrongState`, `CharterBreach`) the API answers with 409. Forms and API schemas only
parse types; the page shows a refusal next to its field and the API as 400/409 with `detail`.

The scoring itself is `socialvalue.core.scoring`: `tender_data` writes a procurement and its bids
in the tender file format of `docs/tender-evaluation.md`, so the evaluation on screen, in the API
and from `socialvalue tender evaluate` on an exported file are one calculation.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from socialvalue.core import scoring, workingdays
from socialvalue.core.errors import InputError, Problem
from socialvalue.core.valuation import deflator, load_deflators
from socialvalue.web.accounts.models import Organisation
from socialvalue.web.errors import Conflict
from socialvalue.web.measures.models import Measure
from socialvalue.web.notifications import services as notifications
from socialvalue.web.notifications.models import Kind as NotificationKind
from socialvalue.web.tenancy import get_visible_or_404, require_role, visible

from . import signals, summaries
from .models import (
    METHOD_STATEMENT,
    AssessmentSummary,
    AwardDecision,
    Bid,
    BidCommitment,
    Charter,
    CharterVersion,
    EvaluatorScore,
    ModeratedScore,
    Priority,
    Procurement,
    ProcurementQuestion,
    QualityCriterion,
    ReportingFrequency,
    RequestedOutcome,
)


class CharterBreach(Conflict):
    """Publishing was refused: the procurement breaks its organisation's charter."""

    def __init__(self, breaches: Sequence[str]):
        self.breaches = list(breaches)
        super().__init__(" ".join(self.breaches))


class WrongState(Conflict):
    """The procurement or bid is not in a state that allows this step."""


Errors = dict[str, list[str]]


def _add(errors: Errors, key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def _refuse(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def _model_errors(obj, exclude: Sequence[str] = ()) -> Errors:
    """The model's own field checks (required, lengths, ranges) with Django's messages."""
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        return dict(error.message_dict)
    return {}


def _commissioner(organisation) -> None:
    if organisation is None or not organisation.is_commissioner:
        raise Http404("Only a commissioning organisation has a charter.")


# --------------------------------------------------------------------------------------------
# Rules on numbers, written once: the form, the API and the publish check all use these.

_TOLERANCE = Decimal("0.000001")


def _percent(value: Decimal) -> str:
    return f"{Decimal(value).normalize():f}"


def weights_error(price: Decimal, quality: Decimal, social_value: Decimal) -> str | None:
    """Price, quality and social value must add up to 100; the refusal, or None when they do."""
    total = Decimal(price) + Decimal(quality) + Decimal(social_value)
    if abs(total - 100) <= _TOLERANCE:
        return None
    return (
        f"Price, quality and social value must add up to 100%; they add up to {_percent(total)}%."
    )


def split_error(qualitative: Decimal, quantitative: Decimal) -> str | None:
    """The method statement and commitments shares of the social value weight add up to 100."""
    total = Decimal(qualitative) + Decimal(quantitative)
    if abs(total - 100) <= _TOLERANCE:
        return None
    return (
        "The two shares of the social value weight must add up to 100%; they add up to "
        f"{_percent(total)}%."
    )


def criteria_error(procurement: Procurement) -> str | None:
    """The quality criteria's weights add up to the quality weight (checked when publishing)."""
    total = sum((c.weight for c in procurement.criteria.all()), Decimal(0))
    if not procurement.weight_quality or abs(total - procurement.weight_quality) <= _TOLERANCE:
        return None
    return (
        f"The criteria's weights add up to {_percent(total)}, not the quality weight "
        f"{_percent(procurement.weight_quality)}."
    )


def criteria_over_error(quality: Decimal | None, others: Decimal, weight: Decimal) -> str | None:
    """A criterion's weight may not take the criteria past the quality weight (checked when a
    criterion is added or changed; publishing checks they add up to it exactly)."""
    if quality is None or weight is None:
        return None
    total = Decimal(others) + Decimal(weight)
    if total - Decimal(quality) <= _TOLERANCE:
        return None
    room = max(Decimal(quality) - Decimal(others), Decimal(0))
    return (
        f"Weight must be {_percent(room)} or less: with the other criteria's "
        f"{_percent(others)} it would make {_percent(total)}, more than the quality weight "
        f"{_percent(quality)}."
    )


def _priority_error(procurement_or_org_id: int, priority: Priority | None) -> str | None:
    """An outcome or a commitment serves one of the buyer's current charter priorities."""
    if priority is None:
        return None
    if priority.organisation_id != procurement_or_org_id:
        return "Choose one of the charter's priorities."
    if not priority.active:
        return f"“{priority.title}” is no longer a charter priority: choose a current one."
    return None


def _measure_error(actor, measure) -> str | None:
    if measure is None or visible(Measure, actor).filter(pk=measure.pk).exists():
        return None
    return "Choose a measure you can use."


# --------------------------------------------------------------------------------------------
# The charter


def charter_for(organisation) -> Charter:
    charter, _ = Charter.objects.get_or_create(organisation=organisation)
    return charter


def charter_snapshot(charter: Charter) -> dict[str, Any]:
    return {
        "principles": charter.principles,
        "minimum_social_value_weight": float(charter.minimum_social_value_weight),
        "threshold": float(charter.threshold),
        "minimum_outcomes": charter.minimum_outcomes,
        "priorities": [
            {
                "rank": p.rank,
                "title": p.title,
                "description": p.description,
                "evidence": p.evidence,
                "evidence_url": p.evidence_url,
                "measures": sorted(m.code or m.title for m in p.measures.all()),
            }
            for p in charter.priorities.filter(active=True).prefetch_related("measures")
        ],
    }


@transaction.atomic
def record_charter_version(charter: Charter, user, note: str = "") -> CharterVersion:
    """Number the charter as it now stands and keep a copy, so earlier versions can be read."""
    charter = Charter.objects.select_for_update().get(pk=charter.pk)
    charter.version += 1
    charter.updated_at = timezone.now()
    charter.updated_by = user
    charter.save(update_fields=["version", "updated_at", "updated_by"])
    return CharterVersion.objects.create(
        charter=charter,
        number=charter.version,
        snapshot=charter_snapshot(charter),
        note=note,
        created_by=user,
    )


def rerank(charter: Charter, placed: Priority | None = None) -> None:
    """Number the active priorities 1, 2, 3 with no gaps, `placed` at the rank it was given."""
    others = list(
        charter.priorities.filter(active=True)
        .exclude(pk=placed.pk if placed else None)
        .order_by("rank", "id")
    )
    if placed is not None and placed.active:
        others.insert(max(0, min(placed.rank - 1, len(others))), placed)
    for rank, priority in enumerate(others, 1):
        if priority.rank != rank or priority is placed:
            Priority.objects.filter(pk=priority.pk).update(rank=rank)


@dataclass(frozen=True)
class PrioritySpec:
    """One ranked priority given with the whole charter (its rank is its place in the list)."""

    title: str
    description: str = ""
    evidence: str = ""
    evidence_url: str = ""
    measures: Sequence[Any] = ()


def _priority_errors(priority: Priority, measures: Iterable[Any], actor) -> Errors:
    errors = _model_errors(priority, exclude=["organisation", "charter", "measures"])
    if not (priority.title or "").strip() and "title" not in errors:
        _add(errors, "title", "This field cannot be blank.")
    if any(_measure_error(actor, m) for m in measures):
        _add(errors, "measures", "Choose measures you can use.")
    return errors


@transaction.atomic
def replace_charter(
    *,
    organisation,
    actor,
    principles: str,
    minimum_social_value_weight: Decimal,
    threshold: Decimal,
    minimum_outcomes: int,
    note: str = "",
    priorities: Sequence[PrioritySpec] | None = None,
) -> Charter:
    """Save the charter's rules (and, when given, its ranked priorities) as a new version."""
    _commissioner(organisation)
    actor.require(organisation.id, "editor")
    charter = charter_for(organisation)
    charter.principles = principles
    charter.minimum_social_value_weight = minimum_social_value_weight
    charter.threshold = threshold
    charter.minimum_outcomes = minimum_outcomes
    errors = _model_errors(charter, exclude=["organisation", "updated_by"])
    ranked = []
    for index, spec in enumerate(priorities or []):
        priority = Priority(
            organisation=organisation,
            charter=charter,
            rank=index + 1,
            title=spec.title,
            description=spec.description,
            evidence=spec.evidence,
            evidence_url=spec.evidence_url,
        )
        for key, messages in _priority_errors(priority, spec.measures, actor).items():
            errors[f"priorities[{index}].{key}"] = messages
        ranked.append((priority, spec.measures))
    _refuse(errors)
    charter.save()
    if priorities is not None:
        charter.priorities.filter(active=True).update(active=False)
        for priority, measures in ranked:
            priority.save()
            priority.measures.set(measures)
    record_charter_version(charter, actor.user, note)
    charter.refresh_from_db()
    return charter


@transaction.atomic
def save_priority(
    *,
    organisation,
    actor,
    priority: Priority | None = None,
    rank: int,
    title: str,
    description: str = "",
    evidence: str = "",
    evidence_url: str = "",
    measures: Sequence[Any] = (),
) -> Priority:
    """Add a local priority, or change one; it takes the rank given and the others make room."""
    _commissioner(organisation)
    actor.require(organisation.id, "editor")
    charter = charter_for(organisation)
    if priority is not None and priority.charter_id != charter.pk:
        raise Http404("No priority found.")
    saved = priority or Priority(organisation=organisation, charter=charter)
    saved.rank, saved.title, saved.description = rank, title, description
    saved.evidence, saved.evidence_url = evidence, evidence_url
    _refuse(_priority_errors(saved, measures, actor))
    saved.save()
    saved.measures.set(measures)
    rerank(charter, placed=saved)
    record_charter_version(
        charter, actor.user, f"Priority {'changed' if priority else 'added'}: {saved.title}"
    )
    return saved


@transaction.atomic
def retire_priority(*, priority: Priority, actor) -> None:
    """The priority leaves the charter (kept for the outcomes and commitments that named it)."""
    actor.require(priority.organisation_id, "editor")
    Priority.objects.filter(pk=priority.pk).update(active=False)
    charter = priority.charter
    rerank(charter)
    record_charter_version(charter, actor.user, f"Priority retired: {priority.title}")


def core_charter(charter: Charter | None) -> scoring.Charter | None:
    if charter is None:
        return None
    return scoring.Charter(
        minimum_social_value_weight=float(charter.minimum_social_value_weight),
        threshold=float(charter.threshold),
        minimum_outcomes=charter.minimum_outcomes,
    )


def organisation_charter(organisation_id: int) -> Charter | None:
    return Charter.objects.filter(organisation_id=organisation_id).first()


# --------------------------------------------------------------------------------------------
# Procurements and the tender file format


def own_procurement(actor, procurement_id: int, role: str = "viewer") -> Procurement:
    """A procurement the actor's organisation runs, where it holds `role`.

    Another council's published notice is visible to everyone, but it is a 404 for anything
    only its own council may do.
    """
    procurement = get_visible_or_404(Procurement, actor, pk=procurement_id)
    if procurement.organisation_id not in actor.organisation_ids:
        raise Http404("No procurement found.")
    require_role(actor, procurement, role)
    return procurement


def charter_breaches(procurement: Procurement) -> list[str]:
    """The charter's breaches by this procurement as it stands; empty when it complies."""
    charter = core_charter(organisation_charter(procurement.organisation_id))
    if charter is None:
        return []
    return scoring.check_charter(
        charter,
        social_value_weight=float(procurement.weight_social_value),
        outcomes=procurement.outcomes.count(),
        contract_value=(
            float(procurement.estimated_value) if procurement.estimated_value is not None else None
        ),
    )


def model_problems(procurement: Procurement) -> list[Problem]:
    """What stops the evaluation model being scored: the same rules as saving it, and the criteria."""
    checks = [
        (
            "weights",
            weights_error(
                procurement.weight_price,
                procurement.weight_quality,
                procurement.weight_social_value,
            ),
        ),
        ("quality", criteria_error(procurement)),
        (
            "social_value",
            split_error(
                procurement.social_value_qualitative, procurement.social_value_quantitative
            ),
        ),
    ]
    return [Problem(place, message) for place, message in checks if message]


def _plain(value: Decimal | float) -> int | float:
    number = float(value)
    return int(number) if number.is_integer() else number


def tender_data(
    procurement: Procurement, bids: Iterable[Bid] | None = None, *, with_charter: bool = True
) -> dict[str, Any]:
    """The procurement (and its submitted bids, with moderated scores) in the tender file format."""
    criteria = list(procurement.criteria.all())
    data: dict[str, Any] = {"title": procurement.title}
    if procurement.estimated_value is not None:
        data["contract_value"] = _plain(procurement.estimated_value)
    data["max_score"] = _plain(procurement.max_score)
    data["weights"] = {
        "price": _plain(procurement.weight_price),
        "quality": _plain(procurement.weight_quality),
        "social_value": _plain(procurement.weight_social_value),
    }
    data["price"] = {"method": procurement.price_method}
    data["quality"] = [{"id": c.code, "name": c.name, "weight": _plain(c.weight)} for c in criteria]
    data["social_value"] = {
        "qualitative": _plain(procurement.social_value_qualitative),
        "quantitative": _plain(procurement.social_value_quantitative),
        "outcomes": [o.code for o in procurement.outcomes.all()],
    }
    charter = organisation_charter(procurement.organisation_id) if with_charter else None
    if charter is not None:
        data["charter"] = {
            "minimum_social_value_weight": _plain(charter.minimum_social_value_weight),
            "threshold": _plain(charter.threshold),
            "minimum_outcomes": charter.minimum_outcomes,
        }
    if bids is None:
        bids = submitted_bids(procurement)
    price_year = procurement.organisation.reporting_price_year
    data["bids"] = [_bid_data(bid, criteria, price_year) for bid in bids]
    return data


def submitted_bids(procurement: Procurement):
    return (
        procurement.bids.filter(submitted_at__isnull=False)
        .prefetch_related("commitments", "moderated_scores")
        .order_by("created_at", "id")
    )


def restated_proxy(commitment: BidCommitment, price_year: int) -> Decimal:
    """An offer's proxy in `price_year` prices: proxy × D[price_year] / D[its price year].

    A proxy without a price year, or with one outside the deflator series, is taken as stated
    (the offer's page says which). Offers are scored on these, so the bids' pounds are in one
    price year, the council's reporting year, as its portfolio and reports are.
    """
    series = load_deflators().index
    if commitment.price_year in (None, price_year) or commitment.price_year not in series:
        return commitment.proxy_value
    return Decimal(commitment.proxy_value) / deflator(commitment.price_year) * deflator(price_year)


def _bid_data(
    bid: Bid, criteria: Sequence[QualityCriterion], price_year: int | None = None
) -> dict[str, Any]:
    moderated = {m.criterion: m.score for m in bid.moderated_scores.all()}
    item: dict[str, Any] = {
        "bidder": bid.bidder_name,
        "price": _plain(bid.price),
        "quality": {c.code: _plain(moderated[c.code]) for c in criteria if c.code in moderated},
    }
    if METHOD_STATEMENT in moderated:
        item["social_value_score"] = _plain(moderated[METHOD_STATEMENT])
    item["commitments"] = [
        {
            "measure": c.measure.code if c.measure_id and c.measure.code else c.description,
            "quantity": _plain(c.quantity),
            "proxy_value": _plain(
                c.proxy_value if price_year is None else restated_proxy(c, price_year)
            ),
        }
        for c in bid.commitments.all()
    ]
    return item


def missing_scores(procurement: Procurement, bids: Sequence[Bid]) -> list[Problem]:
    """A problem for every submitted bid and criterion still without a moderated score."""
    criteria = [(c.code, c.name) for c in procurement.criteria.all()]
    criteria.append((METHOD_STATEMENT, "Social value method statement"))
    problems = []
    for bid in bids:
        scored = {m.criterion for m in bid.moderated_scores.all()}
        absent = [name for code, name in criteria if code not in scored]
        if absent:
            problems.append(
                Problem(bid.bidder_name, "no moderated score yet for " + ", ".join(absent))
            )
    return problems


@dataclass(frozen=True)
class Evaluation:
    """The core's evaluation of a procurement, with the bids it scored in the same order."""

    result: scoring.TenderEvaluation
    bids: list[Bid]
    tender: scoring.Tender

    def to_dict(self) -> dict[str, Any]:
        return self.result.to_dict()


def evaluate(procurement: Procurement) -> Evaluation:
    """Score the submitted bids with their moderated scores; InputError says what is missing."""
    bids = list(submitted_bids(procurement))
    problems = model_problems(procurement)
    if not bids:
        problems.append(Problem("bids", "no bid has been submitted yet"))
    problems += missing_scores(procurement, bids)
    if problems:
        raise InputError(problems)
    tender = scoring.load_tender(tender_data(procurement, bids))
    return Evaluation(result=scoring.evaluate(tender), bids=bids, tender=tender)


# --------------------------------------------------------------------------------------------
# Drafting a procurement: its evaluation model, quality criteria and requested outcomes

#: What a commissioner sets on a draft; the rest (state, dates stamped) follows from actions.
PROCUREMENT_FIELDS = (
    "reference",
    "title",
    "description",
    "category",
    "estimated_value",
    "closing_date",
    "contract_start",
    "contract_end",
    "weight_price",
    "weight_quality",
    "weight_social_value",
    "price_method",
    "max_score",
    "social_value_qualitative",
    "social_value_quantitative",
    "light_touch",
)


@dataclass(frozen=True)
class CriterionSpec:
    name: str
    weight: Decimal
    #: The ID the bids' scores are keyed by; made from the name when not given.
    code: str | None = None


@dataclass(frozen=True)
class OutcomeSpec:
    title: str
    priority: Priority | None = None
    measure: Any = None


def require_draft(procurement: Procurement) -> None:
    """Only a draft's evaluation model, criteria and outcomes change: bidders rely on the rest."""
    if not procurement.is_editable:
        raise WrongState(
            f"A {procurement.get_state_display().lower()} procurement's evaluation model "
            "cannot change."
        )


def procurement_errors(procurement: Procurement) -> Errors:
    """Every rule a procurement's own fields must meet, by field."""
    errors = _model_errors(procurement, exclude=["organisation", "created_by", "awarded_bid"])
    weights = (
        procurement.weight_price,
        procurement.weight_quality,
        procurement.weight_social_value,
    )
    if not any(k in errors for k in ("weight_price", "weight_quality", "weight_social_value")):
        if None not in weights and (message := weights_error(*weights)):
            _add(errors, "weight_social_value", message)
    split = (procurement.social_value_qualitative, procurement.social_value_quantitative)
    if None not in split and not any(k in errors for k in ("social_value_qualitative",)):
        if message := split_error(*split):
            _add(errors, "social_value_quantitative", message)
    start, end = procurement.contract_start, procurement.contract_end
    if start and end and end <= start:
        _add(errors, "contract_end", "The contract must end after it starts.")
    return errors


def _criterion_errors(criterion: QualityCriterion) -> Errors:
    return _model_errors(criterion, exclude=["procurement", "code", "position"])


def _outcome_errors(outcome: RequestedOutcome, procurement: Procurement, actor) -> Errors:
    errors = _model_errors(
        outcome, exclude=["procurement", "code", "position", "priority", "measure"]
    )
    if message := _priority_error(procurement.organisation_id, outcome.priority):
        _add(errors, "priority", message)
    if message := _measure_error(actor, outcome.measure):
        _add(errors, "measure", message)
    return errors


def _prefixed(errors: Errors, prefix: str, names: Mapping[str, str] | None = None) -> Errors:
    names = names or {}
    return {f"{prefix}.{names.get(k, k)}": v for k, v in errors.items()}


def _replace_criteria(
    procurement: Procurement, specs: Sequence[CriterionSpec]
) -> tuple[Errors, Callable[[], None]]:
    errors: Errors = {}
    taken: set[str] = set()
    rows = []
    for position, spec in enumerate(specs):
        code = spec.code or unique_code(spec.name, taken)
        if spec.code and code in taken:
            _add(errors, f"criteria[{position}].id", f"{code} is used twice.")
        taken.add(code)
        row = QualityCriterion(
            procurement=procurement,
            code=code,
            name=spec.name,
            weight=spec.weight,
            position=position,
        )
        errors.update(_prefixed(_criterion_errors(row), f"criteria[{position}]"))
        rows.append(row)
    if not errors and rows and procurement.weight_quality is not None:
        total = sum((Decimal(row.weight) for row in rows), Decimal(0))
        if total - Decimal(procurement.weight_quality) > _TOLERANCE:
            _add(
                errors,
                "criteria",
                f"The criteria's weights add up to {_percent(total)}, more than the quality "
                f"weight {_percent(procurement.weight_quality)}: lower their weights.",
            )

    def write() -> None:
        procurement.criteria.all().delete()
        QualityCriterion.objects.bulk_create(rows)

    return errors, write


def _replace_outcomes(procurement: Procurement, specs: Sequence[OutcomeSpec], actor):
    errors: Errors = {}
    taken: set[str] = set()
    rows = []
    for position, spec in enumerate(specs):
        row = RequestedOutcome(
            procurement=procurement,
            code=unique_code(spec.title, taken),
            title=spec.title,
            priority=spec.priority,
            measure=spec.measure,
            position=position,
        )
        names = {"priority": "priority_id", "measure": "measure_id"}
        errors.update(
            _prefixed(_outcome_errors(row, procurement, actor), f"outcomes[{position}]", names)
        )
        rows.append(row)

    def write() -> None:
        procurement.outcomes.all().delete()
        RequestedOutcome.objects.bulk_create(rows)

    return errors, write


@transaction.atomic
def save_procurement(
    *,
    actor,
    procurement: Procurement | None = None,
    organisation=None,
    criteria: Sequence[CriterionSpec] | None = None,
    outcomes: Sequence[OutcomeSpec] | None = None,
    **fields: Any,
) -> Procurement:
    """Draft a procurement for `organisation`, or change a draft; criteria and outcomes, when
    given, replace the current ones. Fields not given keep their value (or the model default)."""
    unknown = set(fields) - set(PROCUREMENT_FIELDS)
    if unknown:
        raise TypeError(f"not fields of a procurement: {', '.join(sorted(unknown))}")
    if procurement is None:
        if organisation is None or not organisation.is_commissioner:
            raise Http404("Only a commissioning organisation runs procurements.")
        actor.require(organisation.id, "editor")
        procurement = Procurement(organisation=organisation, created_by=actor.user)
    else:
        require_role(actor, procurement, "editor")
        require_draft(procurement)
    for name, value in fields.items():
        setattr(procurement, name, value)
    errors = procurement_errors(procurement)
    writes = []
    if criteria is not None:
        part_errors, write = _replace_criteria(procurement, criteria)
        errors.update(part_errors)
        writes.append(write)
    if outcomes is not None:
        part_errors, write = _replace_outcomes(procurement, outcomes, actor)
        errors.update(part_errors)
        writes.append(write)
    if criteria is None and procurement.pk and "weight_quality" not in errors:
        if message := _quality_below_criteria(procurement):
            _add(errors, "weight_quality", message)
    _refuse(errors)
    procurement.updated_at = timezone.now()
    procurement.save()
    for write in writes:
        write()
    return procurement


def _quality_below_criteria(procurement: Procurement) -> str | None:
    """A quality weight lowered below what the criteria already add up to is refused."""
    quality = procurement.weight_quality
    total = sum((c.weight for c in procurement.criteria.all()), Decimal(0))
    if quality is None or total - Decimal(quality) <= _TOLERANCE:
        return None
    return (
        f"Quality weight must be {_percent(total)} or more: the quality criteria add up to "
        f"{_percent(total)}. Lower their weights first."
    )


def _editable_draft(procurement: Procurement, actor) -> None:
    require_role(actor, procurement, "editor")
    require_draft(procurement)


def _criterion_total_errors(criterion: QualityCriterion, others) -> Errors:
    """The criterion's own checks, then that it keeps the criteria within the quality weight."""
    errors = _criterion_errors(criterion)
    if "weight" not in errors:
        total = sum((c.weight for c in others), Decimal(0))
        quality = criterion.procurement.weight_quality
        if message := criteria_over_error(quality, total, criterion.weight):
            _add(errors, "weight", message)
    return errors


@transaction.atomic
def add_criterion(
    *, procurement: Procurement, actor, name: str, weight: Decimal
) -> QualityCriterion:
    """A quality criterion, with an ID made from its name, after the others."""
    _editable_draft(procurement, actor)
    criterion = QualityCriterion(procurement=procurement, name=name, weight=weight)
    _refuse(_criterion_total_errors(criterion, procurement.criteria.all()))
    criterion.code = unique_code(name, set(procurement.criteria.values_list("code", flat=True)))
    criterion.position = procurement.criteria.count()
    criterion.save()
    return criterion


@transaction.atomic
def add_outcome(
    *,
    procurement: Procurement,
    actor,
    title: str,
    priority: Priority | None = None,
    measure: Any = None,
) -> RequestedOutcome:
    """A social value outcome the procurement asks for, serving a current charter priority."""
    _editable_draft(procurement, actor)
    outcome = RequestedOutcome(
        procurement=procurement, title=title, priority=priority, measure=measure
    )
    _refuse(_outcome_errors(outcome, procurement, actor))
    outcome.code = unique_code(title, set(procurement.outcomes.values_list("code", flat=True)))
    outcome.position = procurement.outcomes.count()
    outcome.save()
    return outcome


def unvalued_outcomes(procurement: Procurement) -> list[RequestedOutcome]:
    """Outcomes asked for with a measure that has no proxy, not yet given a way to be valued."""
    return [o for o in procurement.outcomes.select_related("measure") if o.needs_valuation]


def valuation_problems(procurement: Procurement) -> list[Problem]:
    """One problem per outcome that would score every offer £0 in the valued part, unsaid."""
    return [
        Problem(
            f"Outcome “{o.title}”",
            f"its measure {o.measure.code} has no proxy value, so every offer of it would score "
            "£0 in the valued part: give a local proxy for this procurement, or score it only in "
            "the qualitative part.",
        )
        for o in unvalued_outcomes(procurement)
    ]


@transaction.atomic
def value_outcome(
    *,
    procurement: Procurement,
    actor,
    outcome_id: int,
    valuation: str,
    proxy_value: Decimal | None = None,
    price_year: int | None = None,
    source: str = "",
) -> RequestedOutcome:
    """Say how offers of an outcome are valued: the measure's proxy, a local one, or not at all.

    A local proxy needs its value, its price year (one the GDP deflator series covers, so it can
    be restated like any other) and its source; the qualitative choice leaves offers counted but
    unvalued, scored through the method statement.
    """
    _editable_draft(procurement, actor)
    outcome = procurement.outcomes.select_related("measure").filter(pk=outcome_id).first()
    if outcome is None:
        raise Http404("No such outcome.")
    errors: Errors = {}
    choices = RequestedOutcome.Valuation
    if valuation not in choices.values:
        _add(errors, "valuation", "Choose how offers of this outcome are valued.")
    elif valuation == choices.MEASURE and (
        outcome.measure is None or outcome.measure.proxy_value is None
    ):
        _add(errors, "valuation", "The measure has no proxy value: choose another way.")
    elif valuation == choices.LOCAL:
        if proxy_value is None:
            _add(errors, "proxy_value", "Enter the local proxy, in pounds per unit.")
        elif Decimal(proxy_value) < 0:
            _add(errors, "proxy_value", "The local proxy cannot be negative.")
        if price_year is None:
            _add(errors, "price_year", "Enter the price year of the local proxy.")
        else:
            deflators = load_deflators()
            if price_year not in deflators.index:
                _add(
                    errors,
                    "price_year",
                    f"{price_year} is outside the GDP deflator series "
                    f"({deflators.first_year} to {deflators.last_year}).",
                )
        if not source.strip():
            _add(errors, "source", "Say where the local proxy comes from.")
    _refuse(errors)
    local = valuation == choices.LOCAL
    outcome.valuation = valuation
    outcome.local_proxy_value = Decimal(proxy_value) if local and proxy_value is not None else None
    outcome.local_price_year = price_year if local else None
    outcome.local_source = source.strip() if local else ""
    outcome.save(
        update_fields=["valuation", "local_proxy_value", "local_price_year", "local_source"]
    )
    return outcome


@transaction.atomic
def change_criterion(
    *, procurement: Procurement, actor, criterion_id: int, name: str, weight: Decimal
) -> QualityCriterion:
    """Rename a draft's quality criterion or change its weight; its ID (which scores are keyed
    by) and its place stay."""
    _editable_draft(procurement, actor)
    criterion = procurement.criteria.select_for_update().filter(pk=criterion_id).first()
    if criterion is None:
        raise Http404("No such criterion.")
    criterion.name, criterion.weight = name, weight
    _refuse(_criterion_total_errors(criterion, procurement.criteria.exclude(pk=criterion_id)))
    criterion.save(update_fields=["name", "weight"])
    return criterion


@transaction.atomic
def remove_criterion(*, procurement: Procurement, actor, criterion_id: int) -> None:
    _editable_draft(procurement, actor)
    deleted, _ = procurement.criteria.filter(pk=criterion_id).delete()
    if not deleted:
        raise Http404("No such criterion.")


@transaction.atomic
def remove_outcome(*, procurement: Procurement, actor, outcome_id: int) -> None:
    _editable_draft(procurement, actor)
    deleted, _ = procurement.outcomes.filter(pk=outcome_id).delete()
    if not deleted:
        raise Http404("No such outcome.")


@transaction.atomic
def import_tender(*, organisation, actor, data: Any) -> Procurement:
    """A draft procurement (and its bids, scores and commitments) from a tender file; all or nothing.

    The file's `charter` section is not imported: a procurement is always checked against its own
    organisation's charter. Bids become commissioner-entered, submitted bids whose file scores are
    the moderated scores. A commitment whose `measure` matches the code of a measure the
    organisation can use is linked to it; the file's proxy value is kept either way.
    """
    _commissioner(organisation)
    actor.require(organisation.id, "editor")
    return _import_tender(organisation, data, actor.user)


# --------------------------------------------------------------------------------------------
# Publishing, closing and awarding


@transaction.atomic
def publish_refusals(procurement: Procurement) -> list[str]:
    """Every reason the draft cannot be published yet, all at once: the model's, the valuation's
    and the charter's (publishing itself stops at the first kind it finds)."""
    problems = model_problems(procurement) + valuation_problems(procurement)
    return [str(p) for p in problems] + charter_breaches(procurement)


def publish(*, procurement: Procurement, actor) -> Procurement:
    """Open the draft to bids, if its evaluation model is sound and it meets the charter."""
    require_role(actor, procurement, "editor")
    if procurement.state != Procurement.State.DRAFT:
        raise WrongState(
            f"Only a draft can be published; this procurement is {procurement.get_state_display().lower()}."
        )
    problems = model_problems(procurement) + valuation_problems(procurement)
    if problems:
        raise InputError(problems)
    breaches = charter_breaches(procurement)
    if breaches:
        raise CharterBreach(breaches)
    procurement.state = Procurement.State.PUBLISHED
    procurement.published_at = timezone.now()
    procurement.updated_at = procurement.published_at
    procurement.save()
    return procurement


# --------------------------------------------------------------------------------------------
# The clock: one place, so tests can move it (monkeypatch `services.now`).


def now() -> datetime:
    return timezone.now()


def today() -> date:
    return timezone.localdate(now())


def _set_state(procurement: Procurement, state: str, **fields: Any) -> Procurement:
    procurement.state = state
    for name, value in fields.items():
        setattr(procurement, name, value)
    procurement.updated_at = now()
    procurement.save(update_fields=["state", "updated_at", *fields])
    return procurement


def _state_name(procurement: Procurement) -> str:
    return procurement.get_state_display().lower()


def _close_refusal(procurement: Procurement) -> str | None:
    if procurement.state != Procurement.State.PUBLISHED:
        return (
            f"Only a procurement open for bids can close; this one is {_state_name(procurement)}."
        )
    return None


def _reopen_refusal(procurement: Procurement) -> str | None:
    if procurement.state != Procurement.State.EVALUATING:
        return (
            "Only a procurement whose bidding has closed can reopen; this one is "
            f"{_state_name(procurement)}."
        )
    if procurement.award_decisions.exists():
        return "An award decision has been made on the bids received, so bidding cannot reopen."
    return None


def _cancel_refusal(procurement: Procurement) -> str | None:
    if procurement.state == Procurement.State.AWARDED:
        return (
            "An awarded procurement cannot be cancelled: withdraw the award decision first, "
            "before the contract is entered."
        )
    if procurement.state == Procurement.State.CANCELLED:
        return "This procurement is already cancelled."
    return None


def _restore_refusal(procurement: Procurement) -> str | None:
    if procurement.state != Procurement.State.CANCELLED:
        return (
            f"Only a cancelled procurement can be restored; this one is {_state_name(procurement)}."
        )
    return None


def _refuse_state(refusal: str | None) -> None:
    if refusal:
        raise WrongState(refusal)


@transaction.atomic
def close_bidding(*, procurement: Procurement, actor) -> Procurement:
    """Stop taking bids from providers and evaluate those received (undone by `reopen_bidding`)."""
    require_role(actor, procurement, "editor")
    _refuse_state(_close_refusal(procurement))
    return _set_state(procurement, Procurement.State.EVALUATING)


@transaction.atomic
def reopen_bidding(*, procurement: Procurement, actor) -> Procurement:
    """Undo closing: take bids again, as long as no award decision was made on those received."""
    require_role(actor, procurement, "editor")
    _refuse_state(_reopen_refusal(procurement))
    return _set_state(procurement, Procurement.State.PUBLISHED)


@transaction.atomic
def cancel_procurement(*, procurement: Procurement, actor) -> Procurement:
    """Cancel a procurement not yet awarded; `restore_procurement` puts it back as it was."""
    require_role(actor, procurement, "editor")
    _refuse_state(_cancel_refusal(procurement))
    return _set_state(procurement, Procurement.State.CANCELLED, cancelled_from=procurement.state)


@transaction.atomic
def restore_procurement(*, procurement: Procurement, actor) -> Procurement:
    """Undo cancelling: back to the state it was cancelled from (nothing can happen to it meanwhile)."""
    require_role(actor, procurement, "editor")
    _refuse_state(_restore_refusal(procurement))
    restored = procurement.cancelled_from or (
        Procurement.State.EVALUATING if procurement.published_at else Procurement.State.DRAFT
    )
    return _set_state(procurement, restored, cancelled_from="")


#: What a page may ask for by name: each is its own domain function, with its rule.
STATE_ACTIONS: dict[str, tuple[Callable[..., Procurement], Callable[[Procurement], str | None]]] = {
    Procurement.State.EVALUATING: (close_bidding, _close_refusal),
    Procurement.State.PUBLISHED: (reopen_bidding, _reopen_refusal),
    Procurement.State.CANCELLED: (cancel_procurement, _cancel_refusal),
    "restore": (restore_procurement, _restore_refusal),
}


def check_state_change(*, procurement: Procurement, actor, state: str) -> None:
    """The rules of a change without making it, so a page asks for confirmation only of a
    change that can be made: `WrongState` with the reason otherwise."""
    require_role(actor, procurement, "editor")
    if state not in STATE_ACTIONS:
        raise WrongState("That change is not possible.")
    _refuse_state(STATE_ACTIONS[state][1](procurement))


def move_to(*, procurement: Procurement, actor, state: str) -> Procurement:
    """Close bidding (evaluating), reopen it (published), cancel, or restore a cancelled one."""
    if state not in STATE_ACTIONS:
        raise WrongState("That change is not possible.")
    return STATE_ACTIONS[state][0](procurement=procurement, actor=actor)


# --------------------------------------------------------------------------------------------
# The award decision, its standstill and entering the contract (Procurement Act 2023)

#: The mandatory standstill, in working days (Procurement Act 2023, section 51).
STANDSTILL_DAYS = 8
#: The longest voluntary standstill a light-touch contract may be given here.
MAX_VOLUNTARY_DAYS = 60


@dataclass(frozen=True)
class Recommendation:
    """The evaluation an award rests on: the bids in rank order and the one ranked first."""

    evaluation: Evaluation
    ranked: list[tuple[Bid, scoring.BidScore]]

    @property
    def recommended(self) -> Bid:
        return self.ranked[0][0]

    def rank_of(self, bid: Bid) -> int | None:
        return next((s.rank for b, s in self.ranked if b.pk == bid.pk), None)


def standing_decision(procurement: Procurement) -> AwardDecision | None:
    """The award decision in force (in standstill, or its contract entered), if any."""
    return (
        procurement.award_decisions.exclude(state=AwardDecision.State.WITHDRAWN)
        .select_related("bid", "recommended_bid", "decided_by", "withdrawn_by")
        .first()
    )


def latest_decision(procurement: Procurement) -> AwardDecision | None:
    return procurement.award_decisions.select_related("bid").first()


def recommendation(procurement: Procurement) -> Recommendation:
    """The ranked bids, or a `WrongState` saying why no award can be made now: bidding still
    open, the procurement not being evaluated, or a score not moderated."""
    if procurement.state == Procurement.State.PUBLISHED:
        raise WrongState("Bidding is still open: close bidding before awarding.")
    if procurement.state == Procurement.State.AWARDED:
        decision = standing_decision(procurement)
        name = decision.bid.bidder_name if decision else "a bid"
        raise WrongState(f"This procurement has already been awarded to {name}.")
    if procurement.state != Procurement.State.EVALUATING:
        raise WrongState(f"A {_state_name(procurement)} procurement cannot be awarded.")
    try:
        evaluation = evaluate(procurement)
    except InputError as error:
        raise WrongState(
            "Every bid must have a moderated score on every criterion before the award: "
            + error.describe()
        ) from None
    ranked = sorted(
        zip(evaluation.bids, evaluation.result.bids, strict=True),
        key=lambda pair: (pair[1].rank, pair[0].created_at, pair[0].pk),
    )
    return Recommendation(evaluation=evaluation, ranked=ranked)


def standstill_end(decided_on: date, standstill: str, days: int) -> date | None:
    """The last day of the standstill: the `days`-th working day of a period beginning with the
    day of the decision (None: no standstill, the contract may be entered at once)."""
    if standstill == AwardDecision.Standstill.NONE or days == 0:
        return None
    return workingdays.add_working_days(decided_on, days)


def _standstill_errors(
    procurement: Procurement, standstill: str, days: int | None
) -> tuple[Errors, int]:
    errors: Errors = {}
    kinds = AwardDecision.Standstill
    if standstill not in kinds.values:
        _add(errors, "standstill", "Choose the standstill: mandatory, voluntary or none.")
        return errors, STANDSTILL_DAYS
    if standstill != kinds.MANDATORY and not procurement.light_touch:
        _add(
            errors,
            "standstill",
            "Only a light-touch contract may have a voluntary standstill or none: this one has "
            f"the mandatory standstill of {STANDSTILL_DAYS} working days.",
        )
    if standstill == kinds.MANDATORY:
        return errors, STANDSTILL_DAYS
    if standstill == kinds.NONE:
        return errors, 0
    if days is None or not 1 <= days <= MAX_VOLUNTARY_DAYS:
        _add(
            errors,
            "standstill_days",
            f"Enter the voluntary standstill in working days, from 1 to {MAX_VOLUNTARY_DAYS}.",
        )
        return errors, STANDSTILL_DAYS
    return errors, days


@dataclass(frozen=True)
class AwardCheck:
    """What an award would be, once every rule is met: shown on the page's confirmation step."""

    recommendation: Recommendation
    bid: Bid
    reason: str
    standstill: str
    standstill_days: int
    standstill_ends: date | None
    decided_at: datetime

    @property
    def is_recommended(self) -> bool:
        return self.recommendation.rank_of(self.bid) == 1


def check_award(
    *,
    procurement: Procurement,
    actor,
    bid: Bid | None,
    reason: str = "",
    standstill: str = AwardDecision.Standstill.MANDATORY,
    standstill_days: int | None = None,
    at: datetime | None = None,
) -> AwardCheck:
    """Every rule of an award, without making it: 409 (`WrongState`) when none can be made now,
    400 by field when this one cannot. The recommended bid is the one ranked first; choosing
    another needs a reason."""
    require_role(actor, procurement, "editor")
    found = recommendation(procurement)
    errors: Errors = {}
    reason = (reason or "").strip()
    rank = found.rank_of(bid) if bid is not None and bid.procurement_id == procurement.pk else None
    if rank is None:
        _add(errors, "bid", "Choose a submitted bid for this procurement.")
    elif rank != 1 and not reason:
        _add(
            errors,
            "reason",
            f"{bid.bidder_name} is ranked {rank}, not first ({found.recommended.bidder_name} is): "
            "give the reason for awarding to it.",
        )
    more, days = _standstill_errors(procurement, standstill, standstill_days)
    errors.update(more)
    _refuse(errors)
    moment = at or now()
    return AwardCheck(
        recommendation=found,
        bid=bid,
        reason=reason,
        standstill=standstill,
        standstill_days=days,
        standstill_ends=standstill_end(timezone.localdate(moment), standstill, days),
        decided_at=moment,
    )


@transaction.atomic
def award(
    *,
    procurement: Procurement,
    actor,
    bid: Bid | None,
    reason: str = "",
    standstill: str = AwardDecision.Standstill.MANDATORY,
    standstill_days: int | None = None,
    at: datetime | None = None,
) -> AwardDecision:
    """Decide the award: record who chose which bid, when and why, write every bidder's
    assessment summary, and start the standstill. The contract is entered afterwards
    (`enter_contract`). Listeners of `signals.award_decided` hear of it once it is saved."""
    procurement = Procurement.objects.select_for_update().get(pk=procurement.pk)
    check = check_award(
        procurement=procurement,
        actor=actor,
        bid=bid,
        reason=reason,
        standstill=standstill,
        standstill_days=standstill_days,
        at=at,
    )
    decision = AwardDecision.objects.create(
        procurement=procurement,
        bid=check.bid,
        recommended_bid=check.recommendation.recommended,
        reason=check.reason,
        decided_by=actor.user,
        decided_at=check.decided_at,
        standstill=check.standstill,
        standstill_days=check.standstill_days,
        standstill_ends=check.standstill_ends,
    )
    for each in check.recommendation.evaluation.bids:
        AssessmentSummary.objects.create(
            decision=decision,
            bid=each,
            content=summaries.content(procurement, decision, check.recommendation.ranked, each),
            created_at=check.decided_at,
        )
    _set_state(
        procurement,
        Procurement.State.AWARDED,
        awarded_bid=check.bid,
        awarded_at=check.decided_at,
    )
    transaction.on_commit(
        lambda: signals.award_decided.send(sender=AwardDecision, decision=decision)
    )
    return decision


@transaction.atomic
def withdraw_award(*, procurement: Procurement, actor, reason: str) -> AwardDecision:
    """Withdraw the award decision before the contract is entered, with a reason: the
    procurement goes back to evaluation and every bidder's view says the award was withdrawn."""
    require_role(actor, procurement, "editor")
    procurement = Procurement.objects.select_for_update().get(pk=procurement.pk)
    decision = standing_decision(procurement)
    if decision is None:
        raise WrongState("There is no award decision to withdraw.")
    if decision.state == AwardDecision.State.CONTRACT_ENTERED:
        raise WrongState("The contract has been entered, so the award can no longer be withdrawn.")
    if not (reason or "").strip():
        raise ValidationError({"reason": ["Give the reason for withdrawing the award decision."]})
    decision.state = AwardDecision.State.WITHDRAWN
    decision.withdrawn_by = actor.user
    decision.withdrawn_at = now()
    decision.withdrawal_reason = reason.strip()
    decision.save(update_fields=["state", "withdrawn_by", "withdrawn_at", "withdrawal_reason"])
    _set_state(procurement, Procurement.State.EVALUATING, awarded_bid=None, awarded_at=None)
    transaction.on_commit(
        lambda: signals.award_withdrawn.send(sender=AwardDecision, decision=decision)
    )
    return decision


def contract_opens(decision: AwardDecision) -> date | None:
    """The first day the contract may be entered: the day after the standstill's last day."""
    if decision.standstill_ends is None:
        return None
    return decision.standstill_ends + timedelta(days=1)


# Contracts build on commissioning (a contract is let from an awarded bid), so this module does not
# import them: the contracts app names, once it is ready, the function an award makes its contract with.
_make_contract: list[Callable[..., Any]] = []


def award_makes_contract_with(make_contract: Callable[..., Any]) -> None:
    """Name the function `enter_contract` makes the contract with (contracts' `create_contract`)."""
    _make_contract[:] = [make_contract]


def _contract_maker() -> Callable[..., Any]:
    if not _make_contract:
        raise RuntimeError("No app has said how an award makes its contract.")
    return _make_contract[0]


@transaction.atomic
def enter_contract(
    *,
    procurement: Procurement,
    actor,
    start_date: date | None = None,
    end_date: date | None = None,
    reporting_frequency: str | None = None,
    on: date | None = None,
):
    """Once the standstill is over, enter the contract with the winning bid's commitments (the
    procurement's contract dates unless others are given)."""
    require_role(actor, procurement, "editor")
    procurement = Procurement.objects.select_for_update().get(pk=procurement.pk)
    decision = standing_decision(procurement)
    if decision is None:
        raise WrongState("No award decision has been made: award the procurement first.")
    if decision.state == AwardDecision.State.CONTRACT_ENTERED:
        raise WrongState("The contract has already been entered.")
    day = on or today()
    if decision.standstill_ends is not None and day <= decision.standstill_ends:
        raise WrongState(
            f"The standstill ends at midnight on {decision.standstill_ends:%-d %B %Y}: the "
            f"contract can be entered from {contract_opens(decision):%-d %B %Y}."
        )
    start_date = start_date or procurement.contract_start
    end_date = end_date or procurement.contract_end
    errors: Errors = {}
    if start_date is None:
        _add(errors, "start_date", "Enter the date the contract starts.")
    if end_date is None:
        _add(errors, "end_date", "Enter the date the contract ends.")
    if start_date and end_date and end_date <= start_date:
        _add(errors, "end_date", "The contract must end after it starts.")
    if reporting_frequency and reporting_frequency not in ReportingFrequency.values:
        _add(
            errors,
            "reporting_frequency",
            "Choose how often returns are due: "
            + ", ".join(label.lower() for label in ReportingFrequency.labels)
            + ".",
        )
    _refuse(errors)
    options = {"reporting_frequency": reporting_frequency} if reporting_frequency else {}
    contract = _contract_maker()(
        procurement=procurement,
        bid=decision.bid,
        start_date=start_date,
        end_date=end_date,
        created_by=actor.user,
        **options,
    )
    decision.state = AwardDecision.State.CONTRACT_ENTERED
    decision.contract_id = contract.pk
    decision.contract_entered_at = now()
    decision.save(update_fields=["state", "contract_id", "contract_entered_at"])
    transaction.on_commit(
        lambda: signals.contract_entered.send(
            sender=AwardDecision, decision=decision, contract=contract
        )
    )
    return contract


#: What a bidder's view says of its bid once an award decision is made.
OUTCOMES = {
    "awarded": "Awarded",
    "unsuccessful": "Not successful",
    "withdrawn": "Award withdrawn",
}


def bid_outcome(bid: Bid) -> str | None:
    """`awarded`, `unsuccessful` or `withdrawn` after an award decision; None before one (or for
    a draft, which took no part)."""
    if not bid.is_submitted:
        return None
    decision = latest_decision(bid.procurement)
    if decision is None:
        return None
    if decision.state == AwardDecision.State.WITHDRAWN:
        return "withdrawn"
    return "awarded" if decision.bid_id == bid.pk else "unsuccessful"


def assessment_summary(*, bid: Bid, actor) -> AssessmentSummary:
    """The latest assessment summary of a bid, for its council or its bidder; 404 for anyone else."""
    summary = (
        visible(AssessmentSummary, actor)
        .filter(bid=bid)
        .select_related("decision", "bid")
        .order_by("-decision__decided_at", "-decision_id")
        .first()
    )
    if summary is None:
        raise Http404("No assessment summary found.")
    return summary


# --------------------------------------------------------------------------------------------
# Bids and the social value they commit to


def commitment_from_measure(
    measure, quantity: Decimal, *, procurement: Procurement | None = None, **fields: Any
) -> BidCommitment:
    """A commitment valued with the measure's own proxy, source and price year, or with what
    the procurement decided for an outcome of that measure (a local proxy; qualitative only)."""
    proxy, source, year = measure.proxy_value, measure.source, measure.price_year
    asked = (
        procurement.outcomes.filter(measure=measure)
        .exclude(valuation=RequestedOutcome.Valuation.MEASURE)
        .first()
        if procurement is not None
        else None
    )
    if asked is not None and asked.valuation == RequestedOutcome.Valuation.LOCAL:
        proxy, year = asked.local_proxy_value, asked.local_price_year
        source = f"Local proxy set by {procurement.organisation.name}: {asked.local_source}"
    elif asked is not None:
        proxy, year = None, None
        source = "Not valued: scored in the qualitative part (method statement) only"
    return BidCommitment(
        measure=measure,
        description=fields.pop("description", "") or measure.title,
        unit=measure.unit,
        quantity=quantity,
        proxy_value=proxy if proxy is not None else Decimal(0),
        proxy_source=source,
        price_year=year,
        value_type=measure.value_type,
        **fields,
    )


def default_priority(procurement: Procurement, measure) -> Priority | None:
    """The charter priority a commitment to `measure` serves, when the bidder does not say.

    The outcome the procurement asked for with that measure names it first; otherwise the buyer's
    highest-ranked active priority that lists the measure.
    """
    asked = procurement.outcomes.filter(
        measure=measure, priority__isnull=False, priority__active=True
    ).first()
    if asked is not None:
        return asked.priority
    return (
        Priority.objects.filter(
            organisation_id=procurement.organisation_id, active=True, measures=measure
        )
        .order_by("rank")
        .first()
    )


@dataclass(frozen=True)
class Offer:
    """One commitment a bid offers: a quantity of a measure, for a charter priority (or the default)."""

    measure: Any
    quantity: Decimal
    priority: Priority | None = None


def _offer_errors(procurement: Procurement, actor, offer: Offer) -> Errors:
    errors: Errors = {}
    if offer.measure is None:
        _add(errors, "measure", "Choose a measure.")
    elif message := _measure_error(actor, offer.measure):
        _add(errors, "measure", message)
    if offer.quantity is None or Decimal(offer.quantity) < 0:
        _add(errors, "quantity", "The quantity cannot be negative.")
    if message := _priority_error(procurement.organisation_id, offer.priority):
        _add(errors, "priority", message)
    return errors


def _offered(bid: Bid, offer: Offer, position: int) -> BidCommitment:
    commitment = commitment_from_measure(
        offer.measure,
        Decimal(offer.quantity),
        procurement=bid.procurement,
        priority=offer.priority or default_priority(bid.procurement, offer.measure),
        position=position,
    )
    commitment.bid = bid
    return commitment


def is_commissioner_of(actor, procurement: Procurement) -> bool:
    return procurement.organisation_id in actor.organisation_ids


def _bidding_provider(actor):
    providers = [m for m in actor.memberships.values() if not m.organisation.is_commissioner]
    if len(providers) != 1:
        raise ValidationError({"organisation": ["Bid from exactly one provider organisation."]})
    actor.require(providers[0].organisation_id, "editor")
    return providers[0].organisation


def _bidder_errors(bidder, name: str) -> Errors:
    errors: Errors = {}
    if bidder is not None and bidder.kind != Organisation.Kind.PROVIDER:
        _add(errors, "bidder", "Choose a registered provider.")
    if not name:
        _add(errors, "bidder_name", "Name the bidder, or choose a registered provider.")
    return errors


@transaction.atomic
def create_bid(
    *,
    procurement: Procurement,
    actor,
    price: Decimal,
    method_statement: str = "",
    bidder=None,
    bidder_name: str = "",
    commitments: Sequence[Offer] = (),
    scores: Mapping[str, Decimal] | None = None,
    submit: bool = False,
) -> Bid:
    """A provider bids for itself (a draft unless `submit`); the commissioner enters a bid it
    received, from a registered provider or by name, which counts as submitted from the start and
    may carry its moderated scores."""
    if not procurement.accepts_bids:
        raise WrongState("This procurement is not taking bids.")
    commissioner = is_commissioner_of(actor, procurement)
    errors: Errors = {}
    if commissioner:
        require_role(actor, procurement, "editor")
        name = (bidder_name or "").strip() or (bidder.name if bidder is not None else "")
        errors.update(_bidder_errors(bidder, name))
    else:
        bidder = _bidding_provider(actor)
        name = bidder.name
        if scores:
            _add(errors, "scores", "Only the commissioner scores bids.")
    _refuse(errors)
    if procurement.bids.filter(bidder_name=name).exists():
        raise Conflict(
            f"{name} already has a bid for this procurement.",
            field="bidder_name" if commissioner else None,
        )
    bid = Bid(
        procurement=procurement,
        bidder=bidder,
        bidder_name=name,
        price=price,
        method_statement=method_statement,
        entered_by_commissioner=commissioner,
        created_by=actor.user,
    )
    errors = _model_errors(bid, exclude=["procurement", "bidder", "created_by"])
    for index, offer in enumerate(commitments):
        errors.update(_prefixed(_offer_errors(procurement, actor, offer), f"commitments[{index}]"))
    if scores:
        errors.update(_score_errors(procurement, scores))
    _refuse(errors)
    bid.save()
    BidCommitment.objects.bulk_create(
        _offered(bid, offer, position) for position, offer in enumerate(commitments)
    )
    if scores:
        _save_moderated(bid, actor.user, scores)
    if submit or commissioner:
        # The council enters a bid it has received, so it counts as submitted from the start.
        bid.submitted_at = timezone.now()
        bid.save(update_fields=["submitted_at"])
    return bid


def editable_bid(*, bid: Bid, actor) -> Bid:
    """The bid, if the actor may change it: its bidder while it is a draft, or the commissioner
    who entered it, while the procurement takes bids. Anyone else gets a 404."""
    procurement = bid.procurement
    if not procurement.accepts_bids:
        raise Http404("This procurement is not taking bids.")
    if bid.bidder_id in actor.organisation_ids and not bid.is_submitted:
        actor.require(bid.bidder_id, "editor")
        return bid
    if is_commissioner_of(actor, procurement) and bid.entered_by_commissioner:
        require_role(actor, procurement, "editor")
        return bid
    raise Http404("This bid cannot be changed.")


@transaction.atomic
def update_bid(
    *,
    bid: Bid,
    actor,
    price: Decimal,
    method_statement: str = "",
    bidder=None,
    bidder_name: str | None = None,
) -> Bid:
    """Change a bid's price and method statement (and, for one the council entered, its bidder)."""
    editable_bid(bid=bid, actor=actor)
    errors: Errors = {}
    if bid.entered_by_commissioner and is_commissioner_of(actor, bid.procurement):
        name = (bidder_name or "").strip() or (bidder.name if bidder is not None else "")
        errors.update(_bidder_errors(bidder, name))
        if name and bid.procurement.bids.filter(bidder_name=name).exclude(pk=bid.pk).exists():
            raise Conflict(f"{name} already has a bid for this procurement.", field="bidder_name")
        bid.bidder, bid.bidder_name = bidder, name
    bid.price, bid.method_statement = price, method_statement
    errors.update(_model_errors(bid, exclude=["procurement", "bidder", "created_by"]))
    _refuse(errors)
    bid.save()
    return bid


@transaction.atomic
def add_bid_commitment(
    *, bid: Bid, actor, measure, quantity: Decimal, priority: Priority | None = None
) -> BidCommitment:
    """One more commitment on a bid, valued with the measure's proxy."""
    editable_bid(bid=bid, actor=actor)
    offer = Offer(measure=measure, quantity=quantity, priority=priority)
    _refuse(_offer_errors(bid.procurement, actor, offer))
    commitment = _offered(bid, offer, bid.commitments.count())
    commitment.save()
    return commitment


@transaction.atomic
def remove_bid_commitment(*, bid: Bid, actor, commitment_id: int) -> None:
    editable_bid(bid=bid, actor=actor)
    deleted, _ = bid.commitments.filter(pk=commitment_id).delete()
    if not deleted:
        raise Http404("No such commitment.")


@transaction.atomic
def submit_bid(*, bid: Bid, actor) -> Bid:
    """The bidder sends its draft to the commissioner."""
    editable_bid(bid=bid, actor=actor)
    if not bid.procurement.accepts_bids:
        raise WrongState("This procurement is not taking bids.")
    bid.submitted_at = timezone.now()
    bid.save(update_fields=["submitted_at"])
    return bid


# --------------------------------------------------------------------------------------------
# Scores


def criteria_of(procurement: Procurement) -> list[tuple[str, str]]:
    """(key, name) of everything an evaluator scores: each quality criterion, then the method statement."""
    keys = [(c.code, c.name) for c in procurement.criteria.all()]
    return keys + [(METHOD_STATEMENT, "Social value method statement")]


def _score_errors(procurement: Procurement, scores: Mapping[str, Decimal]) -> Errors:
    """Every key a criterion of the procurement and every score on its scale, keyed by criterion."""
    known = dict(criteria_of(procurement))
    errors: Errors = {}
    for key, value in scores.items():
        if key not in known:
            _add(errors, key, f"{key} is not a criterion of this procurement.")
        elif value is None or not 0 <= value <= procurement.max_score:
            _add(
                errors,
                key,
                f"The score for {known[key]} must be from 0 to {_percent(procurement.max_score)}.",
            )
    return errors


def scoring_bid(*, bid: Bid, actor) -> Bid:
    """The bid, if the actor's council scores it now: submitted, and the procurement being evaluated."""
    procurement = bid.procurement
    if not is_commissioner_of(actor, procurement) or not bid.is_submitted:
        raise Http404("No bid found.")
    require_role(actor, procurement, "editor")
    if procurement.state not in (Procurement.State.PUBLISHED, Procurement.State.EVALUATING):
        raise Http404("Scores change only while the procurement is being evaluated.")
    return bid


@transaction.atomic
def record_scores(
    *,
    bid: Bid,
    actor,
    scores: Mapping[str, Decimal],
    comments: Mapping[str, str] | None = None,
) -> None:
    """One evaluator's scores for a bid; a second entry by the same evaluator replaces theirs."""
    scoring_bid(bid=bid, actor=actor)
    _refuse(_score_errors(bid.procurement, scores))
    for key, value in scores.items():
        EvaluatorScore.objects.update_or_create(
            bid=bid,
            evaluator=actor.user,
            criterion=key,
            defaults={
                "score": value,
                "comment": (comments or {}).get(key, ""),
                "scored_at": timezone.now(),
            },
        )


def suggested_moderation(bid: Bid) -> dict[str, Decimal]:
    """The evaluators' median for each criterion: where moderation starts, not where it must end."""
    by_key: dict[str, list[Decimal]] = {}
    for score in bid.evaluator_scores.all():
        by_key.setdefault(score.criterion, []).append(score.score)
    return {key: Decimal(str(statistics.median(values))) for key, values in by_key.items()}


@transaction.atomic
def moderate(
    *,
    bid: Bid,
    actor,
    scores: Mapping[str, Decimal],
    rationale: Mapping[str, str] | None = None,
) -> None:
    """The agreed scores after moderation: the ones the evaluation uses."""
    scoring_bid(bid=bid, actor=actor)
    _refuse(_score_errors(bid.procurement, scores))
    _save_moderated(bid, actor.user, scores, rationale)


def _save_moderated(bid: Bid, moderator, scores, rationale=None) -> None:
    for key, value in scores.items():
        ModeratedScore.objects.update_or_create(
            bid=bid,
            criterion=key,
            defaults={
                "score": value,
                "rationale": (rationale or {}).get(key, ""),
                "moderated_by": moderator,
                "moderated_at": timezone.now(),
            },
        )


# --------------------------------------------------------------------------------------------
# Importing a tender file


def unique_code(text: str, taken: set[str]) -> str:
    base = slugify(text)[:50] or "item"
    code, n = base, 2
    while code in taken:
        code, n = f"{base}-{n}", n + 1
    taken.add(code)
    return code


def _import_tender(organisation, data: Any, user) -> Procurement:
    tender = scoring.load_tender(data)
    procurement = Procurement.objects.create(
        organisation=organisation,
        title=tender.title,
        estimated_value=(
            Decimal(str(tender.contract_value)) if tender.contract_value is not None else None
        ),
        max_score=Decimal(str(tender.max_score)),
        weight_price=Decimal(str(tender.weights.price)),
        weight_quality=Decimal(str(tender.weights.quality)),
        weight_social_value=Decimal(str(tender.weights.social_value)),
        price_method=tender.price_method,
        social_value_qualitative=Decimal(str(tender.social_value.qualitative)),
        social_value_quantitative=Decimal(str(tender.social_value.quantitative)),
        created_by=user,
    )
    for position, criterion in enumerate(tender.quality):
        QualityCriterion.objects.create(
            procurement=procurement,
            code=criterion.id,
            name=criterion.name,
            weight=Decimal(str(criterion.weight)),
            position=position,
        )
    for position, outcome in enumerate(tender.social_value.outcomes):
        RequestedOutcome.objects.create(
            procurement=procurement, code=outcome[:60], title=outcome, position=position
        )
    codes = {c.measure for b in tender.bids for c in b.commitments}
    measures = {
        m.code: m
        for m in Measure.objects.filter(code__in=codes).filter(value_set__organisation__isnull=True)
    }
    measures.update(
        {
            m.code: m
            for m in Measure.objects.filter(code__in=codes, value_set__organisation=organisation)
        }
    )
    now = timezone.now()
    for bid_data in tender.bids:
        bid = Bid.objects.create(
            procurement=procurement,
            bidder_name=bid_data.bidder,
            price=Decimal(str(bid_data.price)),
            entered_by_commissioner=True,
            created_by=user,
            submitted_at=now,
        )
        for key, value in bid_data.quality.items():
            ModeratedScore.objects.create(
                bid=bid, criterion=key, score=Decimal(str(value)), moderated_by=user
            )
        ModeratedScore.objects.create(
            bid=bid,
            criterion=METHOD_STATEMENT,
            score=Decimal(str(bid_data.social_value_score)),
            moderated_by=user,
        )
        for position, commitment in enumerate(bid_data.commitments):
            measure = measures.get(commitment.measure)
            BidCommitment.objects.create(
                bid=bid,
                measure=measure,
                description=measure.title if measure else commitment.measure,
                unit=measure.unit if measure else "",
                quantity=Decimal(str(commitment.quantity)),
                proxy_value=Decimal(str(commitment.proxy_value)),
                proxy_source=(measure.source if measure else "From the imported tender file"),
                price_year=measure.price_year if measure else None,
                value_type=measure.value_type if measure else "",
                position=position,
            )
    return procurement


# --------------------------------------------------------------------------------------------
# Clarification questions

QUESTION_MAX = 5000
ANSWER_MAX = 10000


def _questions_link(procurement: Procurement) -> str:
    link = reverse("commissioning:procurement", kwargs={"procurement_id": procurement.pk})
    return f"{link}#questions"


def _text_errors(field: str, text: str, limit: int, empty: str) -> Errors:
    errors: Errors = {}
    if not text:
        _add(errors, field, empty)
    elif len(text) > limit:
        _add(errors, field, f"Keep the {field} to {limit:,} characters or fewer.")
    return errors


def _asking_provider(actor, procurement: Procurement):
    """The one provider organisation the actor asks for, as an editor or admin."""
    if is_commissioner_of(actor, procurement):
        raise Conflict(
            "The council answers questions on its own procurement; it does not ask them."
        )
    providers = [
        m.organisation
        for m in actor.memberships.values()
        if m.organisation.kind == Organisation.Kind.PROVIDER
    ]
    if len(providers) != 1:
        raise ValidationError(
            {"organisation": ["Ask for exactly one registered provider organisation."]}
        )
    actor.require(providers[0].pk, "editor")
    return providers[0]


@transaction.atomic
def ask_question(*, procurement: Procurement, actor, text: str) -> ProcurementQuestion:
    """A registered provider asks the council a clarification question while bidding is open;
    the council's editors are told."""
    if procurement.state != Procurement.State.PUBLISHED:
        raise WrongState("Questions can be asked only while bidding is open.")
    provider = _asking_provider(actor, procurement)
    text = (text or "").strip()
    _refuse(_text_errors("question", text, QUESTION_MAX, "Enter your question."))
    question = ProcurementQuestion.objects.create(
        procurement=procurement,
        asked_by_organisation=provider,
        asked_by=actor.user,
        question=text,
    )
    notifications.notify_members(
        NotificationKind.QUESTION_ASKED,
        procurement.organisation,
        title=f"A provider asked a question on {procurement.title}.",
        link=_questions_link(procurement),
        key=f"question-asked:{question.pk}",
    )
    return question


def question_to_answer(*, procurement: Procurement, actor, question_id: int) -> ProcurementQuestion:
    """A question on the council's own procurement, if the actor may answer it (an editor)."""
    if not is_commissioner_of(actor, procurement):
        raise Http404("No question found.")
    question = get_visible_or_404(
        ProcurementQuestion, actor, pk=question_id, procurement=procurement
    )
    require_role(actor, procurement, "editor")
    return question


def _bidding_providers(procurement: Procurement) -> list[Organisation]:
    ids = (
        procurement.bids.filter(bidder__isnull=False).values_list("bidder_id", flat=True).distinct()
    )
    return list(Organisation.objects.filter(pk__in=ids))


@transaction.atomic
def answer_question(
    *, question: ProcurementQuestion, actor, answer: str, publish: bool
) -> ProcurementQuestion:
    """The council answers: privately to the provider who asked, or published, without the
    asker's name, to every provider who can see the notice. The asker is told, and when it is
    published every provider with a bid on the procurement. An answer can be corrected."""
    procurement = question.procurement
    if not is_commissioner_of(actor, procurement):
        raise Http404("No question found.")
    require_role(actor, procurement, "editor")
    if procurement.state == Procurement.State.CANCELLED:
        raise WrongState("This procurement is cancelled: its questions are closed.")
    answer = (answer or "").strip()
    _refuse(_text_errors("answer", answer, ANSWER_MAX, "Enter the answer."))
    question.answer = answer
    question.visibility = (
        ProcurementQuestion.Visibility.PUBLISHED
        if publish
        else ProcurementQuestion.Visibility.PRIVATE
    )
    question.state = ProcurementQuestion.State.ANSWERED
    question.answered_by = actor.user
    question.answered_at = timezone.now()
    question.save()
    told = [question.asked_by_organisation]
    if publish:
        told += [
            o for o in _bidding_providers(procurement) if o.pk != question.asked_by_organisation_id
        ]
    for organisation in told:
        notifications.notify_members(
            NotificationKind.QUESTION_ANSWERED,
            organisation,
            title=f"A question on {procurement.title} has been answered.",
            link=_questions_link(procurement),
            key=f"question-answered:{question.pk}:{organisation.pk}",
        )
    return question


def questions_for(procurement: Procurement, actor):
    """The questions on a procurement the actor may read: all of them for its council; for a
    provider, its own and the published answers."""
    return (
        visible(ProcurementQuestion, actor)
        .filter(procurement=procurement)
        .select_related("asked_by_organisation", "asked_by", "answered_by")
    )
