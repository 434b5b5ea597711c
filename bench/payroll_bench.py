r"""Benchmark: monthly payroll for N beneficiaries, supervision rules included, against one hand-written
INSERT … SELECT computing the same amounts.

    DATABASE_URL=postgres://postgres@127.0.0.1:55432/minzheng_bench_payroll \  (a database of its own: it is wiped)
        .venv/bin/python bench/payroll_bench.py --sizes 100000,300000,1000000

Per size, in a fresh child process (so ru_maxrss is that size's peak): N persons in 清远市's generated villages,
two per household, each household one 低保 case with one entitlement per member; an April roster already exists
(for the jump rule) and a sprinkling of cases each rule should catch (deaths, 特困 basic at the same time, shared
accounts, raised amounts). Timed: roster_generate_within (one INSERT … SELECT for all eight counties' rosters, one
transaction, commit and its deferred foreign-key checks included) plus roster_check_many over those rosters — all
eight supervision rules, each one statement over the whole run. Baselines (see baselines()): one hand-written
INSERT … SELECT of the same rows into a table of the same shape — same columns, indexes, checks and deferred
foreign keys, pre-filled with April's lines as the real table is — which is the fair one the goal (within 2×) is
read against; the same without foreign keys; and a bare five-column table (what earlier runs compared against).
A CHECKPOINT precedes every timed part. Prints ratios and peak RSS; nothing asserts a time.

--reuse keeps the loaded data of an earlier run of the same size (only May's run is removed and the line table
compacted), for profiling at 1,000,000 without loading it again.

Figures (2-core machine, PostgreSQL 15, shared_buffers 128 MB):

    before (8 per-county statements, 8 × 8 rule statements, vs bare table):
      100,000: generate 2.32 s + checks 2.27 s; bare baseline 0.19 s (24×)    300,000: 16×
    one statement per run, hash-ordered insert (same-shape baseline empty; other benchmarks running at the
    same time, seconds vary 2×):
                      same-shape  idx-only  bare   generate  checks   ratio vs same-shape (idx-only / bare)
      100,000         3.17 s      2.24 s    0.77   3.12 s    1.28 s   1.39  (1.96 / 5.7)
      300,000        10.41 s      4.94 s    1.96   8.18 s    2.67 s   1.04  (2.19 / 5.5)
      1,000,000      18.35 s      8.64 s    5.50  43.56 s   13.20 s  3.09  (6.56 / 10.3)
      1,000,000 on a quiet machine: 18.18 s  7.33 s  3.18  29.96 s  7.94 s  2.08  — generate: INSERT 13.5 s,
        commit (deferred key checks) 16 s
    lines inserted in (roster, case, person) order, baseline pre-filled with April and ordered alike (quiet):
      100,000         1.73 s      0.63 s    0.21   1.82 s    1.08 s   1.67  (4.58 / 13.8)
      300,000         5.43 s      2.01 s    0.76   5.51 s    2.33 s   1.44  (3.90 / 10.4)
      1,000,000      18.66 s      6.90 s    2.65  18.79 s    6.99 s   1.38  (3.74 / 9.7)  — generate: INSERT 7.4 s,
        commit 11.5 s
    peak RSS 81 MB at every size (nothing per line passes through Python).
"""

import argparse
import json
import resource
import subprocess
import sys
import time

from common import fresh_database, setup_django

CITY = "441800"  # 清远市: eight counties
APRIL, MAY = "2024-04-01", "2024-05-01"


def prepare_db():
    fresh_database(CITY)


