"""App configuration for files."""

from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "socialvalue.web.files"
    label = "files"
    verbose_name = "Files"

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from .models import remove_stored_file

        # Every concrete StoredFile, whichever app defines it; the receiver ignores other models.
        post_delete.connect(remove_stored_file, dispatch_uid="files-remove-stored-file")
