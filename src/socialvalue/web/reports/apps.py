"""App configuration for reports."""

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "socialvalue.web.reports"
    label = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from socialvalue.web import navigation
        from socialvalue.web.audit.registry import audit

        from .builders import register_all
        from .models import ReportRun

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


def _remove_files(sender, instance, **kwargs) -> None:
    from django.db import transaction

    from .services import delete_run_files

    transaction.on_commit(lambda: delete_run_files(instance))
