"""What the reports app adds, once every app is loaded: every report type, navigation, and removing a run's files with it."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete

from socialvalue.web import navigation
from socialvalue.web.audit.registry import audit

from . import services, tasks
from .builders import register_all
from .models import ReportRun


def register() -> None:
    register_all()
    # Who asked for which report, and when its files were removed or the run deleted; the
    # worker's progress through a run is operational state, shown on the report's page.
    audit(
        ReportRun,
        exclude=(
            "status",
            "progress",
            "message",
            "error",
            "folder",
            "files",
            "started_at",
            "finished_at",
            "heartbeat_at",
            "attempts",
            "worker",
        ),
    )
    navigation.add("Reports", "reports:list", order=70)
    post_delete.connect(_remove_files, sender=ReportRun, dispatch_uid="reports-remove-files")
    services.queue_runs_with(tasks.build_report_run)


def _remove_files(sender, instance, **kwargs) -> None:
    transaction.on_commit(lambda: services.delete_run_files(instance))
