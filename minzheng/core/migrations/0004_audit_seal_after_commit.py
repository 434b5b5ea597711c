"""Entries may be written unsealed and chained right after their transaction commits (core/audit.py). On PostgreSQL
the append-only trigger now lets exactly that through: an UPDATE of an unsealed entry that only fills in seq,
prev_hash and hash. Everything else stays refused."""

from django.conf import settings
from django.db import migrations, models

SEALABLE = """
CREATE OR REPLACE FUNCTION core_auditentry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND NEW.seq IS NOT NULL AND NEW.hash IS NOT NULL
       AND (to_jsonb(NEW) - 'seq' - 'prev_hash' - 'hash') = (to_jsonb(OLD) - 'seq' - 'prev_hash' - 'hash') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '审计日志只能追加，不能修改或删除' USING ERRCODE = 'insufficient_privilege';
END
$$;
"""
APPEND_ONLY = """
CREATE OR REPLACE FUNCTION core_auditentry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '审计日志只能追加，不能修改或删除' USING ERRCODE = 'insufficient_privilege';
END
$$;
"""


def allow_sealing(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SEALABLE)


def forbid_sealing(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_throttle_cache_table'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditentry',
            name='hash',
            field=models.CharField(blank=True, max_length=64, null=True, unique=True, verbose_name='哈希'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='prev_hash',
            field=models.CharField(blank=True, default='', max_length=64, verbose_name='前一条哈希'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='seq',
            field=models.BigIntegerField(blank=True, null=True, unique=True, verbose_name='序号'),
        ),
        migrations.AddIndex(
            model_name='auditentry',
            index=models.Index(condition=models.Q(('seq__isnull', True)), fields=['id'], name='audit_unsealed'),
        ),
        migrations.RunPython(allow_sealing, forbid_sealing),
    ]
