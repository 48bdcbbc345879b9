"""App configuration for early engagement: the pipeline, market engagement, consultation on
local priorities and providers' proposals."""

from django.apps import AppConfig


class EngagementsConfig(AppConfig):
    name = "socialvalue.web.engagements"
    label = "engagements"
    verbose_name = "Early engagement"

    def ready(self) -> None:
        from . import registrations  # noqa: PLC0415 - imports models: not before the app registry is ready

        registrations.register()
