"""App configuration for evidence."""

from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "socialvalue.web.evidence"
    label = "evidence"
    verbose_name = "Evidence"

    def ready(self) -> None:
        from socialvalue.web.audit.registry import audit

        from .models import Evidence, EvidenceFile

        audit(Evidence, exclude=("created_at", "updated_at"))
        audit(EvidenceFile, exclude=("file",))
