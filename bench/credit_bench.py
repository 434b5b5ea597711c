"""Benchmark: the nightly social-organisation credit-list run (PostgreSQL).

    psql -h 127.0.0.1 -p 55432 -U postgres -c 'CREATE DATABASE minzheng_bench_credit'
    DATABASE_URL=postgres://postgres@127.0.0.1:55432/minzheng_bench_credit \
        .venv/bin/python bench/credit_bench.py --orgs 100000 --years 5 --rounds 5

Set-up (not timed): 江海区 with its demo villages; N 社会团体 founded in the years before, spread over the villages
(one legal representative, a registry person); 5 years of 年报 for each, one in ten years missing; one organisation
in ten on the 活动异常名录 since a day in the last three years (so about a third have been there two years).

Timed, alternating over the rounds (the state is put back between rounds, not timed):
- ours: `socialorgs.services.credit_nightly(today=…)` — the missed-年报 INSERT … SELECT, the escalation as ONE
  set-based UPDATE through the ORM, and the audit entry;
- raw: the same statements written by hand in SQL through one cursor, in one transaction (the 双随机 overdue-
  rectification INSERT … SELECT runs on both sides; no checks are seeded, so it lists nothing).
Printed: seconds per side, the median ratio ours ÷ raw, the rows changed, and that a rerun changes nothing.
"""

import argparse
import datetime as dt
import statistics
import time

from common import fresh_database, setup_django

COUNTY = "440704"
TODAY = dt.date(2026, 6, 15)  # after 31 May: last year's 年报 is overdue


def prepare(orgs: int, years: int) -> None:
    from django.db import connection

    from minzheng.accounts.roles import Role
    from minzheng.areas.models import Area
    from minzheng.core.idcard import make_id_number
    from minzheng.registry.services import person_create

    county, admin = fresh_database(COUNTY, role=Role.COUNTY, villages_per_town=8)
    village = Area.objects.current().filter(level="village", path__startswith=county.path).first()
    rep = person_create(actor=admin, id_number=make_id_number("440704", dt.date(1970, 1, 1), 11), name="冯志明",
                        hukou_area=village, residence_area=village)
    with connection.cursor() as cur:
        cur.execute("""
            INSERT INTO socialorgs_socialorg (name, form, credit_code, area_id, registrar_id, supervisor, legal_rep_id,
                capital_fen, domicile, purpose, hub_id, is_hub, status, established_on, ended_on, created_at)
            SELECT '社会组织' || i, 'social_group', NULL, v.id, %(county)s, '', %(rep)s, 3000000, '住所' || i, '公益',
                   NULL, false, 'active', DATE '2015-01-01' + (i %% 2500)::int, NULL, now()
            FROM generate_series(1, %(n)s) i
            JOIN LATERAL (SELECT id FROM areas_area WHERE level = 'village' AND path LIKE %(path)s
                          ORDER BY id OFFSET (i %% 8) LIMIT 1) v ON true""",
                    {"county": county.pk, "rep": rep.pk, "n": orgs, "path": county.path + "%"})
        first_year = TODAY.year - years
        cur.execute("""
            INSERT INTO socialorgs_annualreport (org_id, year, submitted_on, due_on, income_fen, expense_fen,
                activities, submitted_by_id)
            SELECT o.id, y, make_date(y + 1, 4, 1), make_date(y + 1, 5, 31), 100000, 90000, '', %(user)s
            FROM socialorgs_socialorg o CROSS JOIN generate_series(%(y0)s, %(y1)s) y
            WHERE (o.id * 7 + y) %% 10 <> 0 AND o.established_on < make_date(y, 1, 1)""",
                    {"user": admin.pk, "y0": first_year, "y1": TODAY.year - 1})
        cur.execute("""
            INSERT INTO socialorgs_creditlisting (org_id, list_kind, ground, report_year, listed_on, escalated_on,
                escalation_ground, decided_by_id, removed_on, removal_reason, removed_by_id)
            SELECT id, 'abnormal', 'unreachable', NULL, %(today)s::date - (id * 13 %% 1095)::int, NULL, '', %(user)s,
                   NULL, '', NULL
            FROM socialorgs_socialorg WHERE id %% 10 = 3""", {"today": TODAY, "user": admin.pk})
        cur.execute("ANALYZE")


