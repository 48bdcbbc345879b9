"""App configuration for evidence."""

from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "socialvalue.web.evidence"
    label = "evidence"
    verbose_name = "Evidence"
