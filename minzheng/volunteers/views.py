"""志愿服务 pages: activities of one's areas with their sign-ups and the organiser's confirmation, the certificate
PDF, and the public certificate check (no login). Thin: scoped reads, audited writes."""

import datetime as dt

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from minzheng.accounts.roles import Cap, Role
from minzheng.areas.services import area_by_code
from minzheng.core.errors import DomainError, Forbidden
from minzheng.core.periods import local_date
from minzheng.socialorgs import selectors as socialorg_selectors
from minzheng.web.pages import form_pick, page

from . import selectors, services
from .documents import certificate_pdf
from .models import Point


@page(Cap.TIMEBANK_VIEW)
def index(request):
    return render(request, "volunteers/index.html",
                  {"activities": selectors.activities_for(request.user).order_by("-held_on")[:100]})


@page(Cap.TIMEBANK_VIEW)
def activity(request, pk):
    a = selectors.activity_get(request.user, pk)
    return render(request, "volunteers/activity.html", {
        "activity": a, "signups": a.signups.select_related("volunteer__person").order_by("id"),
        "is_organiser": a.organiser_id == request.user.pk})


@require_POST
@page(Cap.TIMEBANK_REPORT)
def confirm(request, pk):
    s = selectors.signup_get(request.user, pk)
    try:
        services.hours_confirm(actor=request.user, signup=s, hours=request.POST.get("hours"))
        messages.success(request, f"已确认{s.volunteer.person.name}的服务时长")
    except DomainError as e:
        if e.status in (403, 404):
            raise
        messages.error(request, e.message)
    return redirect("volunteers:activity", s.activity_id)


@page(Cap.TIMEBANK_VIEW)
def certificate(request, pk):
    c = selectors.certificate_get(request.user, pk)
    response = HttpResponse(certificate_pdf(c), content_type="application/pdf")
    response["Content-Disposition"] = "inline; filename=volunteer-certificate.pdf"
    return response


def verify(request):
    """公开查验 (no login): a certificate by its code; masked name, hours, period and issuer only."""
    if request.method != "GET":
        raise Forbidden()
    code = request.GET.get("code", "")[:16]
    return render(request, "volunteers/verify.html",
                  {"code": code, "asked": bool(code.strip()), "found": selectors.verify(code)})


@page(Cap.TIMEBANK_VIEW)
def orgs(request):
    """志愿服务组织: the organisations of one's areas identified as volunteer organisations; the registrar identifies
    another registered organisation here."""
    user = request.user
    identified = selectors.volunteer_orgs_for(user)
    can_register = user.can(Cap.SOCIALORG_REGISTER)
    return render(request, "volunteers/orgs.html", {
        "orgs": identified[:200], "can_register": can_register,
        "candidates": selectors.volunteer_org_candidates(user)[:200] if can_register else [],
    })


@require_POST
@page(Cap.SOCIALORG_REGISTER)
def org_register(request):
    try:
        org = form_pick(socialorg_selectors.orgs_for(request.user), request.POST.get("org", ""), "社会组织")
        services.volunteer_org_register(actor=request.user, org=org,
                                        service_fields=request.POST.get("service_fields", ""))
        messages.success(request, f"已将{org.name}标识为志愿服务组织")
    except DomainError as e:
        if e.status in (403, 404):
            raise
        messages.error(request, e.message)
    return redirect("volunteers:orgs")


@require_POST
@page(Cap.SOCIALORG_REGISTER)
def org_revoke(request, pk):
    vorg = selectors.volunteer_org_get(request.user, pk)
    try:
        services.volunteer_org_revoke(actor=request.user, vorg=vorg, reason=request.POST.get("reason", ""))
        messages.success(request, f"已撤销{vorg.org.name}的志愿服务组织标识")
    except DomainError as e:
        if e.status in (403, 404):
            raise
        messages.error(request, e.message)
    return redirect("volunteers:orgs")


@page(Cap.TIMEBANK_VIEW)
def points(request):
    """志愿服务站点 of one's villages, and the form staff open one with (phone-sized)."""
    return render(request, "volunteers/points.html", {
        "points": selectors.points_for(request.user)[:300], "hosts": Point.Host.choices, "today": local_date(),
        "can_open": request.user.can(Cap.TIMEBANK_REPORT) and request.user.role != Role.RESIDENT})


@require_POST
@page(Cap.TIMEBANK_REPORT)
def point_open(request):
    try:
        area = area_by_code(request.POST.get("area_code", ""), field="所在村（居）")
        try:
            opened_on = dt.date.fromisoformat(request.POST.get("opened_on", "").strip())
        except ValueError:
            raise DomainError("请填写设立日期（年-月-日）", field="设立日期") from None
        p = services.point_open(actor=request.user, area=area, host=request.POST.get("host", ""),
                                name=request.POST.get("name", ""), opened_on=opened_on)
        messages.success(request, f"已设立志愿服务站点“{p.name}”")
    except DomainError as e:
        if e.status in (403, 404):
            raise
        messages.error(request, e.message)
    return redirect("volunteers:points")
