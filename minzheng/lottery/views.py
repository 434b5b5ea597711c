"""福彩 pages: the bureau's desk (outlets, those due an inspection, this year's 公益金) and the public yearly 公益金
report (阳光福彩). Thin: scoped reads; the writes go through the API and services."""

from django.contrib import messages
from django.shortcuts import redirect, render

from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area, Level
from minzheng.core.errors import DomainError
from minzheng.core.periods import local_date
from minzheng.web.pages import form_date, form_pick, page, write_message

from . import selectors, services
from .models import Outlet


@page(Cap.LOTTERY_VIEW)
def index(request):
    """The desk; its one form (for those who manage 福彩) closes an outlet of the user's areas, with a reason."""
    today = local_date()
    error = None
    if request.method == "POST":
        p = request.POST

        def write():
            outlet = form_pick(selectors.outlets_for(request.user).exclude(status=Outlet.Status.CLOSED),
                               p.get("outlet", ""), "销售场所")
            on = form_date(p.get("closed_on", ""), "撤销日期", latest=today)
            o = services.outlet_close(actor=request.user, outlet=outlet, reason=p.get("reason", ""), on=on)
            messages.success(request, f"已撤销{o}")

        error = write_message(write)
        if error is None:
            return redirect("lottery:index")
    return render(request, "lottery/index.html", {
        "error": error, "f": request.POST, "today": today, "can_manage": request.user.can(Cap.LOTTERY_MANAGE),
        "year": today.year,
        "outlets": selectors.outlets_for(request.user)[:500],
        "overdue": selectors.outlets_due_inspection(request.user, today)[:200],
        "allocations": selectors.allocations_for(request.user).filter(year=today.year).order_by("use", "project")[:200],
    }, status=400 if error else 200)


def public_report(request):
    """Anyone picks a city or county and a year; the page shows what the bureau allocated and spent, by use."""
    this_year = local_date().year
    areas = list(Area.objects.current().filter(level__in=[Level.CITY, Level.COUNTY]).order_by("code"))
    code = request.GET.get("area", "")[:12]
    try:
        year = int(request.GET.get("year", "") or this_year)
    except ValueError:
        year = 0
    report, error = None, ""
    if code:
        area = next((a for a in areas if a.code == code), None)
        if area is None:
            error = "请选择市或县（区）"
        elif not 2000 <= year <= this_year:
            error = f"年度应在2000年至{this_year}年之间"
        else:
            try:
                report = selectors.annual_report(area, year)
            except DomainError as e:
                error = e.message
    return render(request, "lottery/public_report.html", {
        "areas": areas, "code": code, "year": year or this_year, "years": range(this_year, 2019, -1),
        "report": report, "error": error})
