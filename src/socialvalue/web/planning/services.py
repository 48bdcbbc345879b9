"""Rules for objectives and activities: what an organisation may link to, finding, saving and deleting."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import (
    Case,
    Count,
    ProtectedError,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.text import slugify

from socialvalue.reports import Column, Document, Section, Table
from socialvalue.web.accounts.models import User
from socialvalue.web.measures.models import Measure
from socialvalue.web.tenancy import Actor, visible

from .models import Activity, Objective


def _actor_for(organisation: Any) -> Actor:
    return Actor(user=None, memberships={organisation.pk: None})


# ---------------------------------------------------------------- what an activity may link to


def objective_choices(organisation: Any) -> QuerySet[Objective]:
    return Objective.objects.filter(organisation=organisation)


#: The set most providers measure with, offered right after their own imported sets.
STARTER_SET = "socialvalue-starter"


def set_preference(prefix: str = "") -> Case:
    """The order value sets are offered in: the organisation's own, the starter set, the rest."""
    return Case(
        When(**{f"{prefix}organisation__isnull": False}, then=Value(0)),
        When(**{f"{prefix}shipped_key": STARTER_SET}, then=Value(1)),
        default=Value(2),
    )


def measure_choices(organisation: Any) -> QuerySet[Measure]:
    """Built-in and site-wide measures, and those of the organisation's own imported sets."""
    return (
        visible(Measure, _actor_for(organisation))
        .select_related("value_set", "theme")
        .annotate(preference=set_preference("value_set__"))
        .order_by("preference", "value_set__name", "value_set_id", "position", "code")
    )


def lead_choices(organisation: Any) -> QuerySet[User]:
    return User.objects.filter(memberships__organisation=organisation, is_active=True).order_by(
        "full_name", "email"
    )


def contract_choices(organisation: Any) -> QuerySet:
    """Contracts the organisation delivers as the provider: an activity can deliver only its own contracts."""
    # Through the activity's foreign key: contracts build on planning, which does not import them.
    contracts = Activity._meta.get_field("contract").related_model._default_manager
    return contracts.filter(provider=organisation)


def _names(organisation: Any, field: str) -> list[str]:
    found = (
        Activity.objects.filter(organisation=organisation)
        .exclude(**{field: ""})
        .values_list(field, flat=True)
        .order_by()  # Activity's default ordering would make DISTINCT repeat a name per activity
        .distinct()
    )
    return sorted(found, key=str.casefold)


def team_names(organisation: Any) -> list[str]:
    return _names(organisation, "team")


def area_names(organisation: Any) -> list[str]:
    """Areas already used by activities, and the areas the organisation says it serves."""
    served = [a for a in (organisation.areas_served or []) if isinstance(a, str) and a]
    return sorted(set(_names(organisation, "area")) | set(served), key=str.casefold)


# ---------------------------------------------------------------- finding


def find_objectives(actor: Actor, *, text: str = "") -> QuerySet[Objective]:
    objectives = visible(Objective, actor)
    for word in text.split():
        objectives = objectives.filter(
            Q(title__icontains=word) | Q(code__icontains=word) | Q(description__icontains=word)
        )
    # The value of the counted evidence of the objective's activities, as a subquery so the
    # activity count beside it is not multiplied by the join.
    delivered = _evidence_figures["delivered_by_objective"]()
    return objectives.annotate(
        activity_count=Count("activities"), delivered=Subquery(delivered)
    ).order_by("organisation_id", "position", "code", "title")


def find_activities(
    actor: Actor,
    *,
    text: str = "",
    team: str = "",
    area: str = "",
    objective: int | None = None,
    measure: int | None = None,
    contract: int | None = None,
) -> QuerySet[Activity]:
    """The activities the actor may see matching every filter given."""
    activities = visible(Activity, actor)
    for word in text.split():
        activities = activities.filter(
            Q(name__icontains=word)
            | Q(description__icontains=word)
            | Q(team__icontains=word)
            | Q(area__icontains=word)
        )
    if team:
        activities = activities.filter(team__iexact=team.strip())
    if area:
        activities = activities.filter(area__iexact=area.strip())
    if objective:
        activities = activities.filter(objectives__id=objective)
    if measure:
        activities = activities.filter(measures__id=measure)
    if contract:
        activities = activities.filter(contract_id=contract)
    return activities.select_related("lead", "contract").order_by("organisation_id", "name", "id")


@dataclass(frozen=True)
class EvidenceSummary:
    records: int
    value: Decimal
    awaiting: int


def evidence_summary(thing: Activity | Objective) -> EvidenceSummary:
    """What has been recorded against the activity (or the activities serving the objective), in one query."""
    return _evidence_figures["summary"](thing)


# Evidence is recorded against activities, so the evidence app builds on planning and this module
# does not import it: once ready, the evidence app names how planning reads its figures.
_evidence_figures: dict[str, Callable[..., Any]] = {}


def read_evidence_with(
    *,
    delivered_by_objective: Callable[[], Any],
    summary: Callable[[Activity | Objective], EvidenceSummary],
) -> None:
    """`delivered_by_objective()`: the counted evidence value per objective, as a subquery on
    `OuterRef("pk")`; `summary(thing)`: an activity's or objective's `EvidenceSummary`."""
    _evidence_figures.update(delivered_by_objective=delivered_by_objective, summary=summary)


def activities_document(organisation: Any, activities: QuerySet[Activity]) -> Document:
    """The activities as a one-table report, for Excel and CSV."""
    rows = [
        [
            a.name,
            a.team,
            a.area,
            "; ".join(str(o) for o in a.objectives.all()),
            "; ".join(m.code for m in a.measures.all()),
            str(a.contract) if a.contract_id else "",
            a.start_date,
            a.end_date,
            float(a.cost) if a.cost is not None else None,
            str(a.lead) if a.lead_id else "",
        ]
        for a in activities
    ]
    table = Table(
        "Activities",
        [
            Column("Activity"),
            Column("Team"),
            Column("Area"),
            Column("Objectives"),
            Column("Measures"),
            Column("Contract"),
            Column("Start", "date"),
            Column("End", "date"),
            Column("Cost", "money_pence"),
            Column("Lead"),
        ],
        rows,
    )
    return Document(
        title="Activities",
        organisation=organisation.name,
        date=timezone.localdate(),
        sections=[Section("Activities", [table])],
        slug=slugify(f"{organisation.name} activities"),
    )


# ---------------------------------------------------------------- saving and deleting


def current_values(instance: Objective | Activity, fields: list[str]) -> dict[str, Any]:
    """The instance as form data, so a partial update (PATCH) changes only what it names."""
    values = model_to_dict(instance, fields=fields)
    return {
        name: [item.pk for item in value] if isinstance(value, list) else value
        for name, value in values.items()
    }


@transaction.atomic
def save(form) -> Objective | Activity:
    """Save a valid objective or activity form, stamping when it last changed."""
    instance = form.instance
    instance.updated_at = timezone.now()
    return form.save()


def delete(instance: Objective | Activity) -> None:
    """Delete an objective or an activity; one with evidence recorded against it is kept, with the reason."""
    try:
        with transaction.atomic():
            instance.delete()
    except ProtectedError as exc:
        kinds = sorted({str(obj._meta.verbose_name_plural) for obj in exc.protected_objects})
        raise ValidationError(
            f"{instance} cannot be deleted: {' and '.join(kinds)} refer to it. "
            "Remove or move them first."
        ) from None
