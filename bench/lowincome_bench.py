"""Benchmark: the monitoring's alert run over a large monitored population and a monthly feed (PostgreSQL).

    psql -h 127.0.0.1 -p 55432 -U postgres -c 'CREATE DATABASE h_lowincome'
    DATABASE_URL=postgres://postgres@127.0.0.1:55432/h_lowincome \
        .venv/bin/python bench/lowincome_bench.py --monitored 1000000 --events 5000000

Set-up (not timed): 东莞市 (33 towns × 8 demo villages); persons = 1.2 × monitored (a sixth of the feed's people
are not monitored), the monitored population written straight into lowincome_monitoredperson (groups in turn), the
rules of data/lowincome/rules.csv, and one feed batch of N events: the six kinds in turn, amounts spread 0–200,000
元 (so each threshold lets some through and stops some), dated last month, for persons drawn over all persons.

Timed (each side alternates over --rounds, the alerts emptied between rounds):
1. ours: `runs.alert_run` — a feed's first run: one INSERT … SELECT into the batch's own new partition of
   lowincome_alert, its keys and indexes built afterwards, then attached; and the same run again into that partition
   once it exists with its indexes (the path of any later run over the batch);
2. baselines: the raw SQL join producing the same rows, written with CREATE TABLE … AS (no index, key or
   constraint), with CREATE UNLOGGED TABLE … AS (not even WAL), and the join alone (count);
3. rerun of ours over the same feed: new alerts must be 0 (idempotent) — seconds;
4. naive: an ORM loop per event (look up the monitored person and the rule, create the alert) over a sample,
   extrapolated to the feed (events/s).
Peak RSS of this process is printed before and after the runs: the work is in the database, memory stays flat.
"""

import argparse
import resource
import statistics
import time

from common import fresh_database, insert_persons, setup_django

CITY = "441900"


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def prepare(monitored: int, events: int):
    from django.db import connection

    from minzheng.lowincome import rules
    from minzheng.lowincome.models import FeedBatch

    city, user = fresh_database(CITY, villages_per_town=8)
    rules.load_rules()
    persons = monitored * 6 // 5
    kinds = list(rules.kinds())
    groups = [g.code for g in rules.groups()]
    t = time.perf_counter()
    with connection.cursor() as cur:
        insert_persons(cur, city, persons, prefix="L")
        cur.execute("SELECT min(id) FROM registry_person")
        first = cur.fetchone()[0]
        cur.execute("""
            INSERT INTO lowincome_monitoredperson (person_id, household_id, area_id, "group")
            SELECT p.id, NULL, p.residence_area_id, (%(groups)s::text[])[1 + p.id %% %(ng)s]
            FROM registry_person p WHERE p.id < %(first)s + %(m)s""",
                    {"groups": groups, "ng": len(groups), "first": first, "m": monitored})
        batch = FeedBatch.objects.create(kind="mixed", area=city, total_rows=events, created_by=user)
        cur.execute("""
            INSERT INTO lowincome_event (batch_id, kind, person_id, event_date, amount, detail, key)
            SELECT %(batch)s, (%(kinds)s::text[])[1 + (i %% %(nk)s)::int], %(first)s + (i * 7919) %% %(persons)s,
                   DATE '2026-11-01' + (i %% 30)::int, ((i * 104729) %% 20000000) / 100.0, '', md5(i::text)
            FROM generate_series(1::bigint, %(n)s) i""",
                    {"batch": batch.pk, "kinds": kinds, "nk": len(kinds), "first": first, "persons": persons,
                     "n": events})
        cur.execute("ANALYZE")
    print(f"set-up: {persons:,} persons, {monitored:,} monitored, {events:,} events in {time.perf_counter() - t:.0f} s")
    return user, batch


JOIN = """
SELECT e.id AS event_id, r.id AS rule_id, e.kind, r.severity, e.person_id, m.household_id, m.area_id
FROM lowincome_event e
JOIN lowincome_monitoredperson m ON m.person_id = e.person_id
JOIN lowincome_rule r ON r.kind = e.kind AND r.effective_from <= e.event_date
     AND (r.effective_to IS NULL OR e.event_date < r.effective_to)
     AND (r.min_amount IS NULL OR e.amount >= r.min_amount)
JOIN areas_area a ON a.id = m.area_id
WHERE a.path LIKE %s AND e.batch_id = %s"""
BASELINE = "CREATE TABLE bench_alerts AS " + JOIN           # the same rows written (WAL), no index or key
UNLOGGED = "CREATE UNLOGGED TABLE bench_unlogged AS " + JOIN  # … not even WAL
COUNT = "SELECT count(*) FROM (" + JOIN + ") j"             # the join alone


