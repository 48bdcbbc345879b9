"""App configuration for case studies."""

from django.apps import AppConfig


class CasestudiesConfig(AppConfig):
    name = "socialvalue.web.casestudies"
    label = "casestudies"
    verbose_name = "Case studies"
