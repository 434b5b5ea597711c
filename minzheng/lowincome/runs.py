"""Set-based batch work of the monitoring (DESIGN §3.6): the monitored population rebuilt by INSERT … SELECT per
group, and the alert run — ONE INSERT … SELECT per feed batch joining its events to the monitored population and the
rules in force on each event's date. Alerts are unique per event, so a rerun over the same feed adds nothing. On
PostgreSQL a batch's first run writes its alerts into a partition of their own and indexes them afterwards."""

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from minzheng.core.periods import add_workdays, month_plus, month_start
from minzheng.core.scope import path_sql

from . import rules
from .models import FeedBatch, Rule

_INSERT = "INSERT INTO lowincome_monitoredperson (person_id, household_id, area_id, \"group\") "
_CONFLICT = " ON CONFLICT (person_id) DO NOTHING"
# Current members of the case's household (or the case's own person when it has none), alive.
_MEMBERS = """
SELECT COALESCE(mb.person_id, c.head_id), c.household_id, COALESCE(h.area_id, c.area_id), %s
FROM assistance_case c
LEFT JOIN registry_household h ON h.id = c.household_id
LEFT JOIN registry_membership mb ON mb.household_id = c.household_id AND mb.end_date IS NULL
JOIN registry_person p ON p.id = COALESCE(mb.person_id, c.head_id) AND p.death_date IS NULL
"""


def _group_sql(group: rules.Group, source: str, on: dt.date) -> tuple[str, list]:
    cutoff = month_plus(month_start(on), -rules.param("left_assistance_months", on))
    kind, _, arg = source.partition(":")
    if kind == "case":
        programme, _, variant = arg.partition("/")
        sql = _MEMBERS
        params: list = [group.code]
        if variant:
            sql += " JOIN assistance_application ap ON ap.id = c.application_id AND ap.variant = %s"
            params.append(variant)
            # a one-off (临时救助) keeps the household monitored for the same months as a case that ended
            where = " WHERE c.programme = %s AND (c.end_month IS NULL OR c.end_month >= %s)"
            return sql + where, [*params, programme, cutoff]
        where = (" WHERE c.programme = %s AND c.status IN ('active', 'suspended')"
                 " AND (c.end_month IS NULL OR c.end_month >= %s)")
        return sql + where, [*params, programme, month_start(on)]
    if kind == "exited":
        programmes = arg.split("/")
        where = (f" WHERE c.programme IN ({', '.join(['%s'] * len(programmes))}) AND c.status = 'exited'"
                 " AND c.end_month >= %s")
        return _MEMBERS + where, [group.code, *programmes, cutoff]
    if kind == "register":
        sql = """
SELECT mb.person_id, r.household_id, h.area_id, %s
FROM lowincome_registration r
JOIN registry_household h ON h.id = r.household_id
JOIN registry_membership mb ON mb.household_id = r.household_id AND mb.end_date IS NULL
JOIN registry_person p ON p.id = mb.person_id AND p.death_date IS NULL
WHERE r."group" = %s AND r.since <= %s AND (r.until IS NULL OR r.until > %s)"""
        return sql, [group.code, group.code, on, on]
    raise ValueError(f"data/lowincome/groups.csv: unknown source {source!r}")


def population_refresh(*, on: dt.date | None = None) -> dict[str, int]:
    """Rebuild the monitored population as of `on`, group by group in priority order (a person already placed in
    a group of higher priority is skipped by the conflict on person). One transaction: readers see the old set or
    the new one."""
    on = on or timezone.localdate()
    counts = {}
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM lowincome_monitoredperson")
        for group in rules.groups():
            counts[group.code] = 0
            for source in group.source.split("|"):
                sql, params = _group_sql(group, source, on)
                cur.execute(_INSERT + sql + _CONFLICT, params)
                counts[group.code] += cur.rowcount
    return counts


def _due_case(on: dt.date) -> tuple[str, list]:
    """(CASE expression, params) giving each rule's 核实 deadline for alerts raised on `on`: working days come from
    the holiday calendar (core.periods), so they are worked out here for the few rules and inlined."""
    pairs = list(Rule.objects.values_list("id", "verify_workdays"))
    params: list = []
    for rule_id, days in pairs:
        params += [rule_id, add_workdays(on, days)]
    return "CASE r.id " + " ".join(["WHEN %s THEN %s"] * len(pairs)) + " END", params


