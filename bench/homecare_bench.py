"""Benchmark: 居家养老 orders from several clients at once, and the monthly settlement (PostgreSQL).

    psql -h 127.0.0.1 -p 55432 -U postgres -c 'CREATE DATABASE minzheng_bench_homecare'
    DATABASE_URL=postgres://postgres@127.0.0.1:55432/minzheng_bench_homecare \
        .venv/bin/python bench/homecare_bench.py --clients 4 --seconds 30 --settle 100000

Set-up (not timed): 江海区 with its demo villages, the catalogue, one provider, and per client a 镇街 officer who
places and dispatches, a provider dispatcher who assigns and a worker who signs in and out, with 500 elders of
their own (a tenth 低保, so the monthly subsidy cap is read). Each client is its own process with its own
connection and calls the services as the API handlers do: per step a scoped read of the order
(selectors.order_get) and the service (validate, write, audit, one transaction). A full order is place →
dispatch → assign → start → complete; its latency is the sum of its five steps. Printed: orders/s over the
timed window of all clients together, p50/p95/max per order and per step, queries and commits per step.

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
    from minzheng.registry.models import Person

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
                counts[name] = (len(q.captured_queries), commits[0] - c0)
            else:
                r = fn()
            times.append(time.perf_counter() - t)
            return r

        now = timezone.now()
        order = step("place", lambda: services.order_place(
            actor=town, person=Person.objects.select_related("residence_area").get(pk=pid), item_code="ZJ01",
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
        one(i, counts if i == 2 else None)
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


def run_orders(clients: int, seconds: float) -> dict:
    from django.db import connections

    connections.close_all()
    q = mp.get_context("fork").Queue()
    start_at = time.time() + 3 + clients * 0.5
    procs = [mp.get_context("fork").Process(target=_client, args=(k, seconds, start_at, q)) for k in range(clients)]
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

    res = {"clients": clients, "orders": len(orders), "elapsed": elapsed, "rate": len(orders) / elapsed,
           "p50": pct(per_order, 0.50), "p95": pct(per_order, 0.95), "max": per_order[-1] * 1000,
           "steps": {s: (pct([o[j] for o in orders], 0.50), pct([o[j] for o in orders], 0.95))
                     for j, s in enumerate(STEPS)},
           "counts": got[0]["counts"],
           "cpu_ms": 1000 * sum(g["cpu"] for g in got) / len(orders),
           "db_cpu_ms": 1000 * sum(g["db_cpu"] for g in got) / len(orders)}
    return res


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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", default="4", help="comma-separated client counts, e.g. 2,4,8")
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--settle", type=int, default=100_000, help="orders in the settled month (0: skip)")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("DATABASE_URL must point at a PostgreSQL database of its own (it is wiped)")
    setup_django()
    counts = [int(c) for c in args.clients.split(",")]
    prepare(max(counts))
    print(f"{'clients':>7} {'orders':>7} {'orders/s':>9} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} "
          f"{'CPU ms/order (client+db)':>25}   " + "  ".join(f"{s} p50/p95" for s in STEPS), flush=True)
    last = None
    for c in counts:
        r = run_orders(c, args.seconds)
        last = r
        steps = "  ".join(f"{r['steps'][s][0]:.1f}/{r['steps'][s][1]:.1f}" for s in STEPS)
        cpu = f"{r['cpu_ms']:.1f}+{r['db_cpu_ms']:.1f}"
        print(f"{c:>7} {r['orders']:>7} {r['rate']:>9.1f} {r['p50']:>7.1f} {r['p95']:>7.1f} {r['max']:>7.1f} "
              f"{cpu:>25}   {steps}", flush=True)
    print("queries / commits per step (service call with its scoped read of the order):",
          ", ".join(f"{s} {q}/{c}" for s, (q, c) in last["counts"].items()), flush=True)
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          "(CPU ms per order is what the cores would have to give per order, whatever the load)", flush=True)
    if args.settle:
        s = run_settlement(args.settle, args.rounds)
        print(f"settlement of {s['n']:,} orders: statement_generate median {statistics.median(s['ours']):.2f} s, "
              f"raw INSERT … SELECT median {statistics.median(s['base']):.2f} s, median ratio {s['ratio']:.2f}× "
              f"(per round {' / '.join(f'{x:.2f}' for x in s['ratios'])})", flush=True)


if __name__ == "__main__":
    main()