def reset() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("DELETE FROM socialorgs_creditlisting WHERE ground = 'no_annual_report' AND listed_on = %s",
                    [TODAY])
        cur.execute("UPDATE socialorgs_creditlisting SET list_kind = 'abnormal', escalated_on = NULL, "
                    "escalation_ground = '' WHERE escalation_ground = 'abnormal_two_years'")


def ours() -> dict:
    from minzheng.socialorgs.services import credit_nightly

    return credit_nightly(today=TODAY)


def raw() -> dict:
    from django.db import connection, transaction

    from minzheng.socialorgs.services import escalation_cutoff

    year = TODAY.year - 1
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("""
            INSERT INTO socialorgs_creditlisting (org_id, list_kind, ground, report_year, listed_on, escalated_on,
                escalation_ground, decided_by_id, removed_on, removal_reason, removed_by_id)
            SELECT o.id, 'abnormal', 'no_annual_report', %s, %s, NULL, '', NULL, NULL, '', NULL
            FROM socialorgs_socialorg o
            WHERE o.status = 'active' AND o.form <> 'community' AND o.established_on < %s
              AND NOT EXISTS (SELECT 1 FROM socialorgs_annualreport r WHERE r.org_id = o.id AND r.year = %s)
              AND NOT EXISTS (SELECT 1 FROM socialorgs_creditlisting l
                              WHERE l.org_id = o.id AND l.removed_on IS NULL)""",
                    [year, TODAY, dt.date(year, 1, 1), year])
        listed = cur.rowcount
        cur.execute("""
            INSERT INTO socialorgs_creditlisting (org_id, list_kind, ground, report_year, listed_on, escalated_on,
                escalation_ground, decided_by_id, removed_on, removal_reason, removed_by_id)
            SELECT o.id, 'abnormal', 'rectification_overdue', NULL, %s, NULL, '', NULL, NULL, '', NULL
            FROM socialorgs_socialorg o WHERE o.status = 'active'
              AND EXISTS (SELECT 1 FROM socialorgs_check c WHERE c.org_id = o.id AND c.result = 'rectify'
                          AND c.rectify_by < %s)
              AND NOT EXISTS (SELECT 1 FROM socialorgs_creditlisting l
                              WHERE l.org_id = o.id AND l.removed_on IS NULL)""", [TODAY, TODAY])
        listed += cur.rowcount
        cur.execute("""
            UPDATE socialorgs_creditlisting SET list_kind = 'serious', escalated_on = %s,
                   escalation_ground = 'abnormal_two_years'
            WHERE list_kind = 'abnormal' AND removed_on IS NULL AND listed_on <= %s""",
                    [TODAY, escalation_cutoff(TODAY)])
        return {"listed": listed, "escalated": cur.rowcount}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    setup_django()
    t = time.perf_counter()
    prepare(args.orgs, args.years)
    from minzheng.socialorgs.models import AnnualReport, CreditListing, SocialOrg

    print(f"set-up {time.perf_counter() - t:.1f}s: {SocialOrg.objects.count():,} organisations, "
          f"{AnnualReport.objects.count():,} 年报, {CreditListing.objects.count():,} listings on the 异常名录")
    times = {"ours": [], "raw": []}
    counts = {}
    for r in range(args.rounds):
        order = (("ours", ours), ("raw", raw)) if r % 2 == 0 else (("raw", raw), ("ours", ours))
        for name, fn in order:
            reset()
            t = time.perf_counter()
            counts[name] = fn()
            times[name].append(time.perf_counter() - t)
    rerun = ours()  # on the state the last round left: nothing more to do
    ratios = [o / w for o, w in zip(times["ours"], times["raw"], strict=True)]
    print(f"ours (credit_nightly): median {statistics.median(times['ours']):.3f}s  {counts['ours']}")
    print(f"raw SQL:               median {statistics.median(times['raw']):.3f}s  {counts['raw']}")
    print(f"ratio ours/raw: median {statistics.median(ratios):.2f}  (rounds: {', '.join(f'{x:.2f}' for x in ratios)})")
    print(f"rerun the same night: {rerun}  (idempotent: {rerun == {'listed': 0, 'escalated': 0}})")


if __name__ == "__main__":
    main()
