"""Writes of 规划监测: reported values (entered, approved upward and then locked), catalogue loads and rebuilds.
Each checks scope and rights, writes and audits in one transaction."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area
from minzheng.core import audit
from minzheng.core.errors import Conflict, DomainError, Forbidden
from minzheng.core.scope import ensure_can

from . import catalogue, rollup
from .models import Indicator, ReportedValue, RollupRun

GROWTH_WORDS = ("增速", "增长", "幅度")


def value_range(ind: Indicator) -> tuple[Decimal | None, Decimal | None]:
    """What a figure in this unit can be: a share is 0–100; a growth rate may fall; a count is never negative."""
    growth = any(w in ind.name for w in GROWTH_WORDS)
    if ind.unit in ("%", "‰") and not growth:
        return Decimal(0), Decimal(100 if ind.unit == "%" else 1000)
    if growth:
        return Decimal(-100), None
    return Decimal(0), None


def _clean_value(ind: Indicator, value: object, unit: str) -> Decimal:
    if (unit or "").strip() != ind.unit:
        raise DomainError(f"“{ind}”的单位应为“{ind.unit or '无'}”，填报的是“{unit}”", field="单位", code="bad_unit")
    try:
        v = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as e:
        raise DomainError(f"填报值“{value}”不是有效数字", field="填报值") from e
    if not v.is_finite():
        raise DomainError(f"填报值“{value}”不是有效数字", field="填报值")
    low, high = value_range(ind)
    if (low is not None and v < low) or (high is not None and v > high):
        span = f"{low}至{high}" if high is not None else f"不小于{low}"
        raise DomainError(f"“{ind}”的填报值{v.normalize():f}{ind.unit}超出合理范围（应{span}{ind.unit}）",
                          field="填报值", code="out_of_range")
    return v


def report_value(*, actor: User, indicator: Indicator, area: Area, period: int, value: object, unit: str,
                 note: str = "") -> ReportedValue:
    """Enter (or correct, until approved) the figure for one indicator, area and year."""
    ensure_can(actor, area, Cap.MONITOR_REPORT)
    if not indicator.area.contains(area):
        raise DomainError(f"“{area.name}”不在指标“{indicator}”的规划地区{indicator.area.name}范围内", field="地区")
    rollup.check_year(period)
    v = _clean_value(indicator, value, unit)
    with transaction.atomic():
        rv = ReportedValue.objects.select_for_update().filter(indicator=indicator, area=area, period=period).first()
        if rv and rv.status == ReportedValue.Status.APPROVED:
            raise Conflict(f"{area.name}{period}年度“{indicator}”已审定锁定，不能再填报或修改", field="年度",
                           code="locked")
        before = {"value": str(rv.value), "note": rv.note} if rv else None
        if rv is None:
            rv = ReportedValue(indicator=indicator, area=area, period=period)
        rv.value, rv.unit, rv.note = v, indicator.unit, note[:200]
        rv.reported_by, rv.reported_at = actor, timezone.now()
        rv.save()
        audit.record(actor=actor, action="monitoring.report", object_type="ReportedValue", object_id=rv.pk,
                     object_repr=f"{indicator} {period}", area_code=area.code, before=before,
                     after={"value": str(v), "unit": indicator.unit, "period": period, "note": rv.note})
    return rv


def approve_value(*, actor: User, reported: ReportedValue) -> ReportedValue:
    """Approval comes from above: the approver's own area must contain the reporting area and be larger than it."""
    area = reported.area
    ensure_can(actor, area, Cap.MONITOR_APPROVE)
    mine = [x.area for x in actor.area_assignments.select_related("area")]
    if not any(a.contains(area) and a.pk != area.pk for a in mine):
        raise Forbidden(f"{area.name}的填报值须由上级审定，本级不能自审", field="审定")
    with transaction.atomic():
        rv = ReportedValue.objects.select_for_update().get(pk=reported.pk)
        if rv.status == ReportedValue.Status.APPROVED:
            raise Conflict("该填报值已审定锁定", code="locked")
        rv.status, rv.approved_by, rv.approved_at = ReportedValue.Status.APPROVED, actor, timezone.now()
        rv.save(update_fields=["status", "approved_by", "approved_at"])
        audit.record(actor=actor, action="monitoring.approve", object_type="ReportedValue", object_id=rv.pk,
                     object_repr=f"{rv.indicator} {rv.period}", area_code=area.code,
                     after={"value": str(rv.value), "status": rv.status})
    return rv


def load_catalogue(*, actor: User) -> dict:
    if not actor.can(Cap.MONITOR_RUN):
        raise Forbidden("您的角色无权重算规划监测指标")
    return catalogue.load(actor=actor)


def rebuild(*, actor: User, period: int, incremental: bool = False) -> RollupRun:
    if not actor.can(Cap.MONITOR_RUN):
        raise Forbidden("您的角色无权重算规划监测指标")
    run = rollup.refresh(period) if incremental else rollup.rebuild(period)
    with transaction.atomic():
        audit.record(actor=actor, action="monitoring.rebuild", object_type="RollupRun", object_id=run.pk,
                     object_repr=f"{period}年度指标{'增量刷新' if incremental else '全量重算'}",
                     after={"period": period, "kind": run.kind, "steps": len(run.steps_done)})
    return run

