"""临时救助, paid once (one_off). Two kinds, chosen by facts.variant:

- emergency (急难型): a sudden event (facts.extra["event"], e.g. 火灾、车祸、突发重病) puts the family in
  difficulty; not income-tested, paid first and documented afterwards (先救助后说明).
- expenditure (支出型): rigid expenses (医疗、教育 …) push the household's per-capita income below the 低保标准:
  (月收入 − 刚性支出) ÷ 人数 < 低保标准.

Amount per living member (每人次) = the jurisdiction's floor (中山: 2 × 低保 = 2200 元 in 2020), or the share of
a larger assessed need (facts.extra["assessed_need"], the household total the caseworker assessed). Where a
jurisdiction states no floor the programme refuses to guess: a Chinese error names the missing standard.
"""

from minzheng.core.errors import DomainError
from minzheng.core.money import round_payment

from .base import Amount, Decision, HouseholdFacts, Programme, register
from .common import (
    MONTHLY,
    check_amount,
    check_facts,
    money,
    optional_standard,
    per_capita_income,
    rounding,
    shown,
    standard,
    version,
)

VARIANTS = {"emergency": "急难型", "expenditure": "支出型"}


@register
class Temporary(Programme):
    code = "temporary"
    approval_inputs = frozenset({"urban_rural", "rigid_expenses", "income"})
    label = "临时救助"
    per_household = True
    one_off = True

    def assess(self, facts: HouseholdFacts) -> Decision:
        check_facts(facts)
        if facts.variant not in VARIANTS:
            raise DomainError(f"临时救助类型“{facts.variant}”无效，应为急难型或支出型", code="invalid_variant",
                              field="救助类型")
        kind = VARIANTS[facts.variant]
        floor = optional_standard(facts, "temp_assistance_floor", "town_level")
        if floor is None:
            raise DomainError(f"{facts.area.full_name()}及其上级均未载明“临时救助每人次最低标准”，"
                              f"无法计算临时救助金额，请先在政策参数中录入该标准",
                              code="no_standard", field="临时救助每人次最低标准")
        n = len(facts.living)
        if facts.variant == "emergency":
            event = str(facts.extra.get("event", "")).strip()
            if not event:
                return Decision(eligible=False, reasons=("急难型临时救助须写明突发事件（如火灾、车祸、突发重病）",))
            why = f"{event}，先行救助后补手续"
            extra_sources = ()
        else:
            dibao = standard(facts, "dibao", unit=MONTHLY)
            pc = per_capita_income(facts, minus_rigid=True)
            why = (f"（家庭月收入{money(facts.monthly_income)}元 − 刚性支出{money(facts.rigid_expenses)}元）"
                   f" ÷ {n}人 = 人均{shown(pc)}元")
            if pc >= dibao.value:
                return Decision(eligible=False,
                                reasons=(f"{why}，不低于低保标准{money(dibao.value)}元，不符合支出型临时救助条件",))
            why += f"，低于低保标准{money(dibao.value)}元"
            extra_sources = (dibao,)
        unit = rounding(facts)
        need = facts.extra.get("assessed_need")
        each = round_payment(floor.value, unit.value)
        how = f"每人次不低于{money(floor.value)}元"
        if need is not None:
            need = check_amount(need, "核定救助金额", "核定救助金额")
            share = round_payment(need / n, unit.value)
            if share > floor.value:
                each = share
                how = (f"核定救助金额{money(need)}元 ÷ {n}人 = {money(share)}元，"
                       f"高于每人次最低标准{money(floor.value)}元")
        rule = version(self.code, floor, *extra_sources, unit)
        amounts = tuple(Amount(
            person_id=m.person_id, component="one_off", monthly_amount=each, rule_version=rule,
            explanation=f"{kind}临时救助（{why}）：{how}，{m.name}本次{money(each)}元。依据：{floor.explanation}")
            for m in facts.living)
        total = each * n
        return Decision(eligible=True, reasons=(f"{why}；{money(each)}元 × {n}人次 = {money(total)}元",),
                        amounts=amounts)

    def recheck_months(self, facts: HouseholdFacts) -> int:
        return 0  # paid once: nothing to re-check

