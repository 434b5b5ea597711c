"""PostgreSQL keeps each feed's alerts in a partition of their own, filled before its indexes are built (runs.py):
the first run of 中山市医保局's June feed creates it, a rerun and a second town's run go into it through its keys,
and a 主动发现 report lands in the default partition. The alerts read back the same either way."""

import datetime as dt

import pytest
from django.db import connection

from minzheng.lowincome import services
from minzheng.lowincome.models import Alert
from minzheng.lowincome.runs import alert_run, partition_name

from .stories import feed_csv, guo_family

pytestmark = [pytest.mark.django_db, pytest.mark.clock,
              pytest.mark.skipif("connection.vendor != 'postgresql'", reason="分区只在 PostgreSQL 上使用")]

FEED_DAY = dt.date(2024, 6, 3)


def _partition_of(alert: Alert) -> str:
    with connection.cursor() as cur:
        cur.execute("SELECT tableoid::regclass::text FROM lowincome_alert WHERE id = %s", [alert.pk])
        return cur.fetchone()[0]


def test_a_feeds_alerts_live_in_its_own_partition_and_a_rerun_adds_nothing(cast, tmp_path):
    w = cast
    home, guo, feng = guo_family(w, on=FEED_DAY)
    feed = feed_csv(tmp_path / "医保住院结算202406.csv",
                    [f"{feng.id_number},冯秀英,38000.00,2024-05-28,中山市人民医院"])
    batch = services.feed_import(actor=w.liu, kind="hospital_bill", path=feed, today=FEED_DAY)
    alert = Alert.objects.get()
    assert batch.alerts_raised == 1 and alert.batch_id == batch.pk
    assert _partition_of(alert) == partition_name(batch.pk)
    with connection.cursor() as cur:  # attached with every key and index of the parent table
        cur.execute("SELECT count(*) FROM pg_inherits WHERE inhrelid = %s::regclass", [partition_name(batch.pk)])
        assert cur.fetchone()[0] == 1
        cur.execute("SELECT count(*) FROM pg_indexes WHERE tablename = %s", [partition_name(batch.pk)])
        assert cur.fetchone()[0] == 4

    assert alert_run(user=w.liu, batch_id=batch.pk, on=FEED_DAY) == 0  # the partition's key holds
    assert alert_run(user=w.liu, on=FEED_DAY) == 0
    Alert.objects.all().delete()  # as if the town's share had not been run: the run refills the same partition
    assert alert_run(user=w.liu, batch_id=batch.pk, on=FEED_DAY) == 1
    assert _partition_of(Alert.objects.get()) == partition_name(batch.pk)

    found = services.discovery_report(actor=w.wusf, person=guo, description="家中老人长期卧床，无人照料",
                                      today=FEED_DAY)
    assert found.batch_id is None and _partition_of(found) == "lowincome_alert_default"
    assert Alert.objects.get(pk=found.pk).person == guo
