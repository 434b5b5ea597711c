"""Targets as printed in the plans ("55", ">50", "rule:tekun_1_6x") and the progress of a value against them.

Progress for year Y: the target of the next milestone (2023 mid-term, 2025 final) is prorated linearly from the
previous milestone's value (the 2020 baseline, or the 2023 target); a cumulative (〔〕) target is prorated from
zero and compared with the sum since 2021. Binding (约束性) targets must meet the prorated figure in full; for
expected (预期性) ones a share of the prorated progress suffices — both shares are data (progress.csv).
"""

import csv
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

from django.conf import settings

from minzheng.core.errors import DomainError
from minzheng.core.money import round_amount

BASE_YEAR = 2020
MILESTONES = (2023, 2025)


class Status:
    ACHIEVED = "已达标"
    ON_TRACK = "进展正常"
    LAGGING = "滞后"
    NO_DATA = "无数据"
    ALL = (ACHIEVED, ON_TRACK, LAGGING, NO_DATA)


@dataclass(frozen=True)
class Target:
    op: str  # "" (a plain figure, read by the indicator's direction), ">=", ">", "<=", "<", "rule"
    value: Decimal | None = None
    rule: str = ""

    @property
    def is_rule(self) -> bool:
        return self.op == "rule"

    def text(self, unit: str = "") -> str:
        if self.is_rule:
            return "按规划规则（见说明）"
        sign = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}.get(self.op, "")
        return f"{sign}{format(self.value.normalize(), 'f')}{unit}"


_CMP = re.compile(r"^(>=|<=|>|<)?\s*(-?\d+(?:\.\d+)?)$")


def parse(text: str, *, field: str = "目标值") -> Target | None:
    """'' → None; '55' / '>=80' / '>50' / 'rule:NAME' → Target; anything else is a data error naming the field."""
    text = (text or "").strip()
    if not text:
        return None
    if text.startswith("rule:"):
        return Target(op="rule", rule=text[5:])
    m = _CMP.match(text)
    if not m:
        raise DomainError(f"{field}“{text}”无法识别：应为数字、比较式（如>=80）或 rule:规则名", field=field,
                          code="bad_target")
    try:
        return Target(op=m.group(1) or "", value=Decimal(m.group(2)))
    except InvalidOperation as e:  # pragma: no cover - the regex admits only decimals
        raise DomainError(f"{field}“{text}”不是有效数字", field=field) from e


@dataclass(frozen=True)
class Tolerance:
    share: Decimal
    citation: str


@cache
def tolerances() -> dict[str, Tolerance]:
    path = settings.BASE_DIR / "data" / "monitoring" / "progress.csv"
    with open(path, encoding="utf-8") as f:
        return {r["attribute"]: Tolerance(Decimal(r["tolerance"]), r["citation"]) for r in csv.DictReader(f)}


def meets(actual: Decimal, target: Target, direction: str) -> bool:
    op = target.op or {"ge": ">=", "le": "<=", "eq": "=="}[direction]
    v = target.value
    return {">=": actual >= v, ">": actual > v, "<=": actual <= v, "<": actual < v, "==": actual == v}[op]


def _higher_is_better(target: Target, direction: str) -> bool:
    return target.op in (">=", ">") or (not target.op and direction != "le")


@dataclass(frozen=True)
class Progress:
    status: str
    expected: Decimal | None  # the prorated figure for the year (None when not prorated)
    milestone: int | None
    target: Target | None


def milestone_for(year: int, targets: dict[int, Target | None]) -> int | None:
    """The next milestone with a target at or after `year` (2023, then 2025)."""
    for m in MILESTONES:
        if year <= m and targets.get(m) is not None:
            return m
    return None


def progress(*, year: int, actual: Decimal | None, holds: bool | None, baseline: Target | None,
             targets: dict[int, Target | None], direction: str, attribute: str, cumulative: bool) -> Progress:
    m = milestone_for(year, targets) or (MILESTONES[-1] if targets.get(MILESTONES[-1]) else None)
    target = targets.get(m) if m else None
    if target is None:
        return Progress(Status.NO_DATA, None, None, None)
    if target.is_rule:
        status = Status.NO_DATA if holds is None else (Status.ACHIEVED if holds else Status.LAGGING)
        return Progress(status, None, m, target)
    if actual is None:
        return Progress(Status.NO_DATA, None, m, target)
    if meets(actual, target, direction):
        return Progress(Status.ACHIEVED, target.value, m, target)
    # where the plan's line starts: zero for a cumulative target, else the previous milestone's figure
    start_year, start = BASE_YEAR, None
    if cumulative:
        start = Decimal(0)
    elif m == MILESTONES[-1] and targets.get(MILESTONES[0]) and not targets[MILESTONES[0]].is_rule:
        start_year, start = MILESTONES[0], targets[MILESTONES[0]].value
    elif baseline is not None and not baseline.is_rule:
        start = baseline.value
    share = tolerances().get(attribute or "预期性", tolerances()["预期性"]).share
    if start is None:  # nothing to prorate from: a share of the target itself
        expected = target.value
        floor = expected * share if _higher_is_better(target, direction) else expected / share
    else:
        frac = min(Decimal(max(year - start_year, 0)) / Decimal(m - start_year), Decimal(1))
        expected = start + (target.value - start) * frac
        floor = start + (expected - start) * share
        if year >= m and share == 1:  # a binding target not met in its own year is behind, whatever the sign
            floor = None
    ok = floor is not None and (actual >= floor if _higher_is_better(target, direction) else actual <= floor)
    return Progress(Status.ON_TRACK if ok else Status.LAGGING, expected.quantize(Decimal("0.0001")), m, target)


_DECIMALS = re.compile(r"\d+\.(\d+)")


def plan_decimals(*figures: str, unit: str = "") -> int:
    """How many decimals the plan itself prints for a row: the most among its own figures (baseline and targets).
    A row whose plan prints no figure at all shows whole numbers, or one decimal for a share (so 1/3 reads 33.3 %)."""
    printed = [f for f in figures if f and re.search(r"\d", f)]
    if printed:
        return max((len(m) for f in printed for m in _DECIMALS.findall(f)), default=0)
    return 1 if unit == "%" else 0


def as_printed(value: Decimal | None, ind) -> Decimal | None:
    """A value of an indicator rounded to the decimals its plan prints for that row."""
    return plan_round(value, plan_decimals(ind.baseline_2020, ind.target_2023, ind.target_2025, unit=ind.unit))


def plan_round(value: Decimal | None, decimals: int) -> Decimal | None:
    """A value as the plan would print it (the `indicator` rounding row: half up, as the plans' tables round)."""
    if value is None:
        return None
    return round_amount(value, "indicator", unit=Decimal(1).scaleb(-decimals))
