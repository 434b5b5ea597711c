"""核对 pages: a household's reports with a run button, the report on screen and as PDF."""

import datetime as dt

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from minzheng.accounts.roles import Cap
from minzheng.core.errors import DomainError
from minzheng.web.pages import page

from . import selectors, services
from .report import report_pdf


@page(Cap.VERIFY_VIEW)
def household_reports(request, pk):
    household = selectors.household_for_verification(request.user, pk)
    reports = selectors.reports_for(request.user).filter(household=household).select_related("application")[:50]
    return render(request, "verification/household.html",
                  {"household": household, "reports": reports, "today": timezone.localdate(),
                   "application": _application(request, request.GET.get("application"), household)})


def _application(request, raw, household):
    """The application a 核对 is run for (opened from its page): in the user's areas and of this household."""
    if not raw or not str(raw).isdigit():
        return None
    app = selectors.application_for_report(request.user, int(raw))
    return app if app.household_id == household.pk else None


@require_POST
@page(Cap.VERIFY_RUN)
def household_run(request, pk):
    household = selectors.household_for_verification(request.user, pk)
    try:
        on = dt.date.fromisoformat(request.POST.get("on", ""))
        report = services.verification_run(actor=request.user, household=household, on=on,
                                           application=_application(request, request.POST.get("application"),
                                                                    household))
    except ValueError:
        messages.error(request, "核对基准日格式应为YYYY-MM-DD")
        return redirect("verification:household", pk=pk)
    except DomainError as e:
        if e.status in (403, 404):
            raise
        messages.error(request, e.message)
        return redirect("verification:household", pk=pk)
    return redirect("verification:report", pk=report.pk)


@page(Cap.VERIFY_VIEW)
def report_detail(request, pk):
    report = selectors.report_get(request.user, pk)
    services.report_open(actor=request.user, report=report)
    return render(request, "verification/report.html", {"report": report})


@page(Cap.VERIFY_VIEW)
def report_download(request, pk):
    report = selectors.report_get(request.user, pk)
    services.report_open(actor=request.user, report=report, download=True)
    response = HttpResponse(report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{report.number}.pdf"'
    return response
