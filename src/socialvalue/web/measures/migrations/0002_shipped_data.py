"""Load the shipped SDGs, UK Government Social Value Model and starter measures into a fresh database."""

from django.db import migrations

from socialvalue.web.measures.shipped import load_all


def load(apps, schema_editor):
    load_all(apps)


class Migration(migrations.Migration):
    dependencies = [("measures", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
