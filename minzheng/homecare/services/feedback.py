"""评价 and 投诉 after the service."""

import datetime as dt

from django.db import transaction

from minzheng.accounts.roles import Cap
from minzheng.core import audit
from minzheng.core.errors import Conflict, DomainError
from minzheng.core.scope import ensure_can

from ..models import (
    Complaint,
    Order,
    Rating,
)
from ._base import (
    S,
    _ensure_elder_side,
    _locked,
    _now,
    _require_status,
)


def order_rate(*, actor, order: Order, score: int, comment: str = "") -> Rating:
    """评价 by the elder or family after completion, once."""
    _ensure_elder_side(actor, order, area=order.area)
    try:
        score = int(score)
    except (TypeError, ValueError):
        raise DomainError("评分应为1到5的整数", field="评分") from None
    if not 1 <= score <= 5:
        raise DomainError("评分应为1到5的整数", field="评分")
    with transaction.atomic():
        order = _locked(order)
        _require_status(order, (S.COMPLETED,), "评价")
        if Rating.objects.filter(order=order).exists():
            raise Conflict(f"订单{order.number}已评价", code="already_rated", field="评分")
        r = Rating.objects.create(order=order, score=score, comment=(comment or "")[:300], rated_by=actor)
        audit.record(actor=actor, action="homecare.order.rate", object_type="homecare.order", object_id=order.pk,
                     object_repr=order.number, area_code=order.area.code, after={"score": score, "comment": comment})
    return r


def complaint_file(*, actor, order: Order, text: str) -> Complaint:
    """投诉 by the elder or family (or staff on their behalf) about a dispatched order."""
    _ensure_elder_side(actor, order, area=order.area)
    text = (text or "").strip()
    if not text:
        raise DomainError("请填写投诉内容", code="required", field="投诉内容")
    if order.provider_id is None:
        raise DomainError("订单尚未派给服务机构，无可投诉的服务", field="订单")
    with transaction.atomic():
        c = Complaint.objects.create(order=order, provider=order.provider, area=order.area, text=text,
                                     filed_by=actor)
        audit.record(actor=actor, action="homecare.complaint.file", object_type="homecare.complaint",
                     object_id=c.pk, object_repr=order.number, area_code=order.area.code,
                     after={"status": c.status, "provider": order.provider.name, "text": text})
    return c


def complaint_resolve(*, actor, complaint: Complaint, resolution: str, now: dt.datetime | None = None) -> Complaint:
    ensure_can(actor, complaint.area, Cap.HOMECARE_DISPATCH)
    resolution = (resolution or "").strip()
    if not resolution:
        raise DomainError("请填写处理结果", code="required", field="处理结果")
    with transaction.atomic():
        c = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if c.status != Complaint.Status.OPEN:
            raise Conflict("该投诉已办结", field="状态")
        c.status, c.resolution, c.resolved_by, c.resolved_at = (Complaint.Status.RESOLVED, resolution, actor,
                                                                _now(now))
        c.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
        audit.record(actor=actor, action="homecare.complaint.resolve", object_type="homecare.complaint",
                     object_id=c.pk, object_repr=str(c.order_id), area_code=c.area.code,
                     before={"status": Complaint.Status.OPEN}, after={"status": c.status, "resolution": resolution})
    return c
