"""Reads of the batch app: the runs, and the findings inside the reader's areas. Each job's rows are read under the
capability of the desk that uses them (资金监管, 核对, 规划监测)."""

import datetime as dt

from django.db.models import Count, Q, QuerySet

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.core.errors import NotFound
from minzheng.core.scope import area_q

from .models import Finding, Job, JobRun

JOB_CAPABILITY = {Job.SUPERVISION: Cap.ANOMALY_VIEW, Job.VERIFICATION: Cap.VERIFY_VIEW,
                  Job.MONITORING: Cap.MONITOR_VIEW}


def jobs_readable(user: User) -> list[str]:
    return [job for job, cap in JOB_CAPABILITY.items() if user.can(cap)]


def findings_for(user: User, *, job: str | None = None, period: dt.date | None = None, rule: str | None = None,
                 outcome: str | None = None) -> QuerySet[Finding]:
    """The findings of the jobs the user's role reads, filed under an area inside the user's areas."""
    jobs = [j for j in jobs_readable(user) if not job or j == job]
    qs = Finding.objects.filter(area_q(user, "area"), job__in=jobs).select_related("area", "person", "checked_by")
    if period:
        qs = qs.filter(period=period)
    if rule:
        qs = qs.filter(rule=rule)
    if outcome:
        qs = qs.filter(outcome=outcome)
    return qs.order_by("-period", "job", "rule", "subject")


def finding_get(user: User, pk: int) -> Finding:
    finding = findings_for(user).filter(pk=pk).first()
    if finding is None:
        raise NotFound("比对结果不存在或不在您的管辖范围内")
    return finding


def runs_for(user: User, *, limit: int = 24) -> list[dict]:
    """The latest runs of the jobs the user reads, each with how many of its new rows are in the user's areas (the
    run's own totals are province-wide)."""
    jobs = jobs_readable(user)
    runs = list(JobRun.objects.filter(job__in=jobs).select_related("created_by")[:limit])
    mine = dict(Finding.objects.filter(area_q(user, "area"), first_run__in=runs)
                .values_list("first_run").annotate(n=Count("id")))
    return [{"run": r, "in_scope": mine.get(r.pk, 0)} for r in runs]


def periods_for(user: User) -> list[dt.date]:
    return list(Finding.objects.filter(area_q(user, "area"), job__in=jobs_readable(user))
                .values_list("period", flat=True).distinct().order_by("-period")[:36])


def pending_count(user: User) -> int:
    if not user.can(Cap.ANOMALY_VIEW):
        return 0
    return Finding.objects.filter(Q(job=Job.SUPERVISION) & area_q(user, "area"),
                                  outcome=Finding.Outcome.PENDING).count()
