"""社工站 pages (phone-sized): a town's station with its target-group coverage, the residents not yet served, and
the form a 社工 records a service with. Thin: scoped reads, audited writes."""

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from minzheng.accounts.roles import Cap
from minzheng.areas.services import area_by_code
from minzheng.core.errors import DomainError
from minzheng.core.periods import local_date
from minzheng.registry.selectors import person_get
from minzheng.web.pages import page

from . import selectors, services
from .rules import service_kinds


@page(Cap.SOCIALWORK_VIEW)
def index(request):
    today = local_date()
    rows = [(s, selectors.coverage(s, today)) for s in selectors.stations_for(request.user)[:100]]
    return render(request, "socialwork/index.html", {"rows": rows, "today": today})


@page(Cap.SOCIALWORK_VIEW)
def station(request, pk):
    st = selectors.station_get(request.user, pk)
    today = local_date()
    return render(request, "socialwork/station.html", {
        "station": st, "coverage": selectors.coverage(st, today), "records": selectors.records_of(st, 50),
        "kinds": service_kinds().items(), "today": today,
        "can_record": request.user.can(Cap.SOCIALWORK_RECORD),
        "can_manage": request.user.can(Cap.SOCIALWORK_MANAGE),
        "points": selectors.points_of(st), "point_coverage": selectors.point_coverage(st, today),
        "supervisions": selectors.supervisions_of(st, 50),
    })


@require_POST
@page(Cap.SOCIALWORK_RECORD)
def record(request, pk):
    st = selectors.station_get(request.user, pk)
    try:
        try:
            day = dt.date.fromisoformat(request.POST.get("served_on", ""))
        except ValueError:
            raise DomainError("请填写服务日期", field="服务日期") from None
        try:
            person = person_get(request.user, int(request.POST.get("person") or 0))
        except (ValueError, OverflowError):
            raise DomainError("请选择服务对象", field="服务对象") from None
        services.service_record(actor=request.user, person=person, service=request.POST.get("service", ""),
                                served_on=day, note=request.POST.get("note", ""))
        messages.success(request, f"已登记对{person.name}的服务")
    except DomainError as e:
        if e.status in (403, 404):
            raise
        messages.error(request, e.message)
    return redirect("socialwork:station", st.pk)


def _date(text: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        raise DomainError(f"请填写{field}（年-月-日）", field=field) from None


@require_POST
@page(Cap.SOCIALWORK_MANAGE)
def supervise(request, pk):
    """The county records a 督导 visit to the station."""
    st = selectors.station_get(request.user, pk)
    try:
        services.supervision_record(actor=request.user, station=st,
                                    held_on=_date(request.POST.get("held_on", ""), "督导日期"),
                                    supervisor=request.POST.get("supervisor", ""),
                                    findings=request.POST.get("findings", ""))
        messages.success(request, "已登记督导记录")
    except DomainError as e:
        if e.status in (403, 404):
            raise
        messages.error(request, e.message)
    return redirect("socialwork:station", st.pk)


@require_POST
@page(Cap.SOCIALWORK_MANAGE)
def point(request, pk):
    """设立 a 社工服务点 in a village of the station's town."""
    st = selectors.station_get(request.user, pk)
    try:
        area = area_by_code(request.POST.get("area_code", ""), field="所在村（居）")
        p = services.point_open(actor=request.user, station=st, area=area, name=request.POST.get("name", ""),
                                opened_on=_date(request.POST.get("opened_on", ""), "设立日期"))
        messages.success(request, f"已设立{p.name}")
    except DomainError as e:
        if e.status in (403, 404):
            raise
        messages.error(request, e.message)
    return redirect("socialwork:station", st.pk)
