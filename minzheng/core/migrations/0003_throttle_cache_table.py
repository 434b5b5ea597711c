"""The database table behind the "throttle" cache (settings.CACHES), made with the migrations so every deployment
and test database has it."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", "minzheng_throttle", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
