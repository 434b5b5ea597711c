"""志愿服务 pages: activities of one's areas with their sign-ups and the organiser's confirmation, the certificate
PDF, and the public certificate check (no login). Thin: scoped reads, audited writes."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from minzheng.accounts.roles import Cap
from minzheng.core.errors import DomainError, Forbidden
from minzheng.web.pages import page

from . import selectors, services
from .documents import certificate_pdf


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
