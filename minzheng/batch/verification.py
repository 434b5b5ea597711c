"""Job (a) 全省核对: every household of an assistance case in force, checked against the department feeds on the
job's date (the 1st of the period) with minzheng/verification's rules.

Steps 1-2 (members dead on the date and their figures left out; per person, source and provider the latest batch
still valid; income disregards per area; the higher source of an overlap group; asset sums and counts per class)
are the set work: the embedded engine runs verification.selectors.household_totals in this database, the Spark
engine computes the same totals from Parquet snapshots of memberships, department records and the rules. Steps 3-5
(刚性支出, standard, asset limits) are then the same Python for both: verification.services.settle_totals.
"""

import datetime as dt
from decimal import Decimal

from minzheng.areas.models import Area
from minzheng.core.errors import DomainError
from minzheng.core.money import fen
from minzheng.verification.adapters import sources
from minzheng.verification.assess import ASSET_CLASSES, Policy, PolicyCache, urban_rural
from minzheng.verification.models import Conclusion, Nature
from minzheng.verification.selectors import HouseholdTotals
from minzheng.verification.services import settle_totals, verify_many

from .engines import JobSpec, Row, Snapshot, SparkRun, normalise, rows_snapshot

CHUNK = 20_000
_CURRENT = "ms.start_date <= %(on)s AND (ms.end_date IS NULL OR ms.end_date > %(on)s)"
_CASES = ("SELECT DISTINCT c.household_id FROM assistance_case c WHERE c.household_id IS NOT NULL "
          "AND c.status = 'active' AND c.start_month <= %(on)s AND (c.end_month IS NULL OR c.end_month >= %(on)s)")
MEMBERS = Snapshot("members", (
    "SELECT ms.household_id, ms.person_id, h.area_id, p.death_date FROM registry_membership ms "
    "JOIN registry_household h ON h.id = ms.household_id JOIN registry_person p ON p.id = ms.person_id "
    f"WHERE {_CURRENT} AND ms.household_id IN ({_CASES})"),
    (("household_id", "int64"), ("person_id", "int64"), ("area_id", "int64"), ("death_date", "date32")))
RECORDS = Snapshot("records", (
    "SELECT r.person_id, r.source, r.provider, r.type_code, CAST(ROUND(r.amount * 100) AS BIGINT) AS amount_fen, "
    "CAST(ROUND(r.monthly_amount * 100) AS BIGINT) AS monthly_fen, r.event_date, r.as_of, r.batch_id "
    "FROM verification_departmentrecord r WHERE r.as_of <= %(on)s AND r.person_id IN "
    f"(SELECT ms.person_id FROM registry_membership ms WHERE {_CURRENT} AND ms.household_id IN ({_CASES}))"),
    (("person_id", "int64"), ("source", "string"), ("provider", "string"), ("type_code", "string"),
     ("amount_fen", "int64"), ("monthly_fen", "int64"), ("event_date", "date32"), ("as_of", "date32"),
     ("batch_id", "int64")))
RIGID = Snapshot("rigid", (
    "SELECT DISTINCT e.household_id FROM verification_rigidexpense e WHERE e.valid_from <= %(on)s "
    "AND (e.valid_to IS NULL OR e.valid_to >= %(on)s)"), (("household_id", "int64"),))


def households(on: dt.date) -> list[int]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(_CASES + " ORDER BY 1", {"on": on})
        return [h for (h,) in cur.fetchall()]


def _row(hid: int, a, codes: dict[int, str], area_of: dict[int, int]) -> tuple:
    return ("assessment", str(hid), None, codes.get(area_of.get(hid, 0), ""),
            f"{a.member_count}/{fen(a.household_income)}/{fen(a.per_capita_income)}/{fen(a.money_assets)}/"
            f"{a.conclusion}")  # to the fen: PostgreSQL's 0 and Spark's 0.00 are one figure


def _area_maps(on: dt.date, ids: list[int]) -> tuple[dict[int, str], dict[int, int]]:
    from minzheng.registry.models import Household

    area_of = dict(Household.objects.filter(pk__in=ids).values_list("pk", "area_id")) if ids else {}
    codes = dict(Area.objects.filter(pk__in=set(area_of.values())).values_list("pk", "code"))
    return codes, area_of


def covered(on: dt.date) -> tuple[list[int], dict[int, Policy], dict[int, str], dict[int, int]]:
    """The households to check: those of cases in force whose area has a 低保 standard on the date (an area without
    one cannot be checked; the run's message counts them). Returns (ids, policies, area codes, household → area)."""
    ids = households(on)
    codes, area_of = _area_maps(on, ids)
    cache, policies = PolicyCache(on), {}
    for area in Area.objects.filter(pk__in=set(area_of.values())):
        try:
            policies[area.pk] = cache.get(area, urban_rural(area))
        except DomainError:
            continue
    return [h for h in ids if area_of[h] in policies], policies, codes, area_of


def run_embedded(period: dt.date) -> list[Row]:
    ids, _, codes, area_of = covered(period)
    return normalise(_row(h, a, codes, area_of) for h, a in verify_many(ids, period, chunk=CHUNK))


