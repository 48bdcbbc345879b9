"""App configuration for commissioning."""

from django.apps import AppConfig


class CommissioningConfig(AppConfig):
    name = "socialvalue.web.commissioning"
    label = "commissioning"
    verbose_name = "Commissioning"
