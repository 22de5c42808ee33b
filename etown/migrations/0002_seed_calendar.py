"""Seed the statutory calendar from chinese-calendar for every year it knows."""
from django.db import migrations


def seed(apps, schema_editor):
    from etown.workdays import seed_from_package

    seed_from_package(apps=apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("etown", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
