"""Site administration of value sets: the libraries of measures and proxy values organisations use.

Site administrators look after the shipped and site-wide sets and their licences. A set's measures
are shown read-only: values change only by importing a new version, so records made with a value
keep it.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count

from .models import Measure, ValueSet


class MeasureInline(admin.TabularInline):
    model = Measure
    extra = 0
    fields = ("code", "title", "unit", "proxy_value", "price_year")
    readonly_fields = fields
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ValueSet)
class ValueSetAdmin(admin.ModelAdmin):
    list_display = ("name", "version", "publisher", "licence", "origin", "organisation", "measures")
    list_filter = ("origin", "licence_confidence")
    search_fields = ("name", "publisher", "licence", "organisation__name")
    readonly_fields = (
        "origin",
        "shipped_key",
        "imported_by",
        "original_filename",
        "created_at",
        "updated_at",
    )
    autocomplete_fields = ("organisation",)
    inlines = (MeasureInline,)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("organisation")
            .annotate(measure_count=Count("measures"))
        )

    @admin.display(ordering="measure_count")
    def measures(self, obj) -> int:
        return obj.measure_count

    def has_add_permission(self, request) -> bool:
        return False  # sets arrive by import (the measures pages or `socialvalue measures import`)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Evidence, bids and contracts keep the values they were made with; a set is retired by
        # importing a new version, never deleted from under them.
        return False
