"""Take the data compiler's notes ("code read; wording only partly read ...") off the shipped
measures: they were loaded as the note users see under a measure's confidence. The loader
updates in place, so this clears them and leaves an organisation's own value sets alone."""

from django.db import migrations

from socialvalue.web.measures.shipped import load_all


def refresh(apps, schema_editor):
    load_all(apps)


class Migration(migrations.Migration):
    dependencies = [("measures", "0004_measure_overlaps_and_proxy_series")]

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop)]
