"""精神障碍社区康复 pages: the centres of the user's areas (register one), and a centre's service users with their
records (enrol a person from the outreach list, record a service). Scoped reads; every write goes through the
services."""

from django.contrib import messages
from django.shortcuts import redirect, render

from minzheng.accounts.roles import Cap
from minzheng.core.periods import local_date
from minzheng.web.pages import form_date, form_pick, page, write_message

from . import selectors, services
from .models import Centre


@page(Cap.REHAB_VIEW)
def index(request):
    """社区康园中心 and other services, with how many each serves, and who is not served yet (masked)."""
    error = None
    if request.method == "POST":
        p = request.POST

        def write():
            area = form_pick(selectors.service_areas(request.user), p.get("area", ""), "所在镇街/村居")
            c = services.centre_register(actor=request.user, name=p.get("name", ""), kind=p.get("kind", ""),
                                         area=area, opened_on=form_date(p.get("opened_on", ""), "启用日期",
                                                                        latest=local_date()))
            messages.success(request, f"已登记{c.name}")

        error = write_message(write)
        if error is None:
            return redirect("rehab:index")
    return render(request, "rehab/index.html", {
        "centres": selectors.centres_with_counts(request.user).order_by("area__path", "name")[:500],
        "waiting": selectors.not_yet_served(request.user).select_related("residence_area").order_by(
            "residence_area__path", "name")[:200],
        "areas": selectors.service_areas(request.user)[:500], "kinds": Centre.Kind.choices,
        "can_manage": request.user.can(Cap.REHAB_MANAGE), "error": error, "f": request.POST,
    }, status=400 if error else 200)


@page(Cap.REHAB_VIEW)
def centre(request, pk):
    """One centre: the people it serves with their plan and records; forms to enrol and to record a service."""
    c = selectors.centre_get(request.user, pk)
    serving = selectors.open_enrolments(c)
    today = local_date()
    error = None
    if request.method == "POST":
        p = request.POST

        def write():
            if p.get("action") == "record":
                enrolment = form_pick(serving, p.get("enrolment", ""), "服务对象")
                services.service_record(actor=request.user, enrolment=enrolment,
                                        served_on=form_date(p.get("served_on", ""), "服务日期", latest=today),
                                        content=p.get("content", ""))
                messages.success(request, f"已登记对{enrolment.person.name}的服务")
                return
            person = form_pick(selectors.not_yet_served(request.user), p.get("person", ""), "服务对象")
            services.enrol(actor=request.user, centre=c, person=person,
                           since=form_date(p.get("since", ""), "开始服务日期", latest=today), plan=p.get("plan", ""))
            messages.success(request, f"已将{person.name}纳入{c.name}的社区康复服务")

        error = write_message(write)
        if error is None:
            return redirect("rehab:centre", pk=c.pk)
    return render(request, "rehab/centre.html", {
        "centre": c, "serving": serving[:500],
        "waiting": selectors.not_yet_served(request.user).order_by("name")[:300],
        "can_manage": request.user.can(Cap.REHAB_MANAGE), "error": error, "f": request.POST, "today": today,
    }, status=400 if error else 200)
