"""App configuration for evidence."""

from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "socialvalue.web.evidence"
    label = "evidence"
    verbose_name = "Evidence"

    def ready(self) -> None:
        from . import registrations  # noqa: PLC0415 - imports models: not before the app registry is ready

        registrations.register()
