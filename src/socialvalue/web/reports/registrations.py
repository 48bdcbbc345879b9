"""What the reports app adds, once every app is loaded: every report type, navigation, and removing a run's files with it."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete

from socialvalue.web import navigation

from . import services, tasks
from .builders import register_all
from .models import ReportRun


def register() -> None:
    register_all()
    navigation.add("Reports", "reports:list", order=70)
    post_delete.connect(_remove_files, sender=ReportRun, dispatch_uid="reports-remove-files")
    services.queue_runs_with(tasks.build_report_run)


def _remove_files(sender, instance, **kwargs) -> None:
    transaction.on_commit(lambda: services.delete_run_files(instance))
