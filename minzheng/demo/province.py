"""Province demo (issue 17 item 6): all 21 cities of 广东 (codes from data/batch/guangdong_cities.csv, GB/T 2260)
with `persons` synthetic persons in two-person households spread evenly over the cities' villages, each household
a 低保 case, and planted cases for the province checks — found again by minzheng/batch on either engine:
- two_cities: every TWO_CITIES-th household's head also has a 低保 case in the next city;
- deceased: every DECEASED-th person died before the month and is still paid;
- excluded: every EXCLUDED-th household's head also receives 特困 basic living (excludes 低保);
- shared_account: every SHARED-th person is paid into the account of a person of another household.
Cities without reference areas get one generated county and town (marked 演示生成). Everything is set-based SQL
(generate_series on PostgreSQL, a recursive CTE on SQLite), so millions of persons take minutes, not hours.
Identity numbers are synthetic ('S' + 17 digits), never valid GB 11643 numbers, so none can be mistaken for a
real person's.
"""

import csv
import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from minzheng.areas.models import Area, CodeSource, Level
from minzheng.areas.services import area_create, generate_villages

CITIES_CSV = settings.DATA_DIR / "batch" / "guangdong_cities.csv"
# Planting periods: primes, so the planted sets rarely overlap and every size ≥ a few thousand has each kind.
TWO_CITIES, DECEASED, EXCLUDED, SHARED = 997, 1999, 1009, 2003
VILLAGES_PER_CITY = 8
SINCE = dt.date(2024, 1, 1)  # cases start; a month from then on is checked
DIED = dt.date(2023, 12, 15)


@dataclass
class Planted:
    two_cities: set[int]
    deceased: set[int]
    excluded: set[int]
    shared_account: set[int]


