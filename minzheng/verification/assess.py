"""The arithmetic of 核对, free of database writes: members + department figures + policy → result.

The single-household report runs `assess` over every record as a line (steps 1-2 below), then `settle` (steps
3-5). The batch 核对 does steps 1-2 set-based in SQL (selectors.household_totals: one row of totals per household,
the same rules, disregards rounded per record) and then the same `settle` through `assess_totals`; the tests run
both over the same households and require the same figures and conclusion.

Steps, each leaving its trace on the lines:
1. members reported dead (registry or 公安死亡注销) on the date are not counted, nor are their figures;
2. incomes: types the policy disregards are not counted (income_disregard, % of the figure); where two
   departments report the same kind of income (overlap_group, e.g. 人社 wages and 税务 wage income) the higher
   one counts and the other is marked as a duplicate;
3. 刚性支出: when they reach rigid_expense_threshold % of the household income the household is treated as
   支出型困难家庭 and rigid_expense_deduction % of them is deducted (never below zero);
4. per-capita monthly income = (income − deduction) ÷ counted members, rounded half-up to the fen, compared
   with the 低保 standard (the household qualifies on income when it is below the standard);
5. assets per class against their limits: money (deposits, 公积金) per capita ≤ asset_limit_months × 低保标准,
   homes ≤ asset_property_limit, vehicles ≤ asset_vehicle_limit, company shares ≤ asset_business_limit.
"""

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from minzheng.areas.models import Area
from minzheng.core.errors import DomainError
from minzheng.core.idcard import mask
from minzheng.core.money import fen
from minzheng.policy.models import Formula, Scope, Standard
from minzheng.policy.rules import Resolved, resolve

from .adapters import PERIOD_LABELS, sources
from .models import Conclusion, Nature

CENT = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal("100")

EFFECTS = {
    "counted": "计入",
    "partly": "部分计入",
    "disregarded": "不计入",
    "duplicate": "重复来源，不重复计入",
    "exceeds": "超过限额",
    "reference": "仅供参考",
    "excluded": "不计入（成员已死亡）",
    "deducted": "从收入中扣减",
    "not_deducted": "未扣减",
    "status": "身份状态",
}
ASSET_CLASSES = {
    "money": ("货币财产", "asset_limit_months"),
    "property": ("住房", "asset_property_limit"),
    "vehicle": ("机动车辆", "asset_vehicle_limit"),
    "business": ("企业出资", "asset_business_limit"),
}
INCOME_TYPES = {
    "pension": "养老金", "resident_pension_basic": "城乡居民基础养老金", "wage": "工资性收入",
    "business_income": "经营所得", "rental_income": "财产租赁所得", "award_subsidy": "奖励性补助",
}


def fmt(v: Decimal | None) -> str:
    return "" if v is None else f"{v.quantize(CENT):.2f}"


def urban_rural(area) -> str:
    """村民委员会 (…村) are rural, 居民委员会 (…社区, 居委会) urban — the 城乡 of the 低保 standard."""
    return Scope.RURAL if area.name.endswith("村") else Scope.URBAN


class MemberIn(NamedTuple):
    person_id: int
    name: str
    id_number: str
    relation: str = ""
    death_date: dt.date | None = None


class Line(NamedTuple):  # a tuple: the batch 核对 builds hundreds of thousands of these
    person_id: int
    source: str
    type_code: str
    amount: Decimal | None
    monthly_amount: Decimal | None
    item: str = ""
    detail: str = ""
    name_in_source: str = ""
    event_date: dt.date | None = None
    count: int = 1
    batch_id: int | None = None
    record_id: int | None = None


@dataclass(frozen=True)
class RigidIn:
    category: str
    monthly: Decimal
    label: str


# --- policy -----------------------------------------------------------------------------------

@dataclass
class Policy:
    standard: Resolved
    limits: dict[str, Resolved | None]
    disregard: dict[str, Resolved]
    rigid_threshold: Resolved | None
    rigid_deduction: Resolved | None
    warnings: list[str]

    @functools.cached_property
    def money_limit(self) -> Decimal | None:
        """Money assets per capita may not exceed asset_limit_months × the 低保 standard."""
        rule = self.limits.get("money")
        return fen(rule.value * self.standard.value) if rule else None

    @functools.cached_property
    def disregard_shares(self) -> dict[str, Decimal]:
        """Income type → % of it not counted."""
        return {t: r.value for t, r in self.disregard.items()}

    @functools.cached_property
    def version(self) -> str:
        parts = [self.standard.version]
        parts += [r.version for r in (*self.limits.values(), *self.disregard.values(), self.rigid_threshold,
                                      self.rigid_deduction) if r is not None]
        return "+".join(dict.fromkeys(p for p in "+".join(parts).split("+") if p))[:300]


