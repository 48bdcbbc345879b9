"""SQLite's text index gains prefix indexes (`index.FTS_CREATE`): searching by the start of a word
no longer merges the lists of every word it begins, once per kind counted and listed."""

from django.db import migrations

from socialvalue.web.search import index


def remake(apps, schema_editor):
    index.remake_text_index(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(remake, migrations.RunPython.noop)]
