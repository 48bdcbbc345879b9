"""App configuration for SROI analyses."""

from django.apps import AppConfig


class AnalysesConfig(AppConfig):
    name = "socialvalue.web.analyses"
    label = "analyses"
    verbose_name = "SROI analyses"

    def ready(self) -> None:
        from . import registrations  # noqa: PLC0415 - imports models: not before the app registry is ready

        registrations.register()
