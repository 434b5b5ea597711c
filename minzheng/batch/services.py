"""Writes of the batch app: one run of a job on an engine, its results recorded in one transaction with one audit
entry. Findings are keyed (job, period, rule, subject): a rerun on either engine adds only what is new."""

import datetime as dt
import time
from collections.abc import Callable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area, Level
from minzheng.core import audit
from minzheng.core.errors import Conflict, DomainError
from minzheng.core.periods import month_start
from minzheng.core.scope import ensure_can
from minzheng.registry.models import Person

from . import jobs
from .engines import Row, spark_unavailable
from .models import Engine, Finding, Job, JobRun


def _check(job: str, engine: str) -> None:
    if job not in Job.values:
        raise DomainError(f"作业“{job}”不存在", field="作业")
    if engine not in Engine.values:
        raise DomainError(f"引擎“{engine}”不存在", field="引擎")
    if engine == Engine.SPARK and (why := spark_unavailable()):
        raise DomainError(f"无法使用 Apache Spark：{why}", field="引擎")


def job_compute(*, job: str, engine: str, period: dt.date, master: str | None = None) -> list[Row]:
    """The job's result rows from one engine, nothing written."""
    _check(job, engine)
    impl = jobs.JOBS[job]
    run: Callable = impl.run_spark if engine == Engine.SPARK else impl.run_embedded
    return run(month_start(period), master) if engine == Engine.SPARK else run(month_start(period))


def job_run(*, actor: User | None, job: str, engine: str, period: dt.date, master: str | None = None) -> JobRun:
    """Run the job and record its results: new findings inserted, earlier ones kept, one audit entry."""
    period = month_start(period)
    started = time.perf_counter()
    rows = job_compute(job=job, engine=engine, period=period, master=master)
    seconds = time.perf_counter() - started
    return job_results_record(actor=actor, job=job, engine=engine, period=period, rows=rows, seconds=seconds)


def job_results_record(*, actor: User | None, job: str, engine: str, period: dt.date, rows: list[Row],
                       seconds: float = 0.0) -> JobRun:
    impl = jobs.JOBS[job]
    with transaction.atomic():
        run = JobRun.objects.create(job=job, engine=engine, period=period, created_by=actor,
                                    status=JobRun.Status.RUNNING)
        known = set(Finding.objects.filter(job=job, period=period).values_list("rule", "subject"))
        fresh = [r for r in rows if (r.rule, r.subject) not in known]
        codes = {r.area_code for r in fresh if r.area_code}
        # the rows' own areas, and every city (a 跨市 finding names the cities it spans)
        areas = {a.code: a for a in Area.objects.current().filter(Q(code__in=codes) | Q(level=Level.CITY))}
        persons = {r.person_id for r in fresh if r.person_id}
        names = dict(Person.objects.filter(pk__in=persons).values_list("pk", "name")) if persons else {}
        Finding.objects.bulk_create([
            Finding(job=job, period=period, rule=r.rule, subject=r.subject, person_id=r.person_id,
                    area=areas.get(r.area_code), value=r.value[:200],
                    detail=impl.describe(r, names, {c: a.name for c, a in areas.items()})[:300], first_run=run)
            for r in fresh], batch_size=5000)
        run.rows, run.new_rows, run.seconds = len(rows), len(fresh), round(seconds, 3)
        run.status, run.finished_at = JobRun.Status.DONE, timezone.now()
        run.save()
        audit.record(actor=actor, action="batch.run", object_type="batch_run", object_id=run.pk,
                     object_repr=f"{Job(job).label}（{Engine(engine).label}）{period:%Y年%m月}",
                     after={"job": job, "engine": engine, "period": period, "rows": len(rows),
                            "new_rows": len(fresh)})
    return run


def finding_check(*, actor: User, finding: Finding, outcome: str, note: str) -> Finding:
    """Record what checking a 跨市资金监管 finding showed (属实 / 不属实) and why; once, audited. Stopping or
    recovering the money is then done on the case, by its own two-person steps."""
    with transaction.atomic():
        f = Finding.objects.select_for_update(of=("self",)).select_related("area").get(pk=finding.pk)
        ensure_can(actor, f.area, Cap.ANOMALY_HANDLE)
        note = (note or "").strip()
        if outcome not in (Finding.Outcome.CONFIRMED, Finding.Outcome.CLEARED):
            raise DomainError("请选择核查结果：属实或不属实", field="核查结果")
        if len(note) < 4:
            raise DomainError("请填写核查说明（如核查了哪些材料、向谁核实），至少 4 个字", field="核查说明")
        if len(note) > 500:
            raise DomainError("核查说明不能超过 500 字", field="核查说明")
        if f.job != Job.SUPERVISION:
            raise DomainError("只有跨市资金监管的疑点需要核查", field="核查结果")
        if f.outcome != Finding.Outcome.PENDING:
            raise Conflict(f"该疑点已于{timezone.localtime(f.checked_at):%Y年%m月%d日}核查"
                           f"（{f.get_outcome_display()}），不能重复核查", code="already_checked")
        f.outcome, f.outcome_note, f.checked_by, f.checked_at = outcome, note, actor, timezone.now()
        f.save(update_fields=["outcome", "outcome_note", "checked_by", "checked_at"])
        audit.record(actor=actor, action="batch.finding_check", object_type="batch_finding", object_id=f.pk,
                     object_repr=f.detail[:100], area_code=f.area.code if f.area else "",
                     before={"outcome": Finding.Outcome.PENDING}, after={"outcome": outcome, "note": note})
    return f
