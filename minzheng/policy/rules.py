"""Resolving a standard for a place and a date, and evaluating the plans' uprating checks.

A value is looked up from the area itself up to the province: at each level a stated (or derived) standard
wins, then a formula over other standards, then a clearly labelled demo assumption. Every result carries
the rows it came from and a sentence a caseworker can read out.
"""

import datetime as dt
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Q, When

from minzheng.areas.models import Area
from minzheng.core.errors import DomainError
from minzheng.core.money import round_by

from .models import KINDS, Check, Formula, Rounding, Scope, Standard, Status

OFFICIAL = (Status.STATED, Status.DERIVED)
MONTHLY_UNITS = ("元/人·月", "元/月")
MAX_DEPTH = 5  # formulas over formulas; deeper means a cycle in the data


@dataclass(frozen=True)
class Resolved:
    value: Decimal
    unit: str
    explanation: str
    sources: tuple[str, ...] = field(default=())  # "standard:12", "formula:3"
    assumed: bool = False

    @property
    def version(self) -> str:
        return "+".join(self.sources)


def _on(qs, on: dt.date):
    # Both ends inclusive, as data/policy/README.md states (effective_to = last day in force).
    return qs.filter(effective_from__lte=on).filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))


def _fmt(v: Decimal) -> str:
    return format(v.normalize(), "f")


def resolve(area: Area, kind: str, *, scope: str = Scope.ALL, variant: str = "", on: dt.date,
            unit: str | None = None, _depth: int = 0) -> Resolved:
    """The standard in force for `area` on `on`; raises DomainError (Chinese) when none is known."""
    if kind not in KINDS:
        raise DomainError(f"未知的标准类别“{kind}”", code="unknown_kind", field="标准类别")
    if _depth > MAX_DEPTH:
        raise DomainError(f"标准“{KINDS[kind]}”的公式嵌套过深（可能循环引用）", code="formula_cycle")
    memo = _memo.get()
    if memo is None:
        return _resolve(area, kind, scope, variant, on, unit, _depth, None)
    key = ("resolved", area.pk, kind, scope, variant, on, unit)
    if key not in memo:
        try:
            memo[key] = _resolve(area, kind, scope, variant, on, unit, _depth, memo)
        except DomainError as e:
            memo[key] = e
    if isinstance(memo[key], DomainError):
        raise memo[key]
    return memo[key]


def _resolve(area, kind, scope, variant, on, unit, depth, memo) -> Resolved:
    scopes = [scope, Scope.ALL] if scope != Scope.ALL else [Scope.ALL, Scope.URBAN]
    for level in reversed(_ancestors(area, memo)):  # nearest first
        if memo is not None:
            official, formula, assumed = _candidates(memo, level, kind, variant, scopes, on, unit)
            if official or formula or assumed:
                return _from_standard(official) if official else (
                    _apply_formula(formula, area, scope, on, depth) if formula else _from_standard(assumed))
            continue
        same = dict(jurisdiction=level, kind=kind, variant=variant, scope__in=scopes)
        # Payments are monthly: where a plan states both a yearly and a monthly figure, the monthly one wins
        # (unless a unit is asked for); ties broken the same way on every database.
        monthly_first = Case(When(unit__in=MONTHLY_UNITS, then=0), default=1)
        standards = (_on(Standard.objects.filter(**same, value__isnull=False), on)
                     .order_by(monthly_first, "-effective_from", "status", "id"))
        if unit:
            standards = standards.filter(unit=unit)
        if row := standards.filter(status__in=OFFICIAL).first():
            return _from_standard(row)
        if formula := _on(Formula.objects.filter(**same), on).order_by("-effective_from", "id").first():
            return _apply_formula(formula, area, scope, on, depth)
        if row := standards.filter(status=Status.ASSUMED).first():
            return _from_standard(row)
    raise DomainError(f"{area.name}在{on.isoformat()}没有可用的“{KINDS[kind]}”"
                      f"{'（' + variant + '）' if variant else ''}，请先在政策参数中录入", code="no_standard",
                      field="标准")


# --- memoized resolution for batch work ----------------------------------------------------------------------

_memo: ContextVar[dict | None] = ContextVar("policy_resolve_memo", default=None)


@contextmanager
def memoized():
    """Inside the block, each kind's standards and formulas are read once and every resolution is remembered —
    for batch work over many areas (规划监测's roll-up) during which the policy data does not change. The answers
    are those of the queries above, row for row (policy/tests: test_memoized_resolution_matches_the_queries)."""
    if _memo.get() is not None:
        yield
        return
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def _ancestors(area: Area, memo: dict | None) -> list[Area]:
    if memo is None:
        return list(area.ancestors())
    key = ("ancestors", area.pk, area.path)
    if key not in memo:
        memo[key] = list(area.ancestors())
    return memo[key]


