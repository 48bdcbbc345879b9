"""App configuration for sroi analyses."""

from django.apps import AppConfig


class AnalysesConfig(AppConfig):
    name = "socialvalue.web.analyses"
    label = "analyses"
    verbose_name = "SROI analyses"