def naive(user, batch, sample: int) -> float:
    """Per event: find the monitored person and the rule in force, skip if alerted, create the alert (ORM)."""
    from django.db import transaction
    from django.utils import timezone

    from minzheng.core.periods import add_workdays
    from minzheng.lowincome.models import Alert, Event, MonitoredPerson, Rule

    today = timezone.localdate()
    events = list(Event.objects.filter(batch=batch).order_by("id")[:sample])
    t = time.perf_counter()
    with transaction.atomic():
        for e in events:
            m = MonitoredPerson.objects.filter(person_id=e.person_id).first()
            if m is None:
                continue
            r = (Rule.objects.filter(kind=e.kind, effective_from__lte=e.event_date).order_by("-effective_from")
                 .first())
            if r is None or (r.min_amount is not None and e.amount < r.min_amount):
                continue
            if Alert.objects.filter(event=e).exists():
                continue
            Alert.objects.create(event=e, batch_id=e.batch_id, rule=r, source="feed", kind=e.kind, severity=r.severity,
                                 person_id=e.person_id, household_id=m.household_id, area_id=m.area_id,
                                 raised_on=today, verify_due=add_workdays(today, r.verify_workdays))
        transaction.set_rollback(True)
    return len(events) / (time.perf_counter() - t)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--monitored", type=int, default=1_000_000)
    ap.add_argument("--events", type=int, default=5_000_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--naive-sample", type=int, default=20_000)
    args = ap.parse_args()
    setup_django()
    from django.db import connection

    from minzheng.lowincome.models import Alert
    from minzheng.lowincome.runs import alert_run, partition_name

    user, batch = prepare(args.monitored, args.events)
    city_path = user.area_assignments.get().area.path
    print(f"peak RSS after set-up: {rss_mb():.0f} MB")
    ours, indexed, base, unlogged, join = [], [], [], [], []
    for _ in range(args.rounds):
        with connection.cursor() as cur:
            cur.execute("TRUNCATE lowincome_alert CASCADE")
            cur.execute(f"DROP TABLE IF EXISTS {partition_name(batch.pk)}")
            cur.execute("DROP TABLE IF EXISTS bench_alerts")
            cur.execute("DROP TABLE IF EXISTS bench_unlogged")
            cur.execute("CHECKPOINT")
        t = time.perf_counter()
        n = alert_run(user=user, batch_id=batch.pk)
        ours.append(time.perf_counter() - t)
        # the same run into the batch's partition once it exists with its indexes (a second run of another town's
        # share of the feed, or the whole run before partitioning): rows inserted index by index
        with connection.cursor() as cur:
            cur.execute("TRUNCATE lowincome_alert CASCADE")
            cur.execute("CHECKPOINT")
        t = time.perf_counter()
        assert alert_run(user=user, batch_id=batch.pk) == n
        indexed.append(time.perf_counter() - t)
        with connection.cursor() as cur:
            t = time.perf_counter()
            cur.execute(BASELINE, [city_path + "%", batch.pk])
            base.append(time.perf_counter() - t)
            cur.execute("SELECT count(*) FROM bench_alerts")
            same = cur.fetchone()[0]
            t = time.perf_counter()
            cur.execute(UNLOGGED, [city_path + "%", batch.pk])
            unlogged.append(time.perf_counter() - t)
            t = time.perf_counter()
            cur.execute(COUNT, [city_path + "%", batch.pk])
            join.append(time.perf_counter() - t)
        assert n == same == Alert.objects.count(), (n, same)
        print(f"round: ours {ours[-1]:.1f} s (into an indexed partition {indexed[-1]:.1f} s), "
              f"raw join into a table {base[-1]:.1f} s, into an unlogged table "
              f"{unlogged[-1]:.1f} s, join alone {join[-1]:.1f} s, alerts {n:,}")
    t = time.perf_counter()
    again = alert_run(user=user, batch_id=batch.pk)
    rerun = time.perf_counter() - t
    assert again == 0
    rate = naive(user, batch, args.naive_sample)
    o, b, i = statistics.median(ours), statistics.median(base), statistics.median(indexed)
    u, j = statistics.median(unlogged), statistics.median(join)
    print(f"alerts: {n:,} of {args.events:,} events; ours median {o:.1f} s; raw join into a table {b:.1f} s "
          f"(ratio {o / b:.2f}×; into an indexed partition {i:.1f} s, {i / b:.2f}×), unlogged {u:.1f} s "
          f"({o / u:.2f}×), join alone {j:.1f} s ({o / j:.2f}×); "
          f"rerun {rerun:.1f} s, 0 new")
    print(f"naive ORM loop: {rate:,.0f} events/s → {args.events / rate / 3600:.1f} h for the feed "
          f"({args.events / rate / o:.0f}× ours)")
    print(f"peak RSS at the end: {rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
