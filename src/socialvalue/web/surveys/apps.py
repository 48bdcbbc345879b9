"""App configuration for wellbeing surveys."""

from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "socialvalue.web.surveys"
    label = "surveys"
    verbose_name = "Wellbeing surveys"

    def ready(self) -> None:
        from . import registrations  # noqa: PLC0415 - imports models: not before the app registry is ready

        registrations.register()
