"""Cross-city supervision (job b): the embedded engine and Spark find the same rows on a generated province with
planted cases, and every planted case is among them."""

import pytest

from minzheng.areas.models import Area
from minzheng.batch import supervision
from minzheng.batch.models import Finding, JobRun
from minzheng.batch.services import job_results_record, job_run
from minzheng.core.models import AuditEntry

from .conftest import MONTH


def _people(rows, rule):
    return {r.person_id for r in rows if r.rule == rule}


def test_embedded_engine_finds_every_planted_case(province):
    rows = supervision.run_embedded(MONTH)
    assert province.two_cities and province.deceased and province.excluded and province.shared_account
    assert _people(rows, "two_cities") == province.two_cities
    assert _people(rows, "deceased") == province.deceased
    assert _people(rows, "excluded_programmes") == province.excluded
    assert _people(rows, "shared_account") == province.shared_account
    two = next(r for r in rows if r.rule == "two_cities")
    cities = two.value.split("/")[0].split(",")
    # a row per paying city, each filed under the county there that pays, so both bureaus check their own payment
    rows_of_person = [r for r in rows if r.rule == "two_cities" and r.person_id == two.person_id]
    assert two.value.endswith("/2")
    assert sorted(Area.objects.get(code=r.area_code).parent.code for r in rows_of_person) == sorted(cities)


def test_dead_payee_is_not_flagged_for_months_before_death(province):
    rows = supervision.run_embedded(supervision.dt.date(2023, 12, 1))
    assert not _people(rows, "deceased")  # cases start in 2024: nothing in force, nothing found


@pytest.mark.spark
def test_spark_gives_the_same_rows_as_the_embedded_engine(province):
    embedded = supervision.run_embedded(MONTH)
    spark = supervision.run_spark(MONTH)
    assert len(embedded) > 20
    assert spark == embedded  # row for row, sorted
    assert _people(spark, "deceased") == province.deceased
    assert _people(spark, "two_cities") == province.two_cities


def test_results_written_back_once_with_an_audit_entry(province, people):
    approver = people["jianghai_approver"]
    first = job_run(actor=approver, job="supervision", engine="embedded", period=MONTH)
    assert first.status == JobRun.Status.DONE and first.new_rows == first.rows > 0
    again = job_run(actor=approver, job="supervision", engine="embedded", period=MONTH)
    assert again.rows == first.rows and again.new_rows == 0  # a rerun adds nothing
    assert Finding.objects.filter(job="supervision", period=MONTH).count() == first.rows
    entries = AuditEntry.objects.filter(action="batch.run").order_by("id")
    assert [e.after["new_rows"] for e in entries] == [first.rows, 0]
    dead = Finding.objects.filter(rule="deceased").first()
    assert dead is not None and "死亡" in dead.detail and dead.area is not None
    excluded = Finding.objects.filter(rule="excluded_programmes").first()
    assert excluded is not None and "低保" in excluded.detail and "tekun" not in excluded.detail
    shared = Finding.objects.filter(rule="shared_account").first()
    assert shared is not None and "尾号" in shared.detail


@pytest.mark.spark
def test_a_spark_rerun_after_an_embedded_run_adds_nothing(province, people):
    approver = people["jianghai_approver"]
    job_run(actor=approver, job="supervision", engine="embedded", period=MONTH)
    rows = supervision.run_spark(MONTH)
    run = job_results_record(actor=approver, job="supervision", engine="spark", period=MONTH, rows=rows)
    assert run.new_rows == 0 and run.rows == len(rows)