def _candidates(memo: dict, level: Area, kind: str, variant: str, scopes: list[str], on: dt.date,
                unit: str | None):
    """(official standard, formula, assumed standard) at one level, as the three queries above choose them."""
    if ("rows", kind) not in memo:
        memo[("rows", kind)] = (list(Standard.objects.filter(kind=kind).select_related("jurisdiction")),
                                list(Formula.objects.filter(kind=kind)))
    standards, formulas = memo[("rows", kind)]

    def here(r) -> bool:
        return (r.jurisdiction_id == level.pk and r.variant == variant and r.scope in scopes
                and r.effective_from <= on and (r.effective_to is None or r.effective_to >= on))

    rows = sorted((r for r in standards if here(r) and r.value is not None and (not unit or r.unit == unit)),
                  key=lambda r: (0 if r.unit in MONTHLY_UNITS else 1, -r.effective_from.toordinal(), r.status, r.pk))
    official = next((r for r in rows if r.status in OFFICIAL), None)
    assumed = next((r for r in rows if r.status == Status.ASSUMED), None)
    formula = min((f for f in formulas if here(f)), key=lambda f: (-f.effective_from.toordinal(), f.pk), default=None)
    return official, formula, assumed


def _from_standard(row: Standard) -> Resolved:
    tag = {Status.ASSUMED: "（演示假设值，规划未载明）", Status.DERIVED: "（由规划数据推算）"}.get(row.status, "")
    scope_label = Scope(row.scope).label if row.scope != Scope.ALL else ""
    text = (f"{row.jurisdiction.name}{scope_label}{row.kind_label}{'（' + row.variant + '）' if row.variant else ''}"
            f"为{_fmt(row.value)}{row.unit}，{row.effective_from.isoformat()}起执行{tag}，依据：{row.citation}")
    return Resolved(value=row.value, unit=row.unit, explanation=text, sources=(f"standard:{row.pk}",),
                    assumed=row.status == Status.ASSUMED)


def _apply_formula(f: Formula, area: Area, scope: str, on: dt.date, depth: int) -> Resolved:
    base = resolve(area, f.base_kind, scope=scope, variant=f.base_variant, on=on, _depth=depth + 1)
    value = round_by(base.value * f.factor, f.rounding)
    text = (f"{f.kind_label}{'（' + f.variant + '）' if f.variant else ''} = {_fmt(f.factor)} × "
            f"{KINDS.get(f.base_kind, f.base_kind)}，{Rounding(f.rounding).label}，得{_fmt(value)}{base.unit}"
            f"（规则出处：{f.citation}）；其中{base.explanation}")
    return Resolved(value=value, unit=base.unit, explanation=text, sources=(f"formula:{f.pk}", *base.sources),
                    assumed=base.assumed)


# --- uprating checks ------------------------------------------------------------------------

def ref_value(area: Area, ref: str, on: dt.date) -> Decimal:
    """'dibao:rural', 'tekun_care:all:partial' or 'consumption_per_capita:all@prev' (previous calendar year)."""
    name, _, when = ref.partition("@")
    kind, scope, variant = (name.split(":") + ["", ""])[:3]
    if when == "prev":
        on = dt.date(on.year - 1, 12, 31)
    return resolve(area, kind, scope=scope or Scope.ALL, variant=variant, on=on).value


def growth(area: Area, ref: str, on: dt.date) -> Decimal:
    """Growth over one year: of the value in force on `on`, or for '@prev' of the previous calendar year."""
    name, _, when = ref.partition("@")
    if when == "prev":
        on = dt.date(on.year - 1, 12, 31)
    before = on - dt.timedelta(days=365)
    now_v, then_v = ref_value(area, name, on), ref_value(area, name, before)
    return (now_v - then_v) / then_v


def _check_one(area: Area, c: Check, on: dt.date) -> str | None:
    rule = f"（规则：{c.note or c.name}；出处：{c.citation}）"
    if c.rule == Check.Rule.VALUE_GE:
        left = ref_value(area, c.left, on)
        return None if left >= c.factor else f"{c.left}={_fmt(left)}低于目标{_fmt(c.factor)}{rule}"
    if c.rule in (Check.Rule.GROWTH_GE, Check.Rule.REAL_GROWTH_GE):
        left, right = growth(area, c.left, on), growth(area, c.right, on)
        if c.rule == Check.Rule.REAL_GROWTH_GE:
            prices = growth(area, "cpi_index:all@prev", on)
            right = (1 + right) / (1 + prices) - 1
        return None if left >= c.factor * right else f"{c.left}年度增速{left:.2%}低于{c.right}增速{right:.2%}{rule}"
    left, right = ref_value(area, c.left, on), ref_value(area, c.right, on)
    if left >= c.factor * right:
        return None
    return f"{c.left}={_fmt(left)}低于{_fmt(c.factor)}×{c.right}={_fmt(c.factor * right)}{rule}"


def evaluate_checks(area: Area, kind: str, on: dt.date) -> list[str]:
    """Chinese warnings for every uprating rule the standards in force on `on` break (empty = all hold)."""
    warnings = []
    levels = list(area.ancestors())
    checks = Check.objects.filter(jurisdiction__in=levels, kind=kind, effective_from__lte=on)
    for c in checks:
        try:
            problem = _check_one(area, c, on)
        except DomainError as e:
            problem = f"无法校验“{c.name}”：{e.message}"
        if problem and problem not in warnings:
            warnings.append(problem)
    return warnings
