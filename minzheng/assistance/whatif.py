"""“如果低保标准调到X元”: how many households newly qualify and what it costs per month, from the latest
核对 result of every household in scope. One aggregate query; nothing is written.

The rule mirrors the 低保 programme (programmes/dibao.py): eligible when per-capita income is below the
standard and per-capita money assets are within `asset_limit_months` × the standard; the gap paid is
(standard − per-capita income) × members.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from minzheng.accounts.roles import Cap
from minzheng.core.errors import DomainError
from minzheng.core.money import fen
from minzheng.core.scope import scoped
from minzheng.policy.rules import resolve
from minzheng.verification.models import VerificationReport

MONEY = DecimalField(max_digits=18, decimal_places=2)


@dataclass(frozen=True)
class WhatIf:
    households: int              # households with a 核对 result in scope
    eligible_now: int
    eligible_then: int
    newly_eligible: int
    monthly_cost_now: Decimal
    monthly_cost_then: Decimal
    explanation: str

    @property
    def extra_monthly_cost(self) -> Decimal:
        return self.monthly_cost_then - self.monthly_cost_now


def _eligible(standard, months) -> Q:
    return Q(per_capita_income__lt=standard) & Q(money_assets__lte=months * standard * F("member_count"))


def _gap(standard):
    return ExpressionWrapper((Value(standard) - F("per_capita_income")) * F("member_count"), output_field=MONEY)


def dibao_what_if(*, user, area, urban_rural: str, new_standard, on: dt.date) -> WhatIf:
    try:
        new = Decimal(str(new_standard))
    except Exception:
        raise DomainError(f"拟调整的低保标准“{new_standard}”不是有效数字", field="新标准") from None
    if not new.is_finite() or new <= 0:
        raise DomainError("拟调整的低保标准必须大于0", field="新标准")
    current = resolve(area, "dibao", scope=urban_rural, on=on)
    months = resolve(area, "asset_limit_months", on=on).value
    reports = scoped(VerificationReport.objects.all(), user, area_field="area", capability=Cap.ASSIST_VIEW)
    reports = reports.filter(area__path__startswith=area.path, urban_rural=urban_rural, on__lte=on)
    # The latest result per household: no later one up to `on` (an anti-join, planned as one hash pass).
    newer = VerificationReport.objects.filter(household=OuterRef("household"), on__lte=on, id__gt=OuterRef("id"))
    reports = reports.exclude(Exists(newer))
    zero = Value(Decimal("0"), output_field=MONEY)
    now_ok, then_ok = _eligible(current.value, months), _eligible(new, months)
    totals = reports.aggregate(
        households=Count("id"),
        now=Coalesce(Sum(Case(When(now_ok, then=1), default=0)), 0),
        then=Coalesce(Sum(Case(When(then_ok, then=1), default=0)), 0),
        newly=Coalesce(Sum(Case(When(then_ok & ~now_ok, then=1), default=0)), 0),
        cost_now=Coalesce(Sum(Case(When(now_ok, then=_gap(current.value)), default=zero, output_field=MONEY)), zero),
        cost_then=Coalesce(Sum(Case(When(then_ok, then=_gap(new)), default=zero, output_field=MONEY)), zero),
    )
    text = (f"以{area.name}现行{'城镇' if urban_rural == 'urban' else '农村'}低保标准{current.value.normalize():f}元"
            f"（{current.explanation}）与拟调标准{new.normalize():f}元比较，按各户最近一次核对结果测算；"
            f"人均货币财产上限为{months.normalize():f}个月低保标准。")
    return WhatIf(households=totals["households"], eligible_now=totals["now"], eligible_then=totals["then"],
                  newly_eligible=totals["newly"], monthly_cost_now=fen(totals["cost_now"]),
                  monthly_cost_then=fen(totals["cost_then"]), explanation=text)
