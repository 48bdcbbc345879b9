"""App configuration for statements."""

from django.apps import AppConfig


class StatementsConfig(AppConfig):
    name = "socialvalue.web.statements"
    label = "statements"
    verbose_name = "Statements"
