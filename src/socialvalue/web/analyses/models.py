"""SROI analyses: an organisation's impact map (the engine's dict), its settings and its last result."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from socialvalue.core.sroi.model import DEFAULT_DRAWS
from socialvalue.web.tenancy import TenantQuerySet


def new_seed() -> int:
    """A seed picked once when an analysis is made, then kept, so its Monte Carlo is reproducible."""
    return secrets.randbelow(2**31)


class Analysis(models.Model):
    class Kind(models.TextChoices):
        FORECAST = "forecast", "Forecast"
        EVALUATIVE = "evaluative", "Evaluative"

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="sroi_analyses"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FORECAST)
    period = models.CharField(
        max_length=100, blank=True, help_text="The period of activity, for example 2025 to 2026."
    )
    #: The evaluative version points at the forecast it was built from.
    forecast = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evaluations",
        limit_choices_to={"kind": "forecast"},
    )
    #: The impact map as the engine's dict (`ImpactMap.to_dict()` without `sensitivity`). It may
    #: lack inputs or outcomes while the analysis is being built; otherwise it is always valid.
    impact_map = models.JSONField(default=dict)
    #: The measure each outcome is counted by, where the editor names one: {outcome id: measure
    #: id}. Kept beside the map (the engine's contract has no measures) so overlaps between
    #: measures, such as a QALY and a WELLBY for the same people, can be warned about.
    outcome_measures = models.JSONField(default=dict, blank=True)
    #: Who the analysis concerns: [{"name": ..., "involvement": ...}], in the order they were added.
    stakeholders = models.JSONField(default=list)
    draws = models.PositiveIntegerField(
        default=DEFAULT_DRAWS, help_text="Monte Carlo draws; 0 turns Monte Carlo off."
    )
    seed = models.PositiveIntegerField(default=new_seed)
    #: `calculate(...).to_dict()` for the map as last saved; None when the map is incomplete.
    result = models.JSONField(null=True, blank=True, editable=False)
    #: The result's ratio, kept in a column so lists need not read the result.
    sroi_ratio = models.FloatField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "name"]
        verbose_name = "SROI analysis"
        verbose_name_plural = "SROI analyses"
        indexes = [models.Index(fields=["organisation", "-updated_at"], name="analysis_recent")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display().lower()})"

    @property
    def is_forecast(self) -> bool:
        return self.kind == self.Kind.FORECAST

    @property
    def inputs(self) -> list[dict]:
        return list(self.impact_map.get("inputs") or [])

    @property
    def outcomes(self) -> list[dict]:
        return list(self.impact_map.get("outcomes") or [])

    @property
    def currency(self) -> str:
        return str(self.impact_map.get("currency") or "GBP")

    def keep_result(self, result: dict | None) -> None:
        self.result = result
        self.sroi_ratio = (result or {}).get("sroi_ratio")
