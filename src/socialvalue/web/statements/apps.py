"""App configuration for statements: the social value statement builder."""

from django.apps import AppConfig


class StatementsConfig(AppConfig):
    name = "socialvalue.web.statements"
    label = "statements"
    verbose_name = "Statements"

    def ready(self) -> None:
        from . import registrations  # noqa: PLC0415 - imports models: not before the app registry is ready

        registrations.register()
