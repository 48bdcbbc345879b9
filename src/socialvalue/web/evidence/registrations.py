"""What the evidence app adds, once every app is loaded: its models in the audit trail, navigation, the demo, first steps, where measures are used and the figures planning shows."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, OuterRef, Q, Sum
from django.urls import reverse

from socialvalue.web import demo, navigation, onboarding
from socialvalue.web.audit.registry import audit
from socialvalue.web.measures.usage import Use, add_use_finder, count
from socialvalue.web.planning import services as planning
from socialvalue.web.planning.models import Activity, Objective
from socialvalue.web.tenancy import visible

from .demo import load_demo_evidence
from .models import Evidence, EvidenceFile, EvidenceMessage, Verification


def register() -> None:
    audit(Evidence, exclude=("created_at", "updated_at"))
    audit(EvidenceFile, exclude=("file",))
    # Told in the trail of the record's organisation, and of the council when it wrote.
    audit(
        EvidenceMessage,
        organisation=lambda m: list(
            {
                m.evidence.organisation_id: m.evidence.organisation,
                m.organisation_id: m.organisation,
            }.values()
        ),
    )
    navigation.add("Evidence", "evidence:list", order=40, shown=navigation.is_provider)
    demo.add_loader(load_demo_evidence)
    onboarding.add(
        "evidence",
        "Record your first evidence",
        hint="A quantity delivered against a measure, with a file to show it.",
        url_name="evidence:list",
        order=60,
        kinds=(onboarding.PROVIDER,),
        status=lambda org: onboarding.done_if(Evidence.objects.filter(organisation=org).exists()),
    )
    add_use_finder("evidence", _uses_of_measure, order=20)
    planning.read_evidence_with(delivered_by_objective=_delivered_by_objective, summary=_summary)


def _uses_of_measure(measure, actor) -> list[Use]:
    evidence = visible(Evidence, actor).counted().filter(measure=measure)
    totals = evidence.aggregate(records=Count("id"), value=Sum("value"))
    if not totals["records"]:
        return []
    value = f", worth £{totals['value']:,.0f}" if totals["value"] else ""
    return [
        Use(
            count(totals["records"], "evidence record", "evidence records") + value,
            f"{reverse('evidence:list')}?measure={measure.id}",
        )
    ]


def _delivered_by_objective():
    """The value of the counted evidence of an objective's activities (`OuterRef("pk")`)."""
    return (
        Evidence.objects.filter(activity__objectives=OuterRef("pk"))
        .exclude(verification=Verification.REJECTED)
        .order_by()
        .values("activity__objectives")
        .annotate(total=Sum("value"))
        .values("total")
    )


def _summary(thing: Activity | Objective) -> planning.EvidenceSummary:
    rejected, awaiting = Verification.REJECTED, (Verification.SELF_REPORTED, Verification.EVIDENCED)
    if isinstance(thing, Objective):
        records = Evidence.objects.filter(
            activity_id__in=thing.activities.values("pk"), organisation_id=thing.organisation_id
        )
    else:
        records = Evidence.objects.filter(activity=thing)
    figures = records.aggregate(
        records=Count("id"),
        value=Sum("value", filter=~Q(verification=rejected)),
        awaiting=Count("id", filter=Q(verification__in=awaiting)),
    )
    return planning.EvidenceSummary(
        figures["records"], figures["value"] or Decimal(0), figures["awaiting"]
    )
