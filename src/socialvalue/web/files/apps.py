"""App configuration for files."""

from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "socialvalue.web.files"
    label = "files"
    verbose_name = "Files"

    def ready(self) -> None:
        from . import registrations  # noqa: PLC0415 - imports models: not before the app registry is ready

        registrations.register()
