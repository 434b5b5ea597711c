"""流浪乞讨人员救助 pages: the station desk (in-station list with 反复流浪 and overdue flags, returns awaiting the
receiving town, the year's rates), one stay's record, and the public 寻亲 page (no login, masked). Scoped reads only;
writes go through the API and services."""

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from minzheng.accounts.roles import Cap
from minzheng.core.errors import DomainError
from minzheng.core.idcard import mask
from minzheng.core.periods import local_date
from minzheng.web.pages import page

from . import selectors, services


@page(Cap.VAGRANCY_VIEW)
def desk(request):
    today = local_date()
    user = request.user
    return render(request, "vagrancy/desk.html", {
        "stations": selectors.stations_for(user),
        "stays": selectors.open_stays(user)[:200],
        "overdue": set(selectors.overdue_stays(user, today=today).values_list("pk", flat=True)),
        "no_notice": selectors.notice_overdue(user, today=today)[:100],
        "incoming": selectors.incoming_for(user)[:100],
        "rates": selectors.rates(user, year=today.year), "can_receive": user.can(Cap.VAGRANCY_RECEIVE),
    })


@page(Cap.VAGRANCY_VIEW)
def stay(request, pk):
    s = selectors.stay_get(request.user, pk)
    return render(request, "vagrancy/stay.html", {
        "stay": s, "masked_id": mask(s.id_number) if s.id_number else "",
        "care": s.care.all(), "referrals": s.referrals.all(), "notices": s.notices.all(),
        "transfer": getattr(s, "transfer", None),
    })


@require_POST
@page(Cap.VAGRANCY_RECEIVE)
def confirm(request, pk):
    """The receiving town confirms an arrival from its desk (same service as the API)."""
    transfer = selectors.transfer_get(request.user, pk)
    try:
        try:
            arrived = dt.date.fromisoformat(request.POST.get("arrived_on", ""))
        except ValueError:
            raise DomainError("请填写到达日期（年-月-日）", field="到达日期") from None
        services.transfer_confirm(actor=request.user, transfer=transfer, arrived_on=arrived,
                                  receiver=request.POST.get("receiver", ""), today=local_date())
        messages.success(request, f"已确认{transfer.stay.number}到达{transfer.destination.name}")
    except DomainError as e:
        if e.status in (403, 404):
            raise
        messages.error(request, e.message)
    return redirect("vagrancy:desk")


def public(request):
    """寻亲公告, open to everyone: no login, no name, no ID number."""
    return render(request, "vagrancy/public.html", {"notices": selectors.public_notices()})
