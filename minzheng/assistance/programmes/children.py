"""孤儿 and 事实无人抚养儿童 basic living allowances: per child under minor_below (18), monthly.

Which child is which comes from facts.extra["child_status"] ({person_id: "orphan" | "de_facto_unsupported"},
the finding of the application) or, failing that, the child's registry category in force. An orphan is paid
the 集中供养 or 分散供养 standard by placement: facts.extra["placement"] ({person_id: "institutional" |
"dispersed"}) or facts.variant for all the household's orphans. 事实无人抚养儿童 have one standard
(= the 分散供养孤儿 standard in every plan, as a formula in data).
"""

from minzheng.core.errors import DomainError
from minzheng.core.money import round_payment

from .base import Amount, Decision, HouseholdFacts, Member, Programme, register
from .common import MONTHLY, age_limit, check_facts, money, rounding, standard, version

PLACEMENTS = {"institutional": "集中供养", "dispersed": "分散供养"}


def child_status(facts: HouseholdFacts, m: Member) -> str:
    given = facts.extra.get("child_status", {}).get(m.person_id)
    if given:
        return given
    for status in ("orphan", "de_facto_unsupported"):
        if status in m.categories:
            return status
    return ""


class _ChildAllowance(Programme):
    per_household = False
    status: str

    def _kind(self, facts: HouseholdFacts, m: Member) -> tuple[str, str]:
        return self.status, ""

    def assess(self, facts: HouseholdFacts) -> Decision:
        check_facts(facts)
        below = age_limit(facts, "minor_below")
        reasons, amounts = [], []
        for m in facts.living:
            if child_status(facts, m) != self.status:
                continue
            age = m.age_on(facts.on)
            if age >= below:
                reasons.append(f"{m.name}已满{below}周岁（{age}周岁），不再享受{self.label}")
                continue
            kind, how = self._kind(facts, m)
            rate = standard(facts, kind, unit=MONTHLY)
            unit = rounding(facts)
            amounts.append(Amount(
                person_id=m.person_id, component="basic", monthly_amount=round_payment(rate.value, unit.value),
                rule_version=version(self.code, rate, unit),
                explanation=f"{m.name}（{age}周岁）{how}{self.label}{money(rate.value)}元/人·月。依据：{rate.explanation}"))
            reasons.append(f"{m.name}（{age}周岁）符合条件：{how}{money(rate.value)}元/月")
        if not amounts and not reasons:
            reasons.append(f"家庭中没有认定为{self.label.removesuffix('基本生活保障')}的未成年人")
        return Decision(eligible=bool(amounts), reasons=tuple(reasons), amounts=tuple(amounts))

    def recheck_months(self, facts: HouseholdFacts) -> int:
        return int(standard(facts, "recheck_months", "stable").value)


@register
class Orphan(_ChildAllowance):
    code = "orphan"
    label = "孤儿基本生活保障"
    status = "orphan"
    excludes = frozenset({"de_facto_unsupported"})

    def _kind(self, facts: HouseholdFacts, m: Member) -> tuple[str, str]:
        placement = facts.extra.get("placement", {}).get(m.person_id) or facts.variant
        if placement not in PLACEMENTS:
            raise DomainError(f"{m.name}的供养方式“{placement}”无效，应为集中供养或分散供养", code="invalid_placement",
                              field="供养方式")
        return f"orphan_{placement}", PLACEMENTS[placement]


@register
class DeFactoUnsupported(_ChildAllowance):
    code = "de_facto_unsupported"
    label = "事实无人抚养儿童基本生活保障"
    status = "de_facto_unsupported"
    excludes = frozenset({"orphan"})
