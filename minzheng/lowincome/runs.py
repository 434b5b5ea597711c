"""Set-based batch work of the monitoring (DESIGN §3.6): the monitored population rebuilt by INSERT … SELECT per
group, and the alert run — ONE INSERT … SELECT joining a feed's events to the monitored population and the rules in
force on each event's date. Alerts are unique per event, so a rerun over the same feed adds nothing."""

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from minzheng.core.periods import add_workdays, month_plus, month_start
from minzheng.core.scope import path_sql

from . import rules
from .models import Rule

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
SELECT e.id, r.id, 'feed', e.kind, r.severity, e.person_id, m.household_id, m.area_id, %s, {due}, 'new', '', '', '',
       %s
FROM lowincome_event e
JOIN lowincome_monitoredperson m ON m.person_id = e.person_id
JOIN lowincome_rule r ON r.kind = e.kind AND r.effective_from <= e.event_date
     AND (r.effective_to IS NULL OR e.event_date < r.effective_to)
     AND (r.min_amount IS NULL OR e.amount >= r.min_amount)
JOIN areas_area a ON a.id = m.area_id
WHERE {where}"""

ALERT_INSERT = """
INSERT INTO lowincome_alert (event_id, rule_id, source, kind, severity, person_id, household_id, area_id, raised_on,
                             verify_due, status, description, finding, closed_reason, created_at)
{select}
ON CONFLICT (event_id) DO NOTHING"""


def alert_run(*, user, batch_id: int | None = None, on: dt.date | None = None) -> int:
    """Raise alerts for the events (of one batch, or all) of monitored persons in the user's areas; returns how many
    were new. Idempotent: an event that already has an alert is skipped by the unique key."""
    on = on or timezone.localdate()
    if not Rule.objects.exists():
        return 0
    due_sql, due_params = _due_case(on)
    scope, scope_params = path_sql(user, "a.path")
    where, where_params = scope, list(scope_params)
    if batch_id is not None:
        where += " AND e.batch_id = %s"
        where_params.append(batch_id)
    sql = ALERT_INSERT.format(select=ALERT_SELECT.format(where=where, due=due_sql))
    with connection.cursor() as cur:
        cur.execute(sql, [on, *due_params, timezone.now(), *where_params])
        return cur.rowcount
