"""What the planning app adds, once every app is loaded: its models in the audit trail, navigation, the demo, first steps and where measures are used."""

from __future__ import annotations

from socialvalue.web import demo, navigation, onboarding
from socialvalue.web.audit.registry import audit
from socialvalue.web.measures.usage import Use, add_use_finder, count
from socialvalue.web.tenancy import visible

from .demo import load_demo_plan
from .models import Activity, Objective


def register() -> None:
    audit(Objective, exclude=("created_at", "updated_at"))
    audit(Activity, exclude=("created_at", "updated_at"))
    navigation.add("Plan", "planning:objectives", order=30, shown=navigation.is_provider)
    demo.add_loader(load_demo_plan)
    onboarding.add(
        "objectives",
        "Set your business-plan objectives",
        hint="What the organisation means to achieve, so each activity serves one.",
        url_name="planning:objectives",
        order=30,
        kinds=(onboarding.PROVIDER,),
        status=lambda org: onboarding.done_if(Objective.objects.filter(organisation=org).exists()),
    )
    onboarding.add(
        "activity",
        "Plan a first activity",
        hint="Its team, area, the measures it counts and its cost.",
        url_name="planning:activities",
        order=40,
        kinds=(onboarding.PROVIDER,),
        status=lambda org: onboarding.done_if(Activity.objects.filter(organisation=org).exists()),
    )
    add_use_finder("planning", _uses_of_measure, order=10)


def _uses_of_measure(measure, actor) -> list[Use]:
    activities = visible(Activity, actor).filter(measures=measure).count()
    if not activities:
        return []
    return [Use(count(activities, "activity", "activities") + " plan to deliver it")]
