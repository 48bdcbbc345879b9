"""URLs for statements."""

from django.urls import path  # noqa: F401

app_name = "statements"

urlpatterns: list = []
