"""江海区民政局 (黄志强) registers 礼乐's 福彩 outlet, inspects it, imports the month's sales file — a file with bad
rows applies nothing in the all-or-nothing mode and names each row — allocates 公益金 to a 长者饭堂 project, spends
it (never beyond what was allocated) and publishes the year's report."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from minzheng.core.errors import DomainError
from minzheng.core.models import AuditEntry
from minzheng.core.periods import local_date, month_start
from minzheng.lottery import selectors, services
from minzheng.lottery.models import MonthlySales, Outlet

pytestmark = pytest.mark.django_db


def _file(tmp_path, rows):
    p = tmp_path / "sales.csv"
    p.write_text("销售许可证号,月份,销量（元）\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return p


def test_outlets_sales_import_and_the_yearly_welfare_fund_report(areas, people, tmp_path):
    huang = people["jianghai_approver"]
    month = month_start(local_date())
    last = month_start(month - dt.timedelta(days=1))
    o = services.outlet_register(actor=huang, area=areas["yingnan"], licence="44070400101", name="英南福彩站",
                                 owner="陈志坚", address="英南村市场1号", opened_on=dt.date(2020, 5, 1))
    services.outlet_register(actor=huang, area=areas["lile"], licence="44070400102", name="礼乐福彩站",
                             owner="李伟", address="礼乐大道8号", opened_on=dt.date(2021, 5, 1))
    with pytest.raises(DomainError, match="销售许可证号44070400101已登记"):
        services.outlet_register(actor=huang, area=areas["lile"], licence="44070400101", name="x", owner="x",
                                 address="x", opened_on=dt.date(2021, 5, 1))
    services.inspection_record(actor=huang, outlet=o, result="suspend", findings="向未成年人销售彩票")
    assert Outlet.objects.get(pk=o.pk).status == "suspended"

    audits = AuditEntry.objects.count()
    bad = _file(tmp_path, [f"44070400101,{last:%Y-%m},52000.00", "99999999999,2026-01,100",
                           f"44070400102,{last:%Y-%m},-3", f"44070400101,{last:%Y-%m},1"])
    result = services.sales_import(actor=huang, path=bad, file_format="csv")
    assert result.applied == 0 and not MonthlySales.objects.exists() and AuditEntry.objects.count() == audits
    assert [e["row"] for e in result.errors] == [3, 4, 5]
    assert "未登记或不在您的管辖范围内" in result.errors[0]["message"]
    assert "销量应大于等于0" in result.errors[1]["message"] and "重复" in result.errors[2]["message"]
    partial = services.sales_import(actor=huang, path=bad, file_format="csv", mode="valid_only")
    assert partial.applied == 1 and MonthlySales.objects.get().amount == Decimal("52000.00")
    # 梁文杰 of 郁南县 cannot import 江海区's outlets.
    other = services.sales_import(actor=people["yunan_approver"], path=_file(tmp_path, [f"44070400102,{last:%Y-%m},9"]),
                                  file_format="csv")
    assert other.applied == 0 and "不在您的管辖范围内" in other.errors[0]["message"]

    year = local_date().year
    alloc = services.allocation_create(actor=huang, area=areas["jianghai"], year=year, project="英南长者饭堂",
                                       use="elderly", amount="100000")
    services.spending_record(actor=huang, allocation=alloc, amount="60000", spent_on=local_date(), evidence="建设发票")
    with pytest.raises(DomainError, match="安排100000.00元，已支出60000.00元，余额不足50000元"):
        services.spending_record(actor=huang, allocation=alloc, amount="50000", spent_on=local_date(), evidence="x")
    report = selectors.annual_report(areas["jianghai"], year)
    assert report["allocated"] == Decimal("100000") and report["spent"] == Decimal("60000") and report["outlets"] == 2
    body = Client().get(f"/api/lottery/public/welfare-fund/440704?year={year}").json()
    assert body["rows"][0]["label"] == "养老服务" and Decimal(body["spent"]) == Decimal("60000")
