"""Roster generation as a background job (RosterRun): asked for by a user, run by the worker, recoverable.

The writes are the same as services.roster_generate / roster_generate_within (one transaction, a rerun adds each
line once). What this adds is a job the user can follow and act on: a run whose worker died (its lease in
core/jobs.py ran out) is resumed by a running worker — at most JOB_MAX_ATTEMPTS times, then marked interrupted —
and its owner can retry or discard it at any time once it is no longer running.
"""

import datetime as dt
import logging

from django.db import transaction
from django.db.models import F, Q
from django.tasks import task
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area
from minzheng.core import audit
from minzheng.core.errors import Conflict, DomainError, NotFound
from minzheng.core.jobs import Heartbeat, lease_cutoff, max_attempts
from minzheng.core.scope import ensure_can

from . import services
from .models import RosterRun
from .reference import programme_info

log = logging.getLogger(__name__)
S = RosterRun.Status
LEVELS = ("", "county", "town")


def _abandoned() -> Q:
    """Running, but the worker's lease ran out: the worker is gone (its transaction was rolled back)."""
    return Q(status=S.RUNNING) & (Q(heartbeat_at__lt=lease_cutoff()) | Q(heartbeat_at=None))


def _audit(actor: User, action: str, run: RosterRun, before: str | None) -> None:
    audit.record(actor=actor, action=action, object_type="payroll.roster_run", object_id=run.pk,
                 object_repr=f"{run.area.name}{run.month:%Y年%m月}{run.programme}", area_code=run.area.code,
                 before=None if before is None else {"status": before},
                 after={"status": run.status, "programme": run.programme, "month": run.month, "level": run.level})


def roster_run_request(*, actor: User, programme: str, area: Area, month: dt.date, level: str = "") -> RosterRun:
    """Queue the generation of `programme`'s roster(s) for `area` and `month` (per `level` area below it if set)."""
    ensure_can(actor, area, Cap.PAYROLL_RUN)
    services._check_month(month)
    programme_info(programme)  # an unknown programme is refused now, not in the worker
    if level not in LEVELS:
        raise DomainError("逐级生成的层级应为县区（county）或镇街（town），或留空", field="层级")
    with transaction.atomic():
        run = RosterRun.objects.create(programme=programme, area=area, month=month, level=level, created_by=actor)
        _audit(actor, "payroll.roster_run_request", run, None)
        transaction.on_commit(lambda: roster_run_task.enqueue(run_id=run.pk))
    return run


def roster_run_get(user: User, pk: int) -> RosterRun:
    run = RosterRun.objects.select_related("area").filter(pk=pk, created_by=user).first()
    if run is None:
        raise NotFound("生成任务不存在")
    return run


def roster_run_execute(run_id: int) -> RosterRun | None:
    """The worker's side: claim the run (one UPDATE, so two workers never run it at once), generate, finish."""
    now = timezone.now()
    if not RosterRun.objects.filter(Q(status=S.PENDING) | _abandoned(), pk=run_id).update(
            status=S.RUNNING, heartbeat_at=now, attempts=F("attempts") + 1, message=""):
        return None  # finished, discarded, or a live worker has it
    run = RosterRun.objects.select_related("area", "created_by").get(pk=run_id)
    with Heartbeat(RosterRun.objects.filter(pk=run.pk, status=S.RUNNING)):
        try:
            with transaction.atomic():
                if run.level:
                    rosters = services.roster_generate_within(actor=run.created_by, programme=run.programme,
                                                              area=run.area, month=run.month, level=run.level)
                else:
                    rosters = [services.roster_generate(actor=run.created_by, programme=run.programme,
                                                        area=run.area, month=run.month)]
                run.status, run.rosters, run.finished_at = S.DONE, [r.pk for r in rosters], timezone.now()
                lines = sum(r.line_count for r in rosters)
                run.message = f"已生成{len(rosters)}份名单，共{lines}笔"
                run.save(update_fields=["status", "rosters", "finished_at", "message"])
        except DomainError as e:  # e.g. a roster already released: nothing was written
            run.status, run.message, run.finished_at = S.FAILED, e.message[:500], timezone.now()
            run.save(update_fields=["status", "message", "finished_at"])
        except Exception:
            log.exception("roster run %s failed", run.pk)
            run.status, run.finished_at = S.INTERRUPTED, timezone.now()
            run.message = "生成时发生系统错误，未写入任何明细；请点击“重新生成”，或取消"
            run.save(update_fields=["status", "message", "finished_at"])
    return run


@task()
def roster_run_task(run_id: int) -> None:
    roster_run_execute(run_id)


def roster_run_retry(*, actor: User, run: RosterRun) -> RosterRun:
    """Run again from the start (safe: a rerun adds each line once)."""
    if run.created_by_id != actor.pk:
        raise NotFound("生成任务不存在")
    ensure_can(actor, run.area, Cap.PAYROLL_RUN)
    retryable = Q(status__in=[S.INTERRUPTED, S.FAILED]) | _abandoned()
    with transaction.atomic():
        before = run.status
        if not RosterRun.objects.filter(retryable, pk=run.pk).update(status=S.PENDING, attempts=0, message="",
                                                                      finished_at=None):
            run.refresh_from_db()
            raise Conflict(f"生成任务当前状态为“{run.get_status_display()}”，不能重新生成", field="状态")
        run.refresh_from_db()
        _audit(actor, "payroll.roster_run_retry", run, before)
        transaction.on_commit(lambda: roster_run_task.enqueue(run_id=run.pk))
    return run


def roster_run_discard(*, actor: User, run: RosterRun) -> RosterRun:
    """Give up a run that is queued, failed, interrupted or abandoned by its worker (nothing of it was written)."""
    if run.created_by_id != actor.pk:
        raise NotFound("生成任务不存在")
    discardable = Q(status__in=[S.PENDING, S.INTERRUPTED, S.FAILED]) | _abandoned()
    with transaction.atomic():
        before = run.status
        if not RosterRun.objects.filter(discardable, pk=run.pk).update(status=S.DISCARDED,
                                                                        finished_at=timezone.now()):
            run.refresh_from_db()
            raise Conflict(f"生成任务当前状态为“{run.get_status_display()}”，不能取消", field="状态")
        run.refresh_from_db()
        _audit(actor, "payroll.roster_run_discard", run, before)
    return run


def roster_run_recover_abandoned() -> int:
    """For the worker (core/jobs.py): resume each run its worker abandoned, or after JOB_MAX_ATTEMPTS tries mark
    it interrupted so its owner can retry or discard it. Returns the number of runs handled."""
    handled = 0
    for pk, attempts in RosterRun.objects.filter(_abandoned()).values_list("pk", "attempts"):
        if attempts < max_attempts():
            if RosterRun.objects.filter(_abandoned(), pk=pk).update(status=S.PENDING):
                roster_run_task.enqueue(run_id=pk)
                handled += 1
        else:
            handled += RosterRun.objects.filter(_abandoned(), pk=pk).update(
                status=S.INTERRUPTED, finished_at=timezone.now(),
                message=f"后台生成进程已中断{attempts}次，未写入任何明细；请点击“重新生成”，或取消")
    return handled
