"""App configuration for case studies."""

from django.apps import AppConfig


class CasestudiesConfig(AppConfig):
    name = "socialvalue.web.casestudies"
    label = "casestudies"
    verbose_name = "Case studies"

    def ready(self) -> None:
        from . import registrations  # noqa: PLC0415 - imports models: not before the app registry is ready

        registrations.register()
