"""Value sets of themes, outcomes and measures (with financial proxies), and the UN SDGs they serve."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ValueType(models.TextChoices):
    FISCAL = "fiscal", "Fiscal"
    ECONOMIC = "economic", "Economic"
    SOCIAL = "social", "Social"
    WELLBEING = "wellbeing", "Wellbeing"
    ENVIRONMENTAL = "environmental", "Environmental"


class Confidence(models.TextChoices):
    READ = "read", "Read in the source"
    UNVERIFIED = "unverified", "Unverified"


class SdgGoal(models.Model):
    number = models.PositiveSmallIntegerField(unique=True)
    short_name = models.CharField(max_length=100)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = "SDG goal"

    def __str__(self) -> str:
        return f"Goal {self.number}: {self.short_name}"


class SdgTarget(models.Model):
    class Kind(models.TextChoices):
        OUTCOME = "outcome", "Outcome target"
        MEANS = "means_of_implementation", "Means of implementation"

    goal = models.ForeignKey(SdgGoal, on_delete=models.CASCADE, related_name="targets")
    code = models.CharField(max_length=8, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["goal__number", "position"]
        verbose_name = "SDG target"

    def __str__(self) -> str:
        return f"{self.code} {self.description}"


class ValueSetQuerySet(models.QuerySet):
    def visible_to(self, actor) -> models.QuerySet:
        # Built-in and site-wide sets have no owner; an organisation's import is for its members only,
        # because the licence it was imported under is that organisation's.
        return self.filter(
            Q(organisation__isnull=True) | Q(organisation_id__in=actor.organisation_ids)
        )


class ValueSet(models.Model):
    class Origin(models.TextChoices):
        BUILT_IN = "built_in", "Built in"
        IMPORTED = "imported", "Imported"

    name = models.CharField(max_length=200)
    version = models.CharField(max_length=200)
    publisher = models.CharField(max_length=200, blank=True)
    licence = models.CharField(max_length=300)
    licence_note = models.TextField(blank=True)
    licence_confidence = models.CharField(max_length=12, choices=Confidence.choices, blank=True)
    source = models.TextField(blank=True)
    price_year = models.PositiveSmallIntegerField(null=True, blank=True)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.IMPORTED)
    #: The shipped file and edition a built-in set came from, so reloading it finds the same row.
    shipped_key = models.CharField(max_length=80, blank=True)
    note = models.TextField(blank=True)
    #: None for built-in and site-wide sets, visible to everyone signed in.
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="value_sets",
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    original_filename = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ValueSetQuerySet.as_manager()

    class Meta:
        ordering = ["origin", "name", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "version", "organisation"],
                condition=Q(organisation__isnull=False),
                name="one_value_set_version_per_org",
            ),
            models.UniqueConstraint(
                fields=["name", "version"],
                condition=Q(organisation__isnull=True),
                name="one_shared_value_set_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"

    @property
    def is_built_in(self) -> bool:
        return self.origin == self.Origin.BUILT_IN

    @property
    def is_site_wide(self) -> bool:
        return self.origin == self.Origin.IMPORTED and self.organisation_id is None

    @property
    def owner_label(self) -> str:
        if self.is_built_in:
            return "Built in"
        if self.organisation_id is None:
            return "Site-wide"
        return self.organisation.name


class Theme(models.Model):
    value_set = models.ForeignKey(ValueSet, on_delete=models.CASCADE, related_name="themes")
    code = models.CharField(max_length=40, blank=True)
    name = models.CharField(max_length=300)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["value_set", "position"]

    def __str__(self) -> str:
        return self.name


class Outcome(models.Model):
    value_set = models.ForeignKey(ValueSet, on_delete=models.CASCADE, related_name="outcomes")
    theme = models.ForeignKey(
        Theme, on_delete=models.CASCADE, null=True, blank=True, related_name="outcomes"
    )
    name = models.CharField(max_length=500)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["value_set", "position"]

    def __str__(self) -> str:
        return self.name


class MeasureQuerySet(models.QuerySet):
    def visible_to(self, actor) -> models.QuerySet:
        return self.filter(
            Q(value_set__organisation__isnull=True)
            | Q(value_set__organisation_id__in=actor.organisation_ids)
        )


class Measure(models.Model):
    value_set = models.ForeignKey(ValueSet, on_delete=models.CASCADE, related_name="measures")
    theme = models.ForeignKey(
        Theme, on_delete=models.CASCADE, null=True, blank=True, related_name="measures"
    )
    outcome = models.ForeignKey(
        Outcome, on_delete=models.CASCADE, null=True, blank=True, related_name="measures"
    )
    code = models.CharField(max_length=100)
    title = models.CharField(max_length=1000)
    unit = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    evidence_guidance = models.TextField(blank=True)
    #: Pounds per unit in `price_year` prices; None means counted, not valued.
    proxy_value = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    value_type = models.CharField(max_length=15, choices=ValueType.choices, blank=True)
    price_year = models.PositiveSmallIntegerField(null=True, blank=True)
    #: A proxy that follows the year of what is valued: `carbon/central` (or low, high) values an
    #: evidence record with the carbon value of its period's year (`core.carbon`), and
    #: `proxy_value` shows one year's figure. Blank for a fixed proxy.
    proxy_series = models.CharField(max_length=40, blank=True)
    source = models.TextField(blank=True)
    #: The licence of this measure's figure when it differs from its set's (shipped sets cite one per proxy).
    licence = models.CharField(max_length=300, blank=True)
    confidence = models.CharField(max_length=12, choices=Confidence.choices, blank=True)
    confidence_note = models.TextField(blank=True)
    kind = models.CharField(
        max_length=40, blank=True, help_text="For example award criterion or reporting metric."
    )
    position = models.PositiveIntegerField(default=0)
    sdg_targets = models.ManyToManyField(SdgTarget, blank=True, related_name="measures")
    #: Lower-cased code, title, unit, description, theme and outcome: one column to search.
    search_text = models.TextField(blank=True, editable=False)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["value_set", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["value_set", "code"], name="measure_code_unique_in_set")
        ]
        indexes = [
            models.Index(fields=["value_set", "position", "code"], name="measure_in_set_order"),
            models.Index(fields=["value_type"], name="measure_value_type"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def effective_licence(self) -> str:
        return self.licence or self.value_set.licence

    @property
    def is_unverified(self) -> bool:
        return self.confidence == Confidence.UNVERIFIED


def search_text_for(*parts: str | None) -> str:
    return " ".join(p for p in parts if p).lower()


class MeasureOverlapQuerySet(models.QuerySet):
    def among(self, measure_ids) -> models.QuerySet:
        """Overlaps whose two measures are both in `measure_ids` (a list or a subquery of ids)."""
        return self.filter(measure_a_id__in=measure_ids, measure_b_id__in=measure_ids)


class MeasureOverlap(models.Model):
    """Two measures of a value set that value the same change: claiming both counts it twice.

    Symmetric: the pair is stored once, the measure with the lower id first (`declare` orders
    it), so looking an overlap up never depends on which side it was declared from.
    """

    value_set = models.ForeignKey(ValueSet, on_delete=models.CASCADE, related_name="overlaps")
    measure_a = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="+")
    measure_b = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField()

    objects = MeasureOverlapQuerySet.as_manager()

    class Meta:
        ordering = ["value_set", "measure_a", "measure_b"]
        constraints = [
            models.UniqueConstraint(fields=["measure_a", "measure_b"], name="one_overlap_per_pair"),
            models.CheckConstraint(
                condition=Q(measure_a__lt=models.F("measure_b")), name="overlap_pair_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure_a.code} overlaps {self.measure_b.code}"

    @classmethod
    def pair(cls, first_id: int, second_id: int) -> tuple[int, int]:
        return (first_id, second_id) if first_id < second_id else (second_id, first_id)
