"""残疾人两项补贴, per disabled person, monthly:

- living (困难残疾人生活补贴, disability_living): a disabled member of a 低保 or 低收入 household — any living
  member holding the dibao / low_income category, or facts.extra["household_status"] naming one of them;
- care_subsidy (重度残疾人护理补贴, disability_care): 重度残疾 — grade up to severe_disability_grade (1–2), and
  in 清远 and 郁南 also 智力/精神 disability of any grade (their plans extend the 护理补贴 to 非重度智力、精神).

Yearly standards (清远, 江海 print 元/人·年) are read through their derived monthly rows (unit 元/人·月).
"""

from minzheng.core.money import round_payment

from .base import Amount, Decision, HouseholdFacts, Programme, register
from .common import MONTHLY, check_facts, money, rounding, severe_grade, standard, version

POOR = {"dibao": "低保", "low_income": "低收入"}


@register
class Disability(Programme):
    code = "disability"
    label = "残疾人两项补贴"
    per_household = False

    def _household_status(self, facts: HouseholdFacts) -> str:
        given = facts.extra.get("household_status", "")
        if given in POOR:
            return given
        for status in POOR:
            if any(status in m.categories for m in facts.living):
                return status
        return ""

    def assess(self, facts: HouseholdFacts) -> Decision:
        check_facts(facts)
        poor = self._household_status(facts)
        unit = rounding(facts)
        reasons, amounts = [], []
        for m in facts.living:
            if m.disability_grade is None:
                continue
            got = []
            if poor:
                living = standard(facts, "disability_living", unit=MONTHLY)
                amounts.append(Amount(
                    person_id=m.person_id, component="living", monthly_amount=round_payment(living.value, unit.value),
                    rule_version=version(self.code, living, unit),
                    explanation=(f"{m.name}为{POOR[poor]}家庭中的{m.disability_grade}级残疾人，困难残疾人生活补贴"
                                 f"{money(living.value)}元/人·月。依据：{living.explanation}")))
                got.append(f"生活补贴{money(living.value)}元")
            severe, rule = severe_grade(facts, m)
            if severe:
                care = standard(facts, "disability_care", unit=MONTHLY)
                amounts.append(Amount(
                    person_id=m.person_id, component="care_subsidy",
                    monthly_amount=round_payment(care.value, unit.value),
                    rule_version=version(self.code, care, rule, unit),
                    explanation=(f"{m.name}残疾等级{m.disability_grade}级，属重度残疾人护理补贴范围（{rule.explanation}），"
                                 f"护理补贴{money(care.value)}元/人·月。依据：{care.explanation}")))
                got.append(f"护理补贴{money(care.value)}元")
            if got:
                total = sum((a.monthly_amount for a in amounts if a.person_id == m.person_id), start=0)
                reasons.append(f"{m.name}（{m.disability_grade}级残疾）：{' + '.join(got)} = {money(total)}元/月")
            else:
                reasons.append(f"{m.name}（{m.disability_grade}级残疾）：家庭非低保、低收入家庭，且非重度残疾，不享受两项补贴")
        if not reasons:
            reasons.append("家庭中没有持证残疾人")
        return Decision(eligible=bool(amounts), reasons=tuple(reasons), amounts=tuple(amounts))

    def recheck_months(self, facts: HouseholdFacts) -> int:
        return int(standard(facts, "recheck_months", "stable").value)
