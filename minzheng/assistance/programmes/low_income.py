"""低收入家庭认定: per-capita monthly income above the 低保标准 and up to the 低收入 upper bound (中山: 1.5 × 低保,
band 1101–1650 in 2020), assets within the limit. No monthly cash: an eligible household gets a status that
keeps it under monitoring (动态监测) and opens 专项救助, so the Decision carries no amounts (pays_cash = False:
审批 enrols the household with no entitlements, and no roster ever has a line for it).

Where a jurisdiction states no upper bound, resolve raises a Chinese error naming 低收入家庭认定上限; the
lower bound is the 低保标准 itself (exclusive), which also settles 中山's printed '1101' edge.
"""

from .base import Decision, HouseholdFacts, Programme, register
from .common import MONTHLY, assets_check, check_facts, money, per_capita_income, recheck_by_household, shown, standard


@register
class LowIncome(Programme):
    code = "low_income"
    approval_inputs = frozenset({"urban_rural", "assets", "income"})
    label = "低收入家庭认定"
    per_household = True
    pays_cash = False

    def assess(self, facts: HouseholdFacts) -> Decision:
        check_facts(facts)
        dibao = standard(facts, "dibao", unit=MONTHLY)
        upper = standard(facts, "low_income_upper", unit=MONTHLY)
        n = len(facts.living)
        pc = per_capita_income(facts)
        band = f"低收入认定区间：高于低保标准{money(dibao.value)}元、不高于{money(upper.value)}元"
        text = f"家庭月收入{money(facts.monthly_income)}元 ÷ {n}人 = 人均{shown(pc)}元；{band}"
        assets_ok, assets_text, _ = assets_check(facts, dibao)
        reasons = []
        if pc <= dibao.value:
            reasons.append(f"{text}；人均收入不高于低保标准，应按低保申请")
        elif pc > upper.value:
            reasons.append(f"{text}；人均收入高于认定上限，不属于低收入家庭")
        if not assets_ok:
            reasons.append(f"{assets_text}，不属于低收入家庭")
        if reasons:
            return Decision(eligible=False, reasons=tuple(reasons))
        return Decision(eligible=True, reasons=(
            f"{text}；{assets_text}。认定为低收入家庭（纳入动态监测，不发放按月救助金）。依据：{upper.explanation}",))

    def recheck_months(self, facts: HouseholdFacts) -> int:
        return recheck_by_household(facts)
