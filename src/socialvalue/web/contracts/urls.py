"""URLs for contracts."""

from django.urls import path  # noqa: F401

app_name = "contracts"

urlpatterns: list = []
