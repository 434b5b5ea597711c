"""The application lists: by status, overdue steps, paid-first files awaiting completion."""


from django.shortcuts import render
from django.utils import timezone

from minzheng.accounts.roles import Cap
from minzheng.web.pages import page, paginate

from .. import selectors
from ..forms import (
    programme_choices,
)
from ..models import OPEN_STATUSES
from .base import S

# --- lists -----------------------------------------------------------------------------------------


def _filters(request):
    status = request.GET.get("status", "")
    status = status if status in S.values else ""
    programme = request.GET.get("programme", "")
    programme = programme if programme in dict(programme_choices()) else ""
    overdue = request.GET.get("overdue") == "1"
    return status, programme, overdue


@page(Cap.ASSIST_VIEW)
def application_list(request):
    status, programme, overdue = _filters(request)
    if overdue:
        qs = selectors.overdue(request.user)
        qs = qs.filter(status=status) if status else qs
        qs = qs.filter(programme=programme) if programme else qs
    else:
        qs = selectors.application_list(request.user, status=status or None, programme=programme or None)
    return render(request, "assistance/application_list.html", {
        "page": paginate(request, qs), "status": status, "programme": programme, "overdue": overdue,
        "statuses": S.choices, "programmes": programme_choices(), "labels": dict(programme_choices()),
        "today": timezone.localdate(), "open_statuses": OPEN_STATUSES})


@page(Cap.ASSIST_VIEW)
def overdue_list(request):
    today = timezone.localdate()
    rows = paginate(request, selectors.overdue(request.user, today=today))
    return render(request, "assistance/overdue.html", {"page": rows, "today": today,
                                                       "labels": dict(programme_choices())})


@page(Cap.ASSIST_VIEW)
def paid_first_list(request):
    rows = paginate(request, selectors.paid_first_pending(request.user))
    return render(request, "assistance/paid_first.html", {"page": rows, "today": timezone.localdate(),
                                                          "labels": dict(programme_choices())})
