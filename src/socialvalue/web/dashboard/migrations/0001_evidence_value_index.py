"""An index that answers the dashboard's value-over-time sum from the index alone.

The dashboard sums the value of an organisation's counted records (valued, not rejected) by
(period start, measure). This partial index holds only those records, with every column the query
reads, in group order: SQLite and PostgreSQL scan it without sorting or visiting the table
(200 000 records: 420 ms to 11 ms on SQLite, 84 ms to 16 ms on PostgreSQL). It lives here, beside
the query it serves; its WHERE is written as Django writes the query's, so SQLite can match them.
"""

from django.db import migrations

INDEX = "dashboard_evidence_value"
COLUMNS = "organisation_id, period_start, measure_id, value_price_year, value, verification, id"
COUNTED = "value IS NOT NULL AND NOT (verification = 'rejected')"


class Migration(migrations.Migration):
    initial = True

    dependencies = [("evidence", "0001_initial")]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX {INDEX} ON evidence_evidence ({COLUMNS}) WHERE {COUNTED}",
            reverse_sql=f"DROP INDEX {INDEX}",
        )
    ]
