"""低保调标测算 (what-if) page."""


from django.shortcuts import render
from django.utils import timezone

from minzheng.accounts.roles import Cap
from minzheng.areas.models import Level
from minzheng.areas.selectors import area_get, areas_for
from minzheng.web.pages import page

from ..forms import (
    WhatIfForm,
)
from ..whatif import dibao_what_if
from .base import _save

# --- 低保调标测算 -------------------------------------------------------------------------------------


def what_if_areas(user):

    return areas_for(user).exclude(level=Level.VILLAGE)


@page(Cap.ASSIST_PLAN)
def what_if(request):
    """If 低保 rose to X: households, eligible now and then, newly eligible, monthly cost (nothing written)."""

    areas = list(what_if_areas(request.user))
    form = WhatIfForm(request.GET or None, areas=areas, initial={"area": areas[0].code if areas else ""})
    result = conflict = None
    if request.GET and form.is_valid():
        d = form.cleaned_data
        result, conflict = _save(form, lambda: dibao_what_if(
            user=request.user, area=area_get(request.user, d["area"]), urban_rural=d["urban_rural"],
            new_standard=d["new_standard"], on=d["on"] or timezone.localdate()))
    status = 409 if conflict else (400 if form.errors else 200)
    return render(request, "assistance/what_if.html", {"form": form, "result": result, "conflict": conflict},
                  status=status)
