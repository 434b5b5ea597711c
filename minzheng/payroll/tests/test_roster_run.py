"""黄志强 of 江海区 asks for May's 低保 roster to be generated in the background. The worker may die mid-way (killed,
machine restarted): the run is then resumed by the next worker or retried or cancelled by him, never stuck, and
however often it runs, each line is written once."""

import datetime as dt

import psycopg
import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from minzheng.core import audit
from minzheng.core.errors import Conflict, DomainError, NotFound
from minzheng.core.models import AuditEntry
from minzheng.core.tests.worker import Worker, backend_gone, backend_waiting_on_lock, wait_for
from minzheng.payroll import runs
from minzheng.payroll.models import Roster, RosterLine, RosterRun

from .conftest import MAY

S = RosterRun.Status


def _abandon(run: RosterRun, *, attempts: int = 1) -> None:
    """What a killed worker leaves behind: 生成中, its last heartbeat long ago."""
    RosterRun.objects.filter(pk=run.pk).update(status=S.RUNNING, attempts=attempts,
                                               heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    run.refresh_from_db()


def test_a_roster_run_generates_in_the_background_and_a_rerun_adds_nothing(
        areas, people, wang_family, django_capture_on_commit_callbacks):
    hzq = people["jianghai_approver"]
    client = Client()
    client.force_login(hzq)
    with django_capture_on_commit_callbacks(execute=True):  # the worker runs it once the request commits
        answer = client.post("/api/payroll/roster-runs", {"programme": "dibao", "area_code": "440704",
                                                           "month": "2024-05-01"}, content_type="application/json")
    assert answer.status_code == 201
    run = RosterRun.objects.get(pk=answer.json()["id"])
    assert (run.status, run.message, run.attempts) == (S.DONE, "已生成1份名单，共2笔", 1)
    roster = Roster.objects.get(pk=run.rosters[0])
    assert (roster.area, roster.month, roster.line_count) == (areas["jianghai"], MAY, 2)
    assert client.get(f"/api/payroll/roster-runs/{run.pk}").json()["status_label"] == "已生成"

    with django_capture_on_commit_callbacks(execute=True):
        again = runs.roster_run_request(actor=hzq, programme="dibao", area=areas["jianghai"], month=MAY)
    again.refresh_from_db()
    assert again.status == S.DONE and again.rosters == run.rosters
    assert RosterLine.objects.filter(roster=roster).count() == 2
    assert AuditEntry.objects.filter(action="payroll.roster_run_request").count() == 2


def test_a_run_is_refused_up_front_for_a_bad_month_programme_or_area(areas, people):
    hzq = people["jianghai_approver"]
    with pytest.raises(DomainError) as err:
        runs.roster_run_request(actor=hzq, programme="dibao", area=areas["jianghai"], month=dt.date(2024, 5, 2))
    assert err.value.field == "发放月份"
    with pytest.raises(DomainError):
        runs.roster_run_request(actor=hzq, programme="no-such-programme", area=areas["jianghai"], month=MAY)
    with pytest.raises(NotFound):
        runs.roster_run_request(actor=people["yunan_approver"], programme="dibao", area=areas["jianghai"],
                                month=MAY)
    assert not RosterRun.objects.exists()


def test_an_abandoned_run_can_be_retried_or_cancelled_by_its_owner_only(
        areas, people, wang_family, django_capture_on_commit_callbacks):
    hzq = people["jianghai_approver"]
    run = runs.roster_run_request(actor=hzq, programme="dibao", area=areas["jianghai"], month=MAY)
    _abandon(run)
    assert run.stalled
    with pytest.raises(NotFound):
        runs.roster_run_retry(actor=people["yunan_approver"], run=run)

    client = Client()
    client.force_login(hzq)
    assert client.get(f"/api/payroll/roster-runs/{run.pk}").json()["stalled"] is True
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/api/payroll/roster-runs/{run.pk}/retry").status_code == 200
    run.refresh_from_db()
    assert run.status == S.DONE
    assert RosterLine.objects.filter(roster__area=areas["jianghai"], roster__month=MAY).count() == 2

    cancelled = runs.roster_run_request(actor=hzq, programme="dibao", area=areas["jianghai"], month=MAY)
    _abandon(cancelled)
    assert client.post(f"/api/payroll/roster-runs/{cancelled.pk}/discard").status_code == 200
    cancelled.refresh_from_db()
    assert cancelled.status == S.DISCARDED
    assert runs.roster_run_execute(cancelled.pk) is None, "a cancelled run is never picked up again"
    assert client.post(f"/api/payroll/roster-runs/{run.pk}/discard").status_code == 409  # done: nothing to cancel


def test_a_live_run_is_left_alone_and_the_last_attempt_ends_clearly(areas, people, wang_family, settings):
    hzq = people["jianghai_approver"]
    run = runs.roster_run_request(actor=hzq, programme="dibao", area=areas["jianghai"], month=MAY)
    RosterRun.objects.filter(pk=run.pk).update(status=S.RUNNING, heartbeat_at=timezone.now())
    run.refresh_from_db()
    with pytest.raises(Conflict):
        runs.roster_run_discard(actor=hzq, run=run)
    assert runs.roster_run_recover_abandoned() == 0

    _abandon(run, attempts=settings.JOB_MAX_ATTEMPTS)
    assert runs.roster_run_recover_abandoned() == 1
    run.refresh_from_db()
    assert run.status == S.INTERRUPTED
    assert run.message == (f"后台生成进程已中断{settings.JOB_MAX_ATTEMPTS}次，未写入任何明细；"
                           "请点击“重新生成”，或取消")
    assert not RosterLine.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real worker process on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_the_worker_killed_during_generation_leaves_a_run_the_next_worker_finishes_once(
        areas, people, wang_family, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.JOB_LEASE_SECONDS = 2
    hzq = people["jianghai_approver"]
    db = connection.settings_dict
    # Hold back writes to the audit table: the worker generates inside its transaction, then waits to audit.
    blocker = psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
                              dbname=db["NAME"])
    worker = Worker(tmp_path)
    try:
        run = runs.roster_run_request(actor=hzq, programme="dibao", area=areas["jianghai"], month=MAY)  # queued
        blocker.execute(f"LOCK TABLE {AuditEntry._meta.db_table} IN SHARE MODE")
        worker.start()
        pid = wait_for(lambda: backend_waiting_on_lock(f'INSERT INTO "{AuditEntry._meta.db_table}"'),
                       "the worker to be mid-generation")
        assert RosterRun.objects.get(pk=run.pk).status == S.RUNNING
        worker.kill()
        blocker.rollback()
        wait_for(lambda: backend_gone(pid), "the killed worker's session to end")

        assert not RosterLine.objects.exists(), "the killed generation left nothing behind"
        wait_for(lambda: RosterRun.objects.get(pk=run.pk).stalled, "the lease to run out")

        worker.start()  # the restarted worker resumes it
        wait_for(lambda: RosterRun.objects.get(pk=run.pk).status == S.DONE, "the run to finish")
        run.refresh_from_db()
        assert run.attempts == 2

        again = runs.roster_run_request(actor=hzq, programme="dibao", area=areas["jianghai"], month=MAY)
        wait_for(lambda: RosterRun.objects.get(pk=again.pk).status == S.DONE, "a second run to finish")
    except AssertionError:
        print(worker.log())
        raise
    finally:
        worker.stop()
        blocker.close()

    lines = RosterLine.objects.filter(roster__area=areas["jianghai"], roster__month=MAY)
    assert sorted(lines.values_list("person__name", flat=True)) == ["王小明", "王德明"], "each line once"
    assert Roster.objects.get(pk=run.rosters[0]).line_count == 2
    assert audit.verify_chain()[1] is None