def _optional(area, kind, on, scope, warnings, label, variant="", name=""):
    try:
        return resolve(area, kind, scope=scope, variant=variant, on=on)
    except DomainError:
        warnings.append(f"{name or area.name}未配置{label}，该项未作判断")
        return None


def load_policy(area, scope: str, on: dt.date, *, resolve_at=None) -> Policy:
    """Everything the assessment needs from policy data; the 低保 standard is required, the rest optional.
    `resolve_at`: an ancestor of `area` with no policy-holding level between them (PolicyCache passes the nearest
    one holding policy rows) — the same standards are found with fewer levels to look through."""
    warnings: list[str] = []
    at, name = resolve_at or area, area.name
    standard = resolve(at, "dibao", scope=scope, on=on, unit="元/人·月")
    limits = {cls: _optional(at, kind, on, scope, warnings, f"{label}限额", name=name)
              for cls, (label, kind) in ASSET_CLASSES.items()}
    disregard = {}
    variants = set(Standard.objects.filter(kind="income_disregard").values_list("variant", flat=True))
    for v in sorted(variants):
        try:
            disregard[v] = resolve(at, "income_disregard", scope=scope, variant=v, on=on)
        except DomainError:
            pass
    return Policy(standard=standard, limits=limits, disregard=disregard,
                  rigid_threshold=_optional(at, "rigid_expense_threshold", on, scope, warnings,
                                            "支出型困难家庭认定比例", name=name),
                  rigid_deduction=_optional(at, "rigid_expense_deduction", on, scope, warnings, "刚性支出扣减比例",
                                            name=name),
                  warnings=warnings)


class PolicyCache:
    """Policy per (the ancestors that hold policy rows, scope, date): villages of one county share one load, which
    resolves at the nearest of those ancestors (nothing lies between it and the village)."""

    def __init__(self, on: dt.date):

        self.on = on
        self.holders = (set(Standard.objects.values_list("jurisdiction_id", flat=True).distinct())
                        | set(Formula.objects.values_list("jurisdiction_id", flat=True).distinct()))
        self.cache: dict[tuple, Policy] = {}

    def get(self, area, scope: str) -> Policy:
        held = tuple(int(x) for x in area.path.strip("/").split("/") if int(x) in self.holders)
        key = (held, scope)
        if key not in self.cache:

            nearest = Area.objects.get(pk=held[-1]) if held and held[-1] != area.pk else None
            self.cache[key] = load_policy(area, scope, self.on, resolve_at=nearest)
        return self.cache[key]


# --- the assessment -----------------------------------------------------------------------------

@dataclass
class Assessment:
    on: dt.date
    members: list[dict]
    lines: list[dict]
    person_income: dict[int, Decimal]
    member_count: int
    household_income: Decimal
    rigid_monthly: Decimal
    rigid_deduction: Decimal
    per_capita_income: Decimal
    standard: Decimal
    standard_explanation: str
    money_assets: Decimal
    assets: dict[str, dict]
    income_ok: bool
    assets_ok: bool
    conclusion: str
    conclusion_text: str
    rule_version: str
    warnings: list[str] = field(default_factory=list)
    deceased: frozenset[int] = frozenset()


def _pct(r: Resolved | None) -> Decimal:
    return r.value if r is not None else ZERO


