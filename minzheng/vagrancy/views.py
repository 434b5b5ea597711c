"""流浪乞讨人员救助 pages: the station desk (in-station list with 反复流浪 and overdue flags, returns awaiting the
receiving town, the year's rates), one stay's record, and the public 寻亲 page (no login, masked). Scoped reads only;
writes go through the API and services."""

from django.shortcuts import render

from minzheng.accounts.roles import Cap
from minzheng.core.idcard import mask
from minzheng.core.periods import local_date
from minzheng.web.pages import page

from . import selectors


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
        "rates": selectors.rates(user, year=today.year),
    })


@page(Cap.VAGRANCY_VIEW)
def stay(request, pk):
    s = selectors.stay_get(request.user, pk)
    return render(request, "vagrancy/stay.html", {
        "stay": s, "masked_id": mask(s.id_number) if s.id_number else "",
        "care": s.care.all(), "referrals": s.referrals.all(), "notices": s.notices.all(),
        "transfer": getattr(s, "transfer", None),
    })


def public(request):
    """寻亲公告, open to everyone: no login, no name, no ID number."""
    return render(request, "vagrancy/public.html", {"notices": selectors.public_notices()})
