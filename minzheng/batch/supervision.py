"""Job (b) 跨市资金监管: over every city's money in force in one month —
- two_cities: a person paid by two or more cities (跨区域重复享受), a row per paying city, filed under its county;
- excluded_programmes: a person paid by two programmes that exclude each other (data/policy/exclusions.csv, each
  pair with its citation; a component restricts the pair to that component, e.g. 特困 basic living);
- deceased: a person who died before the month and is still paid;
- shared_account: one bank account paying persons of more than one household (一卡多人).

"Paid" is what the month's rosters pay: entitlements in force of cases in force, to the payee's own account or else
the case head's (payroll.services._REGULAR_SQL), so the check can run before the rosters exist. A person's
household is their current membership (the smallest household id if the registry holds two); a person without
one is a household of their own.
"""

import csv
import datetime as dt

from django.conf import settings

from minzheng.payroll.labels import programme_label

from .engines import JobSpec, Row, Snapshot, SparkRun, run_sql

EXCLUSIONS_CSV = settings.DATA_DIR / "policy" / "exclusions.csv"

RULES = {
    "two_cities": "跨市重复享受",
    "excluded_programmes": "互斥项目同时享受",
    "deceased": "死亡仍发放",
    "shared_account": "一卡多人",
}

# Area → its city and the office that pays there (its county, or the city for a case filed at the city itself), few
# thousand areas joined by hash to the entitlements. A finding is filed under the paying office: the county that
# approved the case is the one that can check it and stop the money.
_AREA_CITY = ("SELECT a.id AS area_id, city.code AS city_code, COALESCE(county.code, city.code) AS office_code "
              "FROM areas_area a JOIN areas_area city ON city.level = 'city' AND a.path LIKE city.path || '%%' "
              "LEFT JOIN areas_area county ON county.level = 'county' AND a.path LIKE county.path || '%%'")
_PAYMENTS = f"""
SELECT e.person_id AS person_id, c.programme AS programme, e.component AS component, ac.city_code AS city_code,
       ac.office_code AS office_code,
       CASE WHEN p.bank_account <> '' THEN p.bank_account ELSE h.bank_account END AS bank_account,
       COALESCE(hm.household_id, -e.person_id) AS household_key, p.death_date AS death_date
FROM assistance_entitlement e
JOIN assistance_case c ON c.id = e.case_id
JOIN registry_person p ON p.id = e.person_id
JOIN registry_person h ON h.id = c.head_id
JOIN ({_AREA_CITY}) ac ON ac.area_id = c.area_id
LEFT JOIN (SELECT person_id, MIN(household_id) AS household_id FROM registry_membership
           WHERE end_date IS NULL GROUP BY person_id) hm ON hm.person_id = e.person_id
WHERE c.status = 'active' AND c.start_month <= %(month)s AND (c.end_month IS NULL OR c.end_month >= %(month)s)
  AND e.from_month <= %(month)s AND (e.to_month IS NULL OR e.to_month > %(month)s)
"""
PAYMENTS = Snapshot("payments", _PAYMENTS, (
    ("person_id", "int64"), ("programme", "string"), ("component", "string"), ("city_code", "string"),
    ("office_code", "string"),
    ("bank_account", "string"), ("household_key", "int64"), ("death_date", "date32"),
))


def exclusion_pairs() -> list[tuple[str, str, str, str, str]]:
    """(programme_a, component_a, programme_b, component_b, citation) from the data file."""
    with open(EXCLUSIONS_CSV, encoding="utf-8") as f:
        return [(r["programme_a"], r["component_a"], r["programme_b"], r["component_b"], r["citation"])
                for r in csv.DictReader(f)]


def pair_label(a: str, ca: str, b: str, cb: str) -> str:
    return f"{a}{'.' + ca if ca else ''}+{b}{'.' + cb if cb else ''}"


def spec(month: dt.date) -> JobSpec:
    return JobSpec("supervision", [PAYMENTS], {"month": month})