def assess(*, members: list[MemberIn], lines: list[Line], rigid: list[RigidIn], policy: Policy, on: dt.date,
           area_name: str = "", detail: bool = True) -> Assessment:
    """`detail=False` (batch 核对) computes the same figures and effects without the per-line wording."""
    layouts = sources()
    by_id = {m.person_id: m for m in members}
    warnings = list(policy.warnings)

    deaths: dict[int, str] = {}
    for m in members:
        if m.death_date and m.death_date <= on:
            deaths[m.person_id] = f"人员库登记{m.death_date.isoformat()}死亡"
    for ln in lines:
        layout = layouts.get(ln.source)
        if layout is not None and layout.type == "death" and ln.event_date and ln.event_date <= on:
            deaths.setdefault(ln.person_id, f"{layout.name}：{ln.event_date.isoformat()}死亡")
    counted_members = [m for m in members if m.person_id not in deaths]
    n = len(counted_members)
    if n == 0:
        raise DomainError("家庭在核对基准日没有在世成员，无法核对", code="no_members", field="家庭")

    masked = {m.person_id: mask(m.id_number) for m in members} if detail else {}
    out: list[dict] = []
    person_income: dict[int, Decimal] = {m.person_id: ZERO for m in counted_members}
    asset_totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    asset_counts: dict[str, int] = defaultdict(int)
    asset_lines: dict[str, list[dict]] = defaultdict(list)
    overlap: dict[tuple[int, str], dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))

    for ln in lines:
        layout = layouts.get(ln.source)
        member = by_id.get(ln.person_id)
        if layout is None or member is None:
            continue
        entry = {"person_id": ln.person_id, "source": ln.source, "type": ln.type_code, "amount": ln.amount,
                 "monthly": ln.monthly_amount, "counted_monthly": None, "effect": "", "reason": ""}
        if detail:
            unit = layout.amount_unit if layout.amount_unit != "万元" else "元"
            figure = ""
            if ln.amount is not None:
                figure = f"{fmt(ln.amount)}{unit}"
                if layout.period in PERIOD_LABELS and layout.period != "stock":
                    figure = f"{PERIOD_LABELS[layout.period]}{figure}"
                if ln.count > 1:
                    figure += f"（{ln.count}项合计）"
            entry.update(person=member.name, id_masked=masked[ln.person_id], source_name=layout.name,
                         department=layout.department, nature=layout.nature, item=ln.item, detail=ln.detail,
                         figure=figure, record_id=ln.record_id, batch_id=ln.batch_id)
        if ln.name_in_source and ln.name_in_source != member.name:
            warnings.append(f"{layout.name}登记姓名“{ln.name_in_source}”与人员库姓名“{member.name}”不一致，请核实")
        out.append(entry)
        if ln.person_id in deaths and layout.type != "death":
            entry["effect"] = "excluded"
            if detail:
                entry["reason"] = f"{member.name}已死亡（{deaths[ln.person_id]}），其数据不计入"
            continue
        if layout.nature == Nature.STATUS:
            entry["effect"] = "status"
            if detail and layout.type == "death":
                entry["reason"] = (f"死亡日期{ln.event_date}晚于核对基准日" if ln.event_date and ln.event_date > on
                                   else f"{member.name}已死亡，不计入家庭人口")
            continue
        if layout.nature == Nature.REFERENCE:
            entry["effect"] = "reference"
            if detail:
                entry["reason"] = f"{layout.name}仅供核查参考，不作为收入或财产计算"
            continue
        if layout.nature == Nature.ASSET:
            cls = ln.type_code
            asset_totals[cls] += ln.amount or ZERO
            asset_counts[cls] += ln.count
            asset_lines[cls].append(entry)
            entry["effect"] = "counted"
            if detail:
                entry["reason"] = f"计入{ASSET_CLASSES.get(cls, (cls,))[0]}"
            continue
        # income
        monthly = ln.monthly_amount or ZERO
        rule = policy.disregard.get(ln.type_code)
        share = _pct(rule)
        counted = monthly
        if rule is not None and share > 0:
            counted = fen(monthly * (HUNDRED - min(share, HUNDRED)) / HUNDRED)
            entry["effect"] = "disregarded" if counted == 0 else "partly"
            if detail:
                label = INCOME_TYPES.get(ln.type_code, ln.type_code)
                entry["reason"] = (f"{label}按政策{fmt(share).rstrip('0').rstrip('.')}%不计入家庭收入"
                                   f"（{rule.explanation}）")
        else:
            entry["effect"] = "counted"
            if detail:
                entry["reason"] = (f"月收入{fmt(monthly)}元计入家庭收入"
                                   + (f"（{layout.conversion}）" if layout.conversion else ""))
        entry["counted_monthly"] = counted
        if layout.overlap_group and counted > 0:
            overlap[(ln.person_id, layout.overlap_group)][ln.source].append(entry)
        else:
            person_income[ln.person_id] += counted

    # incomes reported by two departments: the higher source counts
    for (pid, _group), by_source in overlap.items():
        totals = {src: sum((e["counted_monthly"] for e in es), ZERO) for src, es in by_source.items()}
        winner = max(totals, key=lambda src: (totals[src], src))
        person_income[pid] += totals[winner]
        for src, es in by_source.items():
            if src == winner:
                continue
            for e in es:
                e.update(effect="duplicate", counted_monthly=ZERO)
                if detail:
                    e["reason"] = (f"与{layouts[winner].name}反映的同类收入重复（月{fmt(totals[winner])}元 ≥ "
                                   f"{fmt(totals[src])}元），按较高者计入，本项不重复计入")

    household_income = sum(person_income.values(), ZERO)
    s = settle(n=n, has_data=bool(lines), household_income=household_income, asset_totals=asset_totals,
               asset_counts=asset_counts,
               rigid=rigid, policy=policy, detail=detail)
    rigid_monthly, deduction, per_capita, standard = s.rigid_monthly, s.rigid_deduction, s.per_capita, s.standard
    income_ok, assets, assets_ok = s.income_ok, s.assets, s.assets_ok
    if rigid:
        threshold, share, qualifies = policy.rigid_threshold, s.rigid_share, s.rigid_qualifies
        for r in rigid:
            why = (f"刚性支出月{fmt(rigid_monthly)}元" + (f"占家庭月收入{share:.1f}%" if share is not None else "")
                   + (f"，达到支出型困难家庭认定比例{fmt(threshold.value).rstrip('0').rstrip('.')}%"
                      f"，按{fmt(_pct(policy.rigid_deduction)).rstrip('0').rstrip('.')}%扣减（{threshold.explanation}）"
                      if qualifies else "，未达到支出型困难家庭认定比例，不扣减"
                      if threshold is not None else "，未配置认定比例，不扣减"))
            out.append({"person_id": None, "person": "全家", "id_masked": "", "source": "rigid_expense",
                        "source_name": "申报刚性支出", "department": "家庭申报（凭证）", "nature": "expense",
                        "type": r.category, "item": r.label, "detail": "", "figure": f"每月{fmt(r.monthly)}元",
                        "amount": r.monthly, "monthly": r.monthly, "counted_monthly": None,
                        "effect": "deducted" if qualifies else "not_deducted", "reason": why,
                        "record_id": None, "batch_id": None})
    for cls, a in assets.items():
        if a["exceeds"]:
            for e in asset_lines[cls]:
                e["effect"] = "exceeds"
                if detail:
                    e["reason"] = f"{a['text']}，超过限额（{a['rule']}）"

    conclusion = s.conclusion
    text, member_rows = "", []
    if detail:
        excluded = f"（另有{len(members) - n}名成员已死亡，不计入）" if len(members) > n else ""
        income_text = (f"家庭计算人口{n}人{excluded}，月收入合计{fmt(household_income)}元"
                       + (f"，扣减刚性支出{fmt(deduction)}元" if deduction else "")
                       + f"，人均月收入{fmt(per_capita)}元，{'低于' if income_ok else '不低于'}"
                       f"{area_name}低保标准{fmt(standard)}元/人·月")
        exceeded = [a["text"] for a in assets.values() if a["exceeds"]]
        asset_text = "家庭财产未超过规定限额" if assets_ok else "家庭财产超过规定限额：" + "；".join(exceeded)
        text = f"{income_text}；{asset_text}。结论：{Conclusion(conclusion).label}。"
        if conclusion == Conclusion.NO_DATA:
            text = (f"核对基准日各部门均没有该家庭成员的收入、财产数据（家庭计算人口{n}人），不能据此认定人均收入和"
                    f"财产。结论：{Conclusion(conclusion).label}。")
        member_rows = [{"person_id": m.person_id, "name": m.name, "id_masked": masked[m.person_id],
                        "relation": m.relation, "counted": m.person_id not in deaths,
                        "note": deaths.get(m.person_id, ""),
                        "monthly_income": person_income.get(m.person_id)} for m in members]
        for e in out:
            e["effect_label"] = EFFECTS.get(e["effect"], e["effect"])
    return Assessment(on=on, members=member_rows, lines=out, person_income=person_income, member_count=n,
                      household_income=household_income, rigid_monthly=rigid_monthly, rigid_deduction=deduction,
                      per_capita_income=per_capita, standard=standard,
                      standard_explanation=policy.standard.explanation, money_assets=asset_totals.get("money", ZERO),
                      assets=assets, income_ok=income_ok, assets_ok=assets_ok, conclusion=conclusion,
                      conclusion_text=text, rule_version=policy.version, warnings=list(dict.fromkeys(warnings)),
                      deceased=frozenset(deaths))


