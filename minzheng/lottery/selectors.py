"""Reads of 福彩, scoped; the annual 公益金 report is public (阳光福彩)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area
from minzheng.core.errors import NotFound
from minzheng.core.scope import scoped, subtree_q

from .models import Allocation, MonthlySales, Outlet


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
    sales = (MonthlySales.objects.filter(subtree_q(area, "outlet__area__path"), month__gte=start, month__lt=end)
             .aggregate(s=Sum("amount"))["s"] or Decimal("0"))
    allocs = Allocation.objects.filter(subtree_q(area, "area__path"), year=year)
    sums = allocs.values("use").annotate(amount=Sum("amount"), spent=Sum("spent"))
    by_use: dict[str, dict[str, Any]] = {r["use"]: dict(r) for r in sums}
    rows = [{"use": u, "label": Allocation.Use(u).label, "amount": by_use.get(u, {}).get("amount") or Decimal("0"),
             "spent": by_use.get(u, {}).get("spent") or Decimal("0")} for u in Allocation.Use.values]
    total = sum((r["amount"] for r in rows), Decimal("0"))
    return {"area": area.name, "year": year, "sales": sales, "rows": rows, "allocated": total,
            "spent": sum((r["spent"] for r in rows), Decimal("0")),
            "projects": list(allocs.order_by("use", "project").values("project", "use", "amount", "spent")),
            "outlets": Outlet.objects.filter(subtree_q(area, "area__path"), opened_on__lt=end).exclude(
                closed_on__lt=end).count()}
