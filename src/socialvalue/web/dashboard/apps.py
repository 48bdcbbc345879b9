"""App configuration for dashboard."""

from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "socialvalue.web.dashboard"
    label = "dashboard"
    verbose_name = "Dashboard"
