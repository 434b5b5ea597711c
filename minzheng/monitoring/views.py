"""规划监测 pages: dashboards per jurisdiction with drill-down, the five plans side by side, a large screen for the
meeting room, reported figures and their approval, and the evaluation reports. Thin: reads via selectors, writes
via services."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area
from minzheng.core.errors import DomainError, NotFound
from minzheng.web.pages import page

from . import reports, selectors, services, targets
from .models import Indicator
from .rollup import FIRST_YEAR

COLOURS = {s: "#{:02x}{:02x}{:02x}".format(*c) for s, c in reports.STATUS_COLOURS.items()}


def _year(request) -> int:
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or 0)
    except ValueError:
        year = 0
    this_year = timezone.localdate().year
    return year if FIRST_YEAR <= year <= this_year else (selectors.last_year_with_values() or this_year)


def _years():
    return list(range(FIRST_YEAR + 1, timezone.localdate().year + 1))


def _home_area(user):
    assignment = user.area_assignments.select_related("area").order_by("area__path").first()
    if assignment is None:
        raise NotFound("您没有分配管辖区域")
    plan = selectors.plan_area_of(assignment.area)
    if plan is not None and selectors.can_access_area(user, plan):
        return plan
    return assignment.area


@page(Cap.MONITOR_VIEW)
def home(request):
    return redirect(reverse("monitoring:dashboard", args=[_home_area(request.user).code]) +
                    f"?year={_year(request)}")


def _figure(value, ind) -> float | None:
    """A value for a chart, rounded as the plan prints that row."""
    rounded = targets.as_printed(value, ind)
    return float(rounded) if rounded is not None else None


def _chart_rows(rows) -> list[dict]:
    """Rows with a figure, each with its unit: percentages go on one axis (0–100 %), counts never share it."""
    return [{"name": str(r.indicator), "status": r.status, "unit": r.indicator.unit,
             "percent": r.indicator.unit == "%", "value": _figure(r.value, r.indicator),
             "expected": _figure(r.expected, r.indicator)} for r in rows if r.value is not None]


@page(Cap.MONITOR_VIEW)
def dashboard(request, code):
    area = selectors.area_for(request.user, code)
    year = _year(request)
    rows = selectors.dashboard(request.user, area, year)
    counts = selectors.status_counts(rows)
    return render(request, "monitoring/dashboard.html", {
        "area": area, "year": year, "years": _years(), "rows": rows, "counts": counts,
        "as_of": selectors.data_as_of(year), "children": area.children.current().order_by("code"),
        "annex": selectors.annex(request.user, area, year),
        "plan": selectors.plan_area_of(area), "ancestors": [a for a in area.ancestors() if a.pk != area.pk
                                                             and selectors.can_access_area(request.user, a)],
        "chart": {"counts": counts, "colours": COLOURS},
        "can_run": request.user.can(Cap.MONITOR_RUN), "kinds": reports.KINDS,
    })


@page(Cap.MONITOR_VIEW)
def indicator(request, pk, code):
    area = selectors.area_for(request.user, code)
    ind = Indicator.objects.filter(pk=pk).select_related("area").first()
    if ind is None or not (ind.area.contains(area) or area.contains(ind.area)):
        raise NotFound()
    year = _year(request)
    below = selectors.drilldown(request.user, ind, area, year)
    trend = selectors.trend(request.user, ind, area)
    here = next((v for v in trend if v.period == year), None)
    return render(request, "monitoring/indicator.html", {
        "ind": ind, "area": area, "year": year, "years": _years(), "here": here, "below": below,
        "trend": trend, "as_of": selectors.data_as_of(year),
        "targets": [(label, targets.parse(getattr(ind, col))) for label, col in (
            ("2020年基期", "baseline_2020"), ("2023年目标", "target_2023"), ("2025年目标", "target_2025"),
            ("2025年市目标", "city_target_2025"), ("2025年省目标", "province_target_2025"))],
        "chart": {
            "below": [{"name": v.area.name, "code": v.area.code,
                       "value": _figure(v.value, ind), "status": v.status} for v in below],
            "trend": [{"year": v.period, "value": _figure(v.value, ind), "expected": _figure(v.expected, ind)}
                      for v in trend],
            "unit": ind.unit, "colours": COLOURS,
        },
    })


@page(Cap.MONITOR_VIEW)
def compare(request):
    year = _year(request)
    areas, rows = selectors.comparison(request.user, year)
    # The chart: the percentage rows, one bar per place (counts differ in unit from place to place: table only).
    shares = [{"name": str(r["indicator"]), "values": [_figure(v.value, v.indicator) if v else None
                                                        for v in r["cells"]]}
              for r in rows if all(v is None or v.indicator.unit == "%" for v in r["cells"])
              and any(v is not None and v.value is not None for v in r["cells"])]
    return render(request, "monitoring/compare.html", {
        "year": year, "years": _years(), "areas": areas, "rows": rows, "as_of": selectors.data_as_of(year),
        "chart": {"areas": [a.name for a in areas], "shares": shares}})


@page(Cap.MONITOR_VIEW)
def screen(request, code):
    area = selectors.area_for(request.user, code)
    year = _year(request)
    rows = selectors.dashboard(request.user, area, year)
    figures = _chart_rows(rows)
    return render(request, "monitoring/screen.html", {
        "area": area, "year": year, "rows": rows, "counts": selectors.status_counts(rows),
        "tiles": [r for r in rows if r.value is not None and r.indicator.unit != "%"],
        "as_of": selectors.data_as_of(year),
        "chart": {"counts": selectors.status_counts(rows), "rows": [f for f in figures if f["percent"]],
                  "colours": COLOURS},
    })


@page(Cap.MONITOR_VIEW)
def report(request, code, kind, fmt):
    if fmt not in ("pdf", "xlsx"):
        raise NotFound("报告格式应为 pdf 或 xlsx")
    area = selectors.area_for(request.user, code)
    try:
        rep = reports.build(request.user, area, kind, _year(request))
    except DomainError as e:
        messages.error(request, e.message)
        return redirect("monitoring:dashboard", code=code)
    if fmt == "pdf":
        body, ctype = reports.to_pdf(rep), "application/pdf"
    else:
        body, ctype = reports.to_excel(rep), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    resp = HttpResponse(body, content_type=ctype)
    filename = f"{rep.title}.{fmt}"
    from urllib.parse import quote

    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return resp


@page(Cap.MONITOR_VIEW)
def reported(request):
    user = request.user
    year = _year(request)
    areas = [x.area for x in user.area_assignments.select_related("area")]
    plan_area = selectors.plan_area_of(areas[0]) if areas else None
    return render(request, "monitoring/reported.html", {
        "year": year, "years": _years(), "values": selectors.reported(user, year=year)[:200],
        "indicators": selectors.reportable(user, areas[0]) if areas and plan_area else [],
        "areas": areas, "can_report": user.can(Cap.MONITOR_REPORT),
        "can_approve": user.can(Cap.MONITOR_APPROVE),
        "approvable": {rv.pk for rv in selectors.reported(user, year=year, pending_only=True)
                       if any(a.contains(rv.area) and a.pk != rv.area_id for a in areas)},
    })


def _back(request):
    return redirect(reverse("monitoring:reported") + f"?year={_year(request)}")


@require_POST
@page(Cap.MONITOR_REPORT)
def report_value(request):

    try:
        ind = Indicator.objects.filter(pk=request.POST.get("indicator") or 0).first()
        area = Area.objects.filter(code=request.POST.get("area", ""), valid_to__isnull=True).first()
        if ind is None:
            raise DomainError("请选择要填报的指标", field="指标")
        if area is None:
            raise DomainError("请选择填报地区", field="地区")
        services.report_value(actor=request.user, indicator=ind, area=area, period=_year(request),
                              value=request.POST.get("value", ""), unit=request.POST.get("unit", ind.unit),
                              note=request.POST.get("note", ""))
        messages.success(request, f"已填报{area.name}{_year(request)}年度“{ind}”")
    except NotFound:
        raise
    except DomainError as e:
        messages.error(request, e.message)
    return _back(request)


@require_POST
@page(Cap.MONITOR_APPROVE)
def approve(request, pk):
    rv = selectors.reported(request.user).filter(pk=pk).first()
    if rv is None:
        raise NotFound()
    try:
        services.approve_value(actor=request.user, reported=rv)
        messages.success(request, f"已审定{rv.area.name}“{rv.indicator}”，该期数据已锁定")
    except DomainError as e:
        if e.status == 404:
            raise
        messages.error(request, e.message)
    return _back(request)


@require_POST
@page(Cap.MONITOR_RUN)
def rebuild(request):
    year = _year(request)
    try:
        run = services.rebuild(actor=request.user, period=year, incremental=request.POST.get("kind") == "incremental")
        messages.success(request, f"{year}年度指标已{'增量刷新' if run.kind == 'incremental' else '全量重算'}")
    except DomainError as e:
        messages.error(request, e.message)
    return redirect(request.POST.get("next") or reverse("monitoring:home"))


