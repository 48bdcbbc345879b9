"""Bring the shipped measures up to date in an existing database (the QALY value's price year is
now a stated choice, with its reasons). The loader updates in place: nothing is duplicated, and
an organisation's own value sets are not touched."""

from django.db import migrations

from socialvalue.web.measures.shipped import load_all


def refresh(apps, schema_editor):
    load_all(apps)


class Migration(migrations.Migration):
    dependencies = [("measures", "0002_shipped_data")]

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop)]
