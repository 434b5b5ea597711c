"""全省比对结果: the batch runs and their findings in one's areas; a 资金监管 officer records what checking a
cross-city finding showed."""

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from minzheng.accounts.roles import Cap
from minzheng.core.errors import DomainError, Forbidden
from minzheng.web.pages import page, paginate

from . import selectors, services
from .models import Finding, Job
from .supervision import RULES


def _readable_jobs(request) -> list[str]:
    jobs = selectors.jobs_readable(request.user)
    if not jobs:
        raise Forbidden("您的角色无权查看全省比对结果")
    return jobs


def _period(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


@page()
def finding_list(request):
    jobs = _readable_jobs(request)
    job = request.GET.get("job") or (Job.SUPERVISION if Job.SUPERVISION in jobs else jobs[0])
    if job not in jobs:
        job = jobs[0]
    outcome = request.GET.get("outcome", "")
    period = _period(request.GET.get("period", ""))
    rule = request.GET.get("rule", "") if job == Job.SUPERVISION else ""
    findings = paginate(request, selectors.findings_for(request.user, job=job, period=period, rule=rule or None,
                                                        outcome=outcome or None), 50)
    return render(request, "batch/finding_list.html", {
        "jobs": [(j, Job(j).label) for j in jobs], "job": job, "period": period, "rule": rule, "outcome": outcome,
        "periods": selectors.periods_for(request.user), "rules": RULES.items(),
        "outcomes": Finding.Outcome.choices, "findings": findings, "runs": selectors.runs_for(request.user, limit=6),
        "can_check": job == Job.SUPERVISION and request.user.can(Cap.ANOMALY_HANDLE),
    })


@require_POST
@page(Cap.ANOMALY_HANDLE)
def finding_check(request, pk):
    finding = selectors.finding_get(request.user, pk)
    try:
        services.finding_check(actor=request.user, finding=finding, outcome=request.POST.get("outcome", ""),
                               note=request.POST.get("note", ""))
        messages.success(request, "核查结果已记录")
    except DomainError as e:
        if e.status in (403, 404):
            raise
        messages.error(request, e.message)
    back = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return redirect(back if back and safe else "batch:findings")
