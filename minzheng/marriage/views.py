"""婚姻登记 pages: the phone-sized public booking page and certificate check (no login; they show only open days,
places left and whether a number is valid), and the registry office's desk (scoped, with the Excel statistics)."""

import datetime as dt
import io

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from minzheng.accounts.roles import Cap
from minzheng.core.errors import DomainError, NotFound
from minzheng.core.periods import local_date
from minzheng.core.tabular import safe_row
from minzheng.core.throttle import throttle
from minzheng.web.pages import page

from . import selectors, services
from .models import DivorceApplication, Kind


def _office_from(request):
    raw = request.POST.get("office") or request.GET.get("office") or ""
    offices = list(selectors.public_offices()[:200])
    if raw.isdigit():
        chosen = next((o for o in offices if o.pk == int(raw)), None)
        if chosen is None:
            raise NotFound("登记处不存在")
        return offices, chosen
    return offices, offices[0] if offices else None


@require_http_methods(["GET", "POST"])
def book(request):
    """在线预约 (全国通办: any office; bring only the 居民身份证)."""
    today = local_date()
    try:
        offices, office = _office_from(request)
    except NotFound as e:
        return render(request, "404.html", {"message": e.message}, status=404)
    error, done, form = "", None, {}
    if request.method == "POST" and office is not None:
        form = {k: request.POST.get(k, "").strip() for k in
                ("kind", "date", "name_a", "id_number_a", "name_b", "id_number_b", "phone")}
        try:
            throttle(request, group="marriage.book", rate=getattr(settings, "MARRIAGE_BOOKING_RATE_PER_IP", "20/h"),
                     message="预约过于频繁，请稍后再试")
            try:
                day = dt.date.fromisoformat(form["date"])
            except ValueError:
                raise DomainError("请选择预约日期", field="预约日期") from None
            done = services.appointment_book(office=office, day=day, kind=form["kind"], name_a=form["name_a"],
                                             id_number_a=form["id_number_a"], name_b=form["name_b"],
                                             id_number_b=form["id_number_b"], phone=form["phone"], today=today)
        except DomainError as e:
            error = e.message
    days = selectors.open_days(office, today=today) if office else []
    return render(request, "marriage/book.html", {
        "offices": offices, "office": office, "days": days, "kinds": Kind.choices, "error": error, "done": done,
        "form": form}, status=200 if not error else 400)


def verify(request):
    """婚姻登记证查验: only whether the number exists and is valid."""
    number = (request.GET.get("number") or "").strip()[:32]
    cert = selectors.certificate_verify(number) if number else None
    return render(request, "marriage/verify.html", {"number": number, "cert": cert})


@page(Cap.MARRIAGE_VIEW)
def desk(request):
    today = local_date()
    try:
        day = dt.date.fromisoformat(request.GET.get("date", "")) if request.GET.get("date") else today
    except ValueError:
        day = today
    year = today.year
    return render(request, "marriage/desk.html", {
        "day": day, "offices": selectors.offices_for(request.user)[:50],
        "appointments": selectors.appointments_for(request.user, day=day)[:500],
        "cooling": selectors.divorce_applications_for(request.user).filter(
            status=DivorceApplication.Status.COOLING).order_by("confirm_by")[:200],
        "stats": selectors.monthly_statistics(request.user, year=year), "year": year, "today": today,
    })


@page(Cap.MARRIAGE_VIEW)
def statistics_xlsx(request):
    from openpyxl import Workbook

    year = local_date().year
    wb = Workbook()
    ws = wb.active
    ws.title = f"{year}年婚姻登记"
    ws.append(safe_row(["月份", "结婚登记（对）", "离婚登记（对）", "补领婚姻登记证（件）"]))
    for m in selectors.monthly_statistics(request.user, year=year):
        ws.append(safe_row([f"{year}年{m['month']}月", m["marriage"], m["divorce"], m["reissue"]]))
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(buf.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="marriage-{year}.xlsx"'
    return response
