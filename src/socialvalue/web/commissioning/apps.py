"""App configuration for commissioning."""

from django.apps import AppConfig


class CommissioningConfig(AppConfig):
    name = "socialvalue.web.commissioning"
    label = "commissioning"
    verbose_name = "Commissioning"

    def ready(self) -> None:
        from . import registrations  # noqa: PLC0415 - imports models: not before the app registry is ready

        registrations.register()
