"""App configuration for measures and frameworks."""

from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "socialvalue.web.measures"
    label = "measures"
    verbose_name = "Measures and frameworks"

    def ready(self) -> None:
        from socialvalue.web import demo, navigation
        from socialvalue.web.audit.registry import audit

        from .demo import load_demo_value_set
        from .models import ValueSet

        # Measures, themes and outcomes change only by importing their set again, in bulk, so the
        # trail records the set: who imported or replaced it, for which organisation, and when.
        audit(
            ValueSet,
            organisation=lambda value_set: value_set.organisation,
            exclude=("created_at", "updated_at"),
        )
        navigation.add("Measures", "measures:list", order=20)
        demo.add_loader(load_demo_value_set)