def cities() -> list[dict]:
    with open(CITIES_CSV, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def ensure_cities() -> list[Area]:
    """The 21 cities under 广东省, each with at least VILLAGES_PER_CITY current villages; returns the villages."""
    on = timezone.localdate()
    province = Area.objects.current(on).get(code="440000")
    villages: list[Area] = []
    for row in cities():
        city = Area.objects.current(on).filter(code=row["code"], level=Level.CITY).first()
        if city is None:
            city = area_create(actor=None, code=row["code"], name=row["name"], level=Level.CITY, parent=province,
                               code_source=CodeSource.GB2260, valid_from=province.valid_from,
                               note=row["citation"], audited=False)
        towns = list(Area.objects.current(on).within(city).filter(level=Level.TOWN).order_by("code")[:1])
        if not towns:
            county = area_create(actor=None, code=f"{row['code']}D01", name=f"{row['name']}演示县区",
                                 level=Level.COUNTY, parent=city, code_source=CodeSource.GENERATED,
                                 valid_from=city.valid_from, note="演示数据生成，非真实区划", audited=False)
            towns = [area_create(actor=None, code=f"{row['code']}D01T01", name=f"{row['name']}演示镇",
                                 level=Level.TOWN, parent=county, code_source=CodeSource.GENERATED,
                                 valid_from=city.valid_from, note="演示数据生成，非真实区划", audited=False)]
        own = list(Area.objects.current(on).within(city).filter(level=Level.VILLAGE).order_by("code")
                   [:VILLAGES_PER_CITY])
        if len(own) < VILLAGES_PER_CITY:
            generate_villages(town=towns[0], count=VILLAGES_PER_CITY)
            own = list(Area.objects.current(on).within(city).filter(level=Level.VILLAGE).order_by("code")
                       [:VILLAGES_PER_CITY])
        villages.extend(own)
    return villages


def _series(n: int) -> str:
    if connection.vendor == "postgresql":
        return f"(SELECT i FROM generate_series(1, {int(n)}) i) s"
    return f"(WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < {int(n)}) SELECT i FROM r) s"


def _pad(expr: str) -> str:
    if connection.vendor == "postgresql":
        return f"lpad(CAST({expr} AS TEXT), 17, '0')"
    return f"printf('%%017d', {expr})"


def generate_province(*, persons: int) -> Planted:
    """Add `persons` (even) synthetic persons to the province (ids after the existing ones) and return the person ids
    planted for each check."""
    n = persons - persons % 2
    villages = ensure_cities()
    nv = len(villages)
    now = timezone.now()
    p = {"now": connection.ops.adapt_datetimefield_value(now), "since": SINCE, "died": DIED}
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM registry_person")
        before = cur.fetchone()[0]
        cur.execute("CREATE TEMPORARY TABLE mz_prov_villages (k integer PRIMARY KEY, id bigint)")
        cur.executemany("INSERT INTO mz_prov_villages VALUES (%s, %s)", [(k, v.pk) for k, v in enumerate(villages)])
        # Person i (1-based in this run) is in household (i + 1) / 2; the household's village walks the cities.
        # The shared-account plant pays person i into person i + 2's account (the next household).
        acct = f"'62' || {_pad(f'CASE WHEN s.i %% {SHARED} = 500 THEN s.i + 2 ELSE s.i END + {before}')}"
        cur.execute(f"""
            INSERT INTO registry_person (id_number, name, name_pinyin, name_initials, sex, birth_date, hukou_area_id,
                residence_area_id, address, phone, disability_category, disability_grade, bank_name, bank_account,
                death_date, created_at, updated_at)
            SELECT 'S' || {_pad(f's.i + {before}')}, '省演示' || CAST(s.i AS TEXT), 'shengyanshi', 'sys',
                   CASE WHEN s.i %% 2 = 0 THEN 'F' ELSE 'M' END, %(since)s, v.id, v.id, '', '', '', NULL,
                   '演示银行', {acct}, CASE WHEN s.i %% {DECEASED} = 1 THEN %(died)s END, %(now)s, %(now)s
            FROM {_series(n)} JOIN mz_prov_villages v ON v.k = ((s.i + 1) / 2) %% {nv}
            ORDER BY s.i
        """, p)
        # Person i of this run has id base + i: one INSERT in i order draws the ids in that order (checked).
        cur.execute(f"SELECT MIN(id) - 1, MAX(id) FROM registry_person WHERE id > {before}")
        base, last = cur.fetchone()
        if last - base != n:
            raise RuntimeError("province demo: person ids are not contiguous")
        cur.execute(f"""
            INSERT INTO registry_household (number, area_id, address, head_id, created_at)
            SELECT 'SH' || CAST(pp.id AS TEXT), pp.residence_area_id, '', pp.id, %(now)s FROM registry_person pp
            WHERE pp.id > {base} AND (pp.id - {base}) %% 2 = 1 ORDER BY pp.id
        """, p)
        cur.execute(f"""
            INSERT INTO registry_membership (household_id, person_id, relation, start_date, end_reason)
            SELECT h.id, pp.id, CASE WHEN pp.id = h.head_id THEN 'head' ELSE 'spouse' END, %(since)s, ''
            FROM registry_person pp JOIN registry_household h ON h.head_id = pp.id - (1 - (pp.id - {base}) %% 2)
            WHERE pp.id > {base}
        """, p)
        cur.execute(f"""
            INSERT INTO assistance_case (programme, household_id, head_id, area_id, status, start_month,
                                         urban_rural, created_at)
            SELECT 'dibao', h.id, h.head_id, h.area_id, 'active', %(since)s, 'rural', %(now)s
            FROM registry_household h WHERE h.head_id > {base}
        """, p)
        cur.execute(f"""
            INSERT INTO assistance_entitlement (case_id, person_id, component, monthly_amount, from_month, to_month,
                                                rule_version, explanation, deducted, created_at)
            SELECT c.id, m.person_id, 'basic', 300 + (m.person_id %% 7) * 50, %(since)s, NULL, 'demo', '演示数据', 0,
                   %(now)s
            FROM assistance_case c JOIN registry_membership m ON m.household_id = c.household_id
            WHERE c.head_id > {base}
        """, p)
        # Planted second cases: a 低保 case in the next city's village (the village list walks the cities in
        # blocks of VILLAGES_PER_CITY), and a 特困 case in the same village.
        hh = f"((c.head_id - {base}) + 1) / 2"
        cur.execute(f"""
            INSERT INTO assistance_case (programme, household_id, head_id, area_id, status, start_month,
                                         urban_rural, created_at)
            SELECT 'dibao', NULL, c.head_id, v2.id, 'active', %(since)s, 'rural', %(now)s
            FROM assistance_case c
            JOIN mz_prov_villages v2 ON v2.k = ({hh} %% {nv} + {VILLAGES_PER_CITY}) %% {nv}
            WHERE c.head_id > {base} AND c.household_id IS NOT NULL AND {hh} %% {TWO_CITIES} = 5
        """, p)
        cur.execute(f"""
            INSERT INTO assistance_case (programme, household_id, head_id, area_id, status, start_month,
                                         urban_rural, created_at)
            SELECT 'tekun', NULL, c.head_id, c.area_id, 'active', %(since)s, 'rural', %(now)s
            FROM assistance_case c
            WHERE c.head_id > {base} AND c.household_id IS NOT NULL AND c.programme = 'dibao' AND {hh} %% {EXCLUDED} = 3
        """, p)
        cur.execute(f"""
            INSERT INTO assistance_entitlement (case_id, person_id, component, monthly_amount, from_month, to_month,
                                                rule_version, explanation, deducted, created_at)
            SELECT c.id, c.head_id, 'basic', CASE WHEN c.programme = 'tekun' THEN 1440 ELSE 500 END, %(since)s, NULL,
                   'demo', '演示数据', 0, %(now)s
            FROM assistance_case c WHERE c.head_id > {base} AND c.household_id IS NULL
        """, p)
        cur.execute("DROP TABLE mz_prov_villages")
        if connection.vendor == "postgresql":
            cur.execute("ANALYZE")

    def ids(where: str) -> set[int]:
        with connection.cursor() as cur:
            cur.execute(f"SELECT {base} + s.i FROM {_series(n)} WHERE {where}")
            return {r[0] for r in cur.fetchall()}
    return Planted(
        two_cities=ids(f"s.i % 2 = 1 AND ((s.i + 1) / 2) % {TWO_CITIES} = 5"),
        deceased=ids(f"s.i % {DECEASED} = 1"),
        excluded=ids(f"s.i % 2 = 1 AND ((s.i + 1) / 2) % {EXCLUDED} = 3"),
        shared_account=ids(f"s.i % {SHARED} = 500 OR (s.i > 2 AND (s.i - 2) % {SHARED} = 500)"),
    )


# Department feeds for the province 核对 (job a): (source, nature, type_code, which persons, amount, monthly amount,
# event date). Persons are picked by id so every size has each kind; amounts vary by id. The two wage sources
# overlap (the higher counts); 城乡居民基础养老金 is disregarded by policy; deposits are assets; a few deaths.
FEEDS = [
    ("hrss_wage", "income", "'wage'", "p.id %% 3 = 0", "NULL", "800 + (p.id %% 13) * 100", "NULL"),
    ("tax_income", "income", "'wage'", "p.id %% 6 = 0", "NULL", "700 + (p.id %% 17) * 100", "NULL"),
    ("hrss_pension", "income", "CASE WHEN p.id %% 2 = 0 THEN 'pension' ELSE 'resident_pension_basic' END",
     "p.id %% 5 = 1", "NULL", "150 + (p.id %% 11) * 37.5", "NULL"),
    ("bank_deposit", "asset", "'money'", "p.id %% 4 = 2", "(p.id %% 29) * 1000 + 0.5", "NULL", "NULL"),
    ("police_death", "status", "'death'", "p.id %% 4001 = 7", "NULL", "NULL", "%(died)s"),
]


def generate_feeds(*, actor, as_of: dt.date) -> int:
    """One department batch per feed, dated `as_of`, with records for the province demo's persons; returns rows."""
    from minzheng.verification.adapters import sources
    from minzheng.verification.models import DepartmentBatch

    layouts = sources()
    province = Area.objects.current().get(code="440000")
    total = 0
    with transaction.atomic():
        for code, nature, type_code, which, amount, monthly, event in FEEDS:
            layout = layouts[code]
            batch = DepartmentBatch.objects.create(
                source=code, source_name=layout.name, department=layout.department, provider="", as_of=as_of,
                period="", channel=DepartmentBatch.Channel.API, area=province, created_by=actor)
            with connection.cursor() as cur:
                cur.execute(f"""
                    INSERT INTO verification_departmentrecord (batch_id, source, as_of, provider, person_id, row_number,
                        name_in_source, nature, type_code, item, amount, monthly_amount, event_date, detail)
                    SELECT %(batch)s, %(source)s, %(as_of)s, '', p.id, p.id, p.name, %(nature)s, {type_code}, '',
                           {amount}, {monthly}, {event}, ''
                    FROM registry_person p WHERE p.id_number LIKE 'S%%' AND {which}
                """, {"batch": batch.pk, "source": code, "as_of": as_of, "nature": nature, "died": DIED})
                total += cur.rowcount
                batch.total_rows = batch.matched_rows = cur.rowcount
                batch.save(update_fields=["total_rows", "matched_rows"])
    return total
