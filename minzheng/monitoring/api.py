"""规划监测 REST API: the catalogue, values and progress by area and year, reported figures and their approval,
the roll-up and the evaluation reports. Thin: reads via selectors (scoped; out of scope is 404), writes via
services."""

import datetime as dt
from decimal import Decimal

from django.http import HttpResponse
from ninja import Query, Router, Schema, Status

from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area
from minzheng.core.errors import DomainError, Forbidden, NotFound
from minzheng.core.inputs import Year

from . import reports, selectors, services
from .models import Indicator

router = Router(tags=["规划监测"])


class IndicatorOut(Schema):
    id: int
    code: str
    variant: str
    adopted: bool
    area_code: str
    key: str
    category: str
    name: str
    sub_item: str
    unit: str
    attribute: str
    cumulative: bool
    baseline_2020: str
    target_2023: str
    target_2025: str
    city_target_2025: str
    province_target_2025: str
    citation: str

    @staticmethod
    def of(i: Indicator):
        return IndicatorOut(id=i.pk, code=i.code, variant=i.variant, adopted=i.adopted, area_code=i.area.code,
                            key=i.key, category=i.category, name=i.name, sub_item=i.sub_item, unit=i.unit,
                            attribute=i.attribute, cumulative=i.cumulative, baseline_2020=i.baseline_2020,
                            target_2023=i.target_2023, target_2025=i.target_2025,
                            city_target_2025=i.city_target_2025, province_target_2025=i.province_target_2025,
                            citation=i.citation)


class ValueOut(Schema):
    indicator_id: int
    indicator_code: str
    name: str
    area_code: str
    area_name: str
    year: int
    value: Decimal | None
    running_total: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    expected: Decimal | None
    rule_holds: bool | None
    status: str
    source: str
    detail: str
    data_as_of: dt.datetime | None

    @staticmethod
    def of(v):
        return ValueOut(indicator_id=v.indicator.pk, indicator_code=v.indicator.code, name=str(v.indicator),
                        area_code=v.area.code, area_name=v.area.name, year=v.period, value=v.value,
                        running_total=v.running_total, numerator=v.numerator, denominator=v.denominator,
                        expected=v.expected, rule_holds=v.holds, status=v.status, source=v.source or "",
                        detail=v.detail, data_as_of=v.data_as_of)


class YearQuery(Schema):
    year: int


class IndicatorReportIn(Schema):
    indicator_id: int
    area_code: str
    year: int
    value: str
    unit: str
    note: str = ""


class ReportedOut(Schema):
    id: int
    indicator_id: int
    area_code: str
    year: int
    value: Decimal
    unit: str
    status: str

    @staticmethod
    def of(rv):
        return ReportedOut(id=rv.pk, indicator_id=rv.indicator_id, area_code=rv.area.code, year=rv.period,
                           value=rv.value, unit=rv.unit, status=rv.status)


class RebuildIn(Schema):
    year: int
    incremental: bool = False


class RunOut(Schema):
    id: int
    year: int
    kind: str
    steps_done: list[str]
    finished_at: dt.datetime | None


def _need(user):
    if not user.can(Cap.MONITOR_VIEW):
        raise Forbidden("您的角色无权查看规划监测指标")


@router.get("/indicators", response=list[IndicatorOut], summary="指标目录")
def indicators(request, area_code: str | None = None):
    _need(request.user)
    qs = Indicator.objects.select_related("area")
    if area_code:
        qs = qs.filter(area=selectors.area_for(request.user, area_code))
    return [IndicatorOut.of(i) for i in qs]


@router.get("/progress/{area_code}", response=list[ValueOut], summary="某地区某年度各指标的实际值与进展")
def progress(request, area_code: str, q: Query[YearQuery]):
    area = selectors.area_for(request.user, area_code)
    return [ValueOut.of(v) for v in selectors.dashboard(request.user, area, q.year) if v.pk]


@router.get("/indicators/{indicator_id}/areas/{area_code}", response=list[ValueOut],
            summary="某指标在下级各地区的值（下钻）")
def drilldown(request, indicator_id: int, area_code: str, q: Query[YearQuery]):
    area = selectors.area_for(request.user, area_code)
    ind = Indicator.objects.filter(pk=indicator_id).first()
    if ind is None:
        raise NotFound()
    return [ValueOut.of(v) for v in selectors.drilldown(request.user, ind, area, q.year)]


@router.post("/reported", response={201: ReportedOut}, summary="填报指标值")
def report_value(request, payload: IndicatorReportIn):
    ind = Indicator.objects.filter(pk=payload.indicator_id).first()
    area = Area.objects.filter(code=payload.area_code, valid_to__isnull=True).first()
    if ind is None:
        raise DomainError(f"指标{payload.indicator_id}不存在", field="indicator_id")
    if area is None:
        raise NotFound()
    rv = services.report_value(actor=request.user, indicator=ind, area=area, period=payload.year,
                               value=payload.value, unit=payload.unit, note=payload.note)
    return Status(201, ReportedOut.of(rv))


@router.post("/reported/{reported_id}/approve", response=ReportedOut, summary="审定填报值（审定后锁定）")
def approve(request, reported_id: int):
    rv = selectors.reported(request.user).filter(pk=reported_id).first()
    if rv is None:
        raise NotFound()
    return ReportedOut.of(services.approve_value(actor=request.user, reported=rv))


@router.post("/rebuild", response=RunOut, summary="重算某年度指标（全量或增量）")
def rebuild(request, payload: RebuildIn):
    run = services.rebuild(actor=request.user, period=payload.year, incremental=payload.incremental)
    return RunOut(id=run.pk, year=run.period, kind=run.kind, steps_done=run.steps_done, finished_at=run.finished_at)


@router.get("/reports/{area_code}/{kind}", summary="评估报告（annual/midterm/final；format=pdf 或 xlsx）")
def report(request, area_code: str, kind: str, format: str = "pdf", year: Year | None = None):
    area = selectors.area_for(request.user, area_code)
    if format not in ("pdf", "xlsx"):
        raise DomainError("format 应为 pdf 或 xlsx", field="format")
    rep = reports.build(request.user, area, kind, year)
    if format == "pdf":
        return HttpResponse(reports.to_pdf(rep), content_type="application/pdf")
    return HttpResponse(reports.to_excel(rep),
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
