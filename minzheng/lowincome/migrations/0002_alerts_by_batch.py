"""Alerts carry their feed batch, one alert per (event, batch); on PostgreSQL the alert table becomes a table
partitioned by batch (LIST), with a default partition for 主动发现 alerts (no batch). A feed's first alert run then
fills a partition of its own and builds its indexes after the rows are in (runs.py), which costs a fraction of
maintaining the indexes row by row (bench/README.md)."""

import django.db.models.deletion
from django.db import migrations, models

# The names Django gave the indexes and constraints (0001 and below), so later migrations find them.
PARENT_INDEXES = [
    "CREATE INDEX lowincome_a_area_id_83e8ac_idx ON lowincome_alert (area_id, status)",
    "CREATE INDEX lowincome_a_person__392df8_idx ON lowincome_alert (person_id)",
    "ALTER TABLE lowincome_alert ADD CONSTRAINT lowincome_alert_pkey_by_batch UNIQUE (id, batch_id)",
    "ALTER TABLE lowincome_alert ADD CONSTRAINT lowincome_alert_one_per_event UNIQUE (event_id, batch_id)",
]


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cur:
        cur.execute("ALTER TABLE lowincome_alert RENAME TO lowincome_alert_old")
        cur.execute("DROP INDEX lowincome_a_area_id_83e8ac_idx, lowincome_a_person__392df8_idx")
        cur.execute("ALTER TABLE lowincome_alert_old DROP CONSTRAINT lowincome_alert_one_per_event")
        cur.execute("""CREATE TABLE lowincome_alert (LIKE lowincome_alert_old INCLUDING DEFAULTS INCLUDING IDENTITY)
                       PARTITION BY LIST (batch_id)""")
        cur.execute("CREATE TABLE lowincome_alert_default PARTITION OF lowincome_alert DEFAULT")
        for sql in PARENT_INDEXES:
            cur.execute(sql)
        cur.execute("SELECT DISTINCT batch_id FROM lowincome_alert_old WHERE batch_id IS NOT NULL")
        for (batch_id,) in cur.fetchall():
            cur.execute(f"CREATE TABLE lowincome_alert_b{int(batch_id)} PARTITION OF lowincome_alert "
                        f"FOR VALUES IN ({int(batch_id)})")
        cur.execute("INSERT INTO lowincome_alert OVERRIDING SYSTEM VALUE SELECT * FROM lowincome_alert_old")
        cur.execute("DROP TABLE lowincome_alert_old")
        cur.execute("""SELECT setval(pg_get_serial_sequence('lowincome_alert', 'id'),
                                     COALESCE((SELECT max(id) FROM lowincome_alert), 0) + 1, false)""")


class Migration(migrations.Migration):

    dependencies = [
        ('lowincome', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='alert',
            name='batch',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='lowincome.feedbatch'),
        ),
        migrations.RunSQL(
            "UPDATE lowincome_alert SET batch_id = (SELECT e.batch_id FROM lowincome_event e "
            "WHERE e.id = lowincome_alert.event_id) WHERE event_id IS NOT NULL",
            migrations.RunSQL.noop),
        migrations.AlterField(
            model_name='alert',
            name='event',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='lowincome.event'),
        ),
        migrations.AlterField(
            model_name='alertstep',
            name='alert',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='steps', to='lowincome.alert'),
        ),
        migrations.AddConstraint(
            model_name='alert',
            constraint=models.UniqueConstraint(fields=('event', 'batch'), name='lowincome_alert_one_per_event'),
        ),
        migrations.RunPython(partition, migrations.RunPython.noop),
    ]
