"""The two numbers 福彩 works to (data/charity/lottery.csv). 江海区's plan asks that at least 55% of the year's
公益金 go to 养老服务: 黄志强's report warns while it does not, and stops warning once it does; 郁南县, whose plan
says nothing of it, gets no such warning. Every outlet is inspected at least once in the interval the file sets:
those past it are listed — the longest overdue first — for 江海区, and for nobody outside it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from minzheng.core.periods import local_date, same_day_months_later
from minzheng.lottery import selectors, services
from minzheng.lottery.rules import rule

pytestmark = pytest.mark.django_db


def test_the_yearly_report_warns_while_elderly_care_gets_less_than_jianghais_plan_asks(areas, people):
    huang, liang = people["jianghai_approver"], people["yunan_approver"]
    year = local_date().year
    services.allocation_create(actor=huang, area=areas["jianghai"], year=year, project="英南长者饭堂",
                               use="elderly", amount="50000")
    services.allocation_create(actor=huang, area=areas["jianghai"], year=year, project="礼乐助残康复",
                               use="disabled", amount="50000")
    floor = rule("welfare_fund_elderly_min_share")
    report = selectors.annual_report(areas["jianghai"], year)
    assert report["elderly_share"] == Decimal("0.5000") < floor.value
    assert report["warnings"] == [
        f"{year}年安排用于养老服务的福彩公益金50000.00元，占全部安排100000.00元的50.00%，低于规划要求的55%"
        "（《江门市江海区民政事业发展“十四五”规划》第266行：每年将不低于55%的社会福利事业彩票公益金资金用于支持发展养老服务）"]
    body = Client().get(f"/api/lottery/public/welfare-fund/440704?year={year}").json()
    assert body["elderly_share"] == "0.5000" and body["warnings"] == report["warnings"]
    assert "seeds/" not in body["warnings"][0] and ".txt" not in body["warnings"][0]

    services.allocation_create(actor=huang, area=areas["jianghai"], year=year, project="外海居家养老服务",
                               use="elderly", amount="20000")
    report = selectors.annual_report(areas["jianghai"], year)
    assert report["elderly_share"] == Decimal("0.5833") and report["warnings"] == []

    # 郁南县's plan sets no such share: all of its 公益金 on 济困 draws no warning.
    services.allocation_create(actor=liang, area=areas["yunan"], year=year, project="都城济困", use="relief",
                               amount="30000")
    yunan = selectors.annual_report(areas["yunan"], year)
    assert yunan["elderly_share"] == Decimal("0") and yunan["warnings"] == []
    # A year with nothing allocated has no share to judge.
    empty = selectors.annual_report(areas["jianghai"], year - 1)
    assert empty["elderly_share"] is None and empty["warnings"] == []


def test_outlets_past_the_inspection_interval_are_listed_longest_overdue_first(areas, people):
    huang = people["jianghai_approver"]
    today = local_date()
    months = int(rule("inspection_interval_months").value)

    def outlet(licence, name, opened_on, area="yingnan"):
        return services.outlet_register(actor=huang, area=areas[area], licence=licence, name=name, owner="陈志坚",
                                        address="英南村市场1号", opened_on=opened_on)

    stale = outlet("44070400101", "英南福彩站", dt.date(2019, 5, 1))
    services.inspection_record(actor=huang, outlet=stale, result="passed", findings="规范",
                               on=same_day_months_later(today, -months) - dt.timedelta(days=1))
    never = outlet("44070400102", "礼乐福彩站", dt.date(2018, 3, 1), area="lile")
    fresh = outlet("44070400103", "向东福彩站", dt.date(2019, 5, 1), area="xiangdong")
    services.inspection_record(actor=huang, outlet=fresh, result="passed", findings="规范",
                               on=same_day_months_later(today, -2))
    outlet("44070400104", "外海福彩站", same_day_months_later(today, -3), area="waihai_village")  # new, not due yet
    on_the_day = outlet("44070400105", "向东二站", dt.date(2019, 5, 1), area="xiangdong")
    services.inspection_record(actor=huang, outlet=on_the_day, result="passed", findings="规范",
                               on=same_day_months_later(today, -months))  # due today: not yet overdue

    due = list(selectors.outlets_due_inspection(huang, today))
    assert [(o.name, o.last_inspected) for o in due] == [
        ("礼乐福彩站", None), ("英南福彩站", same_day_months_later(today, -months) - dt.timedelta(days=1))]

    # Once inspected, 礼乐福彩站 drops off the list.
    services.inspection_record(actor=huang, outlet=never, result="rectify", findings="未张贴禁止向未成年人销售标识")
    assert [o.name for o in selectors.outlets_due_inspection(huang, today)] == ["英南福彩站"]

    insider, outsider = Client(), Client()
    insider.force_login(huang)
    outsider.force_login(people["yunan_approver"])
    rows = insider.get("/api/lottery/outlets/overdue-inspections").json()
    assert [(r["licence"], r["last_inspected"]) for r in rows] == [
        ("44070400101", f"{same_day_months_later(today, -months) - dt.timedelta(days=1):%Y-%m-%d}")]
    assert outsider.get("/api/lottery/outlets/overdue-inspections").json() == []
    assert selectors.outlets_due_inspection(people["yunan_approver"], today).count() == 0