def make_data(n: int) -> None:
    """N persons / N÷2 households and 低保 cases / N entitlements, set-based in SQL (not timed)."""
    from django.db import connection

    from minzheng.areas.models import Area, Level

    city = Area.objects.get(code=CITY)
    villages = list(Area.objects.current().within(city).filter(level=Level.VILLAGE).order_by("id")
                    .values_list("id", flat=True))
    with connection.cursor() as cur:
        cur.execute("TRUNCATE payroll_anomaly, payroll_rosterline, payroll_roster, payroll_staffrelative, "
                    "assistance_entitlement, assistance_case, registry_membership, registry_household, "
                    "registry_person RESTART IDENTITY CASCADE")
        cur.execute("DROP TABLE IF EXISTS bench_villages; CREATE TABLE bench_villages (k int PRIMARY KEY, id bigint)")
        cur.executemany("INSERT INTO bench_villages VALUES (%s, %s)", list(enumerate(villages)))
        nv = len(villages)
        # Persons 2h-1 (head) and 2h (member) share household h; a deceased head every 1000 households,
        # and every 1000th member (offset) uses a stranger's account.
        cur.execute(f"""
            INSERT INTO registry_person (id_number, name, name_pinyin, name_initials, sex, birth_date, hukou_area_id,
                residence_area_id, address, phone, disability_category, disability_grade, bank_name, bank_account,
                death_date, created_at, updated_at)
            SELECT 'B' || lpad(i::text, 17, '0'), '对象' || i, 'duixiang' || i, 'dx',
                   CASE WHEN i % 2 = 0 THEN 'F' ELSE 'M' END,
                   DATE '1950-01-01' + (i % 20000), v.id, v.id, '', '', '', NULL, '清远农商银行',
                   '62' || lpad((CASE WHEN i % 2000 = 500 THEN i + 2 ELSE i END)::text, 14, '0'),
                   CASE WHEN i % 2000 = 1 THEN DATE '2024-03-01' END, now(), now()
            FROM generate_series(1, {n}) i JOIN bench_villages v ON v.k = ((i + 1) / 2) % {nv}
        """)
        cur.execute("""
            INSERT INTO registry_household (number, area_id, address, head_id, created_at)
            SELECT 'H' || p.id, p.residence_area_id, '', p.id, now() FROM registry_person p WHERE p.id % 2 = 1
        """)
        cur.execute("""
            INSERT INTO registry_membership (household_id, person_id, relation, start_date, end_reason)
            SELECT h.id, p.id, CASE WHEN p.id = h.head_id THEN 'head' ELSE 'spouse' END, DATE '2020-01-01', ''
            FROM registry_person p JOIN registry_household h ON h.head_id = p.id - ((p.id + 1) % 2)
        """)
        cur.execute("""
            INSERT INTO assistance_case (programme, household_id, head_id, area_id, status, start_month,
                                         urban_rural, created_at)
            SELECT 'dibao', h.id, h.head_id, h.area_id, 'active', DATE '2024-04-01', 'rural', now()
            FROM registry_household h
        """)
        # Every 500th household's amount doubles and more in May (增发): the jump rule's cases.
        cur.execute("""
            INSERT INTO assistance_entitlement (case_id, person_id, component, monthly_amount, from_month, to_month,
                                                rule_version, explanation, deducted, created_at)
            SELECT c.id, m.person_id, 'basic', 300 + (m.person_id % 7) * 50, DATE '2024-04-01',
                   CASE WHEN c.id % 500 = 7 THEN DATE '2024-05-01' END, 'bench', '基准数据', 0, now()
            FROM assistance_case c JOIN registry_membership m ON m.household_id = c.household_id
        """)
        cur.execute("""
            INSERT INTO assistance_entitlement (case_id, person_id, component, monthly_amount, from_month, to_month,
                                                rule_version, explanation, deducted, created_at)
            SELECT e.case_id, e.person_id, 'basic', e.monthly_amount * 3, DATE '2024-05-01', NULL, 'bench', '增发',
                   0, now()
            FROM assistance_entitlement e JOIN assistance_case c ON c.id = e.case_id
            WHERE c.id % 500 = 7 AND e.to_month IS NOT NULL
        """)
        # Every 1000th head also in 特困 (basic living): the exclusion rule's cases.
        cur.execute("""
            INSERT INTO assistance_case (programme, household_id, head_id, area_id, status, start_month,
                                         urban_rural, created_at)
            SELECT 'tekun', NULL, c.head_id, c.area_id, 'active', DATE '2024-04-01', 'rural', now()
            FROM assistance_case c WHERE c.programme = 'dibao' AND c.id % 1000 = 3
        """)
        cur.execute("""
            INSERT INTO assistance_entitlement (case_id, person_id, component, monthly_amount, from_month,
                                                rule_version, explanation, deducted, created_at)
            SELECT c.id, c.head_id, 'basic', 1440, DATE '2024-04-01', 'bench', '基准数据', 0, now()
            FROM assistance_case c WHERE c.programme = 'tekun'
        """)
        cur.execute("DROP TABLE bench_villages")
        cur.execute("ANALYZE")


