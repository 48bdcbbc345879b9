"""App configuration for measures and frameworks."""

from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "socialvalue.web.measures"
    label = "measures"
    verbose_name = "Measures and frameworks"

    def ready(self) -> None:
        from . import registrations  # noqa: PLC0415 - imports models: not before the app registry is ready

        registrations.register()
