"""App configuration for files."""

from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "socialvalue.web.files"
    label = "files"
    verbose_name = "Files"
