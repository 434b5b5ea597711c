"""时间银行 pages: a volunteer's balance, reports and donations; staff review queues (初审/复审) and accounts.
Thin: scoped reads (selectors), audited writes (services); a refused action shows its Chinese message."""

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from minzheng.accounts.roles import Cap, Role
from minzheng.areas.services import area_by_code
from minzheng.core.errors import DomainError, Forbidden
from minzheng.web.pages import page, paginate

from . import selectors, services
from .models import Account, DonationOffer, HourReport


def _refused(request, e: DomainError):
    if e.status in (403, 404):
        raise e
    messages.error(request, e.message)
    return redirect("timebank:index")


@page()
def index(request):
    user = request.user
    if user.role == Role.RESIDENT:
        volunteer = selectors.volunteers_for(user).first()
        reports = selectors.reports_for(user)[:20]
        entries = selectors.entries_of(volunteer.account, 20) if volunteer else []
        return render(request, "timebank/volunteer.html", {"volunteer": volunteer, "reports": reports,
                                                           "entries": entries,
                                                           "offers": selectors.donation_offers_for(user)[:20]})
    if not user.can(Cap.TIMEBANK_VIEW):
        raise Forbidden("您的角色无权查看时间银行")
    return render(request, "timebank/staff.html", {
        "first": selectors.reports_for(user, status=HourReport.Status.REPORTED)[:100]
        if user.can(Cap.TIMEBANK_REVIEW1) else [],
        "second": selectors.reports_for(user, status=HourReport.Status.FIRST_APPROVED)[:100]
        if user.can(Cap.TIMEBANK_REVIEW2) else [],
        "accounts": paginate(request, selectors.accounts_for(user).exclude(kind=Account.Kind.SOURCE)
                             .order_by("kind", "-balance"), 50),
        "volunteers": selectors.volunteers_for(user)[:200],
        "offers": selectors.donation_offers_for(user).filter(status=DonationOffer.Status.PENDING)[:100],
        "can_decide": user.can(Cap.TIMEBANK_ALLOCATE),
    })


@require_POST
@page()
def report(request):
    try:
        v = selectors.volunteer_get(request.user, request.POST.get("volunteer") or 0)
        try:
            day = dt.date.fromisoformat(request.POST.get("service_date", ""))
        except ValueError:
            raise DomainError("请填写服务日期", field="服务日期") from None
        services.hours_report(actor=request.user, volunteer=v, service_date=day, hours=request.POST.get("hours"),
                              activity=request.POST.get("activity", ""))
        messages.success(request, "时长已申报，待村（居）初审、镇街复审后入账")
    except DomainError as e:
        return _refused(request, e)
    return redirect("timebank:index")


@require_POST
@page()
def review(request, pk, level):
    r = selectors.report_get(request.user, pk)
    approve = request.POST.get("decision") == "approve"
    try:
        fn = services.report_review_first if level == 1 else services.report_review_second
        fn(actor=request.user, report=r, approve=approve, reason=request.POST.get("reason", ""))
        messages.success(request, "审核意见已记录" + ("，时长已入账" if approve and level == 2 else ""))
    except DomainError as e:
        return _refused(request, e)
    return redirect("timebank:index")


@require_POST
@page()
def donate(request):
    try:
        v = selectors.volunteer_get(request.user, request.POST.get("volunteer") or 0)
        elder = None
        if request.POST.get("elder_id_number"):
            elder = selectors.donation_recipient(v, id_number=request.POST["elder_id_number"])
        if request.POST.get("area_code", "").strip() and elder is None:  # another jurisdiction's pool: it decides
            o = services.donation_offer_create(actor=request.user, volunteer=v, hours=request.POST.get("hours"),
                                               area=area_by_code(request.POST["area_code"], field="受赠辖区"))
            messages.success(request, f"已向{o.to_area.name}提出捐赠{o.hours}小时，待对方确认后转出")
        else:
            t = services.hours_donate(actor=request.user, volunteer=v, hours=request.POST.get("hours"), elder=elder)
            messages.success(request, f"已{t.memo}{t.hours}小时")
    except DomainError as e:
        return _refused(request, e)
    return redirect("timebank:index")


@require_POST
@page(Cap.TIMEBANK_ALLOCATE)
def offer_decide(request, pk, action):
    """The receiving jurisdiction accepts (the hours go to its 公益时间池) or declines a cross-jurisdiction offer."""
    o = selectors.donation_offer_get(request.user, pk)
    try:
        if action == "accept":
            services.donation_offer_accept(actor=request.user, offer=o)
            messages.success(request, f"已接受{o.volunteer.person.name}捐赠的{o.hours}小时，已捐入公益时间池")
        elif action == "decline":
            services.donation_offer_decline(actor=request.user, offer=o, reason=request.POST.get("reason", ""))
            messages.success(request, "已谢绝该捐赠")
        else:
            raise DomainError("未知操作")
    except DomainError as e:
        return _refused(request, e)
    return redirect("timebank:index")
