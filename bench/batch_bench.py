"""Province batch jobs (issue 17 item 4): the three jobs on the embedded engine (PostgreSQL) and on Spark local mode
at growing province sizes — how time grows, and where Spark overtakes.

    createdb h_batch_bench   # any PostgreSQL database of its own: it is wiped
    DATABASE_URL=postgres://postgres@127.0.0.1:55432/h_batch_bench \\
      .venv/bin/python bench/batch_bench.py --sizes 1000000,5000000 [--master local[2]]

Data per size (not timed): the province demo (minzheng/demo/province.py: 21 cities, N persons in two-person 低保
households, planted duplicates), department feeds for 核对 (≈0.95 records per person), the real indicator
catalogue and its element values for the year. Timed per job: the embedded engine's run, and Spark's run split into
writing the Parquet snapshots from PostgreSQL and the Spark computation (session already started; its start-up is
printed once). Both engines' rows are compared; the bench stops if they differ.
"""

import argparse
import datetime as dt
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from common import fresh_database, setup_django  # noqa: E402

MONTH = dt.date(2024, 6, 1)


def make_data(n: int) -> None:
    from django.db import connection

    from minzheng.accounts.models import User
    from minzheng.demo.province import generate_feeds, generate_province
    from minzheng.monitoring import catalogue
    from minzheng.monitoring.rollup import count_element, needed_elements

    t = time.perf_counter()
    fresh_database("441800")
    planted = generate_province(persons=n)
    rows = generate_feeds(actor=User.objects.get(username="bench"), as_of=MONTH - dt.timedelta(days=5))
    catalogue.load()
    for name in needed_elements():
        count_element(name, MONTH.year)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(f"数据：{n:,} 人，部门记录 {rows:,} 行，植入跨市 {len(planted.two_cities)}、死亡 {len(planted.deceased)}，"
          f"用时 {time.perf_counter() - t:.0f}s", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000000")
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--jobs", default="supervision,verification,monitoring")
    args = ap.parse_args()
    setup_django()
    from minzheng.batch import engines, jobs

    t = time.perf_counter()
    engines.spark_session(args.master)
    print(f"Spark 会话启动（{args.master}）：{time.perf_counter() - t:.1f}s", flush=True)
    print("| persons | job | rows | embedded s | Spark total s | of which snapshot s | Spark compute s "
          "| embedded ÷ Spark |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    for n in [int(x) for x in args.sizes.split(",")]:
        make_data(n)
        for job in args.jobs.split(","):
            impl = jobs.JOBS[job]
            period = MONTH if job != "monitoring" else MONTH.replace(month=1)
            t = time.perf_counter()
            emb = impl.run_embedded(period)
            te = time.perf_counter() - t
            t = time.perf_counter()
            spk = impl.run_spark(period, args.master)
            ts = time.perf_counter() - t
            snap = engines.LAST_TIMINGS.get("snapshot", 0.0)
            if spk != emb:
                raise SystemExit(f"{job}: engines differ ({len(emb)} vs {len(spk)} rows)")
            print(f"| {n:,} | {job} | {len(emb):,} | {te:.1f} | {ts:.1f} | {snap:.1f} | {ts - snap:.1f} | "
                  f"{te / ts:.2f} |", flush=True)


if __name__ == "__main__":
    main()
