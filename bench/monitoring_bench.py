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
}


def baseline_params(year: int) -> dict:
    from minzheng.areas.models import Area, Level
    from minzheng.monitoring.rollup import as_of
    from minzheng.policy.rules import resolve

    on = as_of(year)
    province = Area.objects.filter(level=Level.PROVINCE).first()
    born = on.replace(year=on.year - 60, day=28 if (on.month, on.day) == (2, 29) else on.day)
    return {"on": on, "m": on.replace(day=1), "y0": dt.date(year, 1, 1), "y1": dt.date(year + 1, 1, 1),
            "born60": born, "grade": int(resolve(province, "severe_disability_grade", on=on).value)}


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
        eldercare_data(year)  # rewritten on every run (it truncates its own tables first)
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
    per_element, mismatched = {}, []
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


if __name__ == "__main__":
    main()
