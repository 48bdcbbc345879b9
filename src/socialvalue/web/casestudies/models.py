"""Case studies: a story of change told with consent, tagged so other teams can find and repeat it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from socialvalue.web.files.models import StoredFile
from socialvalue.web.tenancy import TenantQuerySet


class CaseStudy(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="case_studies"
    )
    title = models.CharField(max_length=200)
    summary = models.TextField(
        help_text="Two or three sentences: who, what changed, why it matters."
    )
    #: Markdown, shown sanitised.
    story = models.TextField(blank=True)
    team = models.CharField(max_length=200, blank=True)
    area = models.CharField(max_length=200, blank=True)
    outcomes = models.ManyToManyField("measures.Outcome", blank=True, related_name="case_studies")
    themes = models.ManyToManyField("measures.Theme", blank=True, related_name="case_studies")
    sdgs = models.ManyToManyField("measures.SdgGoal", blank=True, related_name="case_studies")
    replication_notes = models.TextField("what another team would need to repeat this", blank=True)
    anonymised = models.BooleanField(
        default=False,
        help_text="Names and details that could identify people have been changed or left out.",
    )
    #: Consent of the people in the story: when it was given, and how and where it is recorded.
    consent_given_on = models.DateField(null=True, blank=True)
    consent_note = models.TextField(blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: Shared in the good-practice library; only with consent recorded.
    shared_at = models.DateTimeField(null=True, blank=True)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: Lower-cased title, summary, story, replication notes, team and area: one column to search.
    search_text = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = "case study"
        verbose_name_plural = "case studies"
        indexes = [
            models.Index(fields=["organisation", "shared_at"], name="casestudy_shared"),
            models.Index(fields=["organisation", "team", "area"], name="casestudy_team_area"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.refresh_search_text()
        super().save(*args, **kwargs)

    @property
    def has_consent(self) -> bool:
        return self.consent_given_on is not None

    @property
    def is_shared(self) -> bool:
        return self.shared_at is not None

    def refresh_search_text(self) -> None:
        self.search_text = " ".join(
            part
            for part in (
                self.title,
                self.summary,
                self.story,
                self.replication_notes,
                self.team,
                self.area,
            )
            if part
        ).lower()


class CaseStudyFile(StoredFile):
    """A photo, a letter or a report that goes with a case study."""

    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="files")
    caption = models.CharField(
        max_length=300,
        blank=True,
        help_text="What an image shows, for people who cannot see it.",
    )
