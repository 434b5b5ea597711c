"""养老服务补贴 and 老年人护理补贴 for 经济困难老年人 (财社〔2014〕113号), per person, monthly, paid through the same
cases, rosters, bank files and supervision as 大救助.

Who: a member aged `age_threshold/elderly_from` or more who is 经济困难 — holds one of the groups the policy data
lists for the programme (kind `<code>_group`, variant = a registry category / programme code such as tekun, dibao,
low_income, value 1 = included). A group that is a household programme (低保, 低收入: `per_household`) counts for
every member of the household; a personal one (特困) only for the person. A group is held through the registry
类别 row or a 大救助 entitlement in force that month — the rule eldercare uses for its categories.

How much: graded by the GB/T 42195 level of the latest valid 老年人能力评估 (variants `level_0` … `level_4` of
the amount kind). A level without a row is not covered, so which levels a programme pays is data: 养老服务补贴
has rows for every level, 护理补贴 from 轻度失能 (1) on. Without a valid assessment nothing is paid — the plans tie
the subsidies to 老年人能力与需求综合评估 (seeds/001_cf1a8028232d3f86.txt:638). No plan prints an amount: every
loaded amount is an `assumed` demo placeholder and the explanation says so.

Exclusions (data/policy/exclusions.csv) are checked here for the members already receiving the other programme
when the case is decided, and by the payroll's supervision rule every month for overlaps that arise later.
"""

import re

from django.db.models import Q

from minzheng.core.errors import DomainError
from minzheng.core.money import round_payment
from minzheng.payroll.reference import exclusions_for, programme_info
from minzheng.policy.models import Standard
from minzheng.policy.rules import resolve
from minzheng.registry.models import Category

from .base import Amount, Decision, HouseholdFacts, Member, Programme, get_programme, register
from .common import MONTHLY, age_limit, check_facts, money, rounding, standard, version

_LEVEL = re.compile(r"^level_(\d)$")


def _variants(facts: HouseholdFacts, kind: str) -> set[str]:
    """Variants of `kind` with a value in force on facts.on anywhere from the household's area up."""
    ids = [a.pk for a in facts.area.ancestors()]
    return set(Standard.objects.filter(jurisdiction_id__in=ids, kind=kind, value__isnull=False,
                                       effective_from__lte=facts.on)
               .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=facts.on))
               .values_list("variant", flat=True))


def _group_label(code: str) -> str:

    return Category(code).label if code in Category.values else code


class ElderlySubsidy(Programme):
    per_household = False
    component: str
    amount_kind: str

    @property
    def group_kind(self) -> str:
        return f"{self.amount_kind}_group"

    def groups(self, facts: HouseholdFacts) -> dict[str, str]:
        """group code → the policy rule's explanation, for the groups included on facts.on (nearest area wins,
        so a county may set 0 to leave out a group the province includes)."""
        out = {}
        for variant in sorted(_variants(facts, self.group_kind)):
            rule = resolve(facts.area, self.group_kind, scope=facts.urban_rural, variant=variant, on=facts.on)
            if rule.value > 0:
                out[variant] = rule.explanation
        return out

    def levels(self, facts: HouseholdFacts) -> set[int]:
        return {int(m.group(1)) for v in _variants(facts, self.amount_kind) if (m := _LEVEL.match(v))}

    def _holds(self, facts: HouseholdFacts, member: Member, group: str) -> bool:
        def has(m: Member) -> bool:
            return group in m.categories or m.in_programme(group)
        try:
            household_wide = get_programme(group).per_household
        except DomainError:  # a registry category that is no programme: personal
            household_wide = False
        return any(has(m) for m in facts.living) if household_wide else has(member)

    def _excluded(self, member: Member) -> str:

        for ex in exclusions_for(self.code):
            if member.in_programme(ex.other, ex.other_component) and ex.own_component in ("", self.component):
                return f"已享受{programme_info(ex.other).label}，不重复享受{self.label}（依据：{ex.citation}）"
        return ""

    def assess(self, facts: HouseholdFacts) -> Decision:
        check_facts(facts)
        groups, levels = self.groups(facts), self.levels(facts)
        if not groups or not levels:
            missing = "发放对象" if not groups else "标准"
            return Decision(eligible=False, reasons=(
                f"{facts.area.name}在{facts.on.isoformat()}未载明{self.label}的{missing}",))
        from_age = age_limit(facts, "elderly_from")
        unit = rounding(facts)
        wording = "、".join(_group_label(g) for g in groups)
        reasons, amounts = [], []
        for m in facts.living:
            age = m.age_on(facts.on)
            if age < from_age:
                continue
            held = [g for g in groups if self._holds(facts, m, g)]
            if not held:
                reasons.append(f"{m.name}{age}周岁，本人或家庭不属于{wording}，不属于经济困难老年人")
                continue
            if m.care_level is None:
                reasons.append(f"{m.name}尚无有效的老年人能力评估，{self.label}按评估等级发放，请先办理能力评估")
                continue
            if m.care_level not in levels:
                reasons.append(f"{m.name}评估为{m.care_level_label}（{m.care_level_source}），不在{self.label}发放等级内")
                continue
            if why := self._excluded(m):
                reasons.append(f"{m.name}{why}")
                continue
            std = standard(facts, self.amount_kind, f"level_{m.care_level}", unit=MONTHLY)
            group = held[0]
            amounts.append(Amount(
                person_id=m.person_id, component=self.component, monthly_amount=round_payment(std.value, unit.value),
                rule_version=version(self.code, std, unit),
                explanation=(f"{m.name}{age}周岁，属{_group_label(group)}（经济困难老年人；{groups[group]}），"
                             f"能力评估为{m.care_level_label}（{m.care_level_source}），{self.label}"
                             f"{money(std.value)}元/人·月。依据：{std.explanation}")))
            reasons.append(f"{m.name}（{_group_label(group)}，{m.care_level_label}）：{self.label}{money(std.value)}元/月"
                           + ("（演示假设值）" if std.assumed else ""))
        if not reasons:
            reasons.append(f"家庭成员均未满{from_age}周岁，不属于{self.label}发放范围")
        return Decision(eligible=bool(amounts), reasons=tuple(reasons), amounts=tuple(amounts))

    def recheck_months(self, facts: HouseholdFacts) -> int:
        # Means-tested through the household's 低保/特困/低收入 status, which has its own 复核; the assessment has its
        # own due date (eldercare). The subsidy follows the household cadence.
        return int(standard(facts, "recheck_months", "stable").value)


@register
class ElderlyServiceSubsidy(ElderlySubsidy):
    code = "elderly_service_subsidy"
    label = "养老服务补贴"
    component = "service"
    amount_kind = "elderly_service_subsidy"


@register
class ElderlyCareSubsidy(ElderlySubsidy):
    code = "elderly_care_subsidy"
    label = "老年人护理补贴"
    component = "care"
    amount_kind = "elderly_care_subsidy"
