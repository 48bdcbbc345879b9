"""App configuration for the audit trail."""

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "socialvalue.web.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from . import security  # noqa: PLC0415 - imports models: not before the app registry is ready

        security.connect()
