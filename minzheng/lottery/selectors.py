"""Reads of 福彩, scoped; the annual 公益金 report is public (阳光福彩)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Max, QuerySet, Sum
from django.db.models.functions import Coalesce

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area
from minzheng.core.citations import readable
from minzheng.core.errors import NotFound
from minzheng.core.money import fen
from minzheng.core.periods import same_day_months_later
from minzheng.core.scope import scoped, subtree_q

from .models import Allocation, MonthlySales, Outlet
from .rules import rule


def outlets_for(user: User) -> QuerySet[Outlet]:
    return scoped(Outlet.objects.select_related("area"), user, area_field="area",
                  capability=Cap.LOTTERY_VIEW).order_by("licence")


def outlet_get(user: User, pk: object) -> Outlet:
    try:
        value = int(str(pk))
    except ValueError:
        raise NotFound() from None
    o = outlets_for(user).filter(pk=value).first() if 0 < value < 2**63 else None
    if o is None:
        raise NotFound()
    return o


def allocations_for(user: User) -> QuerySet[Allocation]:
    return scoped(Allocation.objects.select_related("area"), user, area_field="area", capability=Cap.LOTTERY_VIEW)


def allocation_get(user: User, pk: object) -> Allocation:
    try:
        value = int(str(pk))
    except ValueError:
        raise NotFound() from None
    a = allocations_for(user).filter(pk=value).first() if 0 < value < 2**63 else None
    if a is None:
        raise NotFound()
    return a


def annual_report(area: Area, year: int) -> dict[str, Any]:
    """The public 公益金 report of an area for a year: sales, allocations by use, spending."""
    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    sales = fen(MonthlySales.objects.filter(subtree_q(area, "outlet__area__path"), month__gte=start, month__lt=end)
                .aggregate(s=Sum("amount"))["s"] or 0)
    allocs = Allocation.objects.filter(subtree_q(area, "area__path"), year=year)
    sums = allocs.values("use").annotate(amount=Sum("amount"), spent=Sum("spent"))
    by_use: dict[str, dict[str, Any]] = {r["use"]: dict(r) for r in sums}
    rows: list[dict[str, Any]] = [{"use": u, "label": Allocation.Use(u).label,
                                   "amount": fen(by_use.get(u, {}).get("amount") or 0),
                                   "spent": fen(by_use.get(u, {}).get("spent") or 0)} for u in Allocation.Use.values]
    total = sum((r["amount"] for r in rows), Decimal("0"))
    return {"area": area.name, "year": year, "sales": sales, "rows": rows, "allocated": total,
            **_elderly_share(area, year, rows, total),
            "spent": sum((r["spent"] for r in rows), Decimal("0")),
            "projects": list(allocs.order_by("use", "project").values("project", "use", "amount", "spent")),
            "outlets": Outlet.objects.filter(subtree_q(area, "area__path"), opened_on__lt=end).exclude(
                closed_on__lt=end).count()}


def _elderly_share(area: Area, year: int, rows: list[dict[str, Any]], total: Decimal) -> dict[str, Any]:
    """The share of the year's 公益金 allocated to 养老服务, and a warning when it is below what the area's plan asks
    (welfare_fund_elderly_min_share in data/charity/lottery.csv: 江海区, seeds/002 line 266)."""
    elderly = next(r["amount"] for r in rows if r["use"] == Allocation.Use.ELDERLY)
    share = (elderly / total).quantize(Decimal("0.0001")) if total else None
    r = rule("welfare_fund_elderly_min_share")
    warnings: list[str] = []
    if share is not None and r.applies(area, dt.date(year, 12, 31)) and share < r.value:
        warnings.append(f"{year}年安排用于养老服务的福彩公益金{elderly}元，占全部安排{total}元的{share * 100:.2f}%，"
                        f"低于规划要求的{r.value * 100:.0f}%（{readable(r.citation)}）")
    return {"elderly_share": share, "warnings": warnings}


def outlets_due_inspection(user: User, on: dt.date) -> QuerySet[Outlet]:
    """Outlets not closed whose last inspection — or, never inspected, whose opening — is more than the interval of
    data/charity/lottery.csv (inspection_interval_months) before `on`, the longest overdue first. Each row carries
    `last_inspected` (None if never)."""
    months = int(rule("inspection_interval_months").value)
    cutoff = same_day_months_later(on, -months)
    return (outlets_for(user).exclude(status=Outlet.Status.CLOSED)
            .annotate(last_inspected=Max("inspections__inspected_on"))
            .annotate(since=Coalesce("last_inspected", "opened_on"))
            .filter(since__lt=cutoff).order_by("since", "licence"))
