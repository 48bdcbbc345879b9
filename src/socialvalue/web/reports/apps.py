"""App configuration for reports."""

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "socialvalue.web.reports"
    label = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from socialvalue.web import navigation

        from .builders import register_all
        from .models import ReportRun

        register_all()
        navigation.add("Reports", "reports:list", order=70)
        post_delete.connect(_remove_files, sender=ReportRun, dispatch_uid="reports-remove-files")


def _remove_files(sender, instance, **kwargs) -> None:
    from django.db import transaction

    from .services import delete_run_files

    transaction.on_commit(lambda: delete_run_files(instance))
