"""Model rows read and written by hand-written SQL, for the few hot paths where the ORM's cost is the step's cost.

The ORM compiles every queryset anew: about 1 ms of CPU for a plain get() here and 3 ms for an order with its
relations, against 0.1 ms to run the same SQL. A 居家养老 order step does a handful of these, so the ORM, not the
database, set the orders per second. These helpers build each statement once per shape and return ordinary model
instances (Model.from_db, the database's converters applied as the ORM applies them), and their writes pass the
same field checks as save() (core.fieldguard). Same connection, same transaction, SQLite and PostgreSQL alike.
Related rows come whole (every column), so code written for select_related() works on them unchanged.

On PostgreSQL their statements go out with server-side parameters and are prepared once per connection and shape,
so the server neither parses nor plans them again (the ORM's own cursors inline the values: Django's default,
kept because a prepared generic plan cannot use an index for a parameter such as a name prefix). Statements here
look rows up by key, where a generic plan is the right plan.
"""

import functools
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models

from .fieldguard import check_value

MAIN = "t"  # the alias of the model's own table in a where clause; a relation's alias is its field name, quoted


def cursor():
    """A cursor for hand-written statements of a hot path: prepared on PostgreSQL (see above), plain elsewhere.
    Logged like any cursor (CaptureQueriesContext counts its statements)."""
    conn = connections[DEFAULT_DB_ALIAS]  # once: each attribute read through django.db.connection costs a lookup
    if conn.vendor != "postgresql":
        return conn.cursor()
    import psycopg

    conn.ensure_connection()
    pg = conn.connection
    pg.prepare_threshold = 0  # only server-binding cursors prepare; Django's own (client-binding) never do
    conn.validate_thread_sharing()
    raw = psycopg.Cursor(pg)
    return conn.make_debug_cursor(raw) if conn.queries_logged else conn.make_cursor(raw)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _converters(field: models.Field, alias: str) -> list:
    """The converters the ORM applies to this column's values, each with the expression it is given."""
    col = field.get_col(alias)
    return [(conv, col) for conv in connection.ops.get_db_converters(col) + col.get_db_converters(connection)]


def _with_converters(fields: list, alias: str) -> list:
    """(position, converters) of the columns that have any: most have none."""
    return [(i, convs) for i, f in enumerate(fields) if (convs := _converters(f, alias))]


@functools.cache
def _select(vendor: str, model: type[models.Model], related: tuple[str, ...]) -> tuple[str, list]:
    """SELECT … FROM the model's table joined to each related table (an outer join where the key may be empty);
    and per model its fields and converters."""
    parts = [(None, model, MAIN)] + [(name, model._meta.get_field(name), name) for name in related]
    columns, joins, layout = [], [], []
    for name, what, alias in parts:
        target = what if name is None else what.related_model
        fields = list(target._meta.concrete_fields)
        columns += [f"{_q(alias)}.{_q(f.column)}" for f in fields]
        layout.append((name, target, [f.attname for f in fields], _with_converters(fields, alias)))
        if name is not None:
            kind = "LEFT" if what.null else "INNER"
            joins.append(f"{kind} JOIN {_q(target._meta.db_table)} {_q(alias)} ON {_q(alias)}."
                         f"{_q(target._meta.pk.column)} = {_q(MAIN)}.{_q(what.column)}")
    sql = f"SELECT {', '.join(columns)} FROM {_q(model._meta.db_table)} {_q(MAIN)} {' '.join(joins)}"
    return sql, layout


def _build(row: Sequence[Any], layout: list, conn) -> models.Model:
    at, main = 0, None
    for name, target, attnames, converters in layout:
        values = list(row[at:at + len(attnames)])
        at += len(attnames)
        for i, convs in converters:
            for conv, col in convs:
                values[i] = conv(values[i], col, conn)
        if name is None:
            main = target.from_db(conn.alias, attnames, values)
        else:
            setattr(main, name, None if values[0] is None else target.from_db(conn.alias, attnames, values))
    assert main is not None
    return main


