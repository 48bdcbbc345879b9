"""App configuration for planning."""

from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "socialvalue.web.planning"
    label = "planning"
    verbose_name = "Planning"
