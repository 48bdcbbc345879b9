"""Business-plan objectives and the activities that deliver them.

An activity is the unit a provider plans and records evidence against: a team in an area doing
something towards one or more objectives, measured by measures from a value set.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from socialvalue.web.tenancy import TenantQuerySet


class Objective(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="objectives"
    )
    #: A short reference from the business plan, such as "BP2".
    code = models.CharField(max_length=20, blank=True)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    owner = models.CharField("owner", max_length=200, blank=True)
    target_date = models.DateField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "position", "code", "title"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()


class Activity(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="activities"
    )
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    team = models.CharField(max_length=200, blank=True)
    area = models.CharField(max_length=200, blank=True)
    objectives = models.ManyToManyField(Objective, blank=True, related_name="activities")
    measures = models.ManyToManyField("measures.Measure", blank=True, related_name="activities")
    #: The contract the activity delivers, if any: only one the organisation provides.
    contract = models.ForeignKey(
        "contracts.Contract",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    cost = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The member who leads the activity.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "name"]
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["organisation", "team", "area"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = "The end date must be on or after the start date."
        if self.cost is not None and self.cost < 0:
            errors["cost"] = "The cost cannot be negative."
        if errors:
            raise ValidationError(errors)
