"""Job (c) 规划监测 roll-up: for every indicator with a data-element formula and every area inside its plan area,
the numerator and denominator as sums of the element values of all areas below (ratio of sums, DHIS2-style), and
value = numerator × factor ÷ denominator rounded to 0.0001 — or, for a count (a formula with no denominator),
numerator × factor — the computed part of monitoring.rollup._value_rows.
Element values are those of the year's roll-up (monitoring.rollup.count_element); indicators whose formula uses a
policy standard, reported figures and target progress stay with monitoring.rollup (per-row rules, not set work).
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from minzheng.monitoring import elements
from minzheng.monitoring.models import Formula, Indicator
from minzheng.monitoring.rollup import as_of, formula_for, unit_scale

from .engines import JobSpec, Row, Snapshot, SparkRun, normalise, raw_sql, rows_snapshot

MICRO = 10_000  # element values carried as integers of 0.0001 so both engines sum exactly
_Q = Decimal("0.0001")

_CURRENT = "{a}.valid_from <= %(on)s AND ({a}.valid_to IS NULL OR {a}.valid_to > %(on)s)"
ANCESTRY = Snapshot("ancestry", (
    "SELECT a.id AS area_id, anc.id AS ancestor_id, anc.code AS ancestor_code FROM areas_area a "
    "JOIN areas_area anc ON a.path LIKE anc.path || '%%' "
    f"WHERE {_CURRENT.format(a='a')} AND {_CURRENT.format(a='anc')}"),
    (("area_id", "int64"), ("ancestor_id", "int64"), ("ancestor_code", "string")))
ELEMENT_VALUES = Snapshot("element_values", (
    f"SELECT area_id, element, CAST(ROUND(value * {MICRO}) AS BIGINT) AS micro FROM monitoring_elementvalue "
    "WHERE period = %(year)s"),
    (("area_id", "int64"), ("element", "string"), ("micro", "int64")))
TERMS = (("indicator_id", "int64"), ("plan_area_id", "int64"), ("side", "string"), ("element", "string"))


def _formulas() -> tuple[list[tuple], dict[int, tuple[Decimal, bool]]]:
    """(indicator, plan area, side n/d, element) for every indicator whose formula is all data elements, and each
    such indicator's factor (formula factor × unit scale) and whether it is a count (no denominator)."""
    formulas = {f.key: f for f in Formula.objects.all()}
    terms, factors = [], {}
    for ind in Indicator.objects.all():
        f = formula_for(ind, formulas)
        if f is None:
            continue
        num = [x.strip() for x in f.numerator.split("+") if x.strip()]
        den = [x.strip() for x in f.denominator.split("+") if x.strip()]
        if not num or any(elements.is_policy(x) for x in num + den):
            continue
        factors[ind.pk] = (f.factor * unit_scale(f.unit, ind.unit), not den)
        terms += [(ind.pk, ind.area_id, "n", x) for x in num] + [(ind.pk, ind.area_id, "d", x) for x in den]
    return terms, factors


def spec(period: dt.date) -> tuple[JobSpec, dict[int, tuple[Decimal, bool]]]:
    s = JobSpec("monitoring", [ANCESTRY, ELEMENT_VALUES], {"year": period.year, "on": as_of(period.year)})
    terms, factors = _formulas()
    s.snapshots.append(rows_snapshot(s, "terms", TERMS, terms))
    return s, factors


def finish(raw: list[tuple], factors: dict[int, tuple[Decimal, bool]]) -> list[Row]:
    """(indicator, area code, side, sum) → one row per indicator and area: 'numerator/denominator/value' (a count
    has no denominator: 'numerator//value')."""
    sums: dict[tuple[int, str], dict[str, int]] = defaultdict(dict)
    for ind, code, side, total in raw:
        sums[(int(ind), str(code))][str(side)] = int(total)
    rows = []
    for (ind, code), s in sums.items():
        factor, count = factors[ind]
        num, den = Decimal(s.get("n", 0)) / MICRO, Decimal(s.get("d", 0)) / MICRO
        if count:
            value: Decimal | None = (num * factor).quantize(_Q)
        else:
            value = (num * factor / den).quantize(_Q) if den else None
        rows.append((f"indicator:{ind}", f"{ind}:{code}", None, code,
                     f"{num.quantize(_Q)}/{'' if count else den.quantize(_Q)}/{'' if value is None else value}"))
    return normalise(rows)


_BODY = """SELECT t.indicator_id, anc.ancestor_code, t.side, SUM(ev.micro)
FROM terms t JOIN element_values ev ON ev.element = t.element
JOIN ancestry anc ON anc.area_id = ev.area_id
JOIN ancestry pa ON pa.area_id = anc.ancestor_id AND pa.ancestor_id = t.plan_area_id
GROUP BY t.indicator_id, anc.ancestor_code, t.side"""


def run_embedded(period: dt.date) -> list[Row]:
    s, factors = spec(period)
    return finish(raw_sql(s, [(_BODY, {})]), factors)


def run_spark(period: dt.date, master: str | None = None) -> list[Row]:
    from pyspark.sql import functions as F

    s, factors = spec(period)
    with SparkRun(s, master) as run:
        t, ev, anc = run.tables["terms"], run.tables["element_values"], run.tables["ancestry"]
        pa = anc.select(F.col("area_id").alias("pa_area"), F.col("ancestor_id").alias("pa_plan"))
        sums = (t.join(ev, "element").join(anc, "area_id")
                .join(pa, (F.col("pa_area") == F.col("ancestor_id")) & (F.col("pa_plan") == F.col("plan_area_id")))
                .groupBy("indicator_id", "ancestor_code", "side").agg(F.sum("micro")))
        return finish([tuple(r) for r in sums.collect()], factors)


def describe(row: Row, names: dict[int, str], cities: dict[str, str]) -> str:
    num, den, value = row.value.split("/")
    where = cities.get(row.area_code, row.area_code)
    if not den and value:
        return f"{where}：计数{num}，指标值{value}"
    return f"{where}：分子{num}，分母{den}，" + (f"指标值{value}" if value else "分母为零，不计算指标值")
