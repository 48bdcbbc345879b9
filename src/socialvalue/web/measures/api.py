"""API routes for value sets, measures and the SDGs."""

from decimal import Decimal

from django.db.models import Count
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from socialvalue.web.api.schemas import Pages, answers
from socialvalue.web.tenancy import get_visible_or_404

from . import services
from .models import Measure, ValueSet, ValueType

router = Router(tags=["measures"])


class ValueSetOut(Schema):
    id: int
    name: str
    version: str
    publisher: str
    licence: str
    licence_confidence: str
    source: str
    price_year: int | None
    origin: str
    organisation_id: int | None
    site_wide: bool
    measure_count: int

    @staticmethod
    def resolve_site_wide(obj: ValueSet) -> bool:
        return obj.is_site_wide

    @staticmethod
    def resolve_measure_count(obj: ValueSet) -> int:
        return getattr(obj, "measure_count", None) or obj.measures.count()


class MeasureOut(Schema):
    id: int
    value_set_id: int
    value_set: str
    code: str
    title: str
    unit: str
    theme: str | None
    outcome: str | None
    description: str
    evidence_guidance: str
    proxy_value: Decimal | None
    value_type: str
    price_year: int | None
    source: str
    licence: str
    confidence: str
    confidence_note: str
    sdg_targets: list[str]

    @staticmethod
    def resolve_value_set(obj: Measure) -> str:
        return str(obj.value_set)

    @staticmethod
    def resolve_theme(obj: Measure) -> str | None:
        return obj.theme.name if obj.theme else None

    @staticmethod
    def resolve_outcome(obj: Measure) -> str | None:
        return obj.outcome.name if obj.outcome else None

    @staticmethod
    def resolve_licence(obj: Measure) -> str:
        return obj.effective_licence

    @staticmethod
    def resolve_sdg_targets(obj: Measure) -> list[str]:
        return [t.code for t in obj.sdg_targets.all()]


class TargetOut(Schema):
    code: str
    kind: str
    description: str


class GoalOut(Schema):
    number: int
    short_name: str
    description: str
    targets: list[TargetOut]

    @staticmethod
    def resolve_targets(obj) -> list:
        return list(obj.targets.all())


@router.get("/value-sets", response=answers(list[ValueSetOut]), summary="Value sets you can use")
def list_value_sets(request: HttpRequest):
    """Built-in and site-wide sets, and the sets your organisations imported, each with its licence."""
    return services.visible_sets(request.actor).annotate(measure_count=Count("measures"))


@router.get(
    "/value-sets/{value_set_id}",
    response=answers(ValueSetOut, 404),
    summary="One value set",
)
def get_value_set(request: HttpRequest, value_set_id: int):
    return get_visible_or_404(ValueSet, request.actor, pk=value_set_id)


@router.get("/measures", response=answers(list[MeasureOut]), summary="Search measures")
@paginate(Pages)
def list_measures(
    request: HttpRequest,
    search: str = "",
    set: int | None = None,  # noqa: A002 - the query parameter users write
    sdg: str = "",
    value_type: ValueType | None = None,
    theme: str = "",
):
    """Measures you can see matching every filter: `sdg` is a goal (8) or a target (8.5); `theme` a theme name."""
    return (
        services.search_measures(
            request.actor,
            text=search,
            value_set=set,
            sdg=sdg,
            value_type=value_type or "",
            theme=theme,
        )
        .select_related("outcome")
        .prefetch_related("sdg_targets")
    )


@router.get("/measures/{measure_id}", response=answers(MeasureOut, 404), summary="One measure")
def get_measure(request: HttpRequest, measure_id: int):
    return get_visible_or_404(Measure, request.actor, pk=measure_id)


@router.get("/sdgs", response=answers(list[GoalOut]), summary="The 17 SDGs with their 169 targets")
def list_sdgs(request: HttpRequest):
    return services.sdg_goals()
