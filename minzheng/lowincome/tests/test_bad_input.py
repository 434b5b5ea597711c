"""Bad input gets a clear Chinese error naming the row or field, and nothing is half-written: a feed with unknown
身份证号 and malformed rows is refused whole; an alert cannot be closed without a reason."""

import datetime as dt

import pytest

from minzheng.core.errors import Conflict, DomainError
from minzheng.core.idcard import make_id_number
from minzheng.core.models import AuditEntry
from minzheng.lowincome import services
from minzheng.lowincome.models import Alert, AlertStatus, Event, FeedBatch

from .stories import feed_csv, guo_family

pytestmark = pytest.mark.django_db

DAY = dt.date(2024, 6, 3)


def test_a_feed_with_an_unknown_id_number_and_malformed_rows_is_refused_whole_each_row_named(cast, tmp_path):
    w = cast
    _, guo, feng = guo_family(w, on=DAY)
    stranger = make_id_number("442000", dt.date(1970, 1, 1), 991)  # valid, but nobody in the registry
    feed = feed_csv(tmp_path / "医保.csv", [
        f"{feng.id_number},冯秀英,38000.00,2024-05-28,中山市人民医院",      # row 2: good
        f"{stranger},陌生人,9000,2024-05-28,中山市人民医院",               # row 3: unknown 身份证号
        f"{guo.id_number},郭志强,三千元,2024-05-28,沙溪镇卫生院",           # row 4: amount not a number
        f"{guo.id_number},郭志强,3000,2024-13-45,沙溪镇卫生院",            # row 5: no such date
        "44200019700101123X,某某,100,2024-05-01,医院",                     # row 6: bad checksum
    ])
    audit_before = AuditEntry.objects.count()
    with pytest.raises(DomainError) as e:
        services.feed_import(actor=w.liu, kind="hospital_bill", path=feed, today=DAY)
    assert e.value.code == "feed_rows" and "4行错误，全部未导入" in e.value.message
    by_row = {d["row"]: d for d in e.value.details}
    assert set(by_row) == {3, 4, 5, 6}
    assert "未在本辖区人员库中登记" in by_row[3]["message"] and stranger not in by_row[3]["message"]
    assert by_row[4]["field"] == "个人自付金额(元)" and "不是有效数字" in by_row[4]["message"]
    assert by_row[5]["field"] == "结算日期"
    assert by_row[6]["field"] == "身份证号"
    assert (FeedBatch.objects.count(), Event.objects.count(), Alert.objects.count()) == (0, 0, 0)
    assert AuditEntry.objects.count() == audit_before


def test_a_person_of_another_county_is_unknown_to_the_importer(cast, tmp_path):
    """郁南县's approver cannot learn through a feed who lives in 中山: the row is just "not registered here"."""
    w = cast
    _, _, feng = guo_family(w, on=DAY)
    feed = feed_csv(tmp_path / "医保.csv", [f"{feng.id_number},冯秀英,38000.00,2024-05-28,中山市人民医院"])
    with pytest.raises(DomainError, match="1行错误"):
        services.feed_import(actor=w.liang, kind="hospital_bill", path=feed, today=DAY)
    assert not Event.objects.exists()


def test_a_feed_missing_a_column_or_of_an_unknown_kind_is_refused(cast, tmp_path):
    w = cast
    guo_family(w, on=DAY)
    feed = feed_csv(tmp_path / "医保.csv", ["1,2"], header="身份证号,姓名")
    with pytest.raises(DomainError, match="缺少必填列：个人自付金额\\(元\\)、结算日期"):
        services.feed_import(actor=w.liu, kind="hospital_bill", path=feed, today=DAY)
    with pytest.raises(DomainError, match="未知的事件类型"):
        services.feed_import(actor=w.liu, kind="lottery_win", path=feed, today=DAY)
    assert not FeedBatch.objects.exists()


def test_closing_an_alert_needs_a_reason_and_a_closed_alert_stays_closed(cast):
    w = cast
    _, _, feng = guo_family(w, on=DAY)
    alert = services.discovery_report(actor=w.wusf, person=feng, description="网格巡查发现冯秀英卧病在床，家中无人照料",
                                      today=DAY)
    for reason in ("", "   ", "无"):
        with pytest.raises(DomainError, match="请填写关闭原因") as e:
            services.alert_close(actor=w.feng, alert=alert, reason=reason, today=DAY)
        assert e.value.field == "关闭原因"
    alert.refresh_from_db()
    assert (alert.status, alert.closed_reason, alert.steps.count()) == (AlertStatus.NEW, "", 1)
    services.alert_close(actor=w.feng, alert=alert, reason="核实：已由子女接回照料，生活无困难", today=DAY)
    with pytest.raises(Conflict, match="已关闭"):
        services.alert_close(actor=w.feng, alert=alert, reason="重复关闭试一试", today=DAY)
    with pytest.raises(Conflict, match="已关闭"):
        services.alert_verify(actor=w.wusf, alert=alert, finding="再次入户核实情况", verified_on=DAY)
