r"""Benchmark: 规划监测 roll-up — every indicator × every area of the five jurisdictions for one year, over
1,000,000 persons with their domain records; full rebuild and the incremental refresh after a day's changes.

    psql -h 127.0.0.1 -p 55432 -U postgres -c 'CREATE DATABASE minzheng_bench_monitor'
    DATABASE_URL=postgres://postgres@127.0.0.1:55432/minzheng_bench_monitor \  (a database of its own: it is wiped)
        .venv/bin/python bench/monitoring_bench.py --persons 1000000

Set-up (not timed): the areas of the five jurisdictions (清远市 441800, 郁南县 445322, 江海区 440704, 中山市
442000, 东莞市 441900) with --villages-per-town generated villages each; N persons, three to a household, spread
over the villages (ages 0–80, 0.7 % deceased, 3 % with a disability certificate of grade 1–4); 2.2 % of households
低保 (PersonCategory + a case + one entitlement per member, some with closed earlier entitlements and some
exited), 2.5 % 低收入 (category + case, a tenth ended); 特困 0.4 % of persons (basic + care), 孤儿 0.02 %,
事实无人抚养儿童 0.025 %, 两项补贴 for nine in ten of those entitled (生活补贴: disabled in 低保/低收入
households; 护理补贴: grade ≤ 2), 临时救助 0.33 % of persons a year (last year and this). The audit log holds one
entry per person ("person.create", the village's code) plus the set-up's own — the size of a registry that was
built through the services. The shares are chosen to resemble the plans' scale (seed_001.md: 郁南's 低保,
特困 and 临时救助 tables), not quoted from them.

Every other data element the catalogue uses has data too, written set-based over the areas and persons (the shares
are the bench's own choice; where a seed gives a figure it is cited in the code): 养老 (eldercare_data: 探访 dues and
visits, facilities and beds, 适老化改造, training); 大儿童保障 (children_data: 留守 under 16 for one child in 40,
事实无人抚养 for one in 300, a 未成年人救助保护机构 in every city and nine counties of ten, a 保护工作站 in six
towns of ten, 儿童福利机构 with twelve staff, a 儿童主任 in 19 villages of 20 and a 督导员 in 11 towns of 12, most
trained; 走访 of three children in four of those with a category; protection cases of one child in 500 with their
reports, some closed and reopened); 社会事务, 慈善, 福彩 and 大社会治理 (affairs_data: this year's deaths of one elder
in 40 with their records and 节地生态安葬 for nine in 20; a 殡仪馆 per county, public cemeteries and ash halls; a
婚姻登记处 per county, ≈5 ‰ marriages and 1.5 ‰ divorces a year; 地名 approvals; 康园中心 in nine towns of ten;
救助管理站 with stays of one person in 1,000 a year and their transfers; charitable trusts, spaces and 示范 sites;
福彩 outlets in two villages of five and the 公益金 allocations; registered social organisations with their annual
reports and a 枢纽型 per county; 社工站 in 19 towns of 20, 服务点 in eight villages of ten and services to three in
five target persons; volunteers (3 % of those 18–70), 志愿服务站点, 社区工作者). Each element is compared with a
hand-written statement (BASELINE) and the run stops if one has no rows or differs.

The catalogue: whatever data/monitoring holds (catalogue.load()) when it has indicators.csv and rules.csv with at
least 50 indicators (today 896); otherwise (or with --synthetic) a synthetic one written to a temp directory:
200 indicators, 40 per jurisdiction, spread over the formulas of data/monitoring/formulas.csv plus bench-only
formulas over the data elements those do not use (so that every element is counted), with rule targets (1.6 ×
低保, growth rules) and reported indicators (ReportedValue rows for the jurisdiction and its counties).
--catalogue DIR loads another directory.

Timed (the year defaults to the current one, as a daily refresh would run it):
1. `rollup.rebuild(year, resume=False)` — a full rebuild, twice (the second must give the same rows);
2. per data element, `count_element` on its own, next to a hand-written SQL statement computing the same grouped
   rows into a scratch table (rows compared); and `compute_values` on its own;
3. a day's changes — 1,000 new persons and ≈1,000 new 低保 entitlements in 20 villages, each change in its own
   transaction with an audit row carrying the village's code, as the real services write them — then
   `rollup.refresh(year)`; the refreshed rows are compared with a full rebuild of the same data.
Prints the ratio of the full rebuild to the raw-SQL counts and peak RSS. Nothing asserts a time.

Figures (2026-11-24, 2-core machine shared with other work, load 4.4–7.0, PostgreSQL 15, shared_buffers 128 MB;
1,000,000 persons; main's engine (merge base 01fc3d5) and ours run alternately on the same data; details, profile
and the changes in bench/README.md, 规划监测):

    catalogue            engine  full rebuild  elements  compute_values  raw SQL  × raw  refresh  RSS after rebuild
    real, 8,392 values   main       5.44 s      2.01 s      4.61 s       1.67 s    3.3   2.01 s    80 MB
                         ours       1.70 s      1.01 s      0.71 s       0.97 s    1.8   0.36 s    73 MB
                         main       4.48 s      1.08 s      2.99 s       0.89 s    5.0   1.67 s    80 MB
                         ours       1.80 s      0.90 s      0.61 s       1.06 s    1.7   0.35 s    73 MB
    synthetic, 37,630    main       6.30 s      2.43 s      5.66 s       1.60 s    3.9   1.15 s   119 MB
                         ours       3.56 s      1.63 s      1.15 s       1.34 s    2.7   0.41 s    92 MB
                         main       6.56 s      2.05 s      5.59 s       1.14 s    5.7   1.28 s   119 MB
                         ours       3.64 s      2.23 s      1.69 s       1.76 s    2.1   0.33 s    92 MB

Goals (full under 10 s, refresh under 1 s) met. Element rows equal the hand-written statements' and the refreshed
rows equal a full rebuild's in every run.
"""

import argparse
import csv
import datetime as dt
import io
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, fresh_database, setup_django

JURISDICTIONS = ("441800", "445322", "440704", "442000", "441900")
HEADER = ("code,area_code,key,category,name,sub_item,unit,attribute,cumulative,direction,source,baseline_2020,"
          "target_2023,target_2025,city_target_2025,province_target_2025,variant,adopted,citation,note").split(",")
BENCH_CITATION = "bench/monitoring_bench.py（基准测试合成目录，非规划原文）"

# Formulas the bench adds so that every data element is counted (synthetic catalogue only).
BENCH_FORMULAS = [
    # key, numerator, denominator, factor, unit
    ("bench_dibao_rate", "dibao_persons", "residents", "1000", "‰"),
    ("bench_dibao_households_per_village", "dibao_households", "villages", "1", "户"),
    ("bench_tekun_rate", "tekun_persons", "residents", "1000", "‰"),
    ("bench_children_protected", "orphan_persons + de_facto_unsupported_persons", "residents", "10000", "人/万人"),
    ("bench_low_income_households", "low_income_households", "", "1", "户"),
    ("bench_temporary_average", "temporary_amount", "temporary_person_times", "1", "元/人次"),
    ("bench_elderly_share", "elderly_60", "residents", "100", "%"),
    ("bench_villages_per_town", "villages", "towns", "1", "个"),
]
BENCH_RULES = [
    ("bench_tekun_urban_1_6x", "ratio_ge", "tekun_basic:urban", "dibao:urban", "1.6", "特困供养标准为低保标准的1.6倍"),
    ("bench_tekun_rural_1_6x", "ratio_ge", "tekun_basic:rural", "dibao:rural", "1.6", "特困供养标准为低保标准的1.6倍"),
    ("bench_dibao_growth_urban", "growth_ge", "dibao:urban", "consumption_per_capita:all@prev", "1",
     "不低于居民上年度人均消费支出增速"),
    ("bench_dibao_growth_rural", "growth_ge", "dibao:rural", "consumption_per_capita:all@prev", "1",
     "不低于居民上年度人均消费支出增速"),
]
RULE_FOR = {"tekun_basic_standard.urban": "bench_tekun_urban_1_6x",
            "tekun_basic_standard.rural": "bench_tekun_rural_1_6x", "dibao_growth.urban": "bench_dibao_growth_urban",
            "dibao_growth.rural": "bench_dibao_growth_rural"}


# --- catalogue ---------------------------------------------------------------------------------------------

def catalogue_dir(args) -> tuple[Path, str]:
    """The directory to load and a label for the report."""
    if args.catalogue:
        return Path(args.catalogue), f"目录 {args.catalogue}"
    d = ROOT / "data" / "monitoring"
    ind = d / "indicators.csv"
    if not args.synthetic and ind.exists() and (d / "rules.csv").exists():
        with open(ind, encoding="utf-8-sig", newline="") as f:
            n = sum(1 for _ in csv.DictReader(f))
        if n >= 50:
            return d, f"data/monitoring（{n} 项指标）"
    return write_synthetic(Path(tempfile.mkdtemp(prefix="mbench_cat_"))), "合成目录（200 项指标）"


