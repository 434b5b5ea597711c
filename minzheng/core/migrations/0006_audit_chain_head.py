"""The audit chain's lock and head in one round trip (core/audit.py). PostgreSQL only: SQLite has one writer."""

from django.db import migrations

CHAIN_HEAD = """
CREATE OR REPLACE FUNCTION core_audit_chain_head(lock_key bigint, wait boolean,
    OUT locked boolean, OUT head_seq bigint, OUT head_hash text, OUT pending boolean)
LANGUAGE plpgsql VOLATILE AS $$
-- The chain's lock (wait: however long; else only if free), then, once it is held, the head and whether committed
-- entries wait to be sealed. Each statement of a volatile function reads a fresh snapshot, so the head is read
-- after the lock is held: read in the statement that takes the lock, it could miss an entry committed in between
-- and fork the chain.
BEGIN
    IF wait THEN
        PERFORM pg_advisory_xact_lock(lock_key);
        locked := true;
    ELSE
        locked := pg_try_advisory_xact_lock(lock_key);
    END IF;
    IF locked THEN
        SELECT a.seq, a.hash INTO head_seq, head_hash FROM core_auditentry a
        WHERE a.seq IS NOT NULL ORDER BY a.seq DESC LIMIT 1;
        pending := EXISTS (SELECT 1 FROM core_auditentry WHERE seq IS NULL);
    END IF;
END
$$;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CHAIN_HEAD)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS core_audit_chain_head(bigint, boolean)")


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_idempotent_request'),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
