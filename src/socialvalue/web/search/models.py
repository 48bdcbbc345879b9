"""The search index: one row per searchable record, written only by the database's triggers.

The rows are derived data. Triggers on each source table (see `index.py`) insert, update and
delete them whatever path changed the record: a form, the API, an import's bulk insert or raw
SQL. So the index is neither audited (the records it mirrors are) nor backed up (a restore
rebuilds it). Its text is matched by PostgreSQL's full text search (a generated `tsvector`
column with a GIN index) or by SQLite's FTS5 (a table kept beside it); the migration makes both.
"""

from django.db import models


class SearchEntry(models.Model):
    #: The kind's number times 2**40 plus the record's id (`index.id_range`): one range per kind.
    id = models.BigIntegerField(primary_key=True)
    kind = models.CharField(max_length=20)
    object_id = models.BigIntegerField()
    #: The owner of the record; for a contract, its commissioner.
    organisation_id = models.BigIntegerField()
    #: The other party who sees the record (a contract's registered provider), if any.
    partner_id = models.BigIntegerField(null=True)
    title = models.TextField()
    body = models.TextField()

    class Meta:
        indexes = [
            models.Index(fields=["organisation_id", "kind"], name="search_entry_owner"),
            models.Index(fields=["partner_id"], name="search_entry_partner"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"
