"""App configuration for reports."""

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "socialvalue.web.reports"
    label = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from . import registrations  # noqa: PLC0415 - imports models: not before the app registry is ready

        registrations.register()