def spec(on: dt.date, policies: dict) -> JobSpec:
    s = JobSpec("verification", [MEMBERS, RECORDS, RIGID], {"on": on})
    kinds = []
    for code, layout in sources().items():
        if layout.type == "death":
            kind = "death"
        elif layout.nature == Nature.ASSET:
            kind = "asset"
        elif layout.nature == Nature.INCOME:
            kind = f"group:{layout.overlap_group}" if layout.overlap_group else "plain"
        else:
            continue
        kinds.append((code, kind, on - dt.timedelta(days=layout.validity_days)))
    s.snapshots.append(rows_snapshot(s, "kinds", (("source", "string"), ("kind", "string"),
                                                  ("valid_after", "date32")), kinds))
    keep = [(area_id, t, int((Decimal(100) - min(share, Decimal(100))) * 100))
            for area_id, p in policies.items() for t, share in p.disregard_shares.items() if share > 0]
    s.snapshots.append(rows_snapshot(s, "disregards", (("area_id", "int64"), ("type_code", "string"),
                                                       ("keep_bp", "int64")), keep))
    return s


def run_spark(period: dt.date, master: str | None = None) -> list[Row]:
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    ids, policies, codes, area_of = covered(period)
    if not ids:
        return []
    with SparkRun(spec(period, policies), master) as run:
        t = run.tables
        m = t["members"].withColumn("dead_m", F.col("death_date").isNotNull() & (F.col("death_date") <= F.lit(period)))
        w = Window.partitionBy("person_id", "source", "provider").orderBy(F.col("as_of").desc(),
                                                                          F.col("batch_id").desc())
        recs = (t["records"].join(t["kinds"], "source").where(F.col("as_of") > F.col("valid_after"))
                .withColumn("rk", F.rank().over(w)).where("rk = 1")
                .join(m.select("person_id", "area_id"), "person_id")
                .join(t["disregards"], ["area_id", "type_code"], "left")
                .withColumn("counted", F.when(F.col("keep_bp").isNull(), F.col("monthly_fen")).otherwise(
                    F.round(F.col("monthly_fen").cast("decimal(20,0)") * F.col("keep_bp") / 10000, 0)
                    .cast("long"))))
        plain = (recs.where("kind = 'plain'").groupBy("person_id").agg(F.sum("counted").alias("plain")))
        grouped = (recs.where(F.col("kind").startswith("group:")).groupBy("person_id", "kind", "source")
                   .agg(F.coalesce(F.sum("counted"), F.lit(0)).alias("s"))
                   .groupBy("person_id", "kind").agg(F.max("s").alias("g"))
                   .groupBy("person_id").agg(F.sum("g").alias("groups")))
        dead_r = (recs.where((F.col("kind") == "death") & (F.col("event_date") <= F.lit(period)))
                  .select("person_id").distinct().withColumn("dead_r", F.lit(True)))
        asset_aggs = []
        for i, cls in enumerate(ASSET_CLASSES):
            hit = (F.col("kind") == "asset") & (F.col("type_code") == cls)
            asset_aggs += [F.sum(F.when(hit, F.col("amount_fen"))).alias(f"at{i}"),
                           F.sum(F.when(hit, 1).otherwise(0)).alias(f"an{i}")]
        assets = recs.groupBy("person_id").agg(*asset_aggs)
        pp = (m.join(plain, "person_id", "left").join(grouped, "person_id", "left").join(dead_r, "person_id", "left")
              .join(assets, "person_id", "left")
              .withColumn("dead", F.col("dead_m") | F.coalesce(F.col("dead_r"), F.lit(False)))
              .withColumn("income", F.coalesce(F.col("plain"), F.lit(0)) + F.coalesce(F.col("groups"), F.lit(0))))
        living = ~F.col("dead")
        sums = []
        for i in range(len(ASSET_CLASSES)):
            sums += [F.coalesce(F.sum(F.when(living, F.col(f"at{i}"))), F.lit(0)).alias(f"st{i}"),
                     F.coalesce(F.sum(F.when(living, F.col(f"an{i}"))), F.lit(0)).alias(f"sn{i}")]
        hh = (pp.groupBy("household_id")
              .agg(F.min("area_id").alias("area_id"), F.count("*").alias("members"),
                   F.collect_list(F.when(living, F.struct("person_id", "income"))).alias("living"),
                   F.collect_list(F.when(F.col("dead"), F.col("person_id"))).alias("deceased"), *sums)
              .join(t["rigid"].withColumn("has_rigid", F.lit(True)), "household_id", "left"))
        cent = Decimal("0.01")

        def blocks():
            block = []
            for r in hh.toLocalIterator():
                if r["area_id"] not in policies:
                    continue  # no 低保 standard there: left out, as by the embedded engine
                block.append(HouseholdTotals(
                    household_id=r["household_id"], area_id=r["area_id"], members=r["members"],
                    living=sorted((int(x["person_id"]), Decimal(int(x["income"])) * cent) for x in r["living"]),
                    deceased=sorted(int(x) for x in r["deceased"]),
                    asset_totals={c: Decimal(int(r[f"st{i}"])) * cent for i, c in enumerate(ASSET_CLASSES)},
                    asset_counts={c: int(r[f"sn{i}"]) for i, c in enumerate(ASSET_CLASSES)},
                    has_rigid=bool(r["has_rigid"])))
                if len(block) >= CHUNK:
                    yield block
                    block = []
            if block:
                yield block
        return normalise(_row(h, a, codes, area_of) for h, a in settle_totals(blocks(), period, policies))


def describe(row: Row, names: dict[int, str], cities: dict[str, str]) -> str:
    members, income, per_capita, money, conclusion = row.value.split("/")
    label = dict(Conclusion.choices).get(conclusion, conclusion)
    return f"在世成员{members}人，家庭月收入{income}元，人均{per_capita}元，货币财产{money}元：{label}"
