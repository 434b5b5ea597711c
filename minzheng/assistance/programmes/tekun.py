"""特困人员救助供养: per person, basic living (特困基本生活标准, 1.6 × 低保 in every plan) plus care by
self-care level (照料护理标准, a share of the minimum wage: 2 / 30 / 60 %, 中山 5 / 60 / 100 %).

A person qualifies on three findings, each modelled as a fact:
- 无劳动能力: aged elderly_from or over, under tekun_minor_below, 重度残疾 (severe_disability_grade), or listed
  in facts.extra["no_working_capacity"] (person ids the 入户调查 found unable to work, e.g. 重病);
- 无生活来源: own monthly income below the local 低保标准, and household per-capita assets within the limit;
- 无法定义务人或义务人无履行能力: listed in facts.extra["no_capable_supporter"] (person ids; the 调查 finding
  that no legal supporter exists or none is able to support).
"""

from minzheng.core.errors import DomainError
from minzheng.core.money import round_payment

from .base import Amount, Decision, HouseholdFacts, Member, Programme, register
from .common import (
    MONTHLY,
    SELF_CARE,
    age_limit,
    assets_check,
    check_facts,
    money,
    rounding,
    severe_grade,
    standard,
    version,
)


def _ids(facts: HouseholdFacts, key: str) -> set[int]:
    return {int(x) for x in facts.extra.get(key, ())}


@register
class Tekun(Programme):
    code = "tekun"
    approval_inputs = frozenset({"urban_rural", "assets", "income", "self_care", "no_work", "no_supporter"})
    label = "特困人员救助供养"
    per_household = False
    excludes = frozenset({"dibao"})

    def _no_working_capacity(self, facts: HouseholdFacts, m: Member) -> str | None:
        age = m.age_on(facts.on)
        if age >= age_limit(facts, "elderly_from"):
            return f"{age}周岁老年人"
        if age < age_limit(facts, "tekun_minor_below"):
            return f"{age}周岁未成年人"
        if severe_grade(facts, m)[0]:
            return f"{m.disability_grade}级重度残疾"
        if m.person_id in _ids(facts, "no_working_capacity"):
            return "经调查认定无劳动能力"
        return None

    def assess(self, facts: HouseholdFacts) -> Decision:
        check_facts(facts)
        dibao = standard(facts, "dibao", unit=MONTHLY)
        assets_ok, assets_text, months = assets_check(facts, dibao)
        unsupported = _ids(facts, "no_capable_supporter")
        reasons, amounts = [], []
        for m in facts.living:
            missing = []
            capacity = self._no_working_capacity(facts, m)
            if capacity is None:
                missing.append("有劳动能力")
            if m.monthly_income >= dibao.value:
                missing.append(f"本人月收入{money(m.monthly_income)}元不低于低保标准{money(dibao.value)}元，有生活来源")
            if not assets_ok:
                missing.append(assets_text)
            if m.person_id not in unsupported:
                missing.append("未认定无法定义务人或义务人无履行能力")
            if missing:
                reasons.append(f"{m.name}不符合特困供养条件：{'；'.join(missing)}")
                continue
            if not m.self_care:
                raise DomainError(f"{m.name}的自理能力评估结果未填写（全自理、半自理或全护理），无法确定照料护理标准",
                                  code="missing_self_care", field="自理能力")
            basic = standard(facts, "tekun_basic", unit=MONTHLY)
            care = standard(facts, "tekun_care", m.self_care)
            level = SELF_CARE[m.self_care]
            unit = rounding(facts)
            amounts.append(Amount(
                person_id=m.person_id, component="basic", monthly_amount=round_payment(basic.value, unit.value),
                rule_version=version(self.code, basic, unit),
                explanation=f"{m.name}特困基本生活{money(basic.value)}元/人·月。依据：{basic.explanation}"))
            amounts.append(Amount(
                person_id=m.person_id, component="care", monthly_amount=round_payment(care.value, unit.value),
                rule_version=version(self.code, care, unit),
                explanation=f"{m.name}照料护理（{level}）{money(care.value)}元/人·月。依据：{care.explanation}"
                            + (f"。自理能力：{m.self_care_source}" if m.self_care_source else "")))
            reasons.append(f"{m.name}符合特困供养条件（{capacity}；本人月收入{money(m.monthly_income)}元低于低保标准"
                           f"{money(dibao.value)}元；无法定义务人或义务人无履行能力）：基本生活{money(basic.value)}元"
                           f" + 照料护理（{level}）{money(care.value)}元 = {money(basic.value + care.value)}元/月")
        return Decision(eligible=bool(amounts), reasons=tuple(reasons), amounts=tuple(amounts))

    def recheck_months(self, facts: HouseholdFacts) -> int:
        # 特困人员 are checked on the cadence for stable households, whoever else lives with them.
        return int(standard(facts, "recheck_months", "stable").value)
