"""URLs for the audit trail."""

from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("organisation/audit/", views.audit_trail, name="trail"),
    path("organisation/audit/export.csv", views.audit_trail_csv, name="export"),
]