def many[M: models.Model](model: type[M], where: str, params: Sequence[Any] = (), *, related: tuple[str, ...] = (),
         then: str = "", lock: bool | tuple[str, ...] = False) -> list[M]:
    """Rows of `model` matching `where` (SQL over "t" and the related aliases), each with its related rows;
    `then` is what follows the WHERE clause (ORDER BY, LIMIT). lock=True locks the model's own rows (FOR UPDATE OF t
    on PostgreSQL; SQLite has one writer anyway), a tuple of aliases locks those rows ("t", a relation's name)."""
    conn = connections[DEFAULT_DB_ALIAS]
    sql, layout = _select(conn.vendor, model, related)
    sql = f"{sql} WHERE {where} {then}"
    if lock and conn.features.has_select_for_update:
        aliases = (MAIN,) if lock is True else lock
        sql += (f" FOR UPDATE OF {', '.join(_q(a) for a in aliases)}" if conn.features.has_select_for_update_of
                else " FOR UPDATE")
    with cursor() as cur:
        cur.execute(sql, list(params))
        return [_build(row, layout, conn) for row in cur.fetchall()]  # type: ignore[misc]


def key_fits(model: type[models.Model], value: int) -> bool:
    """Whether `value` fits the model's integer key column. The ORM answers "no such row" for an id out of the
    column's range; a hand-written statement would instead fail in the database (or the driver), so callers that
    take an id from outside check it first."""
    lo, hi = connection.ops.integer_field_range(model._meta.pk.get_internal_type())
    return (lo is None or value >= lo) and (hi is None or value <= hi)


def one[M: models.Model](model: type[M], where: str, params: Sequence[Any] = (), *, related: tuple[str, ...] = (),
        lock: bool | tuple[str, ...] = False) -> M | None:
    found = many(model, where, params, related=related, lock=lock)
    return found[0] if found else None


def _values(instance: models.Model, fields: Iterable[models.Field], conn, *, add: bool) -> list:
    out = []
    for f in fields:
        value = f.pre_save(instance, add)  # auto_now(_add) fills the instance as save() would
        check_value(f, value)
        out.append(f.get_db_prep_save(value, conn))
    return out


@functools.cache
def _insert_sql(vendor: str, model: type[models.Model], with_pk: bool) -> tuple[str, list]:
    meta = model._meta
    fields = [f for f in meta.concrete_fields if with_pk or not f.primary_key]
    sql = (f"INSERT INTO {_q(meta.db_table)} ({', '.join(_q(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {_q(meta.pk.column)}")
    return sql, fields


@functools.cache
def _update_sql(vendor: str, model: type[models.Model], names: tuple[str, ...]) -> tuple[str, list]:
    meta = model._meta
    targets = [meta.get_field(name) for name in names]
    sql = (f"UPDATE {_q(meta.db_table)} SET {', '.join(f'{_q(f.column)} = %s' for f in targets)} "  # type: ignore[union-attr]
           f"WHERE {_q(meta.pk.column)} = %s")
    return sql, targets


def insert[M: models.Model](instance: M) -> M:
    """INSERT the instance (its id drawn by the database) and mark it saved."""
    conn = connections[DEFAULT_DB_ALIAS]
    sql, fields = _insert_sql(conn.vendor, type(instance), instance.pk is not None)
    with cursor() as cur:
        cur.execute(sql, _values(instance, fields, conn, add=True))
        instance.pk = cur.fetchone()[0]
    instance._state.adding, instance._state.db = False, conn.alias
    return instance


def update(instance: models.Model, fields: Sequence[str]) -> None:
    """UPDATE the named fields of a saved instance, as save(update_fields=…) does."""
    conn = connections[DEFAULT_DB_ALIAS]
    sql, targets = _update_sql(conn.vendor, type(instance), tuple(fields))
    with cursor() as cur:
        cur.execute(sql, [*_values(instance, targets, conn, add=False), instance.pk])  # type: ignore[arg-type]
