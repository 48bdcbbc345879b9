"""A social value statement: the working draft, its commitments, and the numbered versions published from it.

The draft is edited section by section. Publishing freezes the whole draft (sections, commitments
with their measures, themes and SDGs, the objectives it aligns with, the champions of the day) as
one immutable `StatementVersion`, so a published statement reads the same years later, whatever
happens to the measures, objectives or people it named.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from socialvalue.web.tenancy import TenantQuerySet


class Statement(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="statements"
    )
    title = models.CharField(max_length=300, default="Social value statement")
    mission = models.TextField("mission", blank=True)
    principles = models.TextField("principles", blank=True)
    csr_policy_url = models.URLField("link to the CSR policy", max_length=500, blank=True)
    csr_policy_summary = models.TextField("how the statement relates to the CSR policy", blank=True)
    alignment = models.TextField("alignment with business-plan objectives", blank=True)
    objectives = models.ManyToManyField("planning.Objective", blank=True, related_name="statements")
    governance = models.TextField("governance and champions", blank=True)
    measurement = models.TextField("how value is measured and reported", blank=True)
    sharing = models.TextField("how good practice is shared", blank=True)
    review_date = models.DateField(null=True, blank=True)
    #: The secret in the public link; None while the organisation does not share the statement.
    public_token = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "-created_at", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_shared(self) -> bool:
        return bool(self.public_token)

    def share(self) -> None:
        # A new secret each time: a link switched off stays dead when sharing is switched on again.
        self.public_token = secrets.token_urlsafe(32)

    def stop_sharing(self) -> None:
        self.public_token = None


class CommitmentQuerySet(models.QuerySet):
    def visible_to(self, actor) -> models.QuerySet:
        return self.filter(statement__organisation_id__in=actor.organisation_ids)


class Commitment(models.Model):
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="commitments")
    title = models.CharField("commitment", max_length=300)
    description = models.TextField("what it means in practice", blank=True)
    target = models.CharField("target", max_length=300, blank=True)
    measures = models.ManyToManyField("measures.Measure", blank=True, related_name="+")
    themes = models.ManyToManyField("measures.Theme", blank=True, related_name="+")
    sdg_goals = models.ManyToManyField("measures.SdgGoal", blank=True, related_name="+")
    position = models.PositiveIntegerField(default=0)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["statement", "position", "id"]

    def __str__(self) -> str:
        return self.title


class VersionQuerySet(models.QuerySet):
    def visible_to(self, actor) -> models.QuerySet:
        return self.filter(statement__organisation_id__in=actor.organisation_ids)


class ImmutableError(Exception):
    """A published version is a record of what was published: it is never changed or deleted."""


class StatementVersion(models.Model):
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    #: Everything the version says, as `services.snapshot` froze it.
    content = models.JSONField()
    title = models.CharField(max_length=300)
    review_date = models.DateField(null=True, blank=True)
    note = models.TextField("what changed and why", blank=True)
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_by_name = models.CharField(max_length=200, blank=True)

    objects = VersionQuerySet.as_manager()

    class Meta:
        ordering = ["statement", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "number"], name="one_version_number")
        ]
        indexes = [models.Index(fields=["statement", "-published_at"], name="version_latest")]

    def __str__(self) -> str:
        return f"{self.title}, version {self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableError("A published version cannot be changed: publish a new one.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError("A published version cannot be deleted.")

    @property
    def organisation(self):
        return self.statement.organisation
