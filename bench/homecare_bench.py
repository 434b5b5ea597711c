"""Benchmark: 居家养老 orders from several clients at once, and the monthly settlement (PostgreSQL).

    psql -h 127.0.0.1 -p 55432 -U postgres -c 'CREATE DATABASE minzheng_bench_homecare'
    DATABASE_URL=postgres://postgres@127.0.0.1:55432/minzheng_bench_homecare \
        .venv/bin/python bench/homecare_bench.py --clients 4 --seconds 30 --settle 100000
    (add --sides app,raw for the raw-SQL side, below)

Set-up (not timed): 江海区 with its demo villages, the catalogue, one provider, and per client a 镇街 officer who
places and dispatches, a provider dispatcher who assigns and a worker who signs in and out, with 500 elders of
their own (a tenth 低保, so the monthly subsidy cap is read). Each client is its own process with its own
connection and calls the services as the API handlers do: per step a scoped read of the order
(selectors.order_get; for place, of the elder: registry.selectors.person_get) and the service (validate, write,
audit, one transaction). A full order is place → dispatch → assign → start → complete; its latency is the sum of
its five steps. Printed: orders/s over the timed window of all clients together, p50/p95/max per order and per
step, queries and commits per step.

Raw side (--sides app,raw): the database's own limit for the same five transactions. Each raw client is its own
process with its own psycopg 3 connection (no Django in the timed loop) and the same actors, provider, worker and
500 elders as the app client of the same number. Every step is one prepared statement (data-modifying CTEs) in
autocommit, so one round trip with its COMMIT, writing the rows the service writes: the order (place: INSERT with
the number JJ<yyyymmdd><id:07d> from the id drawn in the same statement, price from the catalogue's current version),
its status and times, the service record (start INSERTs it, complete closes it), and one unsealed audit entry per
step (seq and hash NULL, prev_hash '', as audit.record leaves an entry when the chain's lock is taken; before/after
as the service writes them). The service's checks are in the WHERE clauses (status, the actor's area or provider,
the worker, the elder's age and death, the confirmation code); a step that writes nothing stops the client.
Completion is the exception: the order and the elder are locked in one statement and the subsidy written in a
second (a later snapshot, as in the service, so a completion that waited for the elder's lock sees the one before
it); both go out pipelined with BEGIN and COMMIT, still one round trip. The subsidy is computed in SQL as
reference.subsidy_for does: the best rule (highest rate, then cap) among the elder's groups (open registry
categories read in the statement, age bands from the birth date), capped by the rule's monthly cap less the
subsidy of the elder's completed orders of the month; the jurisdiction's rules from data/homecare/subsidy_rules.csv
come in as array parameters, read once before the run (the service caches that file per process). The item's
jurisdiction, the actors' ids and names are likewise read once before the run. CPU is measured as on the app side
(client process + its backend). The sides alternate per client count (with --order-rounds N, N runs of each, the
side going first alternating); a ratio line gives app orders/s ÷ raw orders/s and app p95 ÷ raw p95 (medians over
the rounds). After each raw run (not timed) its orders are checked (completed, a closed service record, five audit
entries each) and its audit entries are sealed, so the next app run does not seal them on its clock; at the end
audit.seal() and verify_chain() prove the raw entries chain like the service's.

Settlement: N completed orders of one provider in one month (COPY'd, not timed), then settlement.statement_generate
against one hand-written INSERT … SELECT writing the same statement lines into the same table; the two sides
alternate over several rounds (lines removed between rounds) and the median ratio is printed.
"""

import argparse
import datetime as dt
import multiprocessing as mp
import os
import statistics
import sys
import time
from decimal import Decimal

from common import fresh_database, setup_django

COUNTY = "440704"  # 江海区: its catalogue and subsidy rules are in data/homecare
STEPS = ("place", "dispatch", "assign", "start", "complete")
ELDERS_PER_CLIENT = 500


