"""Closing an order without service: 取消 (elder side, free or with the late fee), 老人爽约 and 机构爽约."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from minzheng.core.errors import DomainError

from .. import reference
from ..models import (
    Order,
)
from ._base import (
    S,
    _audit,
    _ensure_elder_side,
    _ensure_provider_side,
    _local_date,
    _locked,
    _now,
    _require_status,
)


def _close_with_fee(actor, order: Order, *, status: str, fee: Decimal, reason: str, now: dt.datetime,
                    action: str) -> Order:
    before = {"status": order.status}
    order.status, order.closed_at, order.close_reason = status, now, reason[:200]
    order.fee = reference.money(fee)
    order.service_date = _local_date(now)
    order.subsidy, order.self_pay = (Decimal("0.00"), order.fee)
    order.save(update_fields=["status", "closed_at", "close_reason", "fee", "service_date", "subsidy", "self_pay"])
    _audit(actor, action, order, before, {"status": status, "fee": order.fee, "reason": reason})
    return order


def order_cancel(*, actor, order: Order, reason: str = "", now: dt.datetime | None = None) -> Order:
    """取消 (elder side). Free until `free_cancel_hours` before the appointment once a provider has the order; later
    the elder pays the late-cancellation fee of order_rules.csv (self-paid, never subsidised)."""
    _ensure_elder_side(actor, order, area=order.area)
    now = _now(now)
    with transaction.atomic():
        order = _locked(order)
        _require_status(order, (S.PLACED, S.DISPATCHED, S.ASSIGNED), "取消")
        rules = reference.order_rules(order.jurisdiction, _local_date(now))
        fee, why = Decimal("0"), "免费取消"
        late = order.scheduled_at - now < dt.timedelta(hours=float(rules.free_cancel_hours))
        if order.status != S.PLACED and late and rules.late_cancel_fee_rate > 0:
            fee = order.amount * rules.late_cancel_fee_rate
            why = (f"预约前{rules.free_cancel_hours}小时内取消，按服务金额的{rules.late_cancel_fee_rate * 100:.0f}%"
                   f"收取取消费{reference.money(fee)}元")
        text = f"{reason.strip()}（{why}）" if reason and reason.strip() else why
        return _close_with_fee(actor, order, status=S.CANCELLED, fee=fee, reason=text, now=now,
                               action="homecare.order.cancel")


def order_elder_no_show(*, actor, order: Order, note: str = "", now: dt.datetime | None = None) -> Order:
    """老人爽约: the worker came at the appointment and nobody was home (provider side)."""
    _ensure_provider_side(actor, order)
    now = _now(now)
    with transaction.atomic():
        order = _locked(order)
        _require_status(order, (S.ASSIGNED,), "登记老人爽约")
        if now < order.scheduled_at:
            raise DomainError("预约时间未到，不能登记老人爽约", field="预约时间")
        rules = reference.order_rules(order.jurisdiction, _local_date(now))
        fee = order.amount * rules.elder_no_show_fee_rate
        why = f"老人爽约，按服务金额的{rules.elder_no_show_fee_rate * 100:.0f}%收取{reference.money(fee)}元"
        text = f"{note.strip()}（{why}）" if note and note.strip() else why
        return _close_with_fee(actor, order, status=S.ELDER_NO_SHOW, fee=fee, reason=text, now=now,
                               action="homecare.order.elder_no_show")


def order_provider_no_show(*, actor, order: Order, now: dt.datetime | None = None) -> Order:
    """机构爽约: nobody came within the grace period after the appointment (elder side). Nothing is charged."""
    _ensure_elder_side(actor, order, area=order.area)
    now = _now(now)
    with transaction.atomic():
        order = _locked(order)
        _require_status(order, (S.DISPATCHED, S.ASSIGNED), "登记机构爽约")
        rules = reference.order_rules(order.jurisdiction, _local_date(now))
        due = order.scheduled_at + dt.timedelta(minutes=rules.provider_no_show_grace_minutes)
        if now < due:
            raise DomainError(f"预约时间后{rules.provider_no_show_grace_minutes}分钟内仍可能上门，"
                              f"请在{timezone.localtime(due):%H:%M}后再登记机构爽约", field="预约时间")
        return _close_with_fee(actor, order, status=S.PROVIDER_NO_SHOW, fee=Decimal("0"),
                               reason=f"{order.provider.name}未按预约上门", now=now,
                               action="homecare.order.provider_no_show")
