"""高龄津贴: a monthly allowance per person by age band, paid through the same cases, rosters, bank files and
supervision as 大救助. No means test.

The bands are the policy data's own variants of kind `elderly_allowance` ("80-89", "90-99", "100+"), read for the
household's area on the date, so a jurisdiction with other bands (e.g. "70-79" or "100+" only) is one data change.
Informational variants (中山's "80+_min"/"80+_max" range) do not look like a band and are ignored. No plan
prints band amounts: every loaded amount is an `assumed` demo placeholder, and the explanation says so.
"""

import re

from django.db.models import Q

from minzheng.core.money import round_payment
from minzheng.policy.models import Standard

from .base import Amount, Decision, HouseholdFacts, Programme, register
from .common import MONTHLY, check_facts, money, rounding, standard, version

_BAND = re.compile(r"^(\d+)(?:-(\d+)|\+)$")


def bands(facts: HouseholdFacts) -> list[tuple[int, int | None, str]]:
    """(from age, to age inclusive or None, variant) of the bands with a value on facts.on, lowest first."""
    ids = [a.pk for a in facts.area.ancestors()]
    variants = set(Standard.objects.filter(jurisdiction_id__in=ids, kind="elderly_allowance", value__isnull=False,
                                           effective_from__lte=facts.on)
                   .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=facts.on))
                   .values_list("variant", flat=True))
    out = []
    for v in variants:
        if m := _BAND.match(v):
            out.append((int(m.group(1)), int(m.group(2)) if m.group(2) else None, v))
    return sorted(out)


@register
class ElderlyAllowance(Programme):
    code = "elderly_allowance"
    label = "高龄津贴"
    per_household = False

    def assess(self, facts: HouseholdFacts) -> Decision:
        check_facts(facts)
        found = bands(facts)
        if not found:
            return Decision(eligible=False, reasons=(f"{facts.area.name}在{facts.on.isoformat()}未载明高龄津贴标准",))
        low = found[0][0]
        unit = rounding(facts)
        reasons, amounts = [], []
        for m in facts.living:
            age = m.age_on(facts.on)
            band = next((b for b in found if b[0] <= age and (b[1] is None or age <= b[1])), None)
            if band is None:
                if age >= low:
                    reasons.append(f"{m.name}{age}周岁，不在已载明的高龄津贴年龄段内")
                continue
            std = standard(facts, "elderly_allowance", band[2], unit=MONTHLY)
            amounts.append(Amount(
                person_id=m.person_id, component="allowance", monthly_amount=round_payment(std.value, unit.value),
                rule_version=version(self.code, std, unit),
                explanation=(f"{m.name}{age}周岁，属{band[2]}岁年龄段，高龄津贴{money(std.value)}元/人·月。"
                             f"依据：{std.explanation}")))
            reasons.append(f"{m.name}{age}周岁（{band[2]}岁段）：高龄津贴{money(std.value)}元/月"
                           + ("（演示假设值）" if std.assumed else ""))
        if not amounts and not reasons:
            reasons.append(f"家庭成员均未满{low}周岁，不属于高龄津贴发放范围")
        return Decision(eligible=bool(amounts), reasons=tuple(reasons), amounts=tuple(amounts))

    def recheck_months(self, facts: HouseholdFacts) -> int:
        # 高龄津贴 needs no means re-check; the yearly check is 生存认证 (proof of life).
        return int(standard(facts, "recheck_months", "stable").value)
