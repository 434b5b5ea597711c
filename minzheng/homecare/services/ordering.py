"""下单 and 派单: an order is placed for an elder (by the elder, family or staff) and dispatched to a provider."""

import datetime as dt
import secrets
import uuid
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area
from minzheng.core import rows
from minzheng.core.errors import DomainError
from minzheng.core.periods import age_on
from minzheng.core.scope import ensure_can
from minzheng.registry.models import Person

from .. import reference
from ..models import (
    ElderContact,
    Order,
    PackageContract,
    Provider,
    ServiceItem,
)
from ._base import (
    S,
    _audit,
    _ensure_elder_side,
    _local_date,
    _locked,
    _now,
    _require_status,
)
from .catalogue import catalogue_for


def _elder_checks(person: Person, on: dt.date) -> None:
    if person.death_date:
        raise DomainError(f"{person.name}已登记死亡，不能下单", field="老人")
    age = age_on(person.birth_date, on)
    if age < reference.elderly_age():
        raise DomainError(f"{person.name}未满{reference.elderly_age()}周岁，不是居家养老服务对象", field="老人")


def _quantity(value: object, unit: str) -> Decimal:
    try:
        q = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise DomainError("数量应为数字", field="数量") from None
    if q <= 0:
        raise DomainError("数量应大于0", field="数量")
    if unit != "小时" and q != q.to_integral_value():
        raise DomainError(f"按“{unit}”计价的服务，数量应为整数", field="数量")
    if unit == "小时" and (q * 2) != (q * 2).to_integral_value():
        raise DomainError("按小时计价的服务，数量以0.5小时为单位", field="数量")
    return q


def _new_number(prefix: str, day: dt.date, pk: int) -> str:
    return f"{prefix}{day:%Y%m%d}{pk:07d}"


def _provider_serves(provider: Provider, area: Area) -> None:
    if not provider.active:
        raise DomainError(f"{provider.name}已停止服务", field="服务机构")
    if f"/{provider.area_id}/" not in area.path:  # the path holds the ids of the area and its ancestors
        raise DomainError(f"{provider.name}的服务区域不包括{area.name}", field="服务机构")


def order_place(*, actor: User, person: Person, item_code: str, scheduled_at: dt.datetime, address: str = "",
                quantity: object = 1, note: str = "", provider: Provider | None = None,
                now: dt.datetime | None = None) -> Order:
    """下单: the elder or family (自助下单), or staff for an elder of their area. A provider the elder picks from
    the menu gets the order at once (it is dispatched in the same transaction)."""
    now = _now(now)
    today = _local_date(now)
    area = person.residence_area
    contact = _ensure_elder_side(actor, person, area=area)
    _elder_checks(person, today)
    if not isinstance(scheduled_at, dt.datetime):
        raise DomainError("请选择预约时间", code="required", field="预约时间")
    if timezone.is_naive(scheduled_at):
        scheduled_at = timezone.make_aware(scheduled_at)
    if scheduled_at < now:
        raise DomainError("预约时间不能早于当前时间", field="预约时间")
    jurisdiction, items = catalogue_for(area, today)
    code = (item_code or "").strip().upper()
    item = next((i for i in items if i.code == code), None)
    if item is None:
        where = jurisdiction.name if jurisdiction else area.name
        known = ServiceItem.objects.filter(code=code).values_list("name", flat=True).first()
        what = f"“{known}”（{code}）" if known else f"编码为“{code or '（空）'}”的"
        raise DomainError(f"{where}的居家养老服务目录中没有{what}服务项目，请从本辖区服务目录中选择",
                          code="service_not_offered", field="服务项目")
    if item.is_package:
        raise DomainError(f"“{item.name}”是服务包，须由县区民政部门办理签约，不能单次下单", code="package_item",
                          field="服务项目")
    assert jurisdiction is not None  # the item came from its menu
    qty = _quantity(quantity, item.unit)
    address = (address or person.address or "").strip()
    if not address:
        raise DomainError("请填写服务地址", code="required", field="服务地址")
    if provider is not None:
        _provider_serves(provider, area)
    if contact is not None:
        channel = Order.Channel.SELF if contact.relation == ElderContact.Relation.SELF else Order.Channel.FAMILY
    else:
        channel = Order.Channel.STAFF
    with transaction.atomic():
        order = _create_order(person=person, area=area, jurisdiction=jurisdiction, item=item, qty=qty,
                              address=address, scheduled_at=scheduled_at, note=note, channel=channel, actor=actor,
                              day=today)
        if provider is not None:
            _dispatch(actor, order, provider, now)
    return order


def _create_order(*, person: Person, area: Area, jurisdiction: Area, item: ServiceItem, qty: Decimal, address: str,
                  scheduled_at: dt.datetime, note: str, channel: str, actor: User, day: dt.date,
                  provider: Provider | None = None, contract: PackageContract | None = None,
                  source_key: str | None = None) -> Order:
    order = rows.insert(Order(
        number=f"TMP-{uuid.uuid4().hex[:24]}", person=person, area=area, jurisdiction=jurisdiction, item=item,
        quantity=qty, unit_price=item.price, amount=reference.money(item.price * qty), address=address[:200],
        scheduled_at=scheduled_at, note=(note or "")[:200], channel=channel,
        placed_by=actor if getattr(actor, "pk", None) else None, confirm_code=f"{secrets.randbelow(10000):04d}",
        contract=contract, source_key=source_key))
    order.number = _new_number("JJ", day, order.pk)
    rows.update(order, ["number"])
    _audit(actor, "homecare.order.place", order, None,
           {"status": S.PLACED, "person": person.masked_id, "item": item.code, "quantity": qty,
            "amount": order.amount, "scheduled_at": scheduled_at, "channel": channel})
    return order


def _dispatch(actor: User, order: Order, provider: Provider, now: dt.datetime) -> None:
    before = {"status": order.status, "provider": None}
    order.status, order.provider, order.dispatched_at = S.DISPATCHED, provider, now
    rows.update(order, ["status", "provider", "dispatched_at"])
    _audit(actor, "homecare.order.dispatch", order, before, {"status": S.DISPATCHED, "provider": provider.name})


def order_dispatch(*, actor: User, order: Order, provider: Provider, now: dt.datetime | None = None) -> Order:
    """派单 to a provider serving the elder's area (镇街/县区)."""
    ensure_can(actor, order.area, Cap.HOMECARE_DISPATCH)
    with transaction.atomic():
        order = _locked(order)
        _require_status(order, (S.PLACED,), "派单")
        _provider_serves(provider, order.area)
        _dispatch(actor, order, provider, _now(now))
    return order
