"""App configuration for reports."""

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "socialvalue.web.reports"
    label = "reports"
    verbose_name = "Reports"
