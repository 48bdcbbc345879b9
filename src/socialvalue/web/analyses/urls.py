"""URLs for sroi analyses."""

from django.urls import path  # noqa: F401

app_name = "analyses"

urlpatterns: list = []
