from django.db import migrations

# PostgreSQL only: expression indexes in byte order ("C"), matching person_search's ORDER BY and prefix LIKE.
SQL = [
    'CREATE INDEX IF NOT EXISTS person_name_c ON registry_person ((name COLLATE "C"), id)',
    'CREATE INDEX IF NOT EXISTS person_initials_c ON registry_person ((name_initials COLLATE "C"), id)',
]
REVERSE = ["DROP INDEX IF EXISTS person_name_c", "DROP INDEX IF EXISTS person_initials_c"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in SQL:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in REVERSE:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_leaner_person_indexes")]
    operations = [migrations.RunPython(forwards, backwards)]