def write_synthetic(d: Path) -> Path:
    """200 indicators, 40 per jurisdiction: 30 over the formulas (data/monitoring/formulas.csv plus BENCH_FORMULAS,
    in turn), 10 reported (no formula; two of them cumulative)."""
    src = ROOT / "data" / "monitoring" / "formulas.csv"
    with open(src, encoding="utf-8-sig", newline="") as f:
        real = list(csv.DictReader(f))
    formulas = [(r["key"], r["sub"], r["unit"], bool(r["denominator"])) for r in real]
    formulas += [(k, "", unit, bool(den)) for k, _, den, _, unit in BENCH_FORMULAS]
    with open(d / "formulas.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["key", "sub", "numerator", "denominator", "factor", "unit", "citation", "note"])
        for r in real:
            w.writerow([r["key"], r["sub"], r["numerator"], r["denominator"], r["factor"], r["unit"], r["citation"],
                        r["note"]])
        for k, num, den, factor, unit in BENCH_FORMULAS:
            w.writerow([k, "", num, den, factor, unit, BENCH_CITATION, "基准测试用公式"])
    with open(d / "rules.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["name", "kind", "left", "right", "factor", "phrase", "citation", "note"])
        for name, kind, left, right, factor, phrase in BENCH_RULES:
            w.writerow([name, kind, left, right, factor, phrase, BENCH_CITATION, ""])
    with open(d / "indicators.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for code in JURISDICTIONS:
            for j in range(40):
                variant, attribute = f"b{j:02d}", ("约束性" if j % 3 == 0 else "预期性")
                if j < 30:
                    key, sub, unit, rate = formulas[j % len(formulas)]
                    row = f"{key}.{sub}" if sub else key
                    if row in RULE_FOR:
                        base, t23, t25 = "", f"rule:{RULE_FOR[row]}", f"rule:{RULE_FOR[row]}"
                    elif unit in ("%", "‰"):
                        base, t23, t25 = "40", "50", ">=60"
                    else:
                        base, t23, t25 = "100", "120", "150"
                    name, cumulative = f"基准指标{j:02d}（{row}）", "0"
                    ind_code = f"{code}.{row}"
                else:
                    key = row = f"bench_reported_{j:02d}"
                    sub, unit, cumulative = "", ("人次" if j >= 38 else "%"), ("1" if j >= 38 else "0")
                    base, t23, t25 = ("", "", "3000") if cumulative == "1" else ("70", "80", "90")
                    name, ind_code = f"基准填报指标{j:02d}", f"{code}.{row}"
                w.writerow([ind_code, code, key, "基准测试", name, sub, unit, attribute, cumulative, "ge", "table",
                            base, t23, t25, "", "", variant, "1", BENCH_CITATION, "合成指标"])
    return d


def reported_values(year: int, user) -> int:
    """Reported figures for the indicators without a formula: the jurisdiction and its counties, half approved."""
    from django.utils import timezone

    from minzheng.areas.models import LEVEL_RANK, Area, Level
    from minzheng.monitoring.models import Formula, Indicator, ReportedValue
    from minzheng.monitoring.rollup import formula_for

    formulas = {f.key: f for f in Formula.objects.all()}
    now, rows = timezone.now(), []
    for n, ind in enumerate(Indicator.objects.select_related("area")):
        if formula_for(ind, formulas):
            continue
        areas = [a for a in Area.objects.current().within(ind.area)
                 if LEVEL_RANK[a.level] <= LEVEL_RANK[Level.COUNTY]]
        for k, a in enumerate(areas):
            approved = (n + k) % 2 == 0
            rows.append(ReportedValue(
                indicator=ind, area=a, period=year, value=(500 + n * 7 + k) if ind.cumulative else (60 + (n + k) % 35),
                unit=ind.unit, note="基准填报", status="approved" if approved else "draft", reported_by=user,
                reported_at=now, approved_by=user if approved else None, approved_at=now if approved else None))
    ReportedValue.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


# --- data --------------------------------------------------------------------------------------------------

def prepare_db(villages_per_town: int, cat_dir: Path) -> None:
    """Wipe and migrate; areas, policy data, villages under every jurisdiction's towns; the catalogue."""
    from minzheng.areas.models import Area, Level
    from minzheng.areas.services import generate_villages
    from minzheng.monitoring import catalogue

    fresh_database(JURISDICTIONS[0], villages_per_town=villages_per_town)
    for code in JURISDICTIONS[1:]:
        for town in Area.objects.current().within(Area.objects.get(code=code)).filter(level=Level.TOWN):
            generate_villages(town=town, count=villages_per_town)
    catalogue.load(directory=cat_dir)


def make_data(n: int, year: int) -> None:
    """N persons and their households, categories, cases and entitlements, set-based in SQL (not timed)."""
    from django.db import connection

    from minzheng.areas.models import Area, Level

    villages = []
    for code in JURISDICTIONS:
        root = Area.objects.get(code=code)
        villages += list(Area.objects.current().within(root).filter(level=Level.VILLAGE).order_by("id")
                         .values_list("id", flat=True))
    nv = len(villages)
    p = {"y0": dt.date(year, 1, 1), "y1": dt.date(year - 1, 1, 1)}
    with connection.cursor() as cur:
        cur.execute("TRUNCATE assistance_entitlement, assistance_case, registry_personcategory, registry_membership, "
                    "registry_household, registry_person RESTART IDENTITY CASCADE")
        cur.execute("DROP TABLE IF EXISTS bench_villages; CREATE TABLE bench_villages (k int PRIMARY KEY, id bigint)")
        cur.executemany("INSERT INTO bench_villages VALUES (%s, %s)", list(enumerate(villages)))
        # Person i lives in household (i-1)/3+1 (its first member heads it); households are hashed to villages, so
        # the programmes below (chosen by household number) reach every village.
        cur.execute(f"""
            INSERT INTO registry_person (id_number, name, name_pinyin, name_initials, sex, birth_date, hukou_area_id,
                residence_area_id, address, phone, disability_category, disability_grade, bank_name, bank_account,
                death_date, created_at, updated_at)
            SELECT 'M' || lpad(i::text, 17, '0'), '居民' || i, 'jumin' || i, 'jm',
                   CASE WHEN i % 2 = 0 THEN 'F' ELSE 'M' END,
                   DATE '1946-01-01' + ((i::bigint * 7919) % 29200)::int, v.id, v.id, '', '',
                   CASE WHEN (i * 31) % 100 < 3 THEN (ARRAY['visual','hearing','physical','intellectual','mental'])
                        [1 + i % 5] ELSE '' END,
                   CASE WHEN (i * 31) % 100 < 3 THEN 1 + (i / 100) % 4 END, '', '',
                   CASE WHEN i % 150 = 0 THEN DATE '2020-06-01' + (i % 1500) END, now(), now()
            FROM generate_series(1, {n}) i JOIN bench_villages v ON v.k = abs(hashtext(((i - 1) / 3)::text)) % {nv}
            ORDER BY i
        """)
        cur.execute("""
            INSERT INTO registry_household (number, area_id, address, head_id, created_at)
            SELECT 'H' || p.id, p.residence_area_id, '', p.id, now() FROM registry_person p WHERE p.id % 3 = 1
            ORDER BY p.id
        """)
        cur.execute("""
            INSERT INTO registry_membership (household_id, person_id, relation, start_date, end_reason)
            SELECT (p.id - 1) / 3 + 1, p.id, CASE WHEN p.id % 3 = 1 THEN 'head' ELSE 'child' END, DATE '2020-01-01', ''
            FROM registry_person p
        """)
        # 低保 households: h % 45 = 0 (2.2 %); 低收入: h % 40 = 1 (2.5 %).
        cur.execute("""
            INSERT INTO registry_personcategory (person_id, category, valid_from, valid_to, note)
            SELECT m.person_id, CASE WHEN m.household_id % 45 = 0 THEN 'dibao' ELSE 'low_income' END,
                   DATE '2022-01-01', CASE WHEN m.household_id % 450 = 0 THEN DATE '2025-06-30' END, '基准'
            FROM registry_membership m WHERE m.household_id % 45 = 0 OR m.household_id % 40 = 1
        """)
        cur.execute("""
            INSERT INTO assistance_case (programme, household_id, head_id, area_id, status, start_month, end_month,
                                         urban_rural, created_at)
            SELECT CASE WHEN h.id % 45 = 0 THEN 'dibao' ELSE 'low_income' END, h.id, h.head_id, h.area_id,
                   CASE WHEN h.id % 450 = 0 OR h.id % 400 = 1 THEN 'exited' ELSE 'active' END, DATE '2022-01-01',
                   CASE WHEN h.id % 450 = 0 THEN DATE '2025-06-01' WHEN h.id % 400 = 1 THEN DATE '2025-03-01' END,
                   CASE WHEN h.id % 2 = 0 THEN 'urban' ELSE 'rural' END, now()
            FROM registry_household h WHERE h.id % 45 = 0 OR h.id % 40 = 1
        """)
        # 低保 entitlements: a closed 2022 row for every other case, then the current one (closed when exited).
        cur.execute("""
            INSERT INTO assistance_entitlement (case_id, person_id, component, monthly_amount, from_month, to_month,
                                                rule_version, explanation, created_at, deducted)
            SELECT c.id, m.person_id, 'basic', 300 + (m.person_id % 7) * 50, s.f, s.t, 'bench', '基准数据', now(), 0
            FROM assistance_case c JOIN registry_membership m ON m.household_id = c.household_id
            CROSS JOIN LATERAL (VALUES (DATE '2022-01-01', DATE '2023-01-01', c.id % 2 = 0),
                                       (DATE '2023-01-01', (c.end_month + interval '1 month')::date, true)
                               ) s(f, t, keep)
            WHERE c.programme = 'dibao' AND s.keep
        """)
        # 特困 (0.4 %, not in 低保 households), 孤儿 (0.02 %), 事实无人抚养 (0.025 %): one case per person.
        cur.execute("""
            INSERT INTO assistance_case (programme, household_id, head_id, area_id, status, start_month, urban_rural,
                                         created_at)
            SELECT CASE WHEN p.id % 250 = 5 THEN 'tekun' WHEN p.id % 5000 = 11 THEN 'orphan'
                        ELSE 'de_facto_unsupported' END,
                   NULL, p.id, p.residence_area_id, 'active', DATE '2023-01-01', 'rural', now()
            FROM registry_person p
            WHERE ((p.id % 250 = 5 AND ((p.id - 1) / 3 + 1) % 45 <> 0) OR p.id % 5000 = 11 OR p.id % 4000 = 13)
              AND p.death_date IS NULL
        """)
        cur.execute("""
            INSERT INTO assistance_entitlement (case_id, person_id, component, monthly_amount, from_month,
                                                rule_version, explanation, created_at, deducted)
            SELECT c.id, c.head_id, s.component, s.amount, DATE '2023-01-01', 'bench', '基准数据', now(), 0
            FROM assistance_case c
            CROSS JOIN LATERAL (VALUES ('basic', 1440), ('care', 200)) s(component, amount)
            WHERE c.programme IN ('tekun', 'orphan', 'de_facto_unsupported')
              AND (c.programme = 'tekun' OR s.component = 'basic')
        """)
        # 两项补贴: 生活补贴 for disabled members of 低保/低收入 households, 护理补贴 for grade ≤ 2; nine in ten.
        cur.execute("""
            INSERT INTO assistance_case (programme, household_id, head_id, area_id, status, start_month, urban_rural,
                                         created_at)
            SELECT 'disability', NULL, p.id, p.residence_area_id, 'active', DATE '2023-01-01', 'rural', now()
            FROM registry_person p
            WHERE p.disability_grade IS NOT NULL AND p.death_date IS NULL AND (p.id / 7) % 10 <> 0
              AND (p.disability_grade <= 2 OR ((p.id - 1) / 3 + 1) % 45 = 0 OR ((p.id - 1) / 3 + 1) % 40 = 1)
        """)
        cur.execute("""
            INSERT INTO assistance_entitlement (case_id, person_id, component, monthly_amount, from_month,
                                                rule_version, explanation, created_at, deducted)
            SELECT c.id, c.head_id, s.component, s.amount, DATE '2023-01-01', 'bench', '基准数据', now(), 0
            FROM assistance_case c JOIN registry_person p ON p.id = c.head_id
            CROSS JOIN LATERAL (VALUES ('living', 175), ('care_subsidy', 235)) s(component, amount)
            WHERE c.programme = 'disability'
              AND ((s.component = 'living' AND (((p.id - 1) / 3 + 1) % 45 = 0 OR ((p.id - 1) / 3 + 1) % 40 = 1))
                   OR (s.component = 'care_subsidy' AND p.disability_grade <= 2))
        """)
        # 临时救助: 0.33 % of persons a year, one month each, this year (months so far) and last year.
        cur.execute("""
            INSERT INTO assistance_case (programme, household_id, head_id, area_id, status, start_month, end_month,
                                         urban_rural, created_at)
            SELECT 'temporary', NULL, p.id, p.residence_area_id, 'exited', s.month, s.month, 'rural', now()
            FROM registry_person p
            CROSS JOIN LATERAL (SELECT CASE WHEN p.id %% 300 = 17
                                            THEN %(y0)s::date + make_interval(months => ((p.id / 300) %% 11)::int)
                                            ELSE %(y1)s::date + make_interval(months => ((p.id / 300) %% 12)::int)
                                       END::date AS month) s
            WHERE p.id %% 300 IN (17, 18)
        """, p)
        cur.execute("""
            INSERT INTO assistance_entitlement (case_id, person_id, component, monthly_amount, from_month, to_month,
                                                rule_version, explanation, created_at, deducted)
            SELECT c.id, c.head_id, 'one_off', 500 + (c.id % 20) * 100, c.start_month,
                   (c.start_month + interval '1 month')::date, 'bench', '基准数据', now(), 0
            FROM assistance_case c WHERE c.programme = 'temporary'
        """)
        cur.execute("DROP TABLE bench_villages")
    eldercare_data(year)
    children_data(n, year)
    affairs_data(n, year)
    audit_history(n)
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")


def eldercare_data(year: int) -> None:
    """What the 养老 elements count (not timed): monthly 探访 dues of special-hardship elders with the visits that
    answer most of them, facilities in every town and most villages with their beds, 适老化改造 homes and training
    sessions — at the rates the plans describe (a 综合养老服务中心 in nine towns of ten, a 养老服务站 in six villages of
    ten, ≈30 institution beds per 1,000 elders, 40 % of them nursing beds)."""
    from django.db import connection

    from minzheng.accounts.models import User
    from minzheng.monitoring.rollup import as_of

    on = as_of(year)
    user = User.objects.get(username="bench").pk
    p = {"y0": dt.date(year, 1, 1), "on": on, "m_on": on.replace(day=1), "user": user,
         "born60": dt.date(on.year - 60, on.month, min(on.day, 28))}
    with connection.cursor() as cur:
        cur.execute("TRUNCATE eldercare_visitdue, eldercare_visit, carefacility_bed, carefacility_facility, "
                    "carefacility_retrofit, carefacility_training RESTART IDENTITY CASCADE")
        # 探访: one elder in 40 (≥ 60) is due every month of the year so far; four dues in five are visited.
        cur.execute("""
            INSERT INTO eldercare_visit (person_id, area_id, visited_on, mode, visitor_id, findings, needs_followup,
                                         recorded_at)
            SELECT p.id, p.residence_area_id, m.month::date + 9, 'home', %(user)s, '基准探访', false, now()
            FROM registry_person p
            CROSS JOIN generate_series(%(y0)s::date, %(m_on)s::date, interval '1 month') AS m(month)
            WHERE p.id %% 40 = 3 AND p.birth_date <= %(born60)s AND p.death_date IS NULL
              AND (p.id + extract(month FROM m.month)::int) %% 5 <> 0
        """, p)
        cur.execute("""
            INSERT INTO eldercare_visitdue (person_id, month, area_id, reasons, visit_id, created_at)
            SELECT p.id, m.month::date, p.residence_area_id, '独居', v.id, now()
            FROM registry_person p
            CROSS JOIN generate_series(%(y0)s::date, %(m_on)s::date, interval '1 month') AS m(month)
            LEFT JOIN eldercare_visit v ON v.person_id = p.id AND v.visited_on = m.month::date + 9
            WHERE p.id %% 40 = 3 AND p.birth_date <= %(born60)s AND p.death_date IS NULL
        """, p)
        # Facilities: a centre in nine towns of ten, a station in six villages of ten, two institutions per town
        # (every third a 特困 home, every fifth 医养结合), a canteen per town; a few closed.
        cur.execute("""
            INSERT INTO carefacility_facility (name, kind, ownership, area_id, operator, filing_number, address,
                capacity, medical_integration, status, registered_on, closed_on, star_level, created_by_id, created_at)
            SELECT a.name || f.label, f.kind, 'public', a.id, '基准运营方', '', '', f.capacity,
                   f.kind = 'institution' AND (a.id + f.k) %% 5 = 0,
                   CASE WHEN (a.id + f.k) %% 50 = 0 THEN 'closed' ELSE 'operating' END,
                   DATE '2019-01-01' + ((a.id * 37 + f.k) %% 2000)::int,
                   CASE WHEN (a.id + f.k) %% 50 = 0 THEN DATE '2024-06-30' END, NULL, %(user)s, now()
            FROM areas_area a
            CROSS JOIN LATERAL (VALUES (1, 'town_centre', '综合养老服务中心', 20), (2, 'institution', '养老院', 120),
                                       (3, 'institution', '颐养院', 80), (4, 'canteen', '长者饭堂', 0),
                                       (5, 'village_station', '养老服务站', 5)) f(k, kind, label, capacity)
            WHERE a.valid_to IS NULL AND (
                  (a.level = 'town' AND f.k = 1 AND a.id %% 10 <> 0)
               OR (a.level = 'town' AND f.k IN (2, 3, 4))
               OR (a.level = 'village' AND f.k = 5 AND a.id %% 10 < 6))
        """, p)
        cur.execute("UPDATE carefacility_facility SET kind = 'tekun' WHERE kind = 'institution' AND id % 3 = 0")
        cur.execute("""
            INSERT INTO carefacility_bed (facility_id, number, registration_code, nursing, status, opened_on,
                                          retired_on)
            SELECT f.id, b.i::text, 'B' || f.id || '-' || b.i, f.kind IN ('institution', 'tekun') AND b.i %% 5 < 2,
                   CASE WHEN b.i %% 40 = 0 THEN 'retired' ELSE 'available' END,
                   f.registered_on + (b.i %% 300), CASE WHEN b.i %% 40 = 0 THEN DATE '2025-12-31' END
            FROM carefacility_facility f CROSS JOIN generate_series(1, f.capacity) b(i)
        """, p)
        # 适老化改造: one elder in 120, most accepted since 2021, some still in works or refused.
        cur.execute("""
            INSERT INTO carefacility_retrofit (person_id, area_id, address, status, applied_on, needs, assessment,
                planned_items, assessed_on, contractor, works_started_on, acceptance_note, accepted_on,
                rejected_reason, created_by_id, created_at)
            SELECT p.id, p.residence_area_id, '', s.status, s.applied, '扶手、防滑', '', '', NULL, '', NULL, '',
                   CASE WHEN s.status = 'accepted' THEN s.applied + 60 END, '', %(user)s, now()
            FROM registry_person p
            CROSS JOIN LATERAL (SELECT CASE WHEN p.id %% 7 = 0 THEN 'works' WHEN p.id %% 11 = 0 THEN 'rejected'
                                            ELSE 'accepted' END AS status,
                                       DATE '2020-10-01' + ((p.id * 13) %% 1900)::int AS applied) s
            WHERE p.id %% 120 = 7 AND p.birth_date <= %(born60)s
        """, p)
        # 培训: four sessions per town this year (up to the as-of date) and four last year.
        cur.execute("""
            INSERT INTO carefacility_training (area_id, title, organiser, held_on, trainees, hours, recorded_by_id,
                                               recorded_at)
            SELECT a.id, '养老护理员培训', '镇街民政办', %(y0)s::date - 365 + t.k * 90 + (a.id %% 20)::int,
                   20 + (a.id + t.k) %% 40, 8, %(user)s, now()
            FROM areas_area a CROSS JOIN generate_series(0, 7) t(k)
            WHERE a.level = 'town' AND a.valid_to IS NULL
        """, p)


def affairs_params(n: int, year: int) -> dict:
    from minzheng.accounts.models import User
    from minzheng.core.periods import born_on_or_before
    from minzheng.monitoring.rollup import as_of

    on = as_of(year)
    y0, py0 = dt.date(year, 1, 1), dt.date(year - 1, 1, 1)
    return {"y0": y0, "py0": py0, "on": on, "n": n, "year": year, "prev": year - 1,
            "user": User.objects.get(username="bench").pk,
            "span": (on - y0).days + 1, "span2": (on - py0).days + 1, "d21": (on - dt.date(2021, 1, 1)).days + 1,
            "born16": born_on_or_before(on, 16), "born18": born_on_or_before(on, 18),
            "born22": born_on_or_before(on, 22), "born30": born_on_or_before(on, 30),
            "born41": born_on_or_before(on, 41), "born56": born_on_or_before(on, 56),
            "born60": born_on_or_before(on, 60)}


def affairs_data(n: int, year: int) -> None:
    """What the 社会事务, 慈善, 福彩 and 大社会治理 elements count (not timed), set-based over the areas and persons.
    The shares are the bench's own choice, at the scale the plans describe where a seed gives one (cited)."""
    from django.db import connection

    p = affairs_params(n, year)
    with connection.cursor() as cur:
        cur.execute("TRUNCATE charity_trust, charity_space, charity_demosite, lottery_outlet, lottery_allocation, "
                    "socialorgs_annualreport, socialorgs_socialorg, socialwork_servicerecord, socialwork_servicepoint, "
                    "socialwork_socialworker, socialwork_station, timebank_volunteer, timebank_account, "
                    "volunteers_point, community_communityworker, funeral_ecoburial, funeral_deathrecord, "
                    "funeral_facility, marriage_registration, marriage_office, placenames_namingapplication, "
                    "rehab_centre, vagrancy_transfer, vagrancy_stay, vagrancy_station RESTART IDENTITY CASCADE")
        # 殡葬: 0.6 % of persons die a year (elders: one in 40); this year's deaths, up to the as-of date, are
        # written to the registry first, so that everything below sees them.
        cur.execute("""
            UPDATE registry_person p SET death_date = %(y0)s::date + ((p.id * 13) %% %(span)s)::int
            WHERE p.id %% 40 = 11 AND p.birth_date <= %(born60)s AND (p.death_date IS NULL OR p.death_date >= %(y0)s)
        """, p)
        # 慈善: two trusts filed at every city and county since 2018 and a third this year in one in three; a 慈善空间
        # in two towns of three and a 慈善超市 in one in ten; a 慈善示范社区 in one village of 20 (one in ten of
        # them revoked) and a 慈善工作示范点 in one town of three.
        cur.execute("""
            INSERT INTO charity_trust (number, name, trustee, supervisor, assets, purpose, signed_on, filed_on,
                                       area_id, filed_by_id)
            SELECT 'CT' || a.id || '-' || k, a.name || '慈善信托' || k, '基准受托人', '', 1000000 + k * 250000,
                   '扶贫济困', s.d - 20, s.d, a.id, %(user)s
            FROM areas_area a CROSS JOIN generate_series(1, 3) k
            CROSS JOIN LATERAL (SELECT CASE WHEN k = 3 THEN %(y0)s::date + ((a.id * 7) %% %(span)s)::int
                                            ELSE DATE '2018-03-01' + ((a.id * 97 + k * 211) %% 2000)::int END AS d) s
            WHERE a.level IN ('city', 'county') AND a.valid_to IS NULL AND (k < 3 OR a.id %% 3 = 0)
        """, p)
        cur.execute("""
            INSERT INTO charity_space (name, kind, address, opened_on, area_id)
            SELECT a.name || s.label, s.kind, '', DATE '2021-05-01' + ((a.id * 31) %% 1500)::int, a.id
            FROM areas_area a
            CROSS JOIN LATERAL (VALUES ('space', '慈善空间', a.id %% 3 <> 0),
                                       ('supermarket', '慈善超市', a.id %% 10 = 0)) s(kind, label, keep)
            WHERE a.level = 'town' AND a.valid_to IS NULL AND s.keep
        """, p)
        cur.execute("""
            INSERT INTO charity_demosite (kind, name, designated_on, revoked_on, revoke_reason, area_id,
                                          designated_by_id, revoked_by_id)
            SELECT s.kind, a.name || s.label, s.d, CASE WHEN a.id %% 200 = 0 THEN s.d + 400 END,
                   CASE WHEN a.id %% 200 = 0 THEN '基准撤销' ELSE '' END, a.id, %(user)s,
                   CASE WHEN a.id %% 200 = 0 THEN %(user)s END
            FROM areas_area a
            CROSS JOIN LATERAL (SELECT CASE WHEN a.level = 'village' THEN 'community' ELSE 'site' END AS kind,
                                       CASE WHEN a.level = 'village' THEN '慈善示范社区' ELSE '慈善工作示范点' END
                                           AS label,
                                       DATE '2022-01-01' + ((a.id * 13) %% 1000)::int AS d) s
            WHERE a.valid_to IS NULL
              AND ((a.level = 'village' AND a.id %% 20 = 0) OR (a.level = 'town' AND a.id %% 3 = 0))
        """, p)
        # 福彩: a sales outlet in two villages of five (one in 37 closed last year); the 公益金 each city and county
        # allocates, four uses a year (this year and last).
        cur.execute("""
            INSERT INTO lottery_outlet (licence, name, owner, address, grade, opened_on, closed_on, status, area_id,
                                        close_reason)
            SELECT 'L' || a.id, a.name || '福彩销售站', '基准业主', '', 'B',
                   DATE '2015-01-01' + ((a.id * 17) %% 3000)::int,
                   CASE WHEN a.id %% 37 = 0 THEN DATE '2025-09-30' END,
                   CASE WHEN a.id %% 37 = 0 THEN 'closed' ELSE 'open' END, a.id,
                   CASE WHEN a.id %% 37 = 0 THEN '基准撤销' ELSE '' END
            FROM areas_area a WHERE a.level = 'village' AND a.valid_to IS NULL AND a.id %% 5 < 2
        """, p)
        cur.execute("""
            INSERT INTO lottery_allocation (year, project, use, amount, spent, area_id, decided_by_id)
            SELECT y.year, a.name || u.label || '项目', u.use, 200000 + (a.id %% 10) * 50000 + u.k * 100000,
                   CASE WHEN y.year < %(year)s THEN 150000 ELSE 0 END, a.id, %(user)s
            FROM areas_area a CROSS JOIN (VALUES (%(prev)s), (%(year)s)) y(year)
            CROSS JOIN (VALUES (1, 'elderly', '养老服务'), (2, 'disabled', '助残'), (3, 'children', '儿童福利'),
                               (4, 'relief', '济困')) u(k, use, label)
            WHERE a.level IN ('city', 'county') AND a.valid_to IS NULL
        """, p)
        # 社会组织: four registered at every town (one of them a 社区社会组织, which is filed, not registered) and
        # twelve at every city and county, one of them a 枢纽型 (seed_000.md table #16: 6→8 in 清远); some founded this
        # year, some wound up last year or this; nine in ten of those due filed last year's report this spring.
        cur.execute("""
            INSERT INTO socialorgs_socialorg (name, form, credit_code, supervisor, capital_fen, domicile, purpose,
                is_hub, status, established_on, ended_on, created_at, area_id, hub_id, legal_rep_id, registrar_id)
            SELECT a.name || '基准社会组织' || a.id || '-' || k,
                   CASE WHEN (a.level = 'town' AND k = 4) OR (a.level <> 'town' AND k = 12) THEN 'community'
                        ELSE (ARRAY['social_group', 'service_org', 'foundation'])[1 + k %% 3] END,
                   'BM' || a.id || '-' || k, '', 3000000, '', '基准宗旨', a.level <> 'town' AND k = 1,
                   CASE WHEN s.ended IS NULL THEN 'active' ELSE 'deregistered' END,
                   CASE WHEN a.id %% 5 = 0 AND k = 3 THEN %(y0)s::date + ((a.id * 3) %% %(span)s)::int
                        ELSE DATE '2008-01-01' + ((a.id * 53 + k * 101) %% 6000)::int END,
                   s.ended, now(), a.id, NULL, 1 + (a.id * 31 + k) %% %(n)s,
                   CASE WHEN a.level = 'town' THEN a.parent_id ELSE a.id END
            FROM areas_area a CROSS JOIN generate_series(1, 12) k
            CROSS JOIN LATERAL (SELECT CASE WHEN (a.id + k) %% 17 = 0 THEN make_date(%(prev)s, 8, 31)
                                            WHEN (a.id + k) %% 23 = 0 THEN %(y0)s::date + 80 END AS ended) s
            WHERE a.valid_to IS NULL AND ((a.level = 'town' AND k <= 4) OR a.level IN ('city', 'county'))
        """, p)
        cur.execute("""
            INSERT INTO socialorgs_annualreport (year, submitted_on, due_on, income_fen, expense_fen, activities,
                                                 submitted_by_id, org_id)
            SELECT %(prev)s, LEAST(%(y0)s::date + 59 + (o.id %% 90)::int, %(on)s), make_date(%(year)s, 5, 31),
                   500000 + o.id %% 100 * 1000, 400000, '基准年度活动', %(user)s, o.id
            FROM socialorgs_socialorg o
            WHERE o.form <> 'community' AND o.established_on < make_date(%(prev)s, 1, 1) AND o.id %% 10 <> 0
              AND (o.ended_on IS NULL OR o.ended_on > make_date(%(prev)s, 12, 31))
        """, p)
        # 社工站: every town but one in 20 (seed_000.md §113: every town by 2021) and a 社工服务点 in eight villages of
        # ten of those towns; one bench worker records the services: three in five of the target persons (低保,
        # 特困, 困境儿童, 特殊困难老年人) of a town with a station were served this year, some also last year.
        cur.execute("""
            INSERT INTO socialwork_station (name, opened_on, created_by_id, town_id)
            SELECT a.name || '社工站', DATE '2021-03-01' + ((a.id * 7) %% 300)::int, %(user)s, a.id
            FROM areas_area a WHERE a.level = 'town' AND a.valid_to IS NULL AND a.id %% 20 <> 0
        """, p)
        cur.execute("""
            INSERT INTO socialwork_servicepoint (name, opened_on, area_id, created_by_id, station_id)
            SELECT a.name || '社工服务点', DATE '2022-01-01' + ((a.id * 11) %% 360)::int, a.id, %(user)s, s.id
            FROM areas_area a JOIN socialwork_station s ON s.town_id = a.parent_id
            WHERE a.level = 'village' AND a.valid_to IS NULL AND a.id %% 10 < 8
        """, p)
        cur.execute("""
            INSERT INTO socialwork_socialworker (certificate, since, user_id, station_id)
            SELECT '助理社会工作师', DATE '2021-03-01', %(user)s, min(id) FROM socialwork_station
        """, p)
        cur.execute("""
            INSERT INTO socialwork_servicerecord (service, served_on, note, created_at, area_id, person_id, worker_id,
                                                  station_id)
            SELECT 'care', s.d, '', now(), p.residence_area_id, p.id, w.id, st.id
            FROM registry_person p JOIN areas_area v ON v.id = p.residence_area_id
            JOIN socialwork_station st ON st.town_id = v.parent_id CROSS JOIN socialwork_socialworker w
            CROSS JOIN LATERAL (VALUES (%(y0)s::date + ((p.id * 7) %% %(span)s)::int, p.id %% 5 < 3),
                                       (%(py0)s::date + ((p.id * 11) %% 365)::int, p.id %% 4 = 0)) s(d, keep)
            WHERE s.keep AND p.death_date IS NULL AND EXISTS (
                SELECT 1 FROM registry_personcategory pc WHERE pc.person_id = p.id AND pc.valid_to IS NULL
                  AND pc.category IN ('dibao', 'tekun', 'orphan', 'de_facto_unsupported', 'child_in_difficulty',
                                      'elderly_alone', 'elderly_empty_nest', 'elderly_left_behind'))
        """, p)
        # 志愿服务: 3 % of persons aged 18–70 registered since 2021 (each with a 志愿者账户); a 志愿服务站点 in the
        # community service centre of seven villages of ten. 社区工作者: one person of 300 aged 22–55 (the village's
        # residents), one in eight of them left last year.
        cur.execute("""
            INSERT INTO timebank_account (kind, balance, created_at, area_id, person_id)
            SELECT 'volunteer', 0, now(), p.residence_area_id, p.id FROM registry_person p
            WHERE p.id %% 33 = 4 AND p.birth_date <= %(born18)s AND p.birth_date > %(on)s::date - 70 * 365
              AND p.death_date IS NULL
        """, p)
        cur.execute("""
            INSERT INTO timebank_volunteer (registered_at, account_id, area_id, person_id, registered_by_id, user_id)
            SELECT ((DATE '2021-01-01' + ((t.person_id * 7) %% %(d21)s)::int) + TIME '10:00')
                       AT TIME ZONE 'Asia/Shanghai',
                   t.id, t.area_id, t.person_id, %(user)s, NULL
            FROM timebank_account t WHERE t.kind = 'volunteer'
        """, p)
        cur.execute("""
            INSERT INTO volunteers_point (host, name, opened_on, area_id, created_by_id)
            SELECT 'community_centre', a.name || '志愿服务站', DATE '2020-01-01' + ((a.id * 19) %% 2000)::int, a.id,
                   %(user)s
            FROM areas_area a WHERE a.level = 'village' AND a.valid_to IS NULL AND a.id %% 10 < 7
        """, p)
        cur.execute("""
            INSERT INTO community_communityworker (grade, certificate, training_hours, pay_band, since, left_on,
                                                   area_id, person_id, leave_kind, leave_reason)
            SELECT '一级', '', 24, '', DATE '2012-01-01' + ((p.id * 29) %% 4500)::int,
                   CASE WHEN p.id %% 8 = 0 THEN make_date(%(prev)s, 10, 31) END, p.residence_area_id, p.id,
                   CASE WHEN p.id %% 8 = 0 THEN 'resigned' ELSE '' END, ''
            FROM registry_person p
            WHERE p.id %% 300 = 31 AND p.birth_date <= %(born22)s AND p.birth_date > %(born56)s AND p.death_date IS NULL
        """, p)
        # Each death of the registry has its record (earlier ones too); 节地生态安葬 for nine in 20 of this year's
        # (seed_000.md table #21: 45 % in 2020); a 殡仪馆 per county and city, a 公益性公墓 in one town of three and a
        # 公益性骨灰堂 in one village of 25.
        cur.execute("""
            INSERT INTO funeral_deathrecord (death_date, source, document, payments_stop_from, stopped_cases,
                                             recorded_at, area_id, person_id, recorded_by_id)
            SELECT p.death_date, CASE WHEN p.id %% 3 = 0 THEN 'village' ELSE 'hospital' END, '',
                   (date_trunc('month', p.death_date) + interval '1 month')::date, 0, now(), p.residence_area_id, p.id,
                   %(user)s
            FROM registry_person p WHERE p.death_date IS NOT NULL
        """, p)
        cur.execute("""
            INSERT INTO funeral_ecoburial (method, buried_on, reward, reward_rule, family_name, family_account, status,
                                           paid_on, approved_by_id, prepared_by_id, record_id, plot_sale_id)
            SELECT (ARRAY['sea', 'tree', 'lawn', 'niche'])[1 + r.person_id %% 4], LEAST(r.death_date + 7, %(on)s),
                   3000, '基准奖补', '家属' || r.person_id, '', 'prepared', NULL, NULL, %(user)s, r.id, NULL
            FROM funeral_deathrecord r WHERE r.death_date >= %(y0)s AND (r.person_id / 40) %% 20 < 9
        """, p)
        cur.execute("""
            INSERT INTO funeral_facility (name, kind, area_id)
            SELECT a.name || f.label || a.id, f.kind, a.id
            FROM areas_area a
            CROSS JOIN (VALUES ('funeral_home', '殡仪馆'), ('public_cemetery', '公益性公墓'),
                               ('ash_facility', '公益性骨灰堂')) f(kind, label)
            WHERE a.valid_to IS NULL AND ((f.kind = 'funeral_home' AND a.level IN ('city', 'county'))
               OR (f.kind = 'public_cemetery' AND a.level = 'town' AND a.id %% 3 = 0)
               OR (f.kind = 'ash_facility' AND a.level = 'village' AND a.id %% 25 = 0))
        """, p)
        # 婚姻登记: an office per county, and per city without counties (中山, 东莞); marriages of one person in 50
        # aged 22–40 with the next (≈ 5 ‰ of persons a year), divorces of one in 200 aged 30–55 (≈ 1.5 ‰), half
        # this year and half last, registered at the office over the person's village.
        cur.execute("""
            INSERT INTO marriage_office (name, code, address, daily_capacity, open_on_days_off, area_id)
            SELECT a.name || '婚姻登记处', 'MO' || a.id, '', 60, false, a.id FROM areas_area a
            WHERE a.valid_to IS NULL AND (a.level = 'county' OR (a.level = 'city' AND NOT EXISTS (
                SELECT 1 FROM areas_area c WHERE c.parent_id = a.id AND c.level = 'county' AND c.valid_to IS NULL)))
        """, p)
        cur.execute("""
            INSERT INTO marriage_registration (kind, registered_on, declaration, created_at, appointment_id,
                                               marriage_id, office_id, party_a_id, party_b_id, registered_by_id)
            SELECT r.kind, CASE WHEN p.id %% 2 = 1 AND p.id %% 400 < 200
                                THEN %(y0)s::date + ((p.id * 3) %% %(span)s)::int
                                ELSE %(py0)s::date + ((p.id * 3) %% 365)::int END,
                   '基准声明', now(), NULL, NULL, o.id, p.id, p.id + 1, %(user)s
            FROM registry_person p JOIN areas_area v ON v.id = p.residence_area_id
            JOIN (SELECT mo.id, oa.path FROM marriage_office mo JOIN areas_area oa ON oa.id = mo.area_id) o
              ON v.path LIKE o.path || '%%'
            CROSS JOIN LATERAL (SELECT CASE WHEN p.id %% 50 = 37 AND p.birth_date <= %(born22)s
                                                 AND p.birth_date > %(born41)s THEN 'marriage'
                                            WHEN p.id %% 200 = 87 AND p.birth_date <= %(born30)s
                                                 AND p.birth_date > %(born56)s THEN 'divorce' END AS kind) r
            WHERE (p.id %% 50 = 37 OR p.id %% 200 = 87) AND r.kind IS NOT NULL AND p.id < %(n)s
        """, p)
        # 地名: at every city and county, eight names approved this year, one refused, one under review and two
        # approved last year.
        cur.execute("""
            INSERT INTO placenames_namingapplication (kind, proposed_name, category, applicant, reason, origin, meaning,
                geometry, coordinates, status, comment_from, comment_to, comments, expert_opinion, decided_on,
                certificate_number, created_at, area_id, created_by_id, decided_by_id, place_id, result_id)
            SELECT CASE WHEN k %% 4 = 0 THEN 'rename' ELSE 'name' END, '基准路' || a.id || '-' || k, '道路',
                   '基准申请人', '', '', '', 'line', '[]'::jsonb, s.status, NULL, NULL, '', '', s.decided,
                   CASE WHEN s.status = 'approved' THEN 'PN' || a.id || '-' || k END, now(), a.id, %(user)s,
                   CASE WHEN s.decided IS NOT NULL THEN %(user)s END, NULL, NULL
            FROM areas_area a CROSS JOIN generate_series(1, 12) k
            CROSS JOIN LATERAL (SELECT CASE WHEN k = 9 THEN 'refused' WHEN k = 10 THEN 'expert' ELSE 'approved' END
                                           AS status,
                                       CASE WHEN k = 10 THEN NULL
                                            WHEN k > 10 THEN %(py0)s::date + ((a.id + k * 30) %% 365)::int
                                            ELSE %(y0)s::date + ((a.id + k * 30) %% %(span)s)::int END AS decided) s
            WHERE a.level IN ('city', 'county') AND a.valid_to IS NULL
        """, p)
        # 社区康园中心: in nine towns of ten (seed_000.md: 88 in 清远 in 2020, every town covered), a few more filed at
        # a village, one in 30 closed; another kind of rehabilitation centre per county.
        cur.execute("""
            INSERT INTO rehab_centre (name, kind, opened_on, closed_on, area_id, registered_by_id)
            SELECT a.name || c.label || a.id, c.kind, DATE '2016-01-01' + ((a.id * 23) %% 2500)::int,
                   CASE WHEN a.id %% 30 = 0 THEN DATE '2024-12-31' END, a.id, %(user)s
            FROM areas_area a
            CROSS JOIN (VALUES ('kangyuan', '社区康园中心'), ('other', '康复服务机构')) c(kind, label)
            WHERE a.valid_to IS NULL AND ((c.kind = 'kangyuan' AND a.level = 'town' AND a.id %% 10 <> 0)
               OR (c.kind = 'kangyuan' AND a.level = 'village' AND a.id %% 40 = 0)
               OR (c.kind = 'other' AND a.level = 'county'))
        """, p)
        # 流浪乞讨人员救助: a station per city and county; a stay for one person in 1,000 a year (at least 60), over
        # last year and this, round the stations: four in ten returned home and confirmed by the receiving place,
        # one in transit, one placed, two left on their own, two still in (one in seven never identified).
        cur.execute("""
            INSERT INTO vagrancy_station (code, name, beds, source, area_id)
            SELECT 'VS' || a.id, a.name || '救助管理站', 40, '基准', a.id FROM areas_area a
            WHERE a.level IN ('city', 'county') AND a.valid_to IS NULL
        """, p)
        cur.execute("""
            INSERT INTO vagrancy_stay (number, channel, referrer, admitted_on, found_place, id_number, name, alias, sex,
                approx_age, description, photo_ref, identified_on, identified_by_notice, prior_visits, repeat_flag,
                status, ended_on, end_note, home_area_id, person_id, recorded_by_id, station_id)
            SELECT 'VS' || s.i, CASE WHEN s.i %% 3 = 0 THEN 'police' ELSE 'voluntary' END, '', s.adm, '',
                   CASE WHEN s.i %% 7 = 0 THEN '' ELSE 'V' || lpad(s.i::text, 17, '0') END,
                   CASE WHEN s.i %% 7 = 0 THEN '' ELSE '受助人' || s.i END, '受助人' || s.i,
                   CASE WHEN s.i %% 2 = 0 THEN 'F' ELSE 'M' END, 40, '', '',
                   CASE WHEN s.i %% 7 <> 0 THEN s.adm + 1 END, s.i %% 7 = 1, 0, false, s.status,
                   CASE WHEN s.status IN ('returned', 'placed', 'left') THEN LEAST(s.adm + 3 + s.i %% 10, %(on)s) END,
                   '', NULL, NULL, %(user)s, st.id
            FROM (SELECT i, %(py0)s::date + ((i * 13) %% %(span2)s)::int AS adm,
                         (ARRAY['returned', 'returned', 'returned', 'returned', 'in_transit', 'placed', 'left', 'left',
                                'in_station', 'in_hospital'])[1 + i %% 10] AS status
                  FROM generate_series(1, GREATEST(%(n)s / 1000, 60)) i) s
            JOIN (SELECT row_number() OVER (ORDER BY id) - 1 AS k, id, count(*) OVER () AS c FROM vagrancy_station) st
              ON st.k = s.i %% st.c
        """, p)
        cur.execute("""
            INSERT INTO vagrancy_transfer (departed_on, escort, status, arrived_on, receiver, arranged_by_id,
                                           confirmed_by_id, destination_id, stay_id)
            SELECT LEAST(s.admitted_on + 2, %(on)s), '基准护送', CASE WHEN s.status = 'returned' THEN 'confirmed'
                                                                      ELSE 'pending' END,
                   CASE WHEN s.status = 'returned' THEN s.ended_on END, '', %(user)s,
                   CASE WHEN s.status = 'returned' THEN %(user)s END, st.area_id, s.id
            FROM vagrancy_stay s JOIN vagrancy_station st ON st.id = s.station_id
            WHERE s.status IN ('returned', 'in_transit')
        """, p)


def children_data(n: int, year: int) -> None:
    """What the 大儿童保障 elements count, and the registry categories 社工站 and the child visits read (not timed),
    set-based. The shares are the bench's own choice; where a seed gives a figure it is cited."""
    from django.db import connection

    p = affairs_params(n, year)
    with connection.cursor() as cur:
        cur.execute("TRUNCATE children_training, children_appointment, children_guardian, children_org, "
                    "children_childfile, children_report, children_caseevent, children_childcase, children_visit "
                    "RESTART IDENTITY CASCADE")
        cur.execute("DELETE FROM registry_personcategory WHERE note = '基准：专项'")
        cur.execute("ANALYZE")  # the registry was just written: plan the joins below on its real size
        # Registry categories: 农村留守儿童 for one child under 16 in 40 (one in ten of them no longer), 事实无人抚养
        # for one child in 300, 独居 for the elders whose 探访 is due (eldercare_data), 特困 for the 特困 cases.
        cur.execute("""
            INSERT INTO registry_personcategory (person_id, category, valid_from, valid_to, note)
            SELECT p.id, s.category, GREATEST(p.birth_date, DATE '2023-01-01'), s.valid_to, '基准：专项'
            FROM registry_person p
            CROSS JOIN LATERAL (SELECT CASE WHEN p.id %% 40 = 21 AND p.birth_date > %(born16)s THEN 'left_behind_child'
                                            WHEN p.id %% 300 = 13 AND p.birth_date > %(born18)s
                                                THEN 'de_facto_unsupported'
                                            WHEN p.id %% 40 = 3 AND p.birth_date <= %(born60)s THEN 'elderly_alone'
                                       END AS category,
                                       CASE WHEN p.id %% 400 = 21 AND p.birth_date < DATE '2025-06-30'
                                            THEN DATE '2025-06-30' END AS valid_to) s
            WHERE s.category IS NOT NULL AND p.birth_date <= %(on)s
        """, p)
        cur.execute("""
            INSERT INTO registry_personcategory (person_id, category, valid_from, valid_to, note)
            SELECT c.head_id, 'tekun', c.start_month, NULL, '基准：专项' FROM assistance_case c
            WHERE c.programme = 'tekun'
        """, p)
        # The network: a 未成年人救助保护机构 in every city and nine counties of ten (seed_000.md §213: 9 in 清远), a
        # 未成年人保护工作站 in six towns of ten (seed_000.md §107: ≥ 50 % by 2025), a 儿童福利机构 in every city and
        # one county in four (seed_000.md: 5 in 清远).
        cur.execute("""
            INSERT INTO children_org (name, kind, opened_on, closed_on, area_id)
            SELECT a.name || o.label, o.kind, DATE '2019-01-01' + ((a.id * 37) %% 1500)::int,
                   CASE WHEN o.kind = 'station' AND a.id %% 50 = 1 THEN DATE '2024-12-31' END, a.id
            FROM areas_area a
            CROSS JOIN (VALUES ('centre', '未成年人救助保护中心'), ('station', '未成年人保护工作站'),
                               ('welfare_home', '儿童福利院')) o(kind, label)
            WHERE a.valid_to IS NULL AND (
                  (o.kind = 'centre' AND (a.level = 'city' OR (a.level = 'county' AND a.id %% 10 <> 0)))
               OR (o.kind = 'station' AND a.level = 'town' AND a.id %% 10 < 6)
               OR (o.kind = 'welfare_home' AND (a.level = 'city' OR (a.level = 'county' AND a.id %% 4 = 0))))
        """, p)
        # 儿童主任 in every village but one in 20 (seed_000.md §213: 1,226, one a village), some with a predecessor;
        # a 儿童督导员 in eleven towns of twelve (86 in 清远); twelve staff at a 儿童福利机构 and six at a centre, one
        # in twelve gone. Four in five directors and half the staff trained (some twice).
        cur.execute("""
            INSERT INTO children_appointment (post, name, phone, full_time, start_date, end_date, area_id, user_id,
                                              org_id)
            SELECT s.post, s.label || a.id || '-' || s.k, '', s.post <> 'director', s.start_date, s.end_date, a.id,
                   NULL, NULL
            FROM areas_area a
            CROSS JOIN LATERAL (VALUES
                ('director', '儿童主任', 1, DATE '2021-01-01' + ((a.id * 7) %% 1200)::int, NULL::date,
                 a.level = 'village' AND a.id %% 20 <> 0),
                ('director', '儿童主任', 2, DATE '2018-06-01', DATE '2020-12-31',
                 a.level = 'village' AND a.id %% 3 = 0),
                ('supervisor', '儿童督导员', 1, DATE '2021-03-01' + ((a.id * 7) %% 900)::int, NULL::date,
                 a.level = 'town' AND a.id %% 12 <> 0)) s(post, label, k, start_date, end_date, keep)
            WHERE a.valid_to IS NULL AND s.keep
        """, p)
        cur.execute("""
            INSERT INTO children_appointment (post, name, phone, full_time, start_date, end_date, area_id, user_id,
                                              org_id)
            SELECT 'centre', '机构工作人员' || o.id || '-' || k, '', true,
                   DATE '2019-06-01' + ((o.id * 11 + k) %% 1200)::int,
                   CASE WHEN k = 12 THEN DATE '2025-06-30' END, o.area_id, NULL, o.id
            FROM children_org o CROSS JOIN generate_series(1, 12) k
            WHERE o.kind = 'welfare_home' OR (o.kind = 'centre' AND k <= 6)
        """, p)
        cur.execute("""
            INSERT INTO children_training (held_on, topic, hours, appointment_id)
            SELECT t.d, '儿童福利业务培训', 8, a.id
            FROM children_appointment a
            CROSS JOIN LATERAL (VALUES (%(y0)s::date + ((a.id * 5) %% %(span)s)::int,
                                        (a.post = 'director' AND a.id %% 5 <> 0)
                                        OR (a.post = 'centre' AND a.id %% 2 = 0)),
                                       (%(py0)s::date + ((a.id * 3) %% 365)::int, a.id %% 4 = 0)) t(d, keep)
            WHERE t.keep AND a.post IN ('director', 'centre')
        """, p)
        # Files and state guardianship: a file for one child in 700 (half with a serious illness, half with a 监护不当
        # finding); 临时监护 by a centre for one child in 2,000; 长期监护 by a 儿童福利机构 for half the orphans.
        cur.execute("""
            INSERT INTO children_childfile (school, grade, health_note, serious_illness, guardianship_improper,
                                            updated_at, person_id)
            SELECT '', '', '', (p.id / 700) %% 2 = 0, (p.id / 700) %% 2 = 1, now(), p.id FROM registry_person p
            WHERE p.id %% 700 = 5 AND p.birth_date > %(born18)s AND p.birth_date <= %(on)s
        """, p)
        cur.execute("""
            INSERT INTO children_guardian (kind, relation, valid_from, valid_to, end_reason, child_id, person_id,
                                           org_id)
            SELECT CASE WHEN p.id %% 2000 = 99 THEN 'temporary' ELSE 'long_term' END, '国家监护', DATE '2024-03-01',
                   NULL, '', p.id, NULL,
                   (SELECT min(o.id) FROM children_org o
                    WHERE o.kind = CASE WHEN p.id %% 2000 = 99 THEN 'centre' ELSE 'welfare_home' END)
            FROM registry_person p
            WHERE p.birth_date > %(born18)s AND p.birth_date <= %(on)s
              AND (p.id %% 2000 = 99 OR (p.id %% 5000 = 11 AND (p.id / 5000) %% 2 = 0))
        """, p)
        # Visits: three children in four of those in a household with a category, disabled, with a file or in state
        # guardianship were visited by their 儿童主任, most within the month.
        cur.execute("""
            INSERT INTO children_visit (visited_on, mode, findings, concern, created_at, area_id, child_id, visitor_id)
            SELECT %(on)s::date - ((p.id / 4) %% 8)::int * 5 - v.k * 120, 'home', '基准走访', false, now(),
                   p.residence_area_id, p.id, %(user)s
            FROM registry_person p
            JOIN (SELECT m.person_id FROM registry_membership m WHERE m.household_id IN (
                      SELECT m2.household_id FROM registry_membership m2
                      JOIN registry_personcategory pc ON pc.person_id = m2.person_id)
                  UNION SELECT person_id FROM children_childfile UNION SELECT child_id FROM children_guardian
                  UNION SELECT id FROM registry_person WHERE disability_grade IS NOT NULL) c(id) ON c.id = p.id
            CROSS JOIN (VALUES (0), (1)) v(k)
            WHERE p.birth_date > %(born18)s AND p.birth_date <= %(on)s AND p.id %% 4 <> 0 AND (v.k = 0 OR p.id %% 3 = 0)
        """, p)
        # Protection cases: one child in 500 over last year and this (its report, and a duplicate report for one in
        # four); two in three closed after 45 days, one in nine of those reopened after 60.
        cur.execute("""
            INSERT INTO children_childcase (number, opened_on, priority, created_at, area_id, child_id)
            SELECT 'CC' || p.id, %(py0)s::date + ((p.id * 7) %% %(span2)s)::int,
                   CASE WHEN p.id %% 5 = 0 THEN 'urgent' ELSE 'high' END, now(), p.residence_area_id, p.id
            FROM registry_person p
            WHERE p.id %% 500 = 77 AND p.birth_date > %(born18)s AND p.birth_date <= %(on)s
        """, p)
        for kind, days, cond in (("verify", 1, "true"), ("close", 45, "c.child_id %% 3 <> 0"),
                                 ("reopen", 60, "c.child_id %% 9 = 1")):
            cur.execute(f"""
                INSERT INTO children_caseevent (kind, happened_on, note, details, created_at, actor_id, case_id)
                SELECT '{kind}', c.opened_on + {days}, '基准', '{{}}'::jsonb, now(), %(user)s, c.id
                FROM children_childcase c WHERE {cond} AND c.opened_on + {days} <= %(on)s
            """, p)
        cur.execute("""
            INSERT INTO children_report (number, source, anonymous, reporter_name, reporter_org, reporter_phone, what,
                location, priority, received_at, received_on, verify_due, emergency_due, area_id, case_id, child_id,
                duplicate_of_id, received_by_id)
            SELECT 'CR' || c.id, 'school', false, '', '基准学校', '', '基准报告', '', c.priority,
                   c.opened_on + TIME '09:00', c.opened_on, c.opened_on + 1, NULL, c.area_id, c.id, c.child_id, NULL,
                   %(user)s
            FROM children_childcase c ORDER BY c.id
        """, p)
        cur.execute("""
            INSERT INTO children_report (number, source, anonymous, reporter_name, reporter_org, reporter_phone, what,
                location, priority, received_at, received_on, verify_due, emergency_due, area_id, case_id, child_id,
                duplicate_of_id, received_by_id)
            SELECT 'CRD' || c.id, 'hospital', false, '', '基准医院', '', '基准重复报告', '', c.priority,
                   LEAST(c.opened_on + 1, %(on)s) + TIME '09:00', LEAST(c.opened_on + 1, %(on)s), c.opened_on + 2, NULL,
                   c.area_id, c.id, c.child_id, r.id, %(user)s
            FROM children_childcase c JOIN children_report r ON r.case_id = c.id WHERE c.id %% 4 = 0
        """, p)


def audit_history(n: int) -> None:
    """One "person.create" entry per person with its village's code, chained and hashed as audit.record does,
    COPY'd in chunks (the log of a registry built through the services)."""
    from django.db import connection
    from django.utils import timezone

    from minzheng.core.audit import compute_hash
    from minzheng.core.models import AuditEntry

    last = AuditEntry.objects.order_by("-seq").values("seq", "hash").first()
    seq, prev = last["seq"], last["hash"]
    start = timezone.now() - dt.timedelta(days=400)
    cols = ("seq, created_at, actor_name, action, object_type, object_id, object_repr, area_code, before, after, "
            "prev_hash, hash")
    with connection.cursor() as cur:
        cur.execute("SELECT p.id, a.code FROM registry_person p JOIN areas_area a ON a.id = p.residence_area_id "
                    "ORDER BY p.id")
        rows = cur.fetchall()
        for lo in range(0, len(rows), 20000):
            buf = io.StringIO()
            for pid, code in rows[lo:lo + 20000]:
                seq += 1
                e = AuditEntry(seq=seq, created_at=start + dt.timedelta(seconds=seq * 30), actor=None,
                               actor_name="系统", action="person.create", object_type="person", object_id=str(pid),
                               object_repr=f"居民{pid}", area_code=code, before=None, after=None, prev_hash=prev)
                prev = e.hash = compute_hash(e)
                buf.write("\t".join([str(seq), e.created_at.isoformat(), "系统", "person.create", "person", str(pid),
                                     e.object_repr, code, "\\N", "\\N", e.prev_hash, e.hash]) + "\n")
            buf.seek(0)
            with cur.copy(f"COPY core_auditentry ({cols}) FROM STDIN") as copy:
                copy.write(buf.read())
    del rows


# --- the raw-SQL baseline ------------------------------------------------------------------------------------

_CURRENT = "e.from_month <= %(m)s AND (e.to_month IS NULL OR e.to_month > %(m)s)"
_ALIVE = "p.death_date IS NULL OR p.death_date > %(on)s"


def _ent(programme: str, value: str, component: str = "") -> str:
    comp = f" AND e.component = '{component}'" if component else ""
    return (f"SELECT c.area_id, {value} FROM assistance_entitlement e JOIN assistance_case c ON c.id = e.case_id "
            f"WHERE c.programme = '{programme}'{comp} AND {_CURRENT} GROUP BY c.area_id")


def _res(cond: str) -> str:
    return (f"SELECT p.residence_area_id, count(*) FROM registry_person p WHERE ({_ALIVE}) AND p.birth_date <= %(on)s"
            f"{' AND ' + cond if cond else ''} GROUP BY p.residence_area_id")


_TEMP = ("SELECT c.area_id, {v} FROM assistance_entitlement e JOIN assistance_case c ON c.id = e.case_id "
         "WHERE c.programme = 'temporary' AND e.from_month >= %(y0)s AND e.from_month < %(y1)s "
         "AND e.from_month <= %(on)s GROUP BY c.area_id")
_OPEN = "f.registered_on <= %(on)s AND (f.closed_on IS NULL OR f.closed_on > %(on)s)"
_BEDS = ("SELECT f.area_id, count(*) FROM carefacility_bed b JOIN carefacility_facility f ON f.id = b.facility_id "
         "WHERE f.kind IN ({kinds}) AND b.opened_on <= %(on)s AND f.registered_on <= %(on)s "
         "AND (b.retired_on IS NULL OR b.retired_on > %(on)s){extra} GROUP BY f.area_id")
_AREAS_WITH = ("SELECT a.id, 1 FROM areas_area a WHERE a.level = '{level}' AND a.valid_from <= %(on)s "
               "AND (a.valid_to IS NULL OR a.valid_to > %(on)s) AND EXISTS (SELECT 1 FROM carefacility_facility f "
               "WHERE f.area_id = a.id AND f.kind = '{kind}' AND " + "f.registered_on <= %(on)s "
               "AND (f.closed_on IS NULL OR f.closed_on > %(on)s))")
_MEMBER_NOW = "{m}.start_date <= %(on)s AND ({m}.end_date IS NULL OR {m}.end_date > %(on)s)"
_AREA_NOW = "a.valid_from <= %(on)s AND (a.valid_to IS NULL OR a.valid_to > %(on)s)"
_IN_YEAR = "{col} >= %(y0)s AND {col} < %(y1)s AND {col} <= %(on)s"
_POST_NOW = "ap.start_date <= %(on)s AND (ap.end_date IS NULL OR ap.end_date > %(on)s)"
_ORG_OPEN = "o.opened_on <= %(on)s AND (o.closed_on IS NULL OR o.closed_on > %(on)s)"
_ORGS_ACTIVE = ("o.form <> 'community' AND o.established_on <= %(on)s "
                "AND (o.ended_on IS NULL OR o.ended_on > %(on)s)")
_ORGS_DUE = ("o.form <> 'community' AND o.established_on < %(py0)s "
             "AND (o.ended_on IS NULL OR o.ended_on > %(pend)s)")
_SW_TARGET = ("EXISTS (SELECT 1 FROM registry_personcategory pc WHERE pc.person_id = p.id "
              "AND pc.category = ANY(%(groups)s) AND pc.valid_from <= %(on)s "
              "AND (pc.valid_to IS NULL OR pc.valid_to >= %(on)s))")


def _areas_having(level: str, exists: str) -> str:
    return f"SELECT a.id, 1 FROM areas_area a WHERE a.level = '{level}' AND {_AREA_NOW} AND EXISTS ({exists})"


def _count(table: str, where: str, area: str = "area_id") -> str:
    return f"SELECT {area}, count(*) FROM {table} WHERE {where} GROUP BY {area}"


def _posts(where: str, value: str = "count(*)") -> str:
    return f"SELECT ap.area_id, {value} FROM children_appointment ap {where} GROUP BY ap.area_id"


def _stays(extra: str) -> str:
    return ("SELECT st.area_id, count(*) FROM vagrancy_stay s JOIN vagrancy_station st ON st.id = s.station_id" + extra
            + " WHERE s.ended_on <= %(on)s AND s.id_number <> '' AND s.ended_on >= %(y0)s AND s.ended_on < %(y1)s"
            "{status} GROUP BY st.area_id")


# Members of poor households come in by a join, not an EXISTS inside the OR below: the planner ran that one per
# child, a scan of a million memberships each (the statement ran for over 10 minutes at 1,000,000 persons).
# The children whose categories call for visits (data/children/categories.csv: 30 days for 事实无人抚养 and the three
# kinds of 困境, 90 for 孤儿 not in the state's long-term guardianship and for 留守 under 16), flagged by interval.
_VISIT_CHILDREN = """
    WITH cat AS (SELECT person_id, category FROM registry_personcategory
                 WHERE valid_from <= %(on)s AND (valid_to IS NULL OR valid_to >= %(on)s)),
    paid AS (SELECT e.person_id, c.programme FROM assistance_entitlement e JOIN assistance_case c ON c.id = e.case_id
             WHERE c.programme IN ('orphan', 'de_facto_unsupported') AND """ + _CURRENT + """),
    mem AS (SELECT person_id, household_id FROM registry_membership
            WHERE start_date <= %(on)s AND (end_date IS NULL OR end_date > %(on)s)),
    poor AS (SELECT DISTINCT mem.household_id FROM mem JOIN cat ON cat.person_id = mem.person_id
             WHERE cat.category IN ('dibao', 'tekun', 'low_income')),
    guard AS (SELECT child_id, kind FROM children_guardian
              WHERE valid_from <= %(on)s AND (valid_to IS NULL OR valid_to >= %(on)s)),
    kids AS (
        SELECT p.id, p.residence_area_id,
               EXISTS (SELECT 1 FROM cat WHERE cat.person_id = p.id AND cat.category = 'de_facto_unsupported')
               OR EXISTS (SELECT 1 FROM paid WHERE paid.person_id = p.id AND paid.programme = 'de_facto_unsupported')
               OR poor_kid.person_id IS NOT NULL
               OR COALESCE(p.disability_grade <= 2, false) OR COALESCE(f.serious_illness, false)
               OR EXISTS (SELECT 1 FROM guard WHERE guard.child_id = p.id AND guard.kind IN ('temporary', 'long_term'))
               OR COALESCE(f.guardianship_improper, false) AS monthly,
               ((EXISTS (SELECT 1 FROM cat WHERE cat.person_id = p.id AND cat.category = 'orphan')
                 OR EXISTS (SELECT 1 FROM paid WHERE paid.person_id = p.id AND paid.programme = 'orphan'))
                AND NOT EXISTS (SELECT 1 FROM guard WHERE guard.child_id = p.id AND guard.kind = 'long_term'))
               OR (p.birth_date > %(born16)s
                   AND EXISTS (SELECT 1 FROM cat WHERE cat.person_id = p.id AND cat.category = 'left_behind_child'))
               AS quarterly
        FROM registry_person p LEFT JOIN children_childfile f ON f.person_id = p.id
        LEFT JOIN (SELECT DISTINCT mem.person_id FROM mem JOIN poor ON poor.household_id = mem.household_id) poor_kid
               ON poor_kid.person_id = p.id
        WHERE p.birth_date > %(born18)s AND p.birth_date <= %(on)s AND (p.death_date IS NULL OR p.death_date > %(on)s))
"""

BASELINE = {
    "dibao_households": _ent("dibao", "count(DISTINCT e.case_id)"),
    "dibao_persons": _ent("dibao", "count(DISTINCT e.person_id)"),
    "tekun_persons": _ent("tekun", "count(DISTINCT e.person_id)", "basic"),
    "orphan_persons": _ent("orphan", "count(DISTINCT e.person_id)"),
    "de_facto_unsupported_persons": _ent("de_facto_unsupported", "count(DISTINCT e.person_id)"),
    "low_income_households": ("SELECT area_id, count(*) FROM assistance_case "
                              "WHERE programme = 'low_income' AND start_month <= %(m)s "
                              "AND (end_month IS NULL OR end_month >= %(m)s) GROUP BY area_id"),
    "temporary_person_times": _TEMP.format(v="count(*)"),
    "temporary_amount": _TEMP.format(v="sum(e.monthly_amount)"),
    "disabled_poor": _res(
        "p.disability_grade IS NOT NULL AND EXISTS (SELECT 1 FROM registry_membership m1 WHERE m1.person_id = p.id AND "
        + _MEMBER_NOW.format(m="m1") + " AND m1.household_id IN (SELECT m2.household_id FROM registry_membership m2 "
        "JOIN registry_personcategory pc ON pc.person_id = m2.person_id WHERE " + _MEMBER_NOW.format(m="m2")
        + " AND pc.category IN ('dibao', 'low_income') AND pc.valid_from <= %(on)s "
        "AND (pc.valid_to IS NULL OR pc.valid_to >= %(on)s)))"),
    "disabled_living_recipients": _ent("disability", "count(DISTINCT e.person_id)", "living"),
    "disabled_severe": _res("p.disability_grade <= %(grade)s"),
    "disabled_care_recipients": _ent("disability", "count(DISTINCT e.person_id)", "care_subsidy"),
    "residents": _res(""),
    "elderly_60": _res("p.birth_date <= %(born60)s"),
    "elderly_visits_due": ("SELECT area_id, count(*) FROM eldercare_visitdue WHERE month >= %(y0)s AND month < %(y1)s "
                           "AND month <= %(on)s GROUP BY area_id"),
    "elderly_visits_done": ("SELECT area_id, count(*) FROM eldercare_visitdue WHERE month >= %(y0)s AND month < %(y1)s"
                            " AND month <= %(on)s AND visit_id IS NOT NULL GROUP BY area_id"),
    "beds_total": _BEDS.format(kinds="'institution', 'tekun'", extra=""),
    "beds_nursing": _BEDS.format(kinds="'institution', 'tekun'", extra=" AND b.nursing"),
    "beds_all": _BEDS.format(kinds="'institution', 'tekun', 'town_centre', 'village_station'", extra=""),
    "towns_with_elderly_centre": _AREAS_WITH.format(level="town", kind="town_centre"),
    "villages_with_elderly_station": _AREAS_WITH.format(level="village", kind="village_station"),
    "elderly_institutions": ("SELECT f.area_id, count(*) FROM carefacility_facility f WHERE " + _OPEN
                             + " AND f.kind IN ('institution', 'tekun') GROUP BY f.area_id"),
    "medical_integrated_institutions": ("SELECT f.area_id, count(*) FROM carefacility_facility f WHERE " + _OPEN
                                        + " AND f.kind IN ('institution', 'tekun') AND f.medical_integration "
                                        "GROUP BY f.area_id"),
    "retrofits_accepted": ("SELECT area_id, count(DISTINCT person_id) FROM carefacility_retrofit "
                           "WHERE status = 'accepted' AND accepted_on >= DATE '2021-01-01' AND accepted_on <= %(on)s "
                           "GROUP BY area_id"),
    "elderly_care_trainees": ("SELECT area_id, sum(trainees) FROM carefacility_training WHERE held_on >= %(y0)s "
                              "AND held_on < %(y1)s AND held_on <= %(on)s GROUP BY area_id"),
    "villages": ("SELECT id, 1 FROM areas_area WHERE level = 'village' AND valid_from <= %(on)s "
                 "AND (valid_to IS NULL OR valid_to > %(on)s)"),
    "towns": ("SELECT id, 1 FROM areas_area WHERE level = 'town' AND valid_from <= %(on)s "
              "AND (valid_to IS NULL OR valid_to > %(on)s)"),
    "charity_trusts_filed": _count("charity_trust", "filed_on <= %(on)s"),
    "charity_spaces_open": _count("charity_space", "opened_on <= %(on)s"),
    "charity_demo_communities_named": _count("charity_demosite", "kind = 'community' AND designated_on <= %(on)s "
                                             "AND (revoked_on IS NULL OR revoked_on > %(on)s)"),
    "charity_demo_sites_named": _count("charity_demosite", "kind = 'site' AND designated_on <= %(on)s "
                                       "AND (revoked_on IS NULL OR revoked_on > %(on)s)"),
    "lottery_outlets_open": _count("lottery_outlet", "opened_on <= %(on)s "
                                   "AND (closed_on IS NULL OR closed_on > %(on)s)"),
    "lottery_fund_allocated": ("SELECT area_id, sum(amount) FROM lottery_allocation WHERE year = %(year)s "
                               "GROUP BY area_id"),
    "lottery_fund_elderly_allocated": ("SELECT area_id, sum(amount) FROM lottery_allocation WHERE year = %(year)s "
                                       "AND use = 'elderly' GROUP BY area_id"),
    "hub_orgs": _count("socialorgs_socialorg o", _ORGS_ACTIVE + " AND o.is_hub", "o.area_id"),
    "orgs_due_annual_report": _count("socialorgs_socialorg o", _ORGS_DUE, "o.area_id"),
    "orgs_filed_annual_report": _count("socialorgs_socialorg o", _ORGS_DUE + " AND EXISTS (SELECT 1 FROM "
                                       "socialorgs_annualreport r WHERE r.org_id = o.id AND r.year = %(prev)s "
                                       "AND r.submitted_on <= %(on)s)", "o.area_id"),
    "towns_with_sw_station": _areas_having("town", "SELECT 1 FROM socialwork_station s WHERE s.town_id = a.id "
                                           "AND s.opened_on <= %(on)s"),
    "villages_with_sw_point": _areas_having("village", "SELECT 1 FROM socialwork_servicepoint s "
                                            "WHERE s.area_id = a.id AND s.opened_on <= %(on)s"),
    "sw_target_persons": _res(_SW_TARGET),
    "sw_target_served": _res(_SW_TARGET + " AND EXISTS (SELECT 1 FROM socialwork_servicerecord r "
                             "WHERE r.person_id = p.id AND r.served_on >= %(y0)s AND r.served_on <= %(on)s)"),
    "registered_volunteers": _count("timebank_volunteer", "(registered_at AT TIME ZONE %(tz)s)::date <= %(on)s"),
    "villages_with_volunteer_point": _areas_having("village", "SELECT 1 FROM volunteers_point v WHERE v.area_id = a.id "
                                                   "AND v.host = 'community_centre' AND v.opened_on <= %(on)s"),
    "community_workers": _count("community_communityworker", "since <= %(on)s "
                                "AND (left_on IS NULL OR left_on > %(on)s)"),
    "villages_with_child_director": _areas_having("village", "SELECT 1 FROM children_appointment ap "
                                                  "WHERE ap.area_id = a.id AND ap.post = 'director' AND " + _POST_NOW),
    "towns_with_child_supervisor": _areas_having("town", "SELECT 1 FROM children_appointment ap "
                                                 "WHERE ap.area_id = a.id AND ap.post = 'supervisor' AND " + _POST_NOW),
    "child_directors": _posts("WHERE ap.post = 'director' AND " + _POST_NOW),
    "child_directors_trained": _posts("JOIN children_training t ON t.appointment_id = ap.id WHERE ap.post = 'director' "
                                      "AND t.held_on <= %(on)s AND " + _POST_NOW, "count(DISTINCT ap.id)"),
    "child_welfare_staff": _posts("JOIN children_org o ON o.id = ap.org_id WHERE ap.post = 'centre' "
                                  "AND o.kind = 'welfare_home' AND " + _POST_NOW),
    "child_welfare_staff_trained": _posts("JOIN children_org o ON o.id = ap.org_id JOIN children_training t "
                                          "ON t.appointment_id = ap.id WHERE ap.post = 'centre' "
                                          "AND o.kind = 'welfare_home' AND t.held_on <= %(on)s AND " + _POST_NOW,
                                          "count(DISTINCT ap.id)"),
    "towns_with_minor_station": _areas_having("town", "SELECT 1 FROM children_org o WHERE o.area_id = a.id "
                                              "AND o.kind = 'station' AND " + _ORG_OPEN),
    "counties_with_minor_centre": _areas_having("county", "SELECT 1 FROM children_org o WHERE o.area_id = a.id "
                                                "AND o.kind = 'centre' AND " + _ORG_OPEN),
    "cities_with_minor_centre": _areas_having("city", "SELECT 1 FROM children_org o WHERE o.area_id = a.id "
                                              "AND o.kind = 'centre' AND " + _ORG_OPEN),
    "counties": f"SELECT a.id, 1 FROM areas_area a WHERE a.level = 'county' AND {_AREA_NOW}",
    "cities": f"SELECT a.id, 1 FROM areas_area a WHERE a.level = 'city' AND {_AREA_NOW}",
    "de_facto_unsupported_children": _res(
        "p.birth_date > %(born18)s AND EXISTS (SELECT 1 FROM registry_personcategory pc WHERE pc.person_id = p.id "
        "AND pc.category = 'de_facto_unsupported' AND pc.valid_from <= %(on)s "
        "AND (pc.valid_to IS NULL OR pc.valid_to >= %(on)s))"),
    "children_to_visit": _VISIT_CHILDREN + "SELECT residence_area_id, count(*) FROM kids WHERE monthly OR quarterly "
                                           "GROUP BY residence_area_id",
    "children_visited": _VISIT_CHILDREN + (
        "SELECT k.residence_area_id, count(*) FROM kids k WHERE (k.monthly OR k.quarterly) "
        "AND (SELECT max(v.visited_on) FROM children_visit v WHERE v.child_id = k.id AND v.visited_on <= %(on)s) "
        ">= CASE WHEN k.monthly THEN %(c30)s::date ELSE %(c90)s::date END GROUP BY k.residence_area_id"),
    "child_cases_open": _count("children_childcase c", "c.opened_on <= %(on)s AND COALESCE((SELECT e.kind FROM "
                               "children_caseevent e WHERE e.case_id = c.id AND e.kind IN ('close', 'reopen') "
                               "AND e.happened_on <= %(on)s ORDER BY e.happened_on DESC, e.id DESC LIMIT 1), "
                               "'reopen') = 'reopen'", "c.area_id"),
    "child_reports": _count("children_report", _IN_YEAR.format(col="received_on") + " AND duplicate_of_id IS NULL"),
    "deaths_recorded": _count("funeral_deathrecord", _IN_YEAR.format(col="death_date")),
    "eco_burials": _count("funeral_ecoburial b JOIN funeral_deathrecord r ON r.id = b.record_id",
                          _IN_YEAR.format(col="b.buried_on"), "r.area_id"),
    "towns_with_public_ash_facility": _areas_having(
        "town", "SELECT 1 FROM funeral_facility f JOIN areas_area fa ON fa.id = f.area_id "
        "WHERE f.kind IN ('ash_facility', 'public_cemetery') AND fa.path LIKE a.path || '%%'"),
    "marriage_registrations": _count("marriage_registration r JOIN marriage_office o ON o.id = r.office_id",
                                     "r.kind = 'marriage' AND " + _IN_YEAR.format(col="r.registered_on"), "o.area_id"),
    "divorce_registrations": _count("marriage_registration r JOIN marriage_office o ON o.id = r.office_id",
                                    "r.kind = 'divorce' AND " + _IN_YEAR.format(col="r.registered_on"), "o.area_id"),
    "place_name_approvals": _count("placenames_namingapplication",
                                   "status = 'approved' AND " + _IN_YEAR.format(col="decided_on")),
    "towns_with_kangyuan_centre": _areas_having(
        "town", "SELECT 1 FROM rehab_centre c JOIN areas_area ca ON ca.id = c.area_id WHERE c.kind = 'kangyuan' "
        "AND c.opened_on <= %(on)s AND (c.closed_on IS NULL OR c.closed_on > %(on)s) AND ca.path LIKE a.path || '%%'"),
    "kangyuan_centres": _count("rehab_centre", "kind = 'kangyuan' AND opened_on <= %(on)s "
                               "AND (closed_on IS NULL OR closed_on > %(on)s)"),
    "vagrant_identified_discharged": _stays("").format(status=" AND s.status <> 'left'"),
    "vagrant_returned": _stays(" JOIN vagrancy_transfer t ON t.stay_id = s.id").format(
        status=" AND t.status = 'confirmed'"),
}


def baseline_params(year: int) -> dict:
    from django.conf import settings

    from minzheng.areas.models import Area, Level
    from minzheng.core.periods import born_on_or_before
    from minzheng.monitoring.rollup import as_of
    from minzheng.policy.rules import resolve
    from minzheng.socialwork.rules import target_groups

    on = as_of(year)
    province = Area.objects.filter(level=Level.PROVINCE).first()
    born = on.replace(year=on.year - 60, day=28 if (on.month, on.day) == (2, 29) else on.day)
    return {"on": on, "m": on.replace(day=1), "y0": dt.date(year, 1, 1), "y1": dt.date(year + 1, 1, 1),
            "born60": born, "grade": int(resolve(province, "severe_disability_grade", on=on).value),
            "year": year, "prev": year - 1, "py0": dt.date(year - 1, 1, 1), "pend": dt.date(year - 1, 12, 31),
            "born16": born_on_or_before(on, 16), "born18": born_on_or_before(on, 18),
            "c30": on - dt.timedelta(days=30), "c90": on - dt.timedelta(days=90),
            "groups": list(target_groups()), "tz": settings.TIME_ZONE}


def run_baseline(name: str, params: dict) -> tuple[float, dict]:
    """The hand-written statement for one element into a scratch table (as the engine writes its rows), timed;
    returns the time and the rows."""
    from django.db import connection, transaction

    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_element; "
                    "CREATE TABLE bench_element (area_id bigint, value numeric(20,4))")
        t = time.perf_counter()
        with transaction.atomic():
            cur.execute("INSERT INTO bench_element " + BASELINE[name], params)
        s = time.perf_counter() - t
        cur.execute("SELECT area_id, value FROM bench_element")
        rows = {a: v for a, v in cur.fetchall()}
        cur.execute("DROP TABLE bench_element")
    return s, rows


# --- timed parts ---------------------------------------------------------------------------------------------

def snapshot(year: int) -> dict:
    from minzheng.monitoring.models import IndicatorValue

    return {(i, a): rest for i, a, *rest in IndicatorValue.objects.filter(period=year).values_list(
        "indicator_id", "area_id", "numerator", "denominator", "value", "running_total", "expected", "holds",
        "source", "status", "detail")}


def day_of_changes(user, year: int, villages: int = 20, per_village: int = 50) -> int:
    """In each of `villages` villages (spread over the jurisdictions): `per_village` new persons (one transaction and
    one "person.create" audit row each) and 低保 for households of `per_village` existing persons (one transaction
    per household: case, an entitlement per member, the category; an "application.approve" audit row with the
    village's code). Returns the number of changed records."""
    from decimal import Decimal

    from django.db import transaction

    from minzheng.areas.models import Area, Level
    from minzheng.assistance.models import Case, Entitlement
    from minzheng.core import audit
    from minzheng.monitoring.rollup import as_of
    from minzheng.registry.models import Household, Membership, Person, PersonCategory

    month = as_of(year).replace(day=1)
    chosen = []
    for k, code in enumerate(JURISDICTIONS):
        vs = list(Area.objects.current().within(Area.objects.get(code=code)).filter(level=Level.VILLAGE)
                  .order_by("id"))
        step = max(len(vs) // (villages // len(JURISDICTIONS)), 1)
        chosen += vs[k::step][:villages // len(JURISDICTIONS)]
    changed = 0
    for v in chosen:
        for j in range(per_village):
            with transaction.atomic():
                p = Person.objects.create(
                    id_number=f"N{v.pk:08d}{j:09d}", name=f"新居民{j}", name_pinyin="xinjumin", name_initials="xjm",
                    sex="F" if j % 2 else "M", birth_date=dt.date(1950 + j, 3, 1), hukou_area=v, residence_area=v,
                    disability_category="physical" if j % 10 == 0 else "", disability_grade=2 if j % 10 == 0 else None)
                audit.record(actor=user, action="person.create", object_type="person", object_id=p.pk,
                             object_repr=p.name, area_code=v.code)
            changed += 1
        taken = 0
        households = (Household.objects.filter(area=v).exclude(id__in=Case.objects.filter(
            household__isnull=False, programme__in=("dibao", "low_income")).values("household_id")).order_by("id"))
        for h in households.iterator():
            if taken >= per_village:
                break
            with transaction.atomic():
                members = list(Membership.objects.filter(household=h, end_date__isnull=True)
                               .values_list("person_id", flat=True))
                case = Case.objects.create(programme="dibao", household=h, head_id=h.head_id, area=v,
                                           start_month=month, urban_rural="rural")
                Entitlement.objects.bulk_create([Entitlement(
                    case=case, person_id=pid, component="basic", monthly_amount=Decimal("450.00"), from_month=month,
                    rule_version="bench", explanation="基准：新增低保") for pid in members])
                PersonCategory.objects.bulk_create([PersonCategory(
                    person_id=pid, category="dibao", valid_from=month, note="基准") for pid in members])
                audit.record(actor=user, action="application.approve", object_type="application", object_id=case.pk,
                             object_repr=f"低保{case.pk}", area_code=v.code)
            taken += len(members)
            changed += len(members)
    return changed


def forget_day_of_changes() -> None:
    """--reuse: remove the persons and 低保 cases an earlier run's day of changes added (its audit rows stay,
    before the next run's changes_until)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("DELETE FROM assistance_entitlement WHERE explanation = '基准：新增低保'")
        cur.execute("DELETE FROM assistance_case c WHERE c.programme = 'dibao' AND NOT EXISTS "
                    "(SELECT 1 FROM assistance_entitlement e WHERE e.case_id = c.id)")
        cur.execute("DELETE FROM registry_personcategory WHERE note = '基准' AND valid_from > '2022-01-01'")
        cur.execute("DELETE FROM registry_person WHERE id_number LIKE 'N%%'")


def child(args) -> dict:
    setup_django()
    from django.db import connection, transaction

    from minzheng.accounts.models import User
    from minzheng.monitoring import rollup
    from minzheng.monitoring.models import ElementValue, Indicator, IndicatorValue
    from minzheng.registry.models import Person

    year, n = args.year, args.persons
    user = User.objects.get(username="bench")
    if not (args.reuse and Person.objects.filter(id_number__startswith="M").count() == n):
        t = time.perf_counter()
        make_data(n, year)
        load_s = time.perf_counter() - t
    else:
        load_s = 0.0
        forget_day_of_changes()
        eldercare_data(year)  # rewritten on every run (they truncate their own tables first)
        children_data(n, year)
        affairs_data(n, year)
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    # forget the results and changes of an earlier run (--reuse): the day's changes are added again below
    with connection.cursor() as cur:
        cur.execute("DELETE FROM monitoring_indicatorvalue; DELETE FROM monitoring_elementvalue; "
                    "DELETE FROM monitoring_rolluprun; DELETE FROM monitoring_reportedvalue")
    reported = reported_values(year, user)
    with connection.cursor() as cur:
        for table in ("monitoring_indicatorvalue", "monitoring_elementvalue", "monitoring_reportedvalue"):
            cur.execute(f"VACUUM ANALYZE {table}")
        cur.execute("CHECKPOINT")
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    t = time.perf_counter()
    rollup.rebuild(year, resume=False)
    full_s = time.perf_counter() - t
    rebuild_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    first = snapshot(year)
    t = time.perf_counter()
    rollup.rebuild(year, resume=False)
    full2_s = time.perf_counter() - t
    second = snapshot(year)
    same_rerun = {k: v[:-1] for k, v in first.items()} == {k: v[:-1] for k, v in second.items()}

    # per element: the engine's step against the hand-written statement
    params = baseline_params(year)
    needed = rollup.needed_elements()
    per_element, mismatched, empty = {}, [], []
    for name in needed:
        t = time.perf_counter()
        with transaction.atomic():
            rollup.count_element(name, year)
        ours = time.perf_counter() - t
        raw_s, raw_rows = run_baseline(name, params)
        mine = dict(ElementValue.objects.filter(element=name, period=year).values_list("area_id", "value"))
        if {a: v for a, v in raw_rows.items() if v} != {a: v for a, v in mine.items() if v}:
            mismatched.append(name)
        per_element[name] = (round(ours, 3), round(raw_s, 3), len(mine))
        if not any(mine.values()):
            empty.append(name)
    t = time.perf_counter()
    with transaction.atomic():
        rollup.compute_values(year)
    values_s = time.perf_counter() - t
    raw_total = sum(v[1] for v in per_element.values())
    elements_total = sum(v[0] for v in per_element.values())

    # a day's changes, then the incremental refresh; its rows against a full rebuild of the same data
    t = time.perf_counter()
    changed = day_of_changes(user, year)
    changes_s = time.perf_counter() - t
    with connection.cursor() as cur:
        cur.execute("CHECKPOINT")
    t = time.perf_counter()
    run = rollup.refresh(year)
    refresh_s = time.perf_counter() - t
    refreshed = snapshot(year)
    rollup.rebuild(year, resume=False)
    rebuilt = snapshot(year)
    diff = [k for k in rebuilt if refreshed.get(k, (None,))[:-1] != rebuilt[k][:-1]] + \
        [k for k in refreshed if k not in rebuilt]
    statuses = {}
    for s in IndicatorValue.objects.filter(period=year).values_list("status", flat=True):
        statuses[s or "（不评判）"] = statuses.get(s or "（不评判）", 0) + 1
    return {
        "persons": n, "year": year, "load_s": round(load_s, 1), "indicators": Indicator.objects.count(),
        "reported_values": reported, "indicator_values": len(first), "element_values": ElementValue.objects.filter(
            period=year).count(), "elements": len(needed),
        "full_rebuild_s": round(full_s, 2), "full_rebuild_again_s": round(full2_s, 2), "rerun_same_rows": same_rerun,
        "elements_s": round(elements_total, 2), "compute_values_s": round(values_s, 2),
        "raw_sql_elements_s": round(raw_total, 2),
        "ratio_full_to_raw": round(full_s / raw_total, 2) if raw_total else None,
        "ratio_elements_to_raw": round(elements_total / raw_total, 2) if raw_total else None,
        "per_element_ours_raw_rows": per_element, "element_rows_differ": mismatched,
        "elements_without_rows": empty,
        "day_changes": changed, "day_changes_write_s": round(changes_s, 1), "refresh_s": round(refresh_s, 3),
        "refresh_note": run.note, "refresh_differs_from_rebuild": len(diff), "statuses": statuses,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "rss_before_rollup_mb": round(base_rss / 1024), "rss_after_first_rebuild_mb": round(rebuild_rss / 1024),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--villages-per-town", type=int, default=12)
    parser.add_argument("--year", type=int, default=dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).year)  # Beijing
    parser.add_argument("--catalogue", help="a directory with indicators.csv, rules.csv and formulas.csv")
    parser.add_argument("--synthetic", action="store_true", help="the synthetic catalogue even when data/ has one")
    parser.add_argument("--reuse", action="store_true", help="keep the persons and records of an earlier run")
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args), ensure_ascii=False, default=str))
        return
    setup_django()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("请设置 DATABASE_URL=postgres://… —— 本基准针对 PostgreSQL")
    cat_dir, label = catalogue_dir(args)
    print(f"monitoring: catalogue = {label}", flush=True)
    if not (args.reuse and "monitoring_indicatorvalue" in connection.introspection.table_names()):
        prepare_db(args.villages_per_town, cat_dir)
    else:
        from minzheng.monitoring import catalogue

        with connection.cursor() as cur:
            cur.execute("DELETE FROM monitoring_reportedvalue")
        catalogue.load(directory=cat_dir)
    if cat_dir.name.startswith("mbench_cat_"):
        shutil.rmtree(cat_dir, ignore_errors=True)
    connection.close()
    cmd = [sys.executable, __file__, "--child", "--persons", str(args.persons), "--year", str(args.year)]
    out = subprocess.check_output(cmd + (["--reuse"] if args.reuse else []))
    result = json.loads(out.decode().strip().splitlines()[-1])
    per = result.pop("per_element_ours_raw_rows")
    print("monitoring:", json.dumps(result, ensure_ascii=False), flush=True)
    print(f"{'element':32} {'ours s':>8} {'raw s':>8} {'rows':>6}")
    for name, (ours, raw, rows) in per.items():
        print(f"{name:32} {ours:8.3f} {raw:8.3f} {rows:6d}")
    # every element must have data, and its rows must be the hand-written statement's
    if result["elements_without_rows"]:
        sys.exit(f"monitoring: elements without rows: {', '.join(result['elements_without_rows'])}")
    if result["element_rows_differ"]:
        sys.exit(f"monitoring: element rows differ from the raw SQL: {', '.join(result['element_rows_differ'])}")


if __name__ == "__main__":
    main()
