"""Dashboards read from the streaming replica, the user who just wrote reads the primary, and a replica that is
down or too far behind is bypassed with a warning (issue 17 item 2).

Runs on a real PostgreSQL primary and streaming replica (scripts/pg_replica.sh): DATABASE_URL names the primary,
MINZHENG_REPLICA_URL the replica. Which server answered is read from the servers themselves: each one's own
statistics of scans on the monitoring tables (pg_stat_user_tables), and the replica being in recovery.

黄志强 (江海区) watches 江海区's 规划监测 dashboards; 李建华 of 礼乐街道 reports a figure and looks at it at once."""

import logging
import time

import psycopg
import pytest
from django.db import connections
from django.test import Client

from minzheng.core import dbrouter
from minzheng.monitoring.models import Indicator

from .conftest import pg_replica

pytestmark = [pytest.mark.production, pytest.mark.django_db(transaction=True, databases=["default", "replica"])]


def _server(alias: str):
    s = connections[alias].settings_dict
    return psycopg.connect(host=s["HOST"], port=s["PORT"], user=s["USER"], dbname=s["NAME"], autocommit=True)


def monitoring_scans(alias: str) -> int:
    """Scans the server behind `alias` itself counted on the monitoring tables (its own statistics)."""
    with _server(alias) as c:
        return c.execute("SELECT COALESCE(SUM(COALESCE(seq_scan, 0) + COALESCE(idx_scan, 0)), 0) "
                         "FROM pg_stat_user_tables WHERE relname LIKE 'monitoring\\_%'").fetchone()[0]


def settled(before: dict, *, expect_change: str) -> dict:
    """Close this process's connections (their backends flush statistics as they exit) and wait until the server
    that should have answered shows it."""
    connections.close_all()
    deadline = time.monotonic() + 5
    while True:
        now = {a: monitoring_scans(a) for a in before}
        if now[expect_change] > before[expect_change] or time.monotonic() > deadline:
            return now
        time.sleep(0.1)


def caught_up() -> None:
    """Wait until the replica has applied everything the primary wrote (this test's fixtures included)."""
    with _server("default") as p:
        lsn = p.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
    deadline = time.monotonic() + 20
    with _server("replica") as r:
        while not r.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]).fetchone()[0]:
            assert time.monotonic() < deadline, "副本未能追上主库"
            time.sleep(0.1)


def apply_late(seconds: int, *, then_quiet: float) -> None:
    """Make the replica apply changes `seconds` late, and be sure it does before going on: the reload that sets the
    delay is asynchronous. Then stay quiet for `then_quiet` seconds: the lag the router measures is the age of the
    last transaction the replica applied, which must be older than the threshold the test sets afterwards."""
    pg_replica("delay", str(seconds))
    deadline = time.monotonic() + 10
    with _server("replica") as r:
        while r.execute("SHOW recovery_min_apply_delay").fetchone()[0] != f"{seconds}s":
            assert time.monotonic() < deadline, "副本未能载入延迟设置"
            time.sleep(0.1)
    time.sleep(then_quiet)


@pytest.fixture
def replica(settings, people):
    if "replica" not in settings.DATABASES:
        pytest.skip("未配置只读副本：先运行 bash scripts/pg_replica.sh start，并以 MINZHENG_REPLICA_URL 运行")
    settings.REPLICA_CHECK_SECONDS = 0  # probe on every request: the test changes the replica between requests
    dbrouter._state.update(checked=0.0, usable=False)
    caught_up()
    with _server("replica") as r:
        assert r.execute("SELECT pg_is_in_recovery()").fetchone()[0], "MINZHENG_REPLICA_URL 指向的不是备库"
    yield
    pg_replica("delay", "0")
    pg_replica("start-replica")


@pytest.fixture
def beds(areas):
    return Indicator.objects.create(
        code="440704.nursing_bed_share", area=areas["jianghai"], key="nursing_bed_share", category="大养老",
        name="护理型床位占比", unit="%", source="table", citation="seed_003.md 表1")


def test_a_dashboard_read_hits_the_replica(replica, people, beds):
    huang = Client()
    huang.force_login(people["jianghai_approver"])
    caught_up()
    before = {"default": monitoring_scans("default"), "replica": monitoring_scans("replica")}
    assert huang.get("/monitoring/440704/").status_code == 200
    after = settled(before, expect_change="replica")
    assert after["replica"] > before["replica"], "仪表盘的读取应由副本完成"
    assert after["default"] == before["default"], "仪表盘不应读主库"


def test_the_writer_reads_their_own_write_while_the_replica_lags(replica, people, beds, settings, caplog):
    """The replica applies changes 30 seconds late. 李建华 reports 48% and sees it at once (his session is pinned
    to the primary); 黄志强 at the same moment still sees the replica's older copy — until the lag exceeds the
    threshold, when his dashboards fall back to the primary with a warning."""
    settings.REPLICA_MAX_LAG_SECONDS = 600
    li, huang = Client(), Client()
    li.force_login(people["lile_officer"])
    huang.force_login(people["jianghai_approver"])
    apply_late(30, then_quiet=1.0)
    r = li.post("/monitoring/reported/new/?year=2023",
                {"indicator": beds.pk, "area": "440704003", "value": "48", "note": "礼乐街道填报"})
    assert r.status_code == 302
    assert "48%" in li.get("/monitoring/reported/?year=2023").content.decode()
    assert "48%" not in huang.get("/monitoring/reported/?year=2023").content.decode()  # the replica's copy

    settings.REPLICA_MAX_LAG_SECONDS = 0.5
    with caplog.at_level(logging.WARNING, logger="minzheng.core.dbrouter"):
        page = huang.get("/monitoring/reported/?year=2023").content.decode()
    assert "48%" in page
    assert any("延迟" in rec.getMessage() and "改读主库" in rec.getMessage() for rec in caplog.records)


def test_a_stopped_replica_falls_back_to_the_primary_with_a_warning(replica, people, beds, caplog):
    huang = Client()
    huang.force_login(people["jianghai_approver"])
    pg_replica("stop-replica")
    connections["replica"].close()
    before = {"default": monitoring_scans("default")}
    with caplog.at_level(logging.WARNING, logger="minzheng.core.dbrouter"):
        assert huang.get("/monitoring/440704/").status_code == 200
    assert any("只读副本不可用" in rec.getMessage() for rec in caplog.records)
    after = settled(before, expect_change="default")
    assert after["default"] > before["default"], "副本停止后仪表盘应改由主库读取"
    pg_replica("start-replica")
    caught_up()
    deadline = time.monotonic() + 20
    while dbrouter.replica_lag_seconds() > 0:  # streaming again (the WAL receiver reconnects after a restart)
        assert time.monotonic() < deadline, "副本重启后未恢复流复制"
        time.sleep(0.2)
    assert dbrouter.replica_usable(), "副本恢复后应重新读副本"
