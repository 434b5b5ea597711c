"""派工, 签到 and 签退: the provider names the worker, who opens and closes the service record; completion fixes
the subsidy/self-pay split."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.core import rows
from minzheng.core.errors import DomainError
from minzheng.core.periods import month_start, next_month_start

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
    _provider,
    _require_status,
    _worker,
)


def order_assign(*, actor: User, order: Order, worker: Worker, now: dt.datetime | None = None) -> Order:
    """派工: the provider names the worker who will serve."""
    _ensure_provider_side(actor, order)
    with transaction.atomic():
        order = _locked(order)
        _require_status(order, (S.DISPATCHED, S.ASSIGNED), "派工")
        if worker.provider_id != order.provider_id or not worker.active:
            raise DomainError(f"{worker.name}不是{_provider(order).name}的在岗服务人员", field="服务人员")
        before = {"status": order.status, "worker": order.worker.name if order.worker else None}
        order.status, order.worker, order.assigned_at = S.ASSIGNED, worker, _now(now)
        rows.update(order, ["status", "worker", "assigned_at"])
        _audit(actor, "homecare.order.assign", order, before, {"status": S.ASSIGNED, "worker": worker.name})
    return order


def order_start(*, actor: User, order: Order, started_at: dt.datetime | None = None, location: str = "",
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
        record = rows.insert(ServiceRecord(
            order=order, provider=_provider(order), worker=_worker(order), person=order.person,
            item_name=order.item.name, address=order.address, start_location=(location or "")[:100],
            started_at=started_at, recorded_by=actor))
        order.status = S.IN_SERVICE
        rows.update(order, ["status"])
        _audit(actor, "homecare.order.start", order, {"status": S.ASSIGNED},
               {"status": S.IN_SERVICE, "worker": _worker(order).name, "started_at": started_at,
                "location": location})
    return record


def _subsidy_used(person_id: int, day: dt.date) -> Decimal:
    """The subsidy the elder's completed services of the day's month already took."""
    with rows.cursor() as cur:
        cur.execute("SELECT SUM(subsidy) FROM homecare_order WHERE person_id = %s AND status = %s "
                    "AND service_date >= %s AND service_date < %s",
                    [person_id, S.COMPLETED, month_start(day), next_month_start(day)])
        used = cur.fetchone()[0]
    return reference.money(used or 0)


def order_complete(*, actor: User, order: Order, confirm_code: str, content: str = "",
                   ended_at: dt.datetime | None = None, location: str = "", now: dt.datetime | None = None
                   ) -> Order:
    """签退 and 完成: the elder's confirmation code proves the visit; the subsidy/self-pay split is fixed here."""
    _ensure_provider_side(actor, order)
    now = _now(now)
    ended_at = _aware(ended_at) or now
    with transaction.atomic():
        order = _locked(order)  # the order's lock guards its record too (only order steps write it)
        _require_status(order, (S.IN_SERVICE,), "完成")
        # Its record, and the elder locked with it: completions of one elder are serialised so two services cannot
        # both take the last of the monthly cap. What the month used is read after the lock (a later snapshot).
        record = rows.one(ServiceRecord, "t.order_id = %s", [order.pk], related=("person",), lock=("t", "person"))
        assert record is not None  # an order in service has its record (order_start wrote both)
        if ended_at < record.started_at:
            raise DomainError(f"服务结束时间（{timezone.localtime(ended_at):%Y-%m-%d %H:%M}）早于开始时间"
                              f"（{timezone.localtime(record.started_at):%Y-%m-%d %H:%M}），请核对",
                              code="end_before_start", field="结束时间")
        if ended_at > now:
            raise DomainError("服务结束时间不能晚于当前时间", field="结束时间")
        if (confirm_code or "").strip() != order.confirm_code:
            raise DomainError("服务确认码不正确，请向老人或家属核对", code="bad_confirm_code", field="服务确认码")
        day = _local_date(ended_at)
        used = _subsidy_used(order.person_id, day)
        split = reference.subsidy_for(person=record.person, jurisdiction=order.jurisdiction,
                                      category=order.item.category, amount=order.amount, on=day,
                                      used_this_month=used)
        record.ended_at, record.end_location = ended_at, (location or "")[:100]
        record.content, record.confirmed_by_elder = content or "", True
        rows.update(record, ["ended_at", "end_location", "content", "confirmed_by_elder"])
        order.status, order.closed_at, order.service_date = S.COMPLETED, now, day
        order.subsidy, order.self_pay, order.subsidy_explanation = split.subsidy, split.self_pay, split.explanation
        rows.update(order, ["status", "closed_at", "service_date", "subsidy", "self_pay", "subsidy_explanation"])
        _audit(actor, "homecare.order.complete", order, {"status": S.IN_SERVICE},
               {"status": S.COMPLETED, "ended_at": ended_at, "amount": order.amount, "subsidy": split.subsidy,
                "self_pay": split.self_pay, "explanation": split.explanation})
    return order