def run_embedded(month: dt.date) -> list[Row]:
    s = spec(month)
    bodies: list[tuple[str, dict]] = [
        # one row per paying city, so each city's bureau sees and checks its own payment
        ("SELECT 'two_cities', CAST(p.person_id AS TEXT) || ':' || p.city_code, p.person_id, MIN(p.office_code), "
         "MIN(t.v) FROM payments p JOIN (SELECT person_id, MIN(city_code) || ',' || MAX(city_code) || '/' || "
         "CAST(COUNT(DISTINCT city_code) AS TEXT) AS v FROM payments GROUP BY person_id "
         "HAVING COUNT(DISTINCT city_code) > 1) t ON t.person_id = p.person_id GROUP BY p.person_id, p.city_code", {}),
        ("SELECT 'deceased', CAST(person_id AS TEXT), person_id, MIN(office_code), CAST(MIN(death_date) AS TEXT) "
         "FROM payments WHERE death_date IS NOT NULL AND death_date < %(month)s GROUP BY person_id", {}),
        ("SELECT 'shared_account', pay.bank_account || ':' || CAST(pay.person_id AS TEXT), pay.person_id, "
         "MIN(pay.office_code), CAST(MIN(sa.n) AS TEXT) FROM payments pay JOIN (SELECT bank_account, "
         "COUNT(DISTINCT person_id) AS n FROM payments WHERE bank_account <> '' GROUP BY bank_account "
         "HAVING COUNT(DISTINCT household_key) > 1) sa ON sa.bank_account = pay.bank_account "
         "GROUP BY pay.bank_account, pay.person_id", {}),
    ]
    for i, (a, ca, b, cb, _) in enumerate(exclusion_pairs()):
        def side(p: str, c: str, k: str, i: int = i) -> str:
            return f"programme = %({k}p{i})s" + (f" AND component = %({k}c{i})s" if c else "")
        bodies.append((
            f"SELECT 'excluded_programmes', CAST(person_id AS TEXT) || ':' || %(lbl{i})s, person_id, MIN(office_code), "
            f"%(lbl{i})s FROM payments GROUP BY person_id "
            f"HAVING SUM(CASE WHEN {side(a, ca, 'a')} THEN 1 ELSE 0 END) > 0 "
            f"AND SUM(CASE WHEN {side(b, cb, 'b')} THEN 1 ELSE 0 END) > 0",
            {f"ap{i}": a, f"ac{i}": ca, f"bp{i}": b, f"bc{i}": cb, f"lbl{i}": pair_label(a, ca, b, cb)}))
    return run_sql(s, bodies)


def run_spark(month: dt.date, master: str | None = None) -> list[Row]:
    from pyspark.sql import functions as F

    with SparkRun(spec(month), master) as run:
        pay = run.tables["payments"].cache()
        pid = F.col("person_id").cast("string")
        many = (pay.groupBy("person_id")
                .agg(F.min("city_code").alias("lo"), F.max("city_code").alias("hi"),
                     F.countDistinct("city_code").alias("n"))
                .where("n > 1")
                .select("person_id", F.concat("lo", F.lit(","), "hi", F.lit("/"), F.col("n").cast("string"))
                        .alias("v")))
        two = (pay.join(many, "person_id").groupBy("person_id", "city_code")
               .agg(F.min("office_code").alias("o"), F.min("v").alias("v"))
               .select(F.lit("two_cities"), F.concat(pid, F.lit(":"), "city_code"), "person_id", "o", "v"))
        dead = (pay.where(F.col("death_date").isNotNull() & (F.col("death_date") < F.lit(month)))
                .groupBy("person_id").agg(F.min("office_code").alias("c"), F.min("death_date").alias("d"))
                .select(F.lit("deceased"), pid, "person_id", "c", F.col("d").cast("string")))
        accounts = (pay.where(F.col("bank_account") != "").groupBy("bank_account")
                    .agg(F.countDistinct("person_id").alias("n"), F.countDistinct("household_key").alias("h"))
                    .where("h > 1"))
        shared = (pay.join(accounts, "bank_account").groupBy("bank_account", "person_id")
                  .agg(F.min("office_code").alias("o"), F.min("n").alias("n"))
                  .select(F.lit("shared_account"), F.concat("bank_account", F.lit(":"), pid), "person_id", "o",
                          F.col("n").cast("string")))
        frames = [two, dead, shared]
        for a, ca, b, cb, _ in exclusion_pairs():
            def side(p: str, c: str):
                cond = F.col("programme") == p
                return cond & (F.col("component") == c) if c else cond
            label = pair_label(a, ca, b, cb)
            frames.append(
                pay.groupBy("person_id")
                .agg(F.sum(F.when(side(a, ca), 1).otherwise(0)).alias("x"),
                     F.sum(F.when(side(b, cb), 1).otherwise(0)).alias("y"), F.min("office_code").alias("c"))
                .where("x > 0 AND y > 0")
                .select(F.lit("excluded_programmes"), F.concat(pid, F.lit(":" + label)), "person_id", "c",
                        F.lit(label)))
        rows = run.collect(*frames)
        pay.unpersist()
        return rows


def describe(row: Row, names: dict[int, str], cities: dict[str, str]) -> str:
    """The finding in Chinese for the list page (the person by name; an account by its last four digits)."""
    who = names.get(row.person_id or 0, "")
    if row.rule == "two_cities":
        codes, n = row.value.split("/")
        lo, hi = codes.split(",")
        return f"{who}本月在{cities.get(lo, lo)}、{cities.get(hi, hi)}等{n}个市均有在保救助金额"
    if row.rule == "deceased":
        return f"{who}已于{row.value}死亡，本月仍在发放"
    if row.rule == "shared_account":
        account = row.subject.rsplit(":", 1)[0]
        return f"银行账号尾号{account[-4:]}本月为{row.value}人收款（不属于同一家庭），含{who}"
    for a, ca, b, cb, citation in exclusion_pairs():
        if pair_label(a, ca, b, cb) == row.value:
            return (f"{who}本月同时享受{programme_label(a)}和{programme_label(b)}，两者不得同时享受"
                    f"（依据：{citation}）")[:300]
    return f"{who}本月同时享受互斥的两个项目"