# --- the figures → the conclusion (shared by the single report and the batch totals) ------------

@dataclass
class Settled:
    rigid_monthly: Decimal
    rigid_share: Decimal | None          # 刚性支出 as % of the household income (None when there is no income)
    rigid_qualifies: bool                # 支出型困难家庭: the deduction applies
    rigid_deduction: Decimal
    per_capita: Decimal
    standard: Decimal
    income_ok: bool
    assets: dict[str, dict]
    assets_ok: bool
    conclusion: str


def settle(*, n: int, household_income: Decimal, asset_totals, asset_counts, rigid: list[RigidIn], policy: Policy,
           detail: bool = True, has_data: bool = True) -> Settled:
    """Steps 3-5 of the module docstring on a household's totals: the 刚性支出 deduction, the per-capita income
    against the 低保 standard, each asset class against its limit, and the conclusion. `assess` calls it on the
    sums of its lines and the batch 核对 on the sums SQL made, so both reach the same result the same way."""
    rigid_monthly = sum((r.monthly for r in rigid), ZERO)
    deduction, share, qualifies = ZERO, None, False
    if rigid:
        threshold = policy.rigid_threshold
        share = (rigid_monthly * HUNDRED / household_income) if household_income > 0 else None
        qualifies = threshold is not None and (share is None or share >= threshold.value)
        if qualifies:
            deduction = min(fen(rigid_monthly * _pct(policy.rigid_deduction) / HUNDRED), household_income)
    per_capita = fen((household_income - deduction) / n)
    standard = policy.standard.value
    income_ok = per_capita < standard

    assets: dict[str, dict] = {}
    assets_ok = True
    for cls, (label, _kind) in ASSET_CLASSES.items():
        total, count = asset_totals.get(cls, ZERO), asset_counts.get(cls, 0)
        limit_rule = policy.limits.get(cls)
        if cls == "money":
            measured = fen(total / n)
            limit = policy.money_limit
        elif cls == "property":
            measured, limit = Decimal(count), (limit_rule.value if limit_rule else None)
        else:
            measured, limit = total, (limit_rule.value if limit_rule else None)
        exceeds = limit is not None and count > 0 and measured > limit
        text = ""
        if detail or exceeds:
            if cls == "money":
                text = (f"家庭货币财产{fmt(total)}元，人均{fmt(measured)}元"
                        + (f"，限额为{fmt(limit_rule.value).rstrip('0').rstrip('.')}个月低保标准即人均{fmt(limit)}元"
                           if limit_rule else ""))
            elif cls == "property":
                text = f"家庭住房{count}套" + (f"，限额{limit.normalize():f}套" if limit is not None else "")
            else:
                text = f"{label}{fmt(total)}元" + (f"，限额{fmt(limit)}元" if limit is not None else "")
        if exceeds:
            assets_ok = False
        assets[cls] = {"label": label, "total": total, "count": count, "measured": measured, "limit": limit,
                       "exceeds": exceeds, "text": text,
                       "rule": limit_rule.explanation if limit_rule else "未配置限额"}
    conclusion = {(True, True): Conclusion.MEETS, (False, True): Conclusion.INCOME_ABOVE,
                  (True, False): Conclusion.ASSETS_ABOVE, (False, False): Conclusion.BOTH_ABOVE}[(income_ok, assets_ok)]
    if not has_data:
        # No department knows anything of the family on the date: a zero income is an absence of data, not a
        # finding, so nothing is concluded from it (issue 16: it used to read "人均收入 0 → 符合").
        conclusion = Conclusion.NO_DATA
    return Settled(rigid_monthly=rigid_monthly, rigid_share=share, rigid_qualifies=qualifies,
                   rigid_deduction=deduction, per_capita=per_capita, standard=standard, income_ok=income_ok,
                   assets=assets, assets_ok=assets_ok, conclusion=conclusion)


