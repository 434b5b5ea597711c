"""福彩 pages. 黄志强 of 江海区 opens 福利彩票 from the menu: his outlets, the one never inspected, this year's
公益金. 梁文杰 of 郁南县 opens the same page and sees none of it; 陈小玲, a village worker, has no such entry.
Anyone reads 江海区's yearly 公益金 report on the public page, with the plan's 55% warning in plain words."""

import datetime as dt
import re

import pytest
from django.test import Client

from minzheng.core.periods import local_date
from minzheng.lottery import services

pytestmark = pytest.mark.django_db
MENU_LINK = re.compile(r'<a href="/lottery/"[^>]*>福利彩票</a>')


def _as(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def jianghai(areas, people):
    huang = people["jianghai_approver"]
    services.outlet_register(actor=huang, area=areas["yingnan"], licence="44070400101", name="英南福彩站",
                             owner="陈志坚", address="英南村市场1号", opened_on=dt.date(2019, 5, 1))
    year = local_date().year
    services.allocation_create(actor=huang, area=areas["jianghai"], year=year, project="英南长者饭堂",
                               use="elderly", amount="40000")
    services.allocation_create(actor=huang, area=areas["jianghai"], year=year, project="礼乐助残康复",
                               use="disabled", amount="60000")
    return year


def test_the_bureau_sees_its_outlets_and_funds_and_nobody_elses(people, jianghai):
    huang = _as(people["jianghai_approver"])
    assert MENU_LINK.search(huang.get("/").content.decode())
    page = huang.get("/lottery/").content.decode()
    for fact in ("英南福彩站", "陈志坚", "从未检查", "英南长者饭堂", "40000.00", "营业"):
        assert fact in page, fact

    other = _as(people["yunan_approver"]).get("/lottery/")
    assert other.status_code == 200
    assert not [s for s in ("英南福彩站", "陈志坚", "44070400101", "英南长者饭堂") if s in other.content.decode()]

    village = _as(people["village_worker"])
    assert not MENU_LINK.search(village.get("/").content.decode())
    assert village.get("/lottery/").status_code == 403


def test_anyone_reads_the_yearly_welfare_fund_report(jianghai):
    public = Client()
    page = public.get("/lottery/welfare-fund/", {"area": "440704", "year": jianghai}).content.decode()
    text = re.sub(r"<[^>]+>", " ", page)
    assert f"江海区{jianghai}年" in text and "安排公益金100000.00元，已支出0.00元" in text
    assert "养老服务" in text and "40000.00" in text and "60000.00" in text
    assert "占全部安排100000.00元的40.00%，低于规划要求的55%（《江门市江海区民政事业发展“十四五”规划》第266行" in text
    assert "seeds/" not in page and ".txt" not in page
    town = public.get("/lottery/welfare-fund/", {"area": "440704003", "year": jianghai}).content.decode()
    assert "请选择市或县（区）" in town and "养老服务" not in re.sub(r"<option[^>]*>[^<]*</option>", "", town)
    odd = public.get("/lottery/welfare-fund/", {"area": "440704", "year": "明年"}).content.decode()
    assert "年度应在2000年至" in odd
    assert public.get("/lottery/welfare-fund/").status_code == 200
