"""URLs for case studies."""

from django.urls import path  # noqa: F401

app_name = "casestudies"

urlpatterns: list = []