def prepare(clients: int) -> None:
    from django.db import connection

    from minzheng.accounts.roles import Role
    from minzheng.accounts.services import user_create
    from minzheng.areas.models import Area, Level
    from minzheng.homecare import reference, services

    county, admin = fresh_database(COUNTY, role=Role.COUNTY, villages_per_town=8)
    reference.catalogue_load()
    provider = services.provider_create(actor=admin, name="江海颐康居家养老服务中心", area=county,
                                        credit_code="52440704MJL123456X")
    towns = list(Area.objects.current().within(county).filter(level=Level.TOWN).order_by("code"))
    n = clients * ELDERS_PER_CLIENT
    with connection.cursor() as cur:
        # Elders born 1930-1960 in the county's villages; client k serves persons k*500+1 … (k+1)*500.
        cur.execute("""
            INSERT INTO registry_person (id_number, name, name_pinyin, name_initials, sex, birth_date, hukou_area_id,
                residence_area_id, address, phone, disability_category, bank_name, bank_account, created_at,
                updated_at)
            SELECT 'H' || lpad(i::text, 17, '0'), '老人' || i, 'laoren' || i, 'lr', 'F',
                   DATE '1930-01-01' + (i * 37) %% 10900, v.id, v.id, '村中街' || i || '号', '', '', '', '',
                   now(), now()
            FROM generate_series(1, %(n)s) i
            JOIN LATERAL (SELECT id FROM areas_area WHERE level = 'village' AND path LIKE %(path)s
                          ORDER BY id OFFSET (i %% 8) LIMIT 1) v ON true
        """, {"n": n, "path": towns[0].path + "%"})
        cur.execute("""
            INSERT INTO registry_personcategory (person_id, category, valid_from, note)
            SELECT id, 'dibao', DATE '2020-01-01', '基准' FROM registry_person WHERE id % 10 = 0
        """)
        cur.execute("ANALYZE")
    for k in range(clients):
        user_create(actor=None, username=f"town{k}", password="Bench#2026bench", display_name=f"镇街{k}",
                    role=Role.TOWN, areas=[towns[0]])
        member = user_create(actor=None, username=f"disp{k}", password="Bench#2026bench", display_name=f"调度{k}",
                             role=Role.PROVIDER, areas=[county])
        services.provider_add_member(actor=admin, provider=provider, user=member)
        wu = user_create(actor=None, username=f"worker{k}", password="Bench#2026bench", display_name=f"护理员{k}",
                         role=Role.PROVIDER, areas=[county])
        services.worker_add(actor=admin, provider=provider, name=f"护理员{k}", user=wu)


def _client(k: int, seconds: float, start_at: float, out) -> None:
    setup_django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from minzheng.accounts.models import User
    from minzheng.homecare import selectors, services
    from minzheng.homecare.models import Worker
    from minzheng.registry.selectors import person_get

    town, disp, wu = (User.objects.get(username=f"{r}{k}") for r in ("town", "disp", "worker"))
    worker = Worker.objects.get(user=wu)
    provider = services.user_provider(disp)
    first = k * ELDERS_PER_CLIENT + 1
    persons = list(range(first, first + ELDERS_PER_CLIENT))
    commits = [0]
    real_commit = connection.commit

    def counting_commit():
        commits[0] += 1
        return real_commit()

    connection.commit = counting_commit  # an outermost atomic block ends with connection.commit()

    def one(i: int, counts: dict | None = None) -> list[float]:
        times = []
        pid = persons[i % len(persons)]

        def step(name, fn):
            c0 = commits[0]
            t = time.perf_counter()
            if counts is not None:
                with CaptureQueriesContext(connection) as q:
                    r = fn()
                # The fewest over the warm-up orders: a step that also sealed other clients' entries after its
                # commit counts the sealing's statements too, which are not the step's own.
                counts[name] = min(counts.get(name, (1 << 30, 0)), (len(q.captured_queries), commits[0] - c0))
            else:
                r = fn()
            times.append(time.perf_counter() - t)
            return r

        now = timezone.now()
        order = step("place", lambda: services.order_place(
            actor=town, person=person_get(town, pid), item_code="ZJ01",
            scheduled_at=now + dt.timedelta(hours=2)))
        step("dispatch", lambda: services.order_dispatch(
            actor=town, order=selectors.order_get(town, order.pk), provider=provider))
        step("assign", lambda: services.order_assign(
            actor=disp, order=selectors.order_get(disp, order.pk), worker=worker))
        step("start", lambda: services.order_start(actor=wu, order=selectors.order_get(wu, order.pk)))

        def complete():
            o = selectors.order_get(wu, order.pk)
            return services.order_complete(actor=wu, order=o, confirm_code=o.confirm_code)

        step("complete", complete)
        return times

    counts: dict = {}
    for i in range(3):  # warm-up (caches, prepared plans), not counted
        one(i, counts if i >= 1 else None)
    while time.time() < start_at:
        time.sleep(0.005)
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        backend = cur.fetchone()[0]
    results = []
    i = 3
    t0, c0, b0 = time.perf_counter(), time.process_time(), _backend_cpu(backend)
    while time.perf_counter() - t0 < seconds:
        results.append(one(i))
        i += 1
    out.put({"client": k, "orders": results, "elapsed": time.perf_counter() - t0, "counts": counts,
             "cpu": time.process_time() - c0, "db_cpu": _backend_cpu(backend) - b0})


