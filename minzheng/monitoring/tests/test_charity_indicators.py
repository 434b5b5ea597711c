"""大慈善 and 福彩 indicators computed from the records (not reported): 江海区 at the end of 2023 has one 慈善信托
filed, a 慈善超市 in 礼乐街道 and two 福彩 outlets, one closed in 2023 (so one counts)."""

import csv
import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings

from minzheng.charity import services as charity
from minzheng.lottery import services as lottery
from minzheng.lottery.models import Outlet
from minzheng.monitoring import catalogue, rollup
from minzheng.monitoring.models import IndicatorValue

from .conftest import write_catalogue

pytestmark = pytest.mark.django_db
KEYS = ["charity_trusts", "charity_spaces", "lottery_outlets"]


def _formulas() -> str:
    with open(settings.BASE_DIR / "data" / "monitoring" / "formulas.csv", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["key"] in KEYS]
    lines = ["key,sub,numerator,denominator,factor,unit,citation,note"]
    lines += [",".join([r["key"], "", r["numerator"], r["denominator"], r["factor"], r["unit"], "x", ""])
              for r in rows]
    return "\n".join(lines) + "\n"


def test_charity_and_lottery_indicators_are_computed_from_the_records(world, tmp_path):
    w = world
    rows = [(f"440704.{k}", k, "慈善事业", k, "", "个", "预期性", "0", "", "", "1") for k in KEYS]
    catalogue.load(directory=write_catalogue(tmp_path, rows, formulas=_formulas()))
    charity.trust_file(actor=w.huang, area=w.jianghai, name="江海区乡村振兴慈善信托", trustee="广东粤财信托有限公司",
                       supervisor="", assets="1000000", purpose="济困", signed_on=dt.date(2023, 3, 1),
                       today=dt.date(2023, 3, 5))
    charity.space_open(actor=w.huang, area=w.lile, name="礼乐慈善超市", kind="supermarket", address="礼乐大道1号",
                       today=dt.date(2023, 1, 10))
    for licence, closed in (("44070400101", None), ("44070400102", dt.date(2023, 7, 1))):
        o = lottery.outlet_register(actor=w.huang, area=w.yingnan, licence=licence, name=f"福彩站{licence}",
                                    owner="陈志坚", address="英南村", opened_on=dt.date(2020, 5, 1))
        Outlet.objects.filter(pk=o.pk).update(closed_on=closed)
    rollup.rebuild(2023)

    def value(key, area):
        return IndicatorValue.objects.get(indicator__code=f"440704.{key}", area=area, period=2023).value

    assert value("charity_trusts", w.jianghai) == Decimal("1")
    assert value("charity_spaces", w.jianghai) == Decimal("1")
    assert value("lottery_outlets", w.jianghai) == Decimal("1")


def test_the_share_of_the_welfare_fund_going_to_elderly_care_is_computed_from_the_allocations(world, tmp_path):
    """江海区's plan (seeds/002 line 266): at least 55% of the year's 公益金 to 养老服务. In 2023 黄志强 allocates
    60,000 元 to a 长者饭堂 and 40,000 元 to 助残 (60%); 2022's 济困 money alone makes that year 0%."""
    w = world
    key = "lottery_fund_elderly_share"
    with open(settings.BASE_DIR / "data" / "monitoring" / "formulas.csv", encoding="utf-8") as f:
        row = next(r for r in csv.DictReader(f) if r["key"] == key)
    assert (row["numerator"], row["denominator"], row["factor"], row["unit"]) == (
        "lottery_fund_elderly_allocated", "lottery_fund_allocated", "100", "%")
    assert row["citation"] == "seeds/002_ae2121538b601b74.txt:266"
    formulas = ("key,sub,numerator,denominator,factor,unit,citation,note\n"
                f"{key},,{row['numerator']},{row['denominator']},100,%,x,\n")
    catalogue.load(directory=write_catalogue(
        tmp_path, [(f"440704.{key}", key, "养老服务", "福彩公益金用于养老服务占比", "", "%", "预期性", "0", "",
                    ">=55", ">=55")], formulas=formulas))
    for year, project, use, amount in ((2023, "英南长者饭堂", "elderly", "60000"),
                                       (2023, "礼乐助残康复", "disabled", "40000"),
                                       (2022, "江海济困", "relief", "10000")):
        lottery.allocation_create(actor=w.huang, area=w.jianghai, year=year, project=project, use=use, amount=amount)
    rollup.rebuild(2023)
    rollup.rebuild(2022)

    def value(year):
        return IndicatorValue.objects.get(indicator__code=f"440704.{key}", area=w.jianghai, period=year).value

    assert value(2023) == Decimal("60")
    assert value(2022) == Decimal("0")