_BASELINE_SELECT = """
    SELECT am.roster_id, c.id, e.person_id, am.area_id, DATE '2024-05-01', ROUND(SUM(e.monthly_amount), 2),
           ROUND(SUM(e.deducted), 2),
           CASE WHEN p.bank_account <> '' THEN p.bank_name ELSE h.bank_name END,
           CASE WHEN p.bank_account <> '' THEN p.bank_account ELSE h.bank_account END, '中央', 'pending', '', '',
           {shares}
    FROM assistance_case c
    JOIN bench_area_roster am ON am.area_id = c.area_id
    JOIN assistance_entitlement e ON e.case_id = c.id
    JOIN registry_person p ON p.id = e.person_id
    JOIN registry_person h ON h.id = c.head_id
    WHERE c.programme = 'dibao' AND c.status = 'active' AND c.start_month <= %(m)s
      AND (c.end_month IS NULL OR c.end_month >= %(m)s)
      AND e.from_month <= %(m)s AND (e.to_month IS NULL OR e.to_month > %(m)s)
    GROUP BY am.roster_id, c.id, e.person_id, am.area_id, p.bank_name, p.bank_account, h.bank_name, h.bank_account
    ORDER BY am.roster_id, c.id, e.person_id
"""
# The four fund shares of a line (data/payroll/fund_shares.csv): each source's percentage of the amount to the fen,
# the roster's remainder source taking what is left (as payroll.reference.split_by_source).
_AMOUNT = "ROUND(SUM(e.monthly_amount), 2)"
_SHARE = {s: f"ROUND({_AMOUNT} * am.{s} / 100, 2)" for s in ("central", "province", "city", "county")}
_BASELINE_SELECT = _BASELINE_SELECT.replace("{shares}", ",\n           ".join(
    f"CASE WHEN am.rest = '{s}' THEN {_AMOUNT} - ({' + '.join(v for o, v in _SHARE.items() if o != s)}) "
    f"ELSE {share} END" for s, share in _SHARE.items()))
_COLUMNS = ("roster_id, case_id, person_id, area_id, for_month, amount, deducted, bank_name, bank_account, fund, "
            "status, fail_reason, adjusted_reason, fund_central, fund_province, fund_city, fund_county")
_FKS = """
    ALTER TABLE bench_baseline
      ADD FOREIGN KEY (roster_id) REFERENCES payroll_roster (id) DEFERRABLE INITIALLY DEFERRED,
      ADD FOREIGN KEY (case_id) REFERENCES assistance_case (id) DEFERRABLE INITIALLY DEFERRED,
      ADD FOREIGN KEY (person_id) REFERENCES registry_person (id) DEFERRABLE INITIALLY DEFERRED,
      ADD FOREIGN KEY (area_id) REFERENCES areas_area (id) DEFERRABLE INITIALLY DEFERRED,
      ADD FOREIGN KEY (reissue_of_id) REFERENCES bench_baseline (id) DEFERRABLE INITIALLY DEFERRED
"""