def _backend_cpu(pid: int) -> float:
    """CPU seconds used so far by the database server process serving this connection (same machine), or NaN."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def run_orders(clients: int, seconds: float, side: str = "app", contexts: list[dict] | None = None) -> dict:
    from django.db import connections

    connections.close_all()
    q = mp.get_context("fork").Queue()
    start_at = time.time() + 3 + clients * 0.5
    if side == "app":
        args = [(k, seconds, start_at, q) for k in range(clients)]
    else:
        assert contexts is not None
        args = [(k, contexts[k], seconds, start_at, q) for k in range(clients)]
    target = _client if side == "app" else _raw_client
    procs = [mp.get_context("fork").Process(target=target, args=a) for a in args]
    for p in procs:
        p.start()
    got = [q.get() for _ in procs]
    for p in procs:
        p.join()
    orders = [o for g in got for o in g["orders"]]
    per_order = sorted(sum(o) for o in orders)
    elapsed = max(g["elapsed"] for g in got)

    def pct(xs, p):
        xs = sorted(xs)
        return xs[min(len(xs) - 1, int(p * len(xs)))] * 1000

    res = {"side": side, "clients": clients, "orders": len(orders), "elapsed": elapsed, "rate": len(orders) / elapsed,
           "p50": pct(per_order, 0.50), "p95": pct(per_order, 0.95), "max": per_order[-1] * 1000,
           "steps": {s: (pct([o[j] for o in orders], 0.50), pct([o[j] for o in orders], 0.95))
                     for j, s in enumerate(STEPS)},
           "counts": {s: min(g["counts"][s] for g in got) for s in got[0]["counts"]},
           "cpu_ms": 1000 * sum(g["cpu"] for g in got) / len(orders),
           "db_cpu_ms": 1000 * sum(g["db_cpu"] for g in got) / len(orders),
           "completed": [i for g in got for i in g.get("completed", ())]}
    return res


# --- raw SQL side: the same five transactions without the application ------------------------------------------------

# Every step is one prepared statement in autocommit (its own transaction: one round trip, COMMIT included) that
# writes what the service writes: the order row, the service record, one unsealed audit entry (seq and hash NULL,
# prev_hash '': what audit.record writes when the chain's lock is taken, sealed later by audit.seal). Checks the
# service makes are in the WHERE clauses (status, the actor's area or provider, the worker's provider, the elder's
# age and death, the confirmation code), so a step that fails a check writes nothing and the client stops with an
# error. Times inside the audit entries are written as the service's JSON encoder writes them (UTC, milliseconds).
_AUDIT = """
INSERT INTO core_auditentry (created_at, actor_id, actor_name, action, object_type, object_id, object_repr, area_code,
                             before, after, prev_hash)
