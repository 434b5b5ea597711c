"""Demo 规划监测: the catalogue loaded, demo figures reported for the indicators the system cannot compute
(clearly marked 演示数据, following each plan's own line from baseline to target with seeded noise), those of
2021–2023 approved by the level above, and every year rebuilt."""

import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.areas.models import Area
from minzheng.core.errors import DomainError
from minzheng.monitoring import catalogue, rollup, selectors, services, targets
from minzheng.monitoring.models import Indicator, ReportedValue

# who reports each plan's figures, and who approves them (the level above)
REPORTERS = {"441800": ("qy_city", "gd_province"), "445322": ("yn_county", "yf_city"),
             "440704": ("jh_county", "jm_city"), "442000": ("zs_city", "gd_province"),
             "441900": ("dg_city", "gd_province")}
DEMO_NOTE = "演示数据（按规划基期与目标生成，非真实统计）"


def _demo_value(ind: Indicator, year: int, rng: random.Random) -> Decimal | None:
    base, goal = targets.parse(ind.baseline_2020), targets.parse(ind.target_2025)
    if goal is None or goal.is_rule:
        return None
    start = base.value if base is not None and not base.is_rule else goal.value * Decimal("0.8")
    if ind.cumulative:
        start = Decimal(0)
        step = goal.value / 5 * Decimal(str(rng.uniform(0.8, 1.15)))
        return step.quantize(Decimal("0.01"))
    frac = Decimal(year - 2020) / 5 * Decimal(str(rng.uniform(0.75, 1.1)))
    v = start + (goal.value - start) * frac
    low, high = services.value_range(ind)
    v = max(v, low) if low is not None else v
    v = min(v, high) if high is not None else v
    return v.quantize(Decimal("0.01"))


def seed_monitoring_demo(*, seed: int = 2026) -> dict:
    """Idempotent: figures already reported are kept; returns counts."""
    catalogue.load()
    rng = random.Random(seed)
    users = {u.username: u for u in User.objects.filter(
        username__in={n for pair in REPORTERS.values() for n in pair})}
    made = approved = 0
    this_year = timezone.localdate().year
    for code, (reporter, approver) in REPORTERS.items():
        if reporter not in users or approver not in users:
            continue
        plan = Area.objects.get(code=code, valid_to__isnull=True)
        # the plan's own figures, and for 东莞 each town's annex figures, reported at the indicator's area
        for ind in selectors.entered_by_hand(Indicator.objects.filter(
                area__path__startswith=plan.path, adopted=True).select_related("area")):
            area = ind.area
            for year in range(2021, min(2025, this_year) + 1):
                if ReportedValue.objects.filter(indicator=ind, area=area, period=year).exists():
                    continue
                value = _demo_value(ind, year, rng)
                if value is None:
                    continue
                try:
                    with transaction.atomic():
                        rv = services.report_value(actor=users[reporter], indicator=ind, area=area, period=year,
                                                   value=value, unit=ind.unit, note=DEMO_NOTE)
                        made += 1
                        if year <= 2023:
                            services.approve_value(actor=users[approver], reported=rv)
                            approved += 1
                except DomainError:
                    continue  # a figure outside the indicator's range: leave it unreported
    years = list(range(2021, this_year + 1))
    for year in years:
        rollup.rebuild(year, resume=False)
    return {"reported": made, "approved": approved, "years": len(years), "as_of": timezone.localtime().isoformat()}
