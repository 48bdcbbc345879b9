"""A run of a report: who asked for which report with which parameters, its progress and its files."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from socialvalue.web.tenancy import TenantQuerySet

#: Formats a run offers for download, in the order the page lists them.
DOWNLOAD_FORMATS = ("pdf", "docx", "xlsx", "csv")
FORMAT_NAMES = {"pdf": "PDF", "docx": "Word", "xlsx": "Excel", "csv": "CSV"}
#: A run still queued this long after it was asked for was never picked up: no worker is running.
QUEUED_STALE_AFTER = timedelta(hours=1)
#: What a run whose worker died says when it is not started again.
WORKER_STOPPED = "The worker building this report stopped; start it again."


def heartbeat_timeout() -> timedelta:
    """A running run whose last heartbeat is older than this died with the worker running it."""
    return timedelta(seconds=settings.SOCIALVALUE_REPORT_HEARTBEAT_TIMEOUT)


def new_folder() -> str:
    return secrets.token_urlsafe(18)


class ReportRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="report_runs"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    report = models.CharField(max_length=60, help_text="The registered report's name.")
    parameters = models.JSONField(default=dict, blank=True)
    title = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.FloatField(default=0.0)
    message = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)
    #: Its folder of files in storage, under reports/: a random name, never from user input.
    folder = models.CharField(max_length=40, default=new_folder, editable=False)
    #: {format: {"name": download file name, "size": bytes}} once done.
    files = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    #: Written by the worker while it builds (progress and a heartbeat thread); an old one means it died.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    #: Times a worker has started this run (a run whose worker died is started again, up to a limit).
    attempts = models.PositiveSmallIntegerField(default=0)
    #: The worker running it ("host:pid"), for an operator looking for it.
    worker = models.CharField(max_length=200, blank=True)
    #: When the retention job deleted its files (the run stays listed, without downloads).
    files_removed_at = models.DateTimeField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-created_at"], name="reportrun_recent"),
            # The reaper looks for unfinished runs every minute, across all organisations.
            models.Index(fields=["status", "heartbeat_at"], name="reportrun_status"),
        ]

    def __str__(self) -> str:
        return f"{self.title or self.report} ({self.get_status_display().lower()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def is_stale(self) -> bool:
        """Not finished and not going to: its worker died, or no worker ever picked it up."""
        now = timezone.now()
        if self.status == self.Status.RUNNING:
            last = self.heartbeat_at or self.started_at or self.created_at
            return now - last > heartbeat_timeout()
        if self.status == self.Status.QUEUED:
            return now - self.created_at > QUEUED_STALE_AFTER
        return False

    @property
    def percent(self) -> int:
        return round(100 * max(0.0, min(1.0, self.progress)))

    @property
    def downloads(self) -> list[dict]:
        return [
            {"format": fmt, "label": FORMAT_NAMES[fmt], **self.files[fmt]}
            for fmt in DOWNLOAD_FORMATS
            if fmt in self.files
        ]