def assess_totals(*, on: dt.date, living: list[tuple[int, Decimal]], deceased, asset_totals: dict[str, Decimal],
                  asset_counts: dict[str, int], rigid: list[RigidIn], policy: Policy,
                  has_data: bool = True) -> Assessment:
    """The batch 核对 of one household from its totals (selectors.household_totals): the same figures and
    conclusion as `assess` over the single report's lines, without the lines and their wording."""
    if not living:
        raise DomainError("家庭在核对基准日没有在世成员，无法核对", code="no_members", field="家庭")
    person_income = dict(living)
    household_income = sum(person_income.values(), ZERO)
    s = settle(n=len(person_income), household_income=household_income, asset_totals=asset_totals,
               asset_counts=asset_counts, rigid=rigid, policy=policy, detail=False, has_data=has_data)
    return Assessment(on=on, members=[], lines=[], person_income=person_income, member_count=len(person_income),
                      household_income=household_income, rigid_monthly=s.rigid_monthly,
                      rigid_deduction=s.rigid_deduction, per_capita_income=s.per_capita, standard=s.standard,
                      standard_explanation=policy.standard.explanation, money_assets=asset_totals.get("money", ZERO),
                      assets=s.assets, income_ok=s.income_ok, assets_ok=s.assets_ok, conclusion=s.conclusion,
                      conclusion_text="", rule_version=policy.version, warnings=list(policy.warnings),
                      deceased=frozenset(deceased))
