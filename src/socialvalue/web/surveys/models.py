"""Wellbeing surveys: the questions a provider asks, and the answers people give at baseline and
follow-up, known only by a participant code the organisation gives them (never a name).

The figures are worked out by `services.results` (the pairs picked in SQL) and
`socialvalue.core.wellbeing` (change, interval, suppression, WELLBY value).
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

from socialvalue.core.wellbeing import BASELINE, FOLLOW_UP
from socialvalue.web.tenancy import TenantQuerySet

#: A question's key and a participant code: letters, digits, dashes and underscores only, so no
#: name or sentence finds its way into the survey data through them.
KEY_PATTERN = r"^[a-z][a-z0-9_]{0,49}$"
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$"

SHARE = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))]


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Wave(models.TextChoices):
    BASELINE = BASELINE, "Baseline"
    FOLLOW_UP = FOLLOW_UP, "Follow-up"


class Source(models.TextChoices):
    PUBLIC = "public", "Public link"
    STAFF = "staff", "Entered by staff"
    IMPORT = "import", "Imported"
    API = "api", "API"


class Survey(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="surveys"
    )
    title = models.CharField(max_length=200)
    #: The ONS's four personal wellbeing questions are asked (life satisfaction is then valued).
    ons4 = models.BooleanField("ask the ONS4 wellbeing questions", default=True)
    deadweight = models.DecimalField(
        max_digits=5, decimal_places=4, default=Decimal(0), validators=SHARE
    )
    attribution = models.DecimalField(
        max_digits=5, decimal_places=4, default=Decimal(0), validators=SHARE
    )
    displacement = models.DecimalField(
        max_digits=5, decimal_places=4, default=Decimal(0), validators=SHARE
    )
    duration = models.DecimalField(
        "duration in years",
        max_digits=6,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal(100))],
    )
    activities = models.ManyToManyField("planning.Activity", blank=True, related_name="surveys")
    contract = models.ForeignKey(
        "contracts.Contract",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="surveys",
    )
    #: The unguessable part of the public answering link.
    public_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    #: Whether the public link takes answers.
    open = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    key = models.CharField(max_length=50, validators=[RegexValidator(KEY_PATTERN)])
    text = models.CharField(max_length=500)
    #: The same question in plain, short words for the easy-read version.
    easy_read = models.CharField(max_length=500, blank=True)
    minimum = models.SmallIntegerField(default=0)
    maximum = models.SmallIntegerField(default=10)
    higher_is_better = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "key"], name="survey_question_key"),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def organisation(self):
        return self.survey.organisation

    @property
    def points(self) -> list[int]:
        return list(range(self.minimum, self.maximum + 1))


class Response(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    participant = models.CharField(
        "participant code", max_length=40, validators=[RegexValidator(CODE_PATTERN)]
    )
    wave = models.CharField(max_length=10, choices=Wave.choices)
    answered_on = models.DateField()
    team = models.CharField(max_length=200, blank=True)
    area = models.CharField(max_length=200, blank=True)
    activity = models.ForeignKey(
        "planning.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.STAFF)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["answered_on", "id"]
        indexes = [
            models.Index(fields=["survey", "participant", "wave"], name="response_pick"),
        ]

    def __str__(self) -> str:
        return f"{self.participant} {self.get_wave_display().lower()} {self.answered_on}"

    @property
    def organisation(self):
        return self.survey.organisation


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    key = models.CharField(max_length=50)
    value = models.SmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "key"], name="answer_once"),
        ]

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class Pair(models.Model):
    """One participant's picked answers to one question: the earliest baseline and the latest
    follow-up (either empty when they have not answered in that wave).

    Derived from the responses (`services.refresh_pairs` rewrites a participant's rows whenever
    their responses change), so the results are one SQL aggregation over at most one row per
    participant and question. The team, area and activity are the follow-up's where it names
    them, else the baseline's: a pair counts in one team of a breakdown.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="pairs")
    key = models.CharField(max_length=50)
    participant = models.CharField(max_length=40)
    baseline = models.SmallIntegerField(null=True)
    follow_up = models.SmallIntegerField(null=True)
    team = models.CharField(max_length=200, blank=True)
    area = models.CharField(max_length=200, blank=True)
    activity = models.ForeignKey(
        "planning.Activity", on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "participant", "key"], name="pair_per_participant"
            ),
        ]
        indexes = [
            models.Index(fields=["survey", "key", "baseline", "follow_up"], name="pair_counts"),
            # Covering the breakdowns' aggregation too: a team's figures read no table rows.
            models.Index(
                fields=["survey", "team", "key", "baseline", "follow_up"], name="pair_team"
            ),
            models.Index(
                fields=["survey", "area", "key", "baseline", "follow_up"], name="pair_area"
            ),
            models.Index(
                fields=["survey", "activity", "key", "baseline", "follow_up"],
                name="pair_activity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} {self.key}: {self.baseline} → {self.follow_up}"
