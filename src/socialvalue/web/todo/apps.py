"""App configuration for the to-do list and the reminders derived from the same data."""

from django.apps import AppConfig


class TodoConfig(AppConfig):
    name = "socialvalue.web.todo"
    label = "todo"
    verbose_name = "To do"

    def ready(self) -> None:
        from . import registrations  # noqa: PLC0415 - imports models: not before the app registry is ready

        registrations.register()
