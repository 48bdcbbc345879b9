"""App configuration for SROI analyses."""

from django.apps import AppConfig


class AnalysesConfig(AppConfig):
    name = "socialvalue.web.analyses"
    label = "analyses"
    verbose_name = "SROI analyses"

    def ready(self) -> None:
        from socialvalue.web import demo, navigation
        from socialvalue.web.audit.registry import audit

        from .demo import load_demo_analyses
        from .models import Analysis

        # The cached result follows from the map; recording it would double every change's size.
        audit(Analysis, exclude=("result", "updated_at"))
        navigation.add(
            "SROI",
            "analyses:list",
            order=18,
            shown=lambda request: getattr(request, "organisation", None) is not None,
        )
        demo.add_loader(load_demo_analyses)
