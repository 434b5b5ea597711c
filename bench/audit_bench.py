"""Benchmark: how many audited transactions a second the audit chain lets through (PostgreSQL).

    psql -h 127.0.0.1 -p 55440 -U postgres -c 'CREATE DATABASE minzheng_bench_audit'
    DATABASE_URL=postgres://postgres@127.0.0.1:55440/minzheng_bench_audit \
        .venv/bin/python bench/audit_bench.py --clients 1,4,8,16 --seconds 15

Run it against a server with its normal durability (fsync and synchronous_commit on): what the chain costs is the
commits it serialises. Each client is its own process and connection, and runs transactions of one small business
write (a row into a scratch table) plus, per mode:
- raw: nothing more — the database's own limit for these transactions;
- naive: the chain as it was until 2026-12-05 — the chain's lock taken with a blocking advisory lock and held
  through COMMIT, then the head read and the entry written;
- sealed: `core.audit.record` — chained in the transaction only when the lock is free, otherwise written unsealed
  and sealed after the commit (the latency includes that sealing).
Printed per mode and client count: transactions/s, p50/p95 ms, and the chain verified at the end.
"""

import argparse
import multiprocessing as mp
import statistics
import time

from common import setup_django

MODES = ("raw", "naive", "sealed")


def prepare() -> None:
    from django.core.management import call_command
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", "core", verbosity=0)
    with connection.cursor() as cur:
        cur.execute("CREATE TABLE bench_work (id bigserial PRIMARY KEY, client int, n int, at timestamptz)")


def naive_record(n: int) -> None:
    """The pre-2026-12-05 append, kept here as the baseline: global lock to COMMIT, head, entry."""
    from django.db import connection
    from django.utils import timezone

    from minzheng.core import audit
    from minzheng.core.models import AuditEntry

    with connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", [audit._PG_LOCK_KEY])
    entry = AuditEntry(created_at=timezone.now(), actor_name="基准", action="bench.write", object_type="bench",
                       object_id=str(n), area_code="440704003", after={"n": n})
    audit._chain(entry, audit._head())
    entry.save()


def client(mode: str, k: int, seconds: float, ready, go, out) -> None:
    setup_django()
    from django.db import connection, transaction

    from minzheng.core import audit

    connection.ensure_connection()
    ready.put(k)
    go.wait()
    latencies, n = [], 0
    end = time.time() + seconds
    while time.time() < end:
        t0 = time.perf_counter()
        n += 1
        with transaction.atomic():
            with connection.cursor() as cur:
                cur.execute("INSERT INTO bench_work (client, n, at) VALUES (%s, %s, now())", [k, n])
            if mode == "naive":
                naive_record(n)
            elif mode == "sealed":
                audit.record(actor=None, action="bench.write", object_type="bench", object_id=n,
                             area_code="440704003", after={"n": n})
        latencies.append(time.perf_counter() - t0)  # after COMMIT and, for `sealed`, the sealing after it
    out.put(latencies)


def run(mode: str, clients: int, seconds: float) -> dict:
    ctx = mp.get_context("spawn")
    ready, go, out = ctx.Queue(), ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=client, args=(mode, k, seconds, ready, go, out)) for k in range(clients)]
    for p in procs:
        p.start()
    for _ in procs:  # every process connected before the window opens
        ready.get()
    go.set()
    lat = sorted(x for _ in procs for x in out.get())
    for p in procs:
        p.join()
    return {"tps": len(lat) / seconds, "p50": statistics.median(lat) * 1000,
            "p95": lat[int(len(lat) * 0.95) - 1] * 1000}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", default="1,4,8,16")
    parser.add_argument("--seconds", type=float, default=15)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    from minzheng.core import audit
    from minzheng.core.models import AuditEntry

    prepare()
    with connection.cursor() as cur:
        cur.execute("SHOW fsync")
        fsync = cur.fetchone()[0]
        cur.execute("SHOW synchronous_commit")
        sync = cur.fetchone()[0]
    print(f"PostgreSQL fsync={fsync} synchronous_commit={sync}")
    print("| clients | mode | tx/s | p50 ms | p95 ms | × raw |")
    print("|---:|---|---:|---:|---:|---:|")
    for clients in [int(c) for c in args.clients.split(",")]:
        raw = None
        for mode in MODES:
            r = run(mode, clients, args.seconds)
            raw = raw or r["tps"]
            print(f"| {clients} | {mode} | {r['tps']:,.0f} | {r['p50']:.1f} | {r['p95']:.1f} | "
                  f"{r['tps'] / raw:.2f} |", flush=True)
    unsealed = AuditEntry.objects.filter(seq__isnull=True).count()
    checked, broken, reason = audit.verify_chain()
    print(f"unsealed after the last run: {unsealed}; chain: {checked:,} entries, "
          f"{'intact' if broken is None else 'BROKEN: ' + reason}")


if __name__ == "__main__":
    main()
