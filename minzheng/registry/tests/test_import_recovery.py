"""李建华 of 礼乐街道 uploads the street's registry, and the background worker dies under it (killed, machine
restarted), or the file holds a NUL byte. The job never hangs at "校验中" with no way out: it is resumed by the
next worker, or he retries or discards it himself, and a rerun stages and writes each row once."""

import datetime as dt

import psycopg
import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from minzheng.core.errors import Conflict, NotFound
from minzheng.core.models import AuditEntry
from minzheng.core.tests.worker import Worker, backend_gone, backend_waiting_on_lock, wait_for
from minzheng.registry import importing
from minzheng.registry.models import ImportJob, ImportRow, Person

from .test_import import GOOD_FAMILY, csv_bytes, pid, row, upload

S = ImportJob.Status


@pytest.fixture
def officer(people):
    return people["lile_officer"]


def _street(n: int) -> list[list[str]]:
    """n residents of 英南村, each with a distinct valid ID number."""
    rows = []
    for i in range(n):
        birth = dt.date(1940, 1, 1) + dt.timedelta(days=i // 400)
        rows.append(row(importing.make_id_number("440704", birth, (i % 400) * 2 + 1), f"居民{i}"))
    return rows


def _abandon(job: ImportJob, *, attempts: int = 1) -> None:
    """What a killed worker leaves behind: 校验中, its last heartbeat long ago."""
    ImportJob.objects.filter(pk=job.pk).update(status=S.VALIDATING, attempts=attempts,
                                               heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    job.refresh_from_db()


def test_a_nul_byte_in_a_cell_is_a_row_error_naming_the_column(officer):
    rows = [*GOOD_FAMILY]
    rows[1] = row(pid(20, dt.date(1950, 2, 3)), "梁陈氏", hh="LL-1", rel="配偶", 居住地址="英南村\x00北街3号")
    job = upload(officer, csv_bytes(rows), name="名册.csv")
    assert job.status == S.VALIDATED
    errors = {(e.row_number, e.field): e.message for e in job.errors.all()}
    assert errors == {(3, "居住地址"): "含有不可见的空字符（NUL），请删除后重新上传"}


def test_a_job_its_worker_abandoned_can_be_retried_or_discarded_by_its_owner(officer, people,
                                                                            django_capture_on_commit_callbacks):
    job = upload(officer, csv_bytes(GOOD_FAMILY), name="名册.csv")
    _abandon(job)
    assert job.stalled

    client = Client()
    client.force_login(officer)
    body = client.get(f"/api/imports/{job.pk}").json()
    assert (body["status"], body["stalled"]) == ("validating", True)
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert "后台校验进程已停止响应" in page and "重新校验" in page

    # Someone else's job is not theirs to touch.
    with pytest.raises(NotFound):
        importing.import_retry(actor=people["jianghai_approver"], job=job)

    with django_capture_on_commit_callbacks(execute=True):  # queued once the retry commits; run in-process here
        answer = client.post(f"/api/imports/{job.pk}/retry", content_type="application/json")
    assert answer.status_code == 200
    job.refresh_from_db()
    assert (job.status, job.total_rows, job.error_rows) == (S.VALIDATED, 3, 0)
    assert ImportRow.objects.filter(job=job).count() == 3, "the rerun staged each row once"
    assert AuditEntry.objects.filter(action="import.retry", object_id=str(job.pk)).exists()

    _abandon(job)
    assert client.post(f"/api/imports/{job.pk}/discard", content_type="application/json").status_code == 200
    job.refresh_from_db()
    assert job.status == S.DISCARDED and Person.objects.count() == 0


def test_a_job_whose_worker_is_alive_is_left_alone(officer):
    job = upload(officer, csv_bytes(GOOD_FAMILY), name="名册.csv")
    ImportJob.objects.filter(pk=job.pk).update(status=S.VALIDATING, heartbeat_at=timezone.now())
    job.refresh_from_db()
    assert not job.stalled
    with pytest.raises(Conflict):
        importing.import_discard(actor=officer, job=job)
    with pytest.raises(Conflict):
        importing.import_retry(actor=officer, job=job)
    assert importing.import_recover_abandoned() == 0
    job.refresh_from_db()
    assert job.status == S.VALIDATING


def test_a_worker_resumes_an_abandoned_job_and_gives_up_clearly_after_the_last_attempt(officer, settings):
    job = upload(officer, csv_bytes(GOOD_FAMILY), name="名册.csv")
    _abandon(job, attempts=1)
    assert importing.import_recover_abandoned() == 1  # resumed: validated again (in-process tasks here)
    job.refresh_from_db()
    assert (job.status, ImportRow.objects.filter(job=job).count()) == (S.VALIDATED, 3)

    _abandon(job, attempts=settings.JOB_MAX_ATTEMPTS)
    assert importing.import_recover_abandoned() == 1
    job.refresh_from_db()
    assert job.status == S.INTERRUPTED
    assert job.message == (f"后台校验进程已中断{settings.JOB_MAX_ATTEMPTS}次，未写入任何数据；"
                           "请点击“重新校验”，或放弃本次导入")
    with pytest.raises(Conflict):
        importing.import_apply(actor=officer, job=job, mode=ImportJob.Mode.VALID_ROWS)
    importing.import_discard(actor=officer, job=job)
    job.refresh_from_db()
    assert job.status == S.DISCARDED


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real worker process on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_the_worker_killed_during_validation_leaves_a_job_the_next_worker_finishes(officer, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.JOB_LEASE_SECONDS = 2
    street = _street(12_000)  # three chunks of staging
    db = connection.settings_dict
    # Hold off the worker's ANALYZE of the staging table (which follows the last chunk) so it is killed at
    # exactly the moment the issue describes: 校验中 at 100 %.
    blocker = psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
                              dbname=db["NAME"])
    worker = Worker(tmp_path)
    try:
        blocker.execute(f"LOCK TABLE {ImportRow._meta.db_table} IN SHARE UPDATE EXCLUSIVE MODE")
        worker.start()
        job = upload(officer, csv_bytes(street), name="礼乐街道名册.csv")
        pid = wait_for(lambda: backend_waiting_on_lock("ANALYZE"), "the worker to reach ANALYZE")
        worker.kill()
        blocker.rollback()
        wait_for(lambda: backend_gone(pid), "the killed worker's session to end")

        job.refresh_from_db()
        assert (job.status, job.progress_percent) == (S.VALIDATING, 100)
        wait_for(lambda: ImportJob.objects.get(pk=job.pk).stalled, "the lease to run out")
        client = Client()
        client.force_login(officer)
        assert client.get(f"/api/imports/{job.pk}").json()["stalled"] is True

        worker.start()  # the restarted worker resumes it
        wait_for(lambda: ImportJob.objects.get(pk=job.pk).status == S.VALIDATED, "the job to be validated again")
    except AssertionError:
        print(worker.log())
        raise
    finally:
        worker.stop()
        blocker.close()

    job.refresh_from_db()
    assert (job.total_rows, job.error_rows, job.attempts) == (12_000, 0, 2)
    assert ImportRow.objects.filter(job=job).count() == 12_000, "staged once, not once per attempt"
    importing.import_apply(actor=officer, job=job, mode=ImportJob.Mode.ALL_OR_NOTHING)
    ids = [r[0] for r in street]
    assert Person.objects.filter(id_number__in=ids).count() == 12_000
    assert Person.objects.count() == 12_000


@pytest.mark.skipif(connection.vendor != "postgresql", reason="NUL is refused by PostgreSQL text columns")
def test_a_nul_byte_on_postgresql_is_a_row_error_not_a_stuck_job(officer):
    rows = [row(importing.make_id_number("440704", dt.date(1950, 1, 1), 1), "梁\x00国强", 居住地址="英南村\x001号")]
    job = upload(officer, csv_bytes(rows), name="名册.csv")
    assert (job.status, job.error_rows) == (S.VALIDATED, 1)
    assert {e.field for e in job.errors.all()} == {"姓名", "居住地址"}


def test_a_waiting_job_whose_task_a_dying_worker_took_is_queued_again(officer, settings):
    """Found by the failover test: the worker was killed after taking the task from the queue and before claiming the
    job, so the job waited forever. A job waiting longer than a lease with no task of its own queued or started
    within the lease is queued again; a job whose task still waits in the queue is left alone."""
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    job = upload(officer, csv_bytes(GOOD_FAMILY), name="名册.csv")
    long_ago = timezone.now() - dt.timedelta(seconds=2 * settings.JOB_LEASE_SECONDS)
    ImportJob.objects.filter(pk=job.pk).update(status=S.PENDING, created_at=long_ago, attempts=0)
    queued = DBTaskResult.objects.create(task_path=importing.validate_import_task.module_path,
                                         status=TaskResultStatus.READY,
                                         args_kwargs={"args": [], "kwargs": {"job_id": job.pk}},
                                         backend_name="default", run_after=timezone.now(), queue_name="default")
    assert importing.import_recover_abandoned() == 0  # its task still waits in the queue
    queued.delete()  # the dead worker's task, as far as this job is concerned
    assert importing.import_recover_abandoned() == 1  # queued again (validated at once: in-process tasks here)
    job.refresh_from_db()
    assert job.status == S.VALIDATED
