"""婚姻登记 pages: the phone-sized public booking page and certificate check (no login; they show only open days,
places left and whether a number is valid), and the registry office's desk (scoped, with the Excel statistics),
its 颁证仪式 bookings and its 婚姻家庭辅导 sessions (forms post to the same page; services write)."""

import datetime as dt
import io

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from minzheng.accounts.roles import Cap
from minzheng.core.errors import DomainError, NotFound, TooManyRequests
from minzheng.core.periods import local_date
from minzheng.core.tabular import safe_row
from minzheng.web.pages import form_date, form_pick, page, write_message

from . import selectors, services
from .models import Counselling, DivorceApplication, Kind
from .public import public_book, public_challenge


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
    """在线预约 (全国通办: any office; bring only the 居民身份证), after a verification question."""
    today = local_date()
    try:
        offices, office = _office_from(request)
    except NotFound as e:
        return render(request, "404.html", {"message": e.message}, status=404)
    error, done, form, status = "", None, {}, 200
    try:
        if request.method == "POST" and office is not None:
            form = {k: request.POST.get(k, "").strip() for k in
                    ("kind", "date", "name_a", "id_number_a", "name_b", "id_number_b", "phone")}
            try:
                try:
                    day = dt.date.fromisoformat(form["date"])
                except ValueError:
                    raise DomainError("请选择预约日期", field="预约日期") from None
                done = public_book(request, office, day=day, kind=form["kind"], name_a=form["name_a"],
                                   id_number_a=form["id_number_a"], name_b=form["name_b"],
                                   id_number_b=form["id_number_b"], phone=form["phone"],
                                   challenge_id=request.POST.get("challenge_id", ""),
                                   challenge_answer=request.POST.get("challenge_answer", ""), today=today)
            except TooManyRequests as e:
                error, status = e.message, 429
            except DomainError as e:
                error, status = e.message, 400
        # a fresh question each time the form is shown; what was typed stays, the answer is asked again
        challenge = public_challenge(request) if office is not None and done is None else None
    except TooManyRequests as e:
        error, status, challenge = e.message, 429, None
    days = selectors.open_days(office, today=today) if office else []
    return render(request, "marriage/book.html", {
        "offices": offices, "office": office, "days": days, "kinds": Kind.choices, "error": error, "done": done,
        "form": form, "challenge": challenge}, status=status)


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


# How far back the ceremony form offers marriages, and how far ahead a ceremony may be booked (a layout choice and
# the API's own bound, not a policy).
CEREMONY_LOOKBACK_DAYS = 180
CEREMONY_AHEAD_DAYS = 366


@page(Cap.MARRIAGE_VIEW)
def ceremonies(request):
    """颁证仪式: the booked ceremonies of the user's offices, and the form to book one for a recent marriage."""
    today = local_date()
    error = None
    if request.method == "POST":
        def write():
            reg = form_pick(selectors.registrations_for(request.user).filter(kind=Kind.MARRIAGE),
                            request.POST.get("registration", ""), "结婚登记")
            day = form_date(request.POST.get("date", ""), "颁证日期",
                            latest=today + dt.timedelta(days=CEREMONY_AHEAD_DAYS))
            c = services.ceremony_book(actor=request.user, registration=reg, day=day,
                                       officiant=request.POST.get("officiant", ""))
            messages.success(request, f"已为{reg.party_a.name}、{reg.party_b.name}预约"
                                      f"{c.date:%Y年%m月%d日}的颁证仪式")

        error = write_message(write)
        if error is None:
            return redirect("marriage:ceremonies")
    return render(request, "marriage/ceremonies.html", {
        "ceremonies": selectors.ceremonies_for(request.user).filter(date__gte=today - dt.timedelta(days=30))[:300],
        "waiting": selectors.marriages_awaiting_ceremony(
            request.user, since=today - dt.timedelta(days=CEREMONY_LOOKBACK_DAYS)).order_by("-registered_on")[:300],
        "can_register": request.user.can(Cap.MARRIAGE_REGISTER), "error": error, "f": request.POST,
    }, status=400 if error else 200)


@page(Cap.MARRIAGE_VIEW)
def counselling(request):
    """婚姻家庭辅导: sessions held at the user's offices, and the form to record one (a 冷静期 session names the
    divorce application it belongs to)."""
    today = local_date()
    error = None
    cooling = selectors.divorce_applications_for(request.user).filter(
        status=DivorceApplication.Status.COOLING).order_by("cooling_ends")
    if request.method == "POST":
        def write():
            office = form_pick(selectors.offices_for(request.user), request.POST.get("office", ""), "登记处")
            raw = request.POST.get("divorce_application", "")
            app = form_pick(cooling, raw, "离婚申请") if raw.strip() else None
            c = services.counselling_record(
                actor=request.user, office=office, kind=request.POST.get("kind", ""),
                held_on=form_date(request.POST.get("held_on", ""), "辅导日期", latest=today),
                counsellor=request.POST.get("counsellor", ""), summary=request.POST.get("summary", ""),
                divorce_application=app)
            messages.success(request, f"已登记{c.held_on:%Y年%m月%d日}的{c.get_kind_display()}")

        error = write_message(write)
        if error is None:
            return redirect("marriage:counselling")
    return render(request, "marriage/counselling.html", {
        "sessions": selectors.counselling_for(request.user).order_by("-held_on", "-id")[:300],
        "offices": selectors.offices_for(request.user)[:50], "kinds": Counselling.Kind.choices,
        "cooling": cooling[:200], "can_register": request.user.can(Cap.MARRIAGE_REGISTER), "error": error,
        "f": request.POST, "today": today,
    }, status=400 if error else 200)
