"""App configuration for planning: business-plan objectives and activities."""

from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "socialvalue.web.planning"
    label = "planning"
    verbose_name = "Planning"

    def ready(self) -> None:
        from . import registrations  # noqa: PLC0415 - imports models: not before the app registry is ready

        registrations.register()
