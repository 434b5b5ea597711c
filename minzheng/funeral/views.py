"""殡葬 pages: the funeral desk (death records and their checklist, the 无人认领 and 超期存放 lists, rates) and a
facility's plot ledger. Scoped reads only; writes go through the API and services."""

from django.shortcuts import render

from minzheng.accounts.roles import Cap
from minzheng.core.periods import local_date
from minzheng.web.pages import page

from . import selectors


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
