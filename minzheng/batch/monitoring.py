"""Job (c) 规划监测 roll-up: for every indicator with a formula and every area inside its plan area, the numerator
and denominator as sums of the element values of all areas below (ratio of sums, DHIS2-style) plus the formula's
policy standards in that area, and value = numerator × factor ÷ denominator rounded to 0.0001 — or, for a count (a
formula with no denominator), numerator × factor — the computed part of monitoring.rollup._value_rows.
The engines do the set work (the data-element sums); finish(), the same Python for both, adds the policy terms
('std:…', 'growth:…') per indicator and area with one monitoring.rollup.PolicyLookup: a side whose standard cannot be
resolved there is left empty and gives no value, and an indicator whose numerator is all policy terms has its row
only in its plan area, as in _value_rows. Element values are those of the year's roll-up
(monitoring.rollup.count_element); reported figures and target progress stay with monitoring.rollup (per-row
rules, not set work).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from minzheng.areas.models import Area
from minzheng.monitoring import elements
from minzheng.monitoring.models import Formula, Indicator
from minzheng.monitoring.rollup import PolicyLookup, as_of, formula_for, unit_scale
from minzheng.policy.rules import memoized

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


@dataclass(frozen=True)
class _Ind:
    """What finish() needs of one indicator: its factor (formula factor × unit scale), whether it is a count (no
    denominator), its plan area, its policy terms per side, and whether its numerator is all policy terms (then it
    has a value only in its plan area, as in monitoring.rollup._value_rows)."""

    factor: Decimal
    count: bool
    plan_area_id: int
    num_policy: tuple[str, ...]
    den_policy: tuple[str, ...]
    policy_only: bool


@dataclass(frozen=True)
class Plan:
    on: dt.date
    indicators: dict[int, _Ind]


def _formulas(on: dt.date) -> tuple[list[tuple], Plan]:
    """(indicator, plan area, side n/d, element) for the data-element terms of every indicator with a formula,
    and each indicator's _Ind."""
    formulas = {f.key: f for f in Formula.objects.all()}
    terms, inds = [], {}
    for ind in Indicator.objects.all():
        f = formula_for(ind, formulas)
        if f is None:
            continue
        num = [x.strip() for x in f.numerator.split("+") if x.strip()]
        den = [x.strip() for x in f.denominator.split("+") if x.strip()]
        if not num:
            continue
        inds[ind.pk] = _Ind(f.factor * unit_scale(f.unit, ind.unit), not den, ind.area_id,
                            tuple(x for x in num if elements.is_policy(x)),
                            tuple(x for x in den if elements.is_policy(x)), all(elements.is_policy(x) for x in num))
        terms += [(ind.pk, ind.area_id, side, x) for side, xs in (("n", num), ("d", den))
                  for x in xs if not elements.is_policy(x)]
    return terms, Plan(on, inds)


def spec(period: dt.date) -> tuple[JobSpec, Plan]:
    on = as_of(period.year)
    s = JobSpec("monitoring", [ANCESTRY, ELEMENT_VALUES], {"year": period.year, "on": on})
    terms, plan = _formulas(on)
    s.snapshots.append(rows_snapshot(s, "terms", TERMS, terms))
    return s, plan


def finish(raw: list[tuple], plan: Plan) -> list[Row]:
    """(indicator, area code, side, sum) → one row per indicator and area: 'numerator/denominator/value' (a count
    has no denominator: 'numerator//value'). Policy terms are added here per area by one monitoring.rollup.PolicyLookup;
    a side whose standard cannot be resolved is empty and so is the value. An indicator whose numerator is all
    policy terms has its one row in its plan area."""
    sums: dict[tuple[int, str], dict[str, int]] = defaultdict(dict)
    for ind, code, side, total in raw:
        sums[(int(ind), str(code))][str(side)] = int(total)
    inds = plan.indicators
    if not any(i.num_policy or i.den_policy for i in inds.values()):
        return normalise([_row(ind, code, s, inds[ind], None) for (ind, code), s in sums.items()])
    current = {a.pk: a for a in Area.objects.current(plan.on)}
    by_code = {a.code: a for a in current.values()}
    pol = PolicyLookup(plan.on, current)
    for ind_id, ind in inds.items():
        if ind.policy_only:
            plan_area = current.get(ind.plan_area_id) or Area.objects.get(pk=ind.plan_area_id)
            by_code.setdefault(plan_area.code, plan_area)
            for key in [k for k in sums if k[0] == ind_id and k[1] != plan_area.code]:
                del sums[key]
            sums.setdefault((ind_id, plan_area.code), {})
    with memoized():
        return normalise([_row(ind, code, s, inds[ind], (pol, by_code[code])) for (ind, code), s in sums.items()])


def _row(ind_id: int, code: str, sums: dict[str, int], ind: _Ind, policy: tuple[PolicyLookup, Area] | None) -> Row:
    def side(key: str, terms: tuple[str, ...]) -> Decimal | None:
        total = Decimal(sums.get(key, 0)) / MICRO
        for name in terms:
            v, _ = policy[0].term(name, policy[1]) if policy else (None, "")
            if v is None:
                return None
            total += v
        return total

    num = side("n", ind.num_policy)
    den = None if ind.count else side("d", ind.den_policy)
    value: Decimal | None = None
    if num is not None and ind.count:
        value = (num * ind.factor).quantize(_Q)
    elif num is not None and den:
        value = (num * ind.factor / den).quantize(_Q)

    def shown(x: Decimal | None) -> str:
        return "" if x is None else str(x.quantize(_Q))

    return (f"indicator:{ind_id}", f"{ind_id}:{code}", None, code,
            f"{shown(num)}/{shown(den)}/{'' if value is None else value}")


_BODY = """SELECT t.indicator_id, anc.ancestor_code, t.side, SUM(ev.micro)
FROM terms t JOIN element_values ev ON ev.element = t.element
JOIN ancestry anc ON anc.area_id = ev.area_id
JOIN ancestry pa ON pa.area_id = anc.ancestor_id AND pa.ancestor_id = t.plan_area_id
GROUP BY t.indicator_id, anc.ancestor_code, t.side"""


def run_embedded(period: dt.date) -> list[Row]:
    s, plan = spec(period)
    return finish(raw_sql(s, [(_BODY, {})]), plan)


def run_spark(period: dt.date, master: str | None = None) -> list[Row]:
    from pyspark.sql import functions as F

    s, plan = spec(period)
    with SparkRun(s, master) as run:
        t, ev, anc = run.tables["terms"], run.tables["element_values"], run.tables["ancestry"]
        pa = anc.select(F.col("area_id").alias("pa_area"), F.col("ancestor_id").alias("pa_plan"))
        sums = (t.join(ev, "element").join(anc, "area_id")
                .join(pa, (F.col("pa_area") == F.col("ancestor_id")) & (F.col("pa_plan") == F.col("plan_area_id")))
                .groupBy("indicator_id", "ancestor_code", "side").agg(F.sum("micro")))
        return finish([tuple(r) for r in sums.collect()], plan)


def describe(row: Row, names: dict[int, str], cities: dict[str, str]) -> str:
    num, den, value = row.value.split("/")
    where = cities.get(row.area_code, row.area_code)
    if not value and (not num or not den):
        return f"{where}：所需政策标准在该地区未能取得，不计算指标值"
    if not den and value:
        return f"{where}：计数{num}，指标值{value}"
    return f"{where}：分子{num}，分母{den}，" + (f"指标值{value}" if value else "分母为零，不计算指标值")
