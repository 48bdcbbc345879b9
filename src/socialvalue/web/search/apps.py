"""App configuration for the search across an organisation's records."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SearchConfig(AppConfig):
    name = "socialvalue.web.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        post_migrate.connect(restore_triggers, sender=self)


def restore_triggers(sender, using="default", **kwargs) -> None:
    """Put back any trigger a later migration took away and write the index again.

    SQLite drops a table's triggers when a migration remakes the table to alter a column, so
    every `migrate` ends by checking that the index is still kept.
    """
    from django.db import connections  # noqa: PLC0415 - the app registry must be ready

    from . import index  # noqa: PLC0415

    connection = connections[using]
    if index.TABLE not in connection.introspection.table_names():
        return
    if index.missing_triggers(connection):
        index.install(connection)