ALERT_SELECT = """
SELECT {id}e.id, e.batch_id, r.id, 'feed', e.kind, r.severity, e.person_id, m.household_id, m.area_id, %s, {due},
       'new', '', '', '', %s
FROM lowincome_event e
JOIN lowincome_monitoredperson m ON m.person_id = e.person_id
JOIN lowincome_rule r ON r.kind = e.kind AND r.effective_from <= e.event_date
     AND (r.effective_to IS NULL OR e.event_date < r.effective_to)
     AND (r.min_amount IS NULL OR e.amount >= r.min_amount)
JOIN areas_area a ON a.id = m.area_id
WHERE e.batch_id = %s AND {where}"""

COLUMNS = ("event_id, batch_id, rule_id, source, kind, severity, person_id, household_id, area_id, raised_on, "
           "verify_due, status, description, finding, closed_reason, created_at")
ALERT_INSERT = "INSERT INTO lowincome_alert (" + COLUMNS + ") {select} ON CONFLICT (event_id, batch_id) DO NOTHING"


def partition_name(batch_id: int) -> str:
    return f"lowincome_alert_b{int(batch_id)}"


def alert_run(*, user, batch_id: int | None = None, on: dt.date | None = None) -> int:
    """Raise alerts for the events (of one batch, or of every batch) of monitored persons in the user's areas;
    returns how many were new. Idempotent: an event that already has an alert is skipped by the unique key."""
    on = on or timezone.localdate()
    if not Rule.objects.exists():
        return 0
    if batch_id is None:
        return sum(alert_run(user=user, batch_id=b, on=on) for b in FeedBatch.objects.values_list("pk", flat=True))
    due_sql, due_params = _due_case(on)
    scope, scope_params = path_sql(user, "a.path")
    params = [on, *due_params, timezone.now(), batch_id, *scope_params]
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql" and _first_run_into_own_partition(cur, batch_id):
            # the sequence looked up once: pg_get_serial_sequence in the SELECT would run per row (twice the time)
            cur.execute("SELECT pg_get_serial_sequence('lowincome_alert', 'id')")
            select = ALERT_SELECT.format(id=f"nextval('{cur.fetchone()[0]}'::regclass), ", due=due_sql, where=scope)
            return _fill_partition(cur, batch_id, select, params)
        cur.execute(ALERT_INSERT.format(select=ALERT_SELECT.format(id="", due=due_sql, where=scope)), params)
        return cur.rowcount


def _first_run_into_own_partition(cur, batch_id: int) -> bool:
    """PostgreSQL: whether this batch has no alert partition yet (runs of one batch are serialised meanwhile)."""
    cur.execute("SELECT id FROM lowincome_feedbatch WHERE id = %s FOR UPDATE", [batch_id])
    cur.execute("SELECT to_regclass(%s)", [partition_name(batch_id)])
    return cur.fetchone()[0] is None


def _fill_partition(cur, batch_id: int, select: str, params: list) -> int:
    """A feed's first run: its alerts go into a new table without indexes, the indexes and keys are built once the
    rows are in, and the table is attached as the batch's partition (its CHECK spares PostgreSQL the scan)."""
    name, b = partition_name(batch_id), int(batch_id)
    cur.execute(f"CREATE TABLE {name} (LIKE lowincome_alert INCLUDING DEFAULTS)")
    cur.execute(f"ALTER TABLE {name} ADD CONSTRAINT {name}_batch CHECK (batch_id IS NOT NULL AND batch_id = {b})")
    cur.execute(f"INSERT INTO {name} (id, {COLUMNS}) {select}", params)
    n = cur.rowcount
    cur.execute(f"ALTER TABLE {name} ADD CONSTRAINT {name}_id UNIQUE (id, batch_id), "
                f"ADD CONSTRAINT {name}_event UNIQUE (event_id, batch_id)")
    cur.execute(f"CREATE INDEX {name}_area ON {name} (area_id, status)")
    cur.execute(f"CREATE INDEX {name}_person ON {name} (person_id)")
    cur.execute(f"ALTER TABLE lowincome_alert ATTACH PARTITION {name} FOR VALUES IN ({b})")
    return n
