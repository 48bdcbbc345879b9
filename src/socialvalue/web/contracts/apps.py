"""App configuration for contracts."""

from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "socialvalue.web.contracts"
    label = "contracts"
    verbose_name = "Contracts"

    def ready(self) -> None:
        from . import registrations  # noqa: PLC0415 - imports models: not before the app registry is ready

        registrations.register()
