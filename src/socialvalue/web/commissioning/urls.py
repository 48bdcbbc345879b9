"""URLs for commissioning."""

from django.urls import path  # noqa: F401

app_name = "commissioning"

urlpatterns: list = []
