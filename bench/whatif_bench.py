"""Benchmark: “如果低保标准调到X元” over N households' latest 核对 results (PostgreSQL).

    createdb minzheng_bench_whatif
    DATABASE_URL=postgres://postgres@127.0.0.1:55432/minzheng_bench_whatif \
        .venv/bin/python bench/whatif_bench.py --households 1000000

Loads N households in 东莞市's demo villages, each with one or two stored 核对 results (the older one must be
ignored), then times assistance.whatif.dibao_what_if for the whole city against one hand-written statement computing the
same preview, alternating over the rounds, and prints the median ratio. Goal (issue 3): under 2 s.
"""

import argparse
import datetime as dt
import random
import statistics
import sys
import time

from common import fresh_database

CITY = "441900"
ON = dt.date(2026, 6, 1)


def prepare(n: int):
    from django.db import connection

    from minzheng.accounts.roles import Role
    from minzheng.areas.models import Area, Level

    city, user = fresh_database(CITY, role=Role.COUNTY)
    villages = list(Area.objects.filter(level=Level.VILLAGE, path__startswith=city.path).values_list("id",
                                                                                                     flat=True))
    rnd = random.Random(2026)
    now = dt.datetime.now(dt.UTC)
    t = time.perf_counter()
    with connection.cursor() as cur:
        with cur.cursor.copy("COPY registry_household (number, area_id, address, created_at) FROM STDIN") as cp:
            for i in range(n):
                cp.write_row((f"B{i:08d}", villages[i % len(villages)], "", now))
        cur.execute("SELECT min(id) FROM registry_household")
        first = cur.fetchone()[0]
        cols = ("number, household_id, area_id, \"on\", urban_rural, member_count, household_income, "
                "rigid_deduction, per_capita_income, standard, standard_explanation, money_assets, conclusion, "
                "conclusion_text, rule_version, members, lines, assets, batches, warnings, created_by_id, "
                "created_at")
        with cur.cursor.copy(f"COPY verification_verificationreport ({cols}) FROM STDIN") as cp:
            k = 0
            for i in range(n):
                members = rnd.choice((1, 1, 2, 2, 3, 3, 4, 5))
                for on in ((ON - dt.timedelta(days=200), ON) if i % 3 == 0 else (ON,)):
                    pci = rnd.choice((rnd.uniform(0, 1100), rnd.uniform(1000, 6000)))
                    assets = rnd.choice((0, 5000, 20000, 800000))
                    k += 1
                    cp.write_row((f"HD-B-{k}", first + i, villages[i % len(villages)], on, "urban", members,
                                  round(pci * members, 2), 0, round(pci, 2), 1060, "", assets, "below", "", "b",
                                  "[]", "[]", "{}", "[]", "[]", user.pk, now))
        cur.execute("ANALYZE registry_household; ANALYZE verification_verificationreport")
    print(f"loaded {n} households / {k} 核对 results in {time.perf_counter() - t:.1f} s", flush=True)


_RAW = """
WITH latest AS (
    SELECT DISTINCT ON (household_id) area_id, urban_rural, member_count, per_capita_income, money_assets
    FROM verification_verificationreport WHERE "on" <= %(on)s
    ORDER BY household_id, id DESC
)
SELECT count(*),
       count(*) FILTER (WHERE per_capita_income < %(now)s AND money_assets <= %(months)s * %(now)s * member_count),
       count(*) FILTER (WHERE per_capita_income < %(new)s AND money_assets <= %(months)s * %(new)s * member_count
                          AND NOT (per_capita_income < %(now)s
                                   AND money_assets <= %(months)s * %(now)s * member_count)),
       coalesce(sum((%(now)s - per_capita_income) * member_count)
                FILTER (WHERE per_capita_income < %(now)s AND money_assets <= %(months)s * %(now)s * member_count), 0),
       coalesce(sum((%(new)s - per_capita_income) * member_count)
                FILTER (WHERE per_capita_income < %(new)s AND money_assets <= %(months)s * %(new)s * member_count), 0)
FROM latest
WHERE urban_rural = %(urban_rural)s AND area_id IN (SELECT id FROM areas_area WHERE path LIKE %(path)s)
"""


def raw_what_if(*, city, now_std, months, new_std) -> tuple:
    """The same preview as one hand-written statement: the latest result per household (DISTINCT ON), then the
    counts and costs under the current and the proposed standard."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(_RAW, {"on": ON, "now": now_std, "new": new_std, "months": months, "urban_rural": "urban",
                           "path": city.path + "%"})
        return cur.fetchone()


def run(repeat: int):
    """Ours and the raw statement alternate (ours first in even rounds), so that load from other work falls on both;
    the answers are compared every round."""
    from decimal import Decimal

    from minzheng.accounts.models import User
    from minzheng.areas.models import Area
    from minzheng.assistance.whatif import dibao_what_if
    from minzheng.policy.rules import resolve

    user, city = User.objects.get(username="bench"), Area.objects.get(code=CITY)
    now_std = resolve(city, "dibao", scope="urban", on=ON).value
    months = resolve(city, "asset_limit_months", on=ON).value
    ours, raw, ratios, result = [], [], [], None
    for x in range(repeat):
        new_std = Decimal(1100 + 20 * x)
        pair = {}
        for side in (("ours", "raw") if x % 2 == 0 else ("raw", "ours")):
            t = time.perf_counter()
            if side == "ours":
                result = dibao_what_if(user=user, area=city, urban_rural="urban", new_standard=new_std, on=ON)
            else:
                answer = raw_what_if(city=city, now_std=now_std, months=months, new_std=new_std)
            pair[side] = time.perf_counter() - t
        same = (result.households, result.eligible_now, result.newly_eligible, result.monthly_cost_now,
                result.monthly_cost_then) == (answer[0], answer[1], answer[2], Decimal(answer[3]).quantize(
                    Decimal("0.01")), Decimal(answer[4]).quantize(Decimal("0.01")))
        if not same:
            print(f"round {x}: answers differ: ours {result} raw {answer}", flush=True)
        ours.append(pair["ours"])
        raw.append(pair["raw"])
        ratios.append(pair["ours"] / pair["raw"])
    print(f"what-if over {result.households} households: ours median {statistics.median(ours):.2f} s "
          f"(max {max(ours):.2f} s), raw SQL median {statistics.median(raw):.2f} s; median ratio "
          f"{statistics.median(ratios):.2f}× (per round {' / '.join(f'{r:.2f}' for r in ratios)}); last answer: "
          f"{result.newly_eligible} newly eligible, +{result.extra_monthly_cost} 元/月", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="skip loading; time the existing database")
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("请设置 DATABASE_URL=postgres://… —— 本基准针对 PostgreSQL")
    if not args.reuse:
        prepare(args.households)
    run(args.repeat)


if __name__ == "__main__":
    main()
