"""App configuration for notifications: what happened, for each person, in the product and by email."""

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "socialvalue.web.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from . import registrations  # noqa: PLC0415 - imports models: not before the app registry is ready

        registrations.register()
