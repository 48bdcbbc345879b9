"""App configuration for planning: business-plan objectives and activities."""

from django.apps import AppConfig


def is_provider(request) -> bool:
    organisation = getattr(request, "organisation", None)
    return organisation is not None and not organisation.is_commissioner


class PlanningConfig(AppConfig):
    name = "socialvalue.web.planning"
    label = "planning"
    verbose_name = "Planning"

    def ready(self) -> None:
        from socialvalue.web import demo, navigation, onboarding
        from socialvalue.web.audit.registry import audit

        from .demo import load_demo_plan
        from .models import Activity, Objective

        audit(Objective, exclude=("created_at", "updated_at"))
        audit(Activity, exclude=("created_at", "updated_at"))
        navigation.add("Plan", "planning:objectives", order=30, shown=is_provider)
        demo.add_loader(load_demo_plan)
        onboarding.add(
            "objectives",
            "Set your business-plan objectives",
            hint="What the organisation means to achieve, so each activity serves one.",
            url_name="planning:objectives",
            order=30,
            kinds=(onboarding.PROVIDER,),
            status=lambda org: onboarding.done_if(
                Objective.objects.filter(organisation=org).exists()
            ),
        )
        onboarding.add(
            "activity",
            "Plan a first activity",
            hint="Its team, area, the measures it counts and its cost.",
            url_name="planning:activities",
            order=40,
            kinds=(onboarding.PROVIDER,),
            status=lambda org: onboarding.done_if(
                Activity.objects.filter(organisation=org).exists()
            ),
        )
