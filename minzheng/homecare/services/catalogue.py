"""The service menu that applies in an area on a day, and its prices (a new price is a new dated version)."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area
from minzheng.core import audit, rows
from minzheng.core.errors import Conflict, DomainError
from minzheng.core.scope import ensure_can

from ..models import PackageItem, ServiceItem


def catalogue_for(area: Area, on: dt.date) -> tuple[Area | None, list[ServiceItem]]:
    """The menu that applies in `area` on a day: the nearest jurisdiction with items, latest version per code."""
    # One query over the area and all its ancestors (their ids are the area's path), nearest first in Python.
    ids = [int(x) for x in area.path.strip("/").split("/")]
    by_area: dict[int, list[ServiceItem]] = {}
    # Read at every order placed: through core.rows (a prepared statement), not a compiled queryset.
    items = rows.many(ServiceItem, f"t.area_id IN ({', '.join(['%s'] * len(ids))}) AND t.valid_from <= %s "
                      "AND (t.valid_to IS NULL OR t.valid_to > %s)", [*ids, on, on], related=("area",),
                      then="ORDER BY t.code, t.valid_from DESC")
    for it in items:
        by_area.setdefault(it.area_id, []).append(it)
    for a in reversed(ids):
        if a in by_area:
            latest: dict[str, ServiceItem] = {}
            for it in by_area[a]:
                latest.setdefault(it.code, it)
            return by_area[a][0].area, sorted(latest.values(), key=lambda i: (i.is_package, i.category, i.code))
    return None, []


def catalogue_item_reprice(*, actor: User, item: ServiceItem, price: str | Decimal, valid_from: dt.date,
                           basis: str, source: str = "") -> ServiceItem:
    """A new price for a catalogue line from `valid_from`: the current version ends that day and a new version
    (with the document it rests on) starts, so orders already placed keep the price they were placed at."""
    ensure_can(actor, item.area, Cap.HOMECARE_MANAGE)
    try:
        new_price = Decimal(str(price).strip())
    except (InvalidOperation, ValueError):
        raise DomainError(f"单价“{price}”不是有效金额", field="单价")
    if not new_price.is_finite() or new_price <= 0 or new_price >= Decimal("1000000") \
            or new_price != new_price.quantize(Decimal("0.01")):
        raise DomainError("单价应为大于0、小于100万元、最多两位小数的金额", field="单价")
    basis = (basis or "").strip()
    if not basis:
        raise DomainError("请填写调价依据（文件名称与文号）", code="required", field="调价依据")
    if len(basis) > 300 or len(source or "") > 200:
        raise DomainError("调价依据最多300字，价格来源最多200字", field="调价依据")
    if not isinstance(valid_from, dt.date) or isinstance(valid_from, dt.datetime):
        raise DomainError("请填写生效日期", code="required", field="生效日期")
    with transaction.atomic():
        current = ServiceItem.objects.select_for_update().get(pk=item.pk)
        if valid_from <= current.valid_from:
            raise DomainError(f"生效日期应晚于现行价格的生效日期{current.valid_from:%Y-%m-%d}", field="生效日期")
        if current.valid_to is not None and current.valid_to <= valid_from:
            raise Conflict(f"{current.name}的该版本已于{current.valid_to:%Y-%m-%d}失效，请对现行版本调价",
                           field="服务项目")
        if ServiceItem.objects.filter(area=current.area, code=current.code, valid_from__gt=current.valid_from).exists():
            raise Conflict(f"{current.name}已有更晚生效的价格，请对最新版本调价", field="服务项目")
        before = {"price": current.price, "valid_from": current.valid_from, "valid_to": current.valid_to,
                  "basis": current.basis}
        ServiceItem.objects.filter(pk=current.pk).update(valid_to=valid_from)
        successor = ServiceItem.objects.create(
            area=current.area, code=current.code, name=current.name, category=current.category, unit=current.unit,
            price=new_price, duration_minutes=current.duration_minutes, is_package=current.is_package,
            valid_from=valid_from, valid_to=current.valid_to, basis=basis, source=(source or "").strip())
        PackageItem.objects.bulk_create(
            PackageItem(package=successor, item_id=c.item_id, per_month=c.per_month, source=c.source)
            for c in current.contents.all())
        audit.record(actor=actor, action="homecare.catalogue.reprice", object_type="homecare.service_item",
                     object_id=successor.pk, object_repr=f"{current.code} {current.name}",
                     area_code=current.area.code, before=before,
                     after={"price": new_price, "valid_from": valid_from, "valid_to": successor.valid_to,
                            "basis": basis, "previous_version": current.pk})
    return successor
