"""最低生活保障 (低保): a household whose per-capita monthly income is below the local 低保标准 and whose
financial assets are within the limit receives 差额补差 = (标准 − 人均收入) × 人数, shared per person,
plus 分类施保 top-ups (a % of the standard per elderly / child / severely disabled member) only where the
jurisdiction has loaded a rate; 江海区 says it practises 分类施保 but prints no rate, so none is paid.
"""

from decimal import Decimal

from minzheng.core.money import round_payment, split_amount

from .base import Amount, Decision, HouseholdFacts, Programme, register
from .common import (
    MONTHLY,
    age_limit,
    assets_check,
    check_facts,
    money,
    optional_standard,
    per_capita_income,
    recheck_by_household,
    rounding,
    scope_label,
    severe_grade,
    shown,
    standard,
    version,
)

TOPUP_GROUPS = {"elderly": "老年人", "child": "未成年人", "severe_disability": "重度残疾人"}


@register
class Dibao(Programme):
    code = "dibao"
    approval_inputs = frozenset({"urban_rural", "assets", "income"})
    label = "最低生活保障"
    per_household = True
    excludes = frozenset({"tekun"})

    def assess(self, facts: HouseholdFacts) -> Decision:
        check_facts(facts)
        dibao = standard(facts, "dibao", unit=MONTHLY)
        living = facts.living
        n = len(living)
        total_income = facts.monthly_income
        pc = per_capita_income(facts)
        std = dibao.value
        income_text = (f"{scope_label(facts)}低保标准{money(std)}元/人·月；家庭月收入{money(total_income)}元 ÷ {n}人"
                       f" = 人均{shown(pc)}元")
        reasons = []
        assets_ok, assets_text, months = assets_check(facts, dibao)
        if pc >= std:
            reasons.append(f"{income_text}，不低于低保标准，不符合低保条件")
        if not assets_ok:
            reasons.append(f"{assets_text}，不符合低保条件")
        if reasons:
            return Decision(eligible=False, reasons=tuple(reasons))

        unit = rounding(facts)
        gap = round_payment(std * n - total_income, unit.value)  # = (标准 − 人均收入) × 人数, exact before rounding
        gap_text = f"{income_text}；差额补差（{money(std)} − {shown(pc)}）× {n}人 = {money(gap)}元"
        rule = version(self.code, dibao, months, unit)
        amounts = []
        shares = split_amount(gap, n, unit=unit.value)
        for i, (member, share) in enumerate(zip(living, shares, strict=True)):
            note = f"，按人分摊{member.name}每月{money(share)}元" + ("（含分摊余数）" if i == 0 and n > 1 and
                                                                   share != shares[-1] else "")
            amounts.append(Amount(person_id=member.person_id, component="basic", monthly_amount=share,
                                  rule_version=rule, explanation=f"{gap_text}{note}。依据：{dibao.explanation}"))
        amounts += self._topups(facts, dibao, unit)
        reasons.append(f"{gap_text}；{assets_text}，符合低保条件")
        if not any(a.component == "top_up" for a in amounts):
            reasons.append("本地未载明分类施保加发标准，不计加发")
        return Decision(eligible=True, reasons=tuple(reasons), amounts=tuple(amounts))

    def _topups(self, facts: HouseholdFacts, dibao, unit) -> list[Amount]:
        """One top-up per member: the highest rate among the groups the member belongs to."""
        out = []
        for m in facts.living:
            age = m.age_on(facts.on)
            groups = []
            if age >= age_limit(facts, "elderly_from"):
                groups.append("elderly")
            if age < age_limit(facts, "minor_below"):
                groups.append("child")
            if severe_grade(facts, m)[0]:
                groups.append("severe_disability")
            best = None
            for g in groups:
                rate = optional_standard(facts, "dibao_topup", g)
                if rate is not None and (best is None or rate.value > best[1].value):
                    best = (g, rate)
            if best is None:
                continue
            group, rate = best
            amount = round_payment(dibao.value * rate.value / Decimal(100), unit.value)
            if amount <= 0:
                continue
            out.append(Amount(
                person_id=m.person_id, component="top_up", monthly_amount=amount,
                rule_version=version(self.code, dibao, rate, unit),
                explanation=(f"分类施保（{TOPUP_GROUPS[group]}）：{money(dibao.value)} × {money(rate.value)}% = "
                             f"{money(amount)}元。依据：{rate.explanation}")))
        return out

    def recheck_months(self, facts: HouseholdFacts) -> int:
        return recheck_by_household(facts)
