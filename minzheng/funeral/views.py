"""殡葬 pages: the funeral desk (death records and their checklist, the 无人认领 and 超期存放 lists, rates), a
facility's plot ledger, and the 惠民殡葬 claims of the funeral homes (prepare, approve by a second person, settle a
month). Scoped reads; every write goes through the services."""

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from minzheng.accounts.roles import Cap
from minzheng.core.errors import DomainError
from minzheng.core.periods import local_date
from minzheng.web.pages import form_date, form_pick, page, paginate, write_message

from . import selectors, services
from .models import BasicServiceClaim


@page(Cap.FUNERAL_VIEW)
def desk(request):
    today = local_date()
    return render(request, "funeral/desk.html", {
        "deaths": selectors.death_records_for(request.user).prefetch_related("checklist")[:100],
        "unclaimed": selectors.unclaimed(request.user)[:200],
        "overdue": selectors.overdue_storage(request.user, today=today)[:200],
        "facilities": selectors.facilities_for(request.user)[:200],
        "rates": selectors.rates(request.user, year=today.year), "year": today.year,
        "burials": selectors.eco_burials_for(request.user)[:100],
    })


@page(Cap.FUNERAL_VIEW)
def facility(request, pk):
    f = selectors.facility_get(request.user, pk)
    return render(request, "funeral/facility.html", {"facility": f, "plots": selectors.plot_ledger(request.user, f.pk)})


def _month(value: str) -> dt.date:
    """结算月份 typed as YYYY-MM (an <input type="month">): the 1st of that month."""
    try:
        return dt.date.fromisoformat(f"{(value or '').strip()}-01")
    except ValueError:
        raise DomainError("结算月份格式应为YYYY-MM", field="结算月份") from None


@page(Cap.FUNERAL_VIEW)
def claims(request):
    """惠民殡葬: the homes' claims with their status, the form to claim a deceased's free basic services (each item
    paid at the lower of the actual charge and the jurisdiction's cap) and the monthly settlement of a home."""
    today = local_date()
    items = services.basic_service_items()
    error = None
    if request.method == "POST":
        p = request.POST

        def write():
            home = form_pick(selectors.funeral_homes_for(request.user), p.get("facility", ""), "殡仪馆")
            if p.get("action") == "settle":
                month = _month(p.get("month", ""))
                if month > today:
                    raise DomainError("结算月份不能晚于本月", field="结算月份")
                s = services.basic_settle_month(actor=request.user, facility=home, month=month)
                messages.success(request, f"{home.name}{month.year}年{month.month}月已结算{s.claims}件，"
                                          f"共{s.total}元")
                return
            record = form_pick(selectors.deaths_without_basic_claim(request.user), p.get("record", ""), "逝者")
            actual = {code: p[f"item_{code}"].strip() for code in items if p.get(f"item_{code}", "").strip()}
            c = services.basic_claim_prepare(actor=request.user, record=record, facility=home,
                                             served_on=form_date(p.get("served_on", ""), "服务日期", latest=today),
                                             actual=actual, today=today)
            messages.success(request, f"已申报{record.person.name}的基本殡葬服务减免{c.total}元，待另一名工作人员审核")

        error = write_message(write)
        if error is None:
            return redirect("funeral:claims")
    return render(request, "funeral/claims.html", {
        "page": paginate(request, selectors.basic_claims_for(request.user).order_by("-served_on", "-id")),
        "settlements": selectors.settlements_for(request.user).order_by("-month", "facility__name")[:24],
        "homes": selectors.funeral_homes_for(request.user)[:100],
        "deaths": selectors.deaths_without_basic_claim(request.user)[:300],
        "items": [(f"item_{code}", label, request.POST.get(f"item_{code}", "")) for code, label in items.items()],
        "can_record": request.user.can(Cap.FUNERAL_RECORD), "can_approve": request.user.can(Cap.FUNERAL_APPROVE),
        "prepared": BasicServiceClaim.Status.PREPARED, "error": error, "f": request.POST, "today": today,
    }, status=400 if error else 200)


@require_POST
@page(Cap.FUNERAL_VIEW)
def claim_approve(request, pk):
    claim = selectors.basic_claim_get(request.user, pk)
    error = write_message(lambda: services.basic_claim_approve(actor=request.user, claim=claim))
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"已审核{claim.record.person.name}的减免申报，待月度结算")
    return redirect("funeral:claims")