SELECT now(), %(actor)s, %(actor_name)s, """

RAW_PLACE = """
WITH p AS (
    SELECT p.id, p.residence_area_id, p.address, p.id_number, a.code
    FROM registry_person p JOIN areas_area a ON a.id = p.residence_area_id
    WHERE p.id = %(person)s AND p.death_date IS NULL AND p.birth_date <= (current_date - interval '60 years')::date
      AND strpos(a.path, '/' || %(scope)s || '/') > 0
), i AS (
    SELECT id, area_id, price FROM homecare_serviceitem
    WHERE area_id = %(jurisdiction)s AND code = %(item)s AND NOT is_package AND valid_from <= current_date
      AND (valid_to IS NULL OR valid_to > current_date)
    ORDER BY valid_from DESC LIMIT 1
), o AS (
    INSERT INTO homecare_order (id, number, person_id, area_id, jurisdiction_id, item_id, quantity, unit_price, amount,
        address, scheduled_at, note, channel, placed_by_id, status, confirm_code, fee, subsidy_explanation,
        close_reason, created_at)
    SELECT n.id, 'JJ' || to_char(current_date, 'YYYYMMDD') || lpad(n.id::text, greatest(7, length(n.id::text)), '0'),
           p.id, p.residence_area_id, i.area_id, i.id, 1, i.price, round(i.price, 2), left(p.address, 200),
           now() + interval '2 hours', '', 'staff', %(actor)s, 'placed', %(code)s, 0, '', '', now()
    FROM p, i, (SELECT nextval(%(seq)s::regclass) AS id) n
    RETURNING id, number, amount, scheduled_at
)""" + _AUDIT + """'homecare.order.place', 'homecare.order', o.id::text, o.number, p.code, NULL,
       jsonb_build_object('status', 'placed', 'person', left(p.id_number, 4) || repeat('*', length(p.id_number) - 4),
                          'item', %(item)s::text, 'quantity', '1', 'amount', o.amount::text,
                          'scheduled_at', to_char(o.scheduled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                          'channel', 'staff'), ''
FROM o, p
RETURNING object_id
"""

RAW_DISPATCH = """
WITH o AS (
    UPDATE homecare_order o SET status = 'dispatched', provider_id = pr.id, dispatched_at = now()
    FROM homecare_provider pr, areas_area a
    WHERE o.id = %(order)s AND o.status = 'placed' AND pr.id = %(provider)s AND pr.active AND a.id = o.area_id
      AND strpos(a.path, '/' || pr.area_id || '/') > 0 AND strpos(a.path, '/' || %(scope)s || '/') > 0
    RETURNING o.id, o.number, a.code, pr.name
)""" + _AUDIT + """'homecare.order.dispatch', 'homecare.order', o.id::text, o.number, o.code,
       '{"status": "placed", "provider": null}', jsonb_build_object('status', 'dispatched', 'provider', o.name), ''
FROM o
"""

# Only the first assignment (from dispatched), the one the bench makes: a re-assignment would also need the old
# worker's name for the audit entry.
RAW_ASSIGN = """
WITH o AS (
    UPDATE homecare_order o SET status = 'assigned', worker_id = w.id, assigned_at = now()
    FROM homecare_worker w, areas_area a
    WHERE o.id = %(order)s AND o.status = 'dispatched' AND o.provider_id = %(provider)s AND w.id = %(worker)s
      AND w.provider_id = o.provider_id AND w.active AND a.id = o.area_id
    RETURNING o.id, o.number, a.code, w.name
)""" + _AUDIT + """'homecare.order.assign', 'homecare.order', o.id::text, o.number, o.code,
       '{"status": "dispatched", "worker": null}', jsonb_build_object('status', 'assigned', 'worker', o.name), ''
FROM o
"""

RAW_START = """
WITH o AS (
    UPDATE homecare_order o SET status = 'in_service'
    FROM homecare_worker w, homecare_serviceitem i, areas_area a
    WHERE o.id = %(order)s AND o.status = 'assigned' AND o.provider_id = %(provider)s AND w.id = o.worker_id
      AND i.id = o.item_id AND a.id = o.area_id
    RETURNING o.id, o.number, o.provider_id, o.worker_id, o.person_id, o.address, i.name AS item_name, a.code,
              w.name AS worker_name
), r AS (
    INSERT INTO homecare_servicerecord (order_id, provider_id, worker_id, person_id, item_name, address,
        start_location, end_location, started_at, ended_at, content, confirmed_by_elder, recorded_by_id)
    SELECT id, provider_id, worker_id, person_id, item_name, address, '', '', now(), NULL, '', false, %(actor)s FROM o
    RETURNING started_at
)""" + _AUDIT + """'homecare.order.start', 'homecare.order', o.id::text, o.number, o.code,
       '{"status": "assigned"}',
       jsonb_build_object('status', 'in_service', 'worker', o.worker_name, 'location', '',
                          'started_at', to_char(r.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')), ''
FROM o, r
"""

# Completion is two statements in one transaction, as in the service: the order and the elder are locked first so
# that the month's used subsidy is summed in a later statement (a later snapshot) than the lock; in one statement a
# completion that waited for the lock would not see the one it waited for. Both go out in one pipeline with BEGIN
# and COMMIT: one round trip.
RAW_LOCK = """
SELECT 1 FROM homecare_order o JOIN registry_person p ON p.id = o.person_id WHERE o.id = %(order)s
FOR UPDATE OF o, p
"""

# The subsidy as reference.subsidy_for computes it: the best rule (highest rate, then cap) among the elder's groups
# (open registry categories read here, age bands from the birth date), limited by the rule's monthly cap less what
# the elder's completed orders of this month already used. The rules of the jurisdiction come in as arrays (the
# service reads them from data/homecare/subsidy_rules.csv, cached per process).
RAW_COMPLETE = """
WITH used AS (
    SELECT coalesce(sum(subsidy), 0)::numeric(12, 2) AS v FROM homecare_order
    WHERE person_id = %(person)s AND status = 'completed' AND service_date >= date_trunc('month', current_date)::date
      AND service_date < (date_trunc('month', current_date) + interval '1 month')::date
), rule AS (
    SELECT r.rate, r.cap, r.label, r.note
    FROM registry_person p,
         unnest(%(r_category)s::text[], %(r_min_age)s::int[], %(r_rate)s::numeric[], %(r_cap)s::numeric[],
                %(r_label)s::text[], %(r_note)s::text[]) AS r(category, min_age, rate, cap, label, note)
    WHERE p.id = %(person)s
      AND (r.category IS NOT NULL AND EXISTS (
               SELECT 1 FROM registry_personcategory c WHERE c.person_id = p.id AND c.category = r.category
               AND c.valid_from <= current_date AND (c.valid_to IS NULL OR c.valid_to >= current_date))
           OR r.category IS NULL AND p.birth_date <= (current_date - make_interval(years => r.min_age))::date)
    ORDER BY r.rate DESC, r.cap DESC LIMIT 1
), split AS (
    SELECT least(round(x.amount * coalesce(rule.rate, 0), 2), greatest(coalesce(rule.cap, 0) - used.v, 0)) AS subsidy,
           used.v AS used, rule.rate, rule.cap, rule.label, rule.note
    FROM homecare_order x CROSS JOIN used LEFT JOIN rule ON true WHERE x.id = %(order)s
), done AS (
    UPDATE homecare_order o SET status = 'completed', closed_at = now(), service_date = current_date,
        subsidy = s.subsidy, self_pay = o.amount - s.subsidy,
        subsidy_explanation = CASE WHEN s.rate IS NULL THEN '不属于补贴对象，全部自付'
            ELSE s.label || '：补贴比例' || round(s.rate * 100) || '%%，每月上限' || s.cap || '元，本月已用' || s.used
                 || '元，本次补贴' || s.subsidy || '元' || s.note END
    FROM split s, areas_area a
    WHERE o.id = %(order)s AND o.status = 'in_service' AND o.provider_id = %(provider)s
      AND o.confirm_code = %(code)s AND a.id = o.area_id
    RETURNING o.id, o.number, a.code, o.amount, o.subsidy, o.self_pay, o.subsidy_explanation
), rec AS (
    UPDATE homecare_servicerecord SET ended_at = now(), end_location = '', content = '', confirmed_by_elder = true
    WHERE order_id = (SELECT id FROM done)
    RETURNING ended_at
)""" + _AUDIT + """'homecare.order.complete', 'homecare.order', d.id::text, d.number, d.code,
       '{"status": "in_service"}',
       jsonb_build_object('status', 'completed', 'amount', d.amount::text,
                          'ended_at', to_char(rec.ended_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                          'subsidy', d.subsidy::text, 'self_pay', d.self_pay::text,
                          'explanation', d.subsidy_explanation), ''
FROM done d, rec
"""


def raw_contexts(clients: int) -> list[dict]:
    """What a raw client knows before it starts, read through Django once (not timed): its actors' ids and names,
    its provider, worker and area, the item's jurisdiction and the subsidy rules of that jurisdiction."""
    from django.conf import settings
    from django.utils import timezone

    from minzheng.accounts.models import AreaAssignment, User
    from minzheng.areas.models import Area
    from minzheng.homecare import reference, services
    from minzheng.homecare.models import ServiceItem, Worker

    county = Area.objects.current().get(code=COUNTY)
    item = ServiceItem.objects.filter(area=county, code="ZJ01").latest("valid_from")
    # The service's own reading of the rules (reference.subsidy_for), flattened into arrays for the statement.
    _, rules = reference._nearest(reference._rows("subsidy_rules.csv"), county, timezone.localdate())
    groups = reference.groups()
    rules = [(groups[r["group"]], r) for r in rules if r["category"] in ("*", item.category)]
    rule_params = {
        "r_category": [g.category or None for g, _ in rules],
        "r_min_age": [None if g.category else g.min_age for g, _ in rules],
        "r_rate": [r["rate"] for _, r in rules],
        "r_cap": [reference.money(Decimal(r["monthly_cap"])) for _, r in rules],
        "r_label": [g.label for g, _ in rules],
        "r_note": ["（演示假设标准）" if r["source"].startswith("assumed") else "" for _, r in rules],
    }
    out = []
    for k in range(clients):
        town, disp, wu = (User.objects.get(username=f"{r}{k}") for r in ("town", "disp", "worker"))
        provider = services.user_provider(disp)
        assert provider is not None
        out.append({
            "town": town.pk, "town_name": town.display_name or town.username,
            "worker_user": wu.pk, "worker_user_name": wu.display_name or wu.username,
            "disp": disp.pk, "disp_name": disp.display_name or disp.username,
            "worker": Worker.objects.get(user=wu).pk, "provider": provider.pk,
            "scope": AreaAssignment.objects.filter(user=town).values_list("area_id", flat=True).get(),
            "jurisdiction": county.pk, "item": item.code, "tz": settings.TIME_ZONE, **rule_params})
    return out


def _raw_client(k: int, ctx: dict, seconds: float, start_at: float, out) -> None:
    import random

    import psycopg

    conn = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)
    # The service's dates (order number, service date, month of the subsidy cap) are local dates.
    conn.execute("SELECT set_config('TimeZone', %s, false)", [ctx["tz"]])
    seq = conn.execute("SELECT pg_get_serial_sequence('homecare_order', 'id')").fetchone()[0]
    cur, lock_cur = conn.cursor(), conn.cursor()
    first = k * ELDERS_PER_CLIENT + 1
    town = {"actor": ctx["town"], "actor_name": ctx["town_name"], "scope": ctx["scope"]}
    disp = {"actor": ctx["disp"], "actor_name": ctx["disp_name"], "provider": ctx["provider"],
            "worker": ctx["worker"]}
    worker = {"actor": ctx["worker_user"], "actor_name": ctx["worker_user_name"], "provider": ctx["provider"]}
    rules = {key: v for key, v in ctx.items() if key.startswith("r_")}
    completed = []

    def execute(sql: str, params: dict) -> None:
        cur.execute(sql, params, prepare=True)
        if cur.rowcount != 1:
            raise RuntimeError(f"raw client {k}: a step wrote {cur.rowcount} audit entries, not 1 ({params})")

    def complete(params: dict) -> None:
        with conn.pipeline(), conn.transaction():
            lock_cur.execute(RAW_LOCK, params, prepare=True)
            cur.execute(RAW_COMPLETE, params, prepare=True)
        if lock_cur.rowcount != 1 or cur.rowcount != 1:
            raise RuntimeError(f"raw client {k}: completion of order {params['order']} wrote nothing")

    def one(i: int) -> list[float]:
        times = []
        person = first + i % ELDERS_PER_CLIENT
        code = f"{random.randrange(10000):04d}"

        def step(fn, *args):
            t = time.perf_counter()
            r = fn(*args)
            times.append(time.perf_counter() - t)
            return r

        def place():
            execute(RAW_PLACE, town | {"person": person, "jurisdiction": ctx["jurisdiction"], "item": ctx["item"],
                                       "code": code, "seq": seq})
            return int(cur.fetchone()[0])

        order = step(place)
        step(execute, RAW_DISPATCH, town | {"order": order, "provider": ctx["provider"]})
        step(execute, RAW_ASSIGN, disp | {"order": order})
        step(execute, RAW_START, worker | {"order": order})
        step(complete, worker | rules | {"order": order, "person": person, "code": code})
        completed.append(order)
        return times

    for i in range(3):  # warm-up (statements prepared on the server), not counted
        one(i)
    while time.time() < start_at:
        time.sleep(0.005)
    backend = conn.info.backend_pid
    results = []
    i = 3
    t0, c0, b0 = time.perf_counter(), time.process_time(), _backend_cpu(backend)
    while time.perf_counter() - t0 < seconds:
        results.append(one(i))
        i += 1
    out.put({"client": k, "orders": results, "elapsed": time.perf_counter() - t0,
             "counts": {"place": (1, 1), "dispatch": (1, 1), "assign": (1, 1), "start": (1, 1), "complete": (2, 1)},
             "cpu": time.process_time() - c0, "db_cpu": _backend_cpu(backend) - b0, "completed": completed})
    conn.close()


def raw_check(completed: list[int]) -> str:
    """The raw side's orders are completed with a closed service record and five audit entries each; then the
    entries are sealed (not timed), so the next app run does not seal them on its clock."""
    from django.db import connection

    from minzheng.core import audit

    with connection.cursor() as cur:
        cur.execute("""
            SELECT count(*) FILTER (WHERE o.status = 'completed' AND r.ended_at IS NOT NULL AND o.subsidy IS NOT NULL
                                      AND o.service_date IS NOT NULL AND o.number LIKE 'JJ%%'), count(*)
            FROM homecare_order o LEFT JOIN homecare_servicerecord r ON r.order_id = o.id WHERE o.id = ANY(%s)
        """, [completed])
        good, found = cur.fetchone()
        cur.execute("SELECT count(*) FROM core_auditentry WHERE object_type = 'homecare.order' AND object_id = ANY(%s)",
                    [[str(i) for i in completed]])
        entries = cur.fetchone()[0]
    if not good == found == len(completed) or entries != 5 * len(completed):
        raise SystemExit(f"raw side wrote wrong rows: {len(completed)} orders, {found} found, {good} completed with "
                         f"a closed record, {entries} audit entries (expected {5 * len(completed)})")
    t = time.perf_counter()
    sealed = audit.seal()
    return (f"raw check: {good} orders completed with a closed service record, {entries} audit entries; "
            f"{sealed} entries sealed in {time.perf_counter() - t:.1f} s (not timed)")


# --- settlement ---------------------------------------------------------------------------------------------------

_BASELINE = """
INSERT INTO homecare_statementline (statement_id, kind, order_id, meal_id, person_id, service_date, description,
                                    amount, subsidy, self_pay)
SELECT %(st)s, 'service', o.id, NULL, o.person_id, o.service_date, i.name, o.amount, o.subsidy, o.self_pay
FROM homecare_order o JOIN homecare_serviceitem i ON i.id = o.item_id
WHERE o.provider_id = %(provider)s AND o.status = 'completed' AND o.service_date < %(end)s
ORDER BY o.service_date, o.id
"""


def make_settlement_orders(n: int, month: dt.date) -> None:
    from django.db import connection

    from minzheng.homecare.models import Provider

    provider = Provider.objects.get()
    with connection.cursor() as cur:
        cur.execute("SELECT min(id), max(id) FROM registry_person")
        lo, hi = cur.fetchone()
        cur.execute("SELECT id FROM homecare_serviceitem WHERE code = 'ZJ01' AND area_id = %s", [provider.area_id])
        item = cur.fetchone()[0]
        cur.execute("""
            INSERT INTO homecare_order (number, person_id, area_id, jurisdiction_id, item_id, quantity, unit_price,
                amount, address, scheduled_at, note, channel, provider_id, worker_id, status, confirm_code, subsidy,
                self_pay, fee, subsidy_explanation, close_reason, service_date, created_at, dispatched_at,
                assigned_at, closed_at)
            SELECT 'JS' || lpad(i::text, 12, '0'), p.id, p.residence_area_id, %(area)s, %(item)s, 1, 60, 60, p.address,
                   %(day)s::timestamptz, '', 'staff', %(provider)s, w.id, 'completed', '0000',
                   CASE WHEN p.id %% 10 = 0 THEN 60 ELSE 30 END, CASE WHEN p.id %% 10 = 0 THEN 0 ELSE 30 END, 0,
                   '基准', '', %(day)s::date + (i %% 28), now(), now(), now(), now()
            FROM generate_series(1, %(n)s) i
            JOIN registry_person p ON p.id = %(lo)s + i %% (%(hi)s - %(lo)s + 1)
            CROSS JOIN LATERAL (SELECT id FROM homecare_worker ORDER BY id LIMIT 1) w
        """, {"n": n, "lo": lo, "hi": hi, "area": provider.area_id, "item": item, "provider": provider.pk,
              "day": month})
        cur.execute("VACUUM ANALYZE homecare_order")


def run_settlement(n: int, rounds: int) -> dict:
    from django.db import connection

    from minzheng.accounts.models import User
    from minzheng.homecare import settlement
    from minzheng.homecare.models import Provider, Statement

    month = dt.date(2025, 3, 1)
    make_settlement_orders(n, month)
    provider = Provider.objects.get()
    admin = User.objects.get(username="bench")
    params = {"provider": provider.pk, "end": dt.date(2025, 4, 1)}

    def clear():
        with connection.cursor() as cur:
            cur.execute("DELETE FROM homecare_statementline; DELETE FROM homecare_statement")
            cur.execute("VACUUM ANALYZE homecare_statementline")
            cur.execute("CHECKPOINT")

    ours, base = [], []
    for r in range(rounds):
        for side in (("ours", "base") if r % 2 == 0 else ("base", "ours")):
            clear()
            t = time.perf_counter()
            if side == "ours":
                st = settlement.statement_generate(actor=admin, provider=provider, month=month,
                                                   today=dt.date(2025, 4, 2))
                ours.append(time.perf_counter() - t)
                assert st.line_count == n, (st.line_count, n)
            else:
                from django.db import transaction

                with transaction.atomic():
                    st = Statement.objects.create(provider=provider, month=month)
                    with connection.cursor() as cur:
                        cur.execute(_BASELINE, params | {"st": st.pk})
                        assert cur.rowcount == n
                base.append(time.perf_counter() - t)
    clear()
    ratios = [o / b for o, b in zip(ours, base, strict=True)]
    return {"n": n, "ours": ours, "base": base, "ratio": statistics.median(ratios), "ratios": ratios}


def _row(r: dict) -> str:
    steps = "  ".join(f"{r['steps'][s][0]:.1f}/{r['steps'][s][1]:.1f}" for s in STEPS)
    cpu = f"{r['cpu_ms']:.1f}+{r['db_cpu_ms']:.1f}"
    return (f"{r['side']:>4} {r['clients']:>7} {r['orders']:>7} {r['rate']:>9.1f} {r['p50']:>7.1f} {r['p95']:>7.1f} "
            f"{r['max']:>7.1f} {cpu:>25}   {steps}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", default="4", help="comma-separated client counts, e.g. 2,4,8")
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--sides", default="app",
                    help="app (the services), raw (hand-written SQL, no Django) or app,raw (both, alternating)")
    ap.add_argument("--order-rounds", type=int, default=1,
                    help="runs of each side per client count; the side going first alternates, the ratio is the median")
    ap.add_argument("--settle", type=int, default=100_000, help="orders in the settled month (0: skip)")
    ap.add_argument("--rounds", type=int, default=5, help="rounds of the settlement comparison")
    args = ap.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("DATABASE_URL must point at a PostgreSQL database of its own (it is wiped)")
    sides = [x.strip() for x in args.sides.split(",") if x.strip()]
    if not sides or len(set(sides)) != len(sides) or not set(sides) <= {"app", "raw"}:
        sys.exit("--sides: app, raw, app,raw or raw,app")
    setup_django()
    counts = [int(c) for c in args.clients.split(",")]
    prepare(max(counts))
    contexts = raw_contexts(max(counts)) if "raw" in sides else None
    print(f"{'side':>4} {'clients':>7} {'orders':>7} {'orders/s':>9} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} "
          f"{'CPU ms/order (client+db)':>25}   " + "  ".join(f"{s} p50/p95" for s in STEPS), flush=True)
    last: dict[str, dict] = {}
    for c in counts:
        ratios = []
        for rnd in range(max(1, args.order_rounds)):
            got = {}
            for side in (sides if rnd % 2 == 0 else sides[::-1]):
                r = run_orders(c, args.seconds, side, contexts)
                got[side] = last[side] = r
                print(_row(r), flush=True)
                if side == "raw":
                    print("     " + raw_check(r["completed"]), flush=True)
            if len(got) == 2:
                ratios.append((got["app"]["rate"] / got["raw"]["rate"], got["app"]["p95"] / got["raw"]["p95"]))
        if ratios:
            rate, p95 = statistics.median(x for x, _ in ratios), statistics.median(y for _, y in ratios)
            each = (f" (per round: {' / '.join(f'{x:.3f}, {y:.1f}×' for x, y in ratios)})"
                    if len(ratios) > 1 else "")
            print(f"     app ÷ raw at {c} clients: orders/s {rate:.3f} (raw {1 / rate:.1f}× as many), "
                  f"p95 {p95:.1f}×{each}", flush=True)
    if "app" in last:
        print("queries / commits per step (service call with its scoped read of the order; the fewest seen in "
              "the warm-up orders, i.e. without sealing other clients' entries):",
              ", ".join(f"{s} {q}/{c}" for s, (q, c) in last["app"]["counts"].items()), flush=True)
    if "raw" in last:
        print("raw statements / commits per step (autocommit, prepared; complete: lock + write pipelined with "
              "BEGIN/COMMIT, so one round trip each):",
              ", ".join(f"{s} {q}/{c}" for s, (q, c) in last["raw"]["counts"].items()), flush=True)
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          "(CPU ms per order is what the cores would have to give per order, whatever the load)", flush=True)
    if "raw" in last:
        from minzheng.core import audit

        sealed = audit.seal()
        checked, broken, reason = audit.verify_chain()
        print(f"audit chain after both sides: {sealed} entries sealed now, verify_chain checked {checked} entries: "
              + (f"BROKEN at #{broken.seq}: {reason}" if broken else "intact"), flush=True)
        if broken:
            sys.exit(1)
    if args.settle:
        s = run_settlement(args.settle, args.rounds)
        print(f"settlement of {s['n']:,} orders: statement_generate median {statistics.median(s['ours']):.2f} s, "
              f"raw INSERT … SELECT median {statistics.median(s['base']):.2f} s, median ratio {s['ratio']:.2f}× "
              f"(per round {' / '.join(f'{x:.2f}' for x in s['ratios'])})", flush=True)


if __name__ == "__main__":
    main()
