from django.db import migrations

# PostgreSQL only, like 0005: a village's persons in byte order of name, so the person list of a town or village
# reads its first rows area by area (registry.selectors.first_rows_by_area) instead of sorting the whole scope.
SQL = 'CREATE INDEX IF NOT EXISTS person_area_name_c ON registry_person (residence_area_id, (name COLLATE "C"), id)'
REVERSE = "DROP INDEX IF EXISTS person_area_name_c"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE)


class Migration(migrations.Migration):
    dependencies = [("registry", "0007_import_job_lease")]
    operations = [migrations.RunPython(forwards, backwards)]