def baselines(april_rosters) -> dict[str, float]:
    """One hand-written INSERT … SELECT of the same rows (same columns and amounts, each line under its county's
    roster through an area→roster table written beforehand, not timed), into three tables, each its own
    committed transaction:

    - same_shape: `LIKE payroll_rosterline INCLUDING ALL` (columns, defaults, checks and every index, partial
      and unique ones included) plus the same five deferred foreign keys, checked at commit, and pre-filled
      (not timed) with April's lines, as the real table is. The fair one: our lines must be written into a
      table like that, so this is the ratio the goal is read against;
    - indexes_only: the same without the foreign keys (and empty);
    - bare: a table of five columns, no index, no key (the figure earlier runs compared against).

    The May rosters do not exist yet, so the baseline's lines hang under stand-in rosters (programme
    "bench_stand_in", one per county, deleted afterwards) — April's own would collide with the pre-filled lines.
    """
    from django.db import connection, transaction

    from minzheng.payroll.models import Roster
    from minzheng.payroll.reference import SOURCES, fund_shares, remainder_source
    from minzheng.payroll.supervision import WORK_MEM_SQL

    out = {}
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_area_roster")
        cur.execute("CREATE TABLE bench_area_roster (area_id bigint PRIMARY KEY, roster_id bigint, central numeric, "
                    "province numeric, city numeric, county numeric, rest text)")
        for r in april_rosters:
            stand_in = Roster.objects.create(programme="bench_stand_in", area=r.area, month=r.month)
            shares = fund_shares("dibao", r.area)
            cur.execute("INSERT INTO bench_area_roster SELECT id, %s, %s, %s, %s, %s, %s FROM areas_area "
                        "WHERE path LIKE %s", [stand_in.pk, *(shares.percent[s] for s in SOURCES),
                                               remainder_source(shares), r.area.path + "%"])
        cur.execute("ANALYZE bench_area_roster")
        for kind in ("bare", "indexes_only", "same_shape"):
            cur.execute("DROP TABLE IF EXISTS bench_baseline")
            if kind == "bare":
                cur.execute("CREATE TABLE bench_baseline (case_id bigint, person_id bigint, area_id bigint, "
                            "amount numeric(12,2), bank_account text)")
                sql = ("INSERT INTO bench_baseline SELECT c_id, person_id, area_id, amount, bank_account FROM ("
                       + _BASELINE_SELECT.replace("SELECT am.roster_id, c.id,", "SELECT am.roster_id, c.id AS c_id,")
                       .replace("ROUND(SUM(e.monthly_amount), 2)", "ROUND(SUM(e.monthly_amount), 2) AS amount", 1)
                       .replace("END, '中央'", "END AS bank_account, '中央'") + ") s")
            else:
                cur.execute("CREATE TABLE bench_baseline (LIKE payroll_rosterline INCLUDING ALL)")
                if kind == "same_shape":
                    cur.execute(_FKS)
                    cur.execute("INSERT INTO bench_baseline SELECT * FROM payroll_rosterline")  # April's lines
                    cur.execute("SELECT setval(pg_get_serial_sequence('bench_baseline', 'id'), "
                                "(SELECT max(id) FROM bench_baseline))")
                    cur.execute("VACUUM ANALYZE bench_baseline")
                sql = f"INSERT INTO bench_baseline ({_COLUMNS})" + _BASELINE_SELECT
            cur.execute("CHECKPOINT")
            t = time.perf_counter()
            with transaction.atomic():
                cur.execute(WORK_MEM_SQL)  # the same setting our generation runs with
                cur.execute(sql, {"m": MAY})
            out[kind] = time.perf_counter() - t
            cur.execute("SELECT count(*), COALESCE(sum(amount), 0)::text FROM bench_baseline"
                        + (" WHERE roster_id IN (SELECT roster_id FROM bench_area_roster)" if kind != "bare" else ""))
            out[kind + "_rows"] = cur.fetchone()
        cur.execute("DROP TABLE bench_baseline; DROP TABLE bench_area_roster")
    Roster.objects.filter(programme="bench_stand_in").delete()
    return out


