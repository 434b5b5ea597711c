"""派工, 签到 and 签退: the provider names the worker, who opens and closes the service record; completion fixes
the subsidy/self-pay split."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from minzheng.core.errors import DomainError
from minzheng.core.periods import month_start, next_month_start
from minzheng.registry.models import Person

from .. import reference
from ..models import (
    Order,
    ServiceRecord,
    Worker,
)
from ._base import (
    S,
    _audit,
    _aware,
    _ensure_provider_side,
    _local_date,
    _locked,
    _now,
    _require_status,
)


def order_assign(*, actor, order: Order, worker: Worker, now: dt.datetime | None = None) -> Order:
    """派工: the provider names the worker who will serve."""
    _ensure_provider_side(actor, order)
    with transaction.atomic():
        order = _locked(order)
        _require_status(order, (S.DISPATCHED, S.ASSIGNED), "派工")
        if worker.provider_id != order.provider_id or not worker.active:
            raise DomainError(f"{worker.name}不是{order.provider.name}的在岗服务人员", field="服务人员")
        before = {"status": order.status, "worker": order.worker.name if order.worker else None}
        order.status, order.worker, order.assigned_at = S.ASSIGNED, worker, _now(now)
        order.save(update_fields=["status", "worker", "assigned_at"])
        _audit(actor, "homecare.order.assign", order, before, {"status": S.ASSIGNED, "worker": worker.name})
    return order


def order_start(*, actor, order: Order, started_at: dt.datetime | None = None, location: str = "",
                now: dt.datetime | None = None) -> ServiceRecord:
    """签到: the worker arrives and the service record opens with its start time and place."""
    _ensure_provider_side(actor, order)
    now = _now(now)
    started_at = _aware(started_at) or now
    if started_at > now:
        raise DomainError("服务开始时间不能晚于当前时间", field="开始时间")
    with transaction.atomic():
        order = _locked(order)
        _require_status(order, (S.ASSIGNED,), "开始服务")
        record = ServiceRecord.objects.create(
            order=order, provider=order.provider, worker=order.worker, person=order.person,
            item_name=order.item.name, address=order.address, start_location=(location or "")[:100],
            started_at=started_at, recorded_by=actor)
        order.status = S.IN_SERVICE
        order.save(update_fields=["status"])
        _audit(actor, "homecare.order.start", order, {"status": S.ASSIGNED},
               {"status": S.IN_SERVICE, "worker": order.worker.name, "started_at": started_at,
                "location": location})
    return record



def order_complete(*, actor, order: Order, confirm_code: str, content: str = "", ended_at: dt.datetime | None = None,
                   location: str = "", now: dt.datetime | None = None) -> Order:
    """签退 and 完成: the elder's confirmation code proves the visit; the subsidy/self-pay split is fixed here."""
    _ensure_provider_side(actor, order)
    now = _now(now)
    ended_at = _aware(ended_at) or now
    with transaction.atomic():
        order = _locked(order, "record")  # the order's lock guards its record too (only order steps write it)
        _require_status(order, (S.IN_SERVICE,), "完成")
        record = order.record
        if ended_at < record.started_at:
            raise DomainError(f"服务结束时间（{timezone.localtime(ended_at):%Y-%m-%d %H:%M}）早于开始时间"
                              f"（{timezone.localtime(record.started_at):%Y-%m-%d %H:%M}），请核对",
                              code="end_before_start", field="结束时间")
        if ended_at > now:
            raise DomainError("服务结束时间不能晚于当前时间", field="结束时间")
        if (confirm_code or "").strip() != order.confirm_code:
            raise DomainError("服务确认码不正确，请向老人或家属核对", code="bad_confirm_code", field="服务确认码")
        day = _local_date(ended_at)
        # Serialise completions of one elder so two services cannot both take the last of the monthly cap.
        Person.objects.select_for_update().filter(pk=order.person_id).first()
        used = (Order.objects.filter(person=order.person, status=S.COMPLETED, service_date__gte=month_start(day),
                                     service_date__lt=next_month_start(day)).aggregate(s=Sum("subsidy"))["s"]
                or Decimal("0"))
        split = reference.subsidy_for(person=order.person, jurisdiction=order.jurisdiction,
                                      category=order.item.category, amount=order.amount, on=day,
                                      used_this_month=used)
        record.ended_at, record.end_location = ended_at, (location or "")[:100]
        record.content, record.confirmed_by_elder = content or "", True
        record.save(update_fields=["ended_at", "end_location", "content", "confirmed_by_elder"])
        order.status, order.closed_at, order.service_date = S.COMPLETED, now, day
        order.subsidy, order.self_pay, order.subsidy_explanation = split.subsidy, split.self_pay, split.explanation
        order.save(update_fields=["status", "closed_at", "service_date", "subsidy", "self_pay",
                                  "subsidy_explanation"])
        _audit(actor, "homecare.order.complete", order, {"status": S.IN_SERVICE},
               {"status": S.COMPLETED, "ended_at": ended_at, "amount": order.amount, "subsidy": split.subsidy,
                "self_pay": split.self_pay, "explanation": split.explanation})
    return order
