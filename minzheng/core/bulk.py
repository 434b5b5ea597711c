"""Fast set inserts: PostgreSQL COPY where available, bulk_create elsewhere."""

from collections.abc import Iterable, Sequence

from django.db import connection


def copy_insert(model, fields: Sequence[str], rows: Iterable[Sequence], *, batch_size: int = 5000) -> int:
    """Insert tuples (ordered as `fields`, which are attnames like 'job_id') into model's table."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(model._meta.db_table)
        cols = ", ".join(connection.ops.quote_name(model._meta.get_field(f).column) for f in fields)
        n = 0
        with connection.cursor() as cur, cur.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                n += 1
        return n
    n, batch = 0, []
    for row in rows:
        batch.append(model(**dict(zip(fields, row, strict=False))))
        if len(batch) >= batch_size:
            model.objects.bulk_create(batch)
            n += len(batch)
            batch = []
    if batch:
        model.objects.bulk_create(batch)
        n += len(batch)
    return n