def forget_may() -> None:
    """--reuse: remove May's rosters, lines and anomalies of an earlier run and compact the tables, so the line
    table holds April's lines only, as after make_data and the April run (not timed)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("DELETE FROM payroll_anomaly a USING payroll_roster r WHERE r.id = a.roster_id AND r.month = %s",
                    [MAY])
        cur.execute("DELETE FROM payroll_rosterline l USING payroll_roster r "
                    "WHERE r.id = l.roster_id AND r.month = %s", [MAY])
        cur.execute("DELETE FROM payroll_roster WHERE month = %s OR programme = 'bench_stand_in'", [MAY])
        cur.execute("DROP TABLE IF EXISTS bench_baseline; DROP TABLE IF EXISTS bench_area_roster")
        cur.execute("VACUUM FULL payroll_rosterline")
        cur.execute("VACUUM FULL payroll_anomaly")
        cur.execute("VACUUM ANALYZE")


def child(n: int, reuse: bool = False) -> dict:
    setup_django()
    import datetime as dt

    from django.db import connection
    from django.db.models import Count

    from minzheng.accounts.models import User
    from minzheng.areas.models import Area
    from minzheng.payroll import services
    from minzheng.payroll.models import Anomaly, Roster, RosterLine
    from minzheng.registry.models import Person

    user = User.objects.get(username="bench")
    city = Area.objects.get(code=CITY)
    april = list(Roster.objects.select_related("area").filter(programme="dibao", month=APRIL).order_by("area__path"))
    if reuse and april and Person.objects.count() == n:
        forget_may()  # data and April's roster of this size are there from an earlier run
    else:
        make_data(n)
        april = services.roster_generate_within(actor=user, programme="dibao", area=city, month=dt.date(2024, 4, 1))
    with connection.cursor() as cur:
        cur.execute("ANALYZE payroll_rosterline")
    base = baselines(april)
    base_s = base["same_shape"]
    base_count, base_total = base["same_shape_rows"]
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    with connection.cursor() as cur:
        cur.execute("CHECKPOINT")  # as before each baseline: no checkpoint owed from the set-up lands in the timing
    t = time.perf_counter()
    rosters = services.roster_generate_within(actor=user, programme="dibao", area=city, month=dt.date(2024, 5, 1))
    generate_s = time.perf_counter() - t
    t = time.perf_counter()
    services.roster_check_many(actor=user, rosters=rosters)
    check_s = time.perf_counter() - t
    t = time.perf_counter()
    services.roster_generate_within(actor=user, programme="dibao", area=city, month=dt.date(2024, 5, 1))
    rerun_s = time.perf_counter() - t

    may = RosterLine.objects.filter(roster__month=dt.date(2024, 5, 1))
    count = may.count()
    total = str(sum(r.total_amount for r in rosters))
    assert count == base_count and total == base_total, (count, total, base_count, base_total)
    hits = dict(Anomaly.objects.filter(roster__month=dt.date(2024, 5, 1)).values_list("rule")
                .annotate(n=Count("id")).values_list("rule", "n"))
    ours = generate_s + check_s
    return {
        "beneficiaries": n, "rosters": len(rosters), "lines": count, "total": total,
        "baseline_same_shape_s": round(base_s, 2), "baseline_indexes_only_s": round(base["indexes_only"], 2),
        "baseline_bare_s": round(base["bare"], 2),
        "generate_s": round(generate_s, 2), "check_s": round(check_s, 2),
        "ratio_generate_to_baseline": round(generate_s / base_s, 2),
        "ratio_generate_plus_checks_to_baseline": round(ours / base_s, 2),
        "ratio_to_indexes_only": round(ours / base["indexes_only"], 2),
        "ratio_to_bare": round(ours / base["bare"], 2),
        "rerun_s": round(rerun_s, 2), "anomalies": hits,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "rss_before_payroll_mb": round(base_rss / 1024),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000,300000,1000000")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the database of an earlier run: a size whose persons and April roster are there "
                             "is not loaded again (its May run is removed first); other sizes are loaded as usual")
    parser.add_argument("--child", type=int)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, reuse=args.reuse), ensure_ascii=False))
        return
    setup_django()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("请设置 DATABASE_URL=postgres://… —— 本基准针对 PostgreSQL")
    if not (args.reuse and "payroll_rosterline" in connection.introspection.table_names()):
        prepare_db()
    connection.close()
    for n in [int(x) for x in args.sizes.split(",")]:
        reuse = ["--reuse"] if args.reuse else []
        out = subprocess.check_output([sys.executable, __file__, "--child", str(n), *reuse])
        print("payroll:", out.decode().strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()
