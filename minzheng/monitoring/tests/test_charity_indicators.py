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


def test_demonstration_communities_and_sites_are_counted_while_their_designation_stands(world, tmp_path):
    """黄志强 names 英南村 a 慈善示范社区 and 礼乐街道's 社工站 a 慈善工作示范点 in 2023; 向东村, named too, loses it
    in November. At the end of 2023 江海区 has one community and one site; a town cannot be a community, a
    community is named once, and 梁文杰 of 郁南县 names nothing in 江海区."""
    from minzheng.charity.models import DemoSite
    from minzheng.core.errors import Conflict, DomainError, NotFound
    from minzheng.core.models import AuditEntry

    w = world
    keys = {"charity_demo_communities": "charity_demo_communities_named",
            "charity_demo_sites": "charity_demo_sites_named"}
    with open(settings.BASE_DIR / "data" / "monitoring" / "formulas.csv", encoding="utf-8") as f:
        rows = {r["key"]: r for r in csv.DictReader(f) if r["key"] in keys}
    assert {k: r["numerator"] for k, r in rows.items()} == keys
    assert rows["charity_demo_communities"]["citation"] == "seeds/003_347e8344be296080.txt:436"
    formulas = "key,sub,numerator,denominator,factor,unit,citation,note\n" + "".join(
        f"{k},,{n},,1,个,x,\n" for k, n in keys.items())
    catalogue.load(directory=write_catalogue(
        tmp_path, [(f"440704.{k}", k, "慈善事业", k, "", "个", "预期性", "0", "", "", "1") for k in keys],
        formulas=formulas))

    charity.demo_site_designate(actor=w.huang, kind="community", area=w.yingnan, name="英南村慈善示范社区",
                                on=dt.date(2023, 4, 1))
    charity.demo_site_designate(actor=w.huang, kind="site", area=w.lile, name="礼乐街道社工站慈善工作示范点",
                                on=dt.date(2023, 5, 1))
    lost = charity.demo_site_designate(actor=w.huang, kind="community", area=w.xiangdong, name="向东村慈善示范社区",
                                       on=dt.date(2023, 4, 1))
    charity.demo_site_revoke(actor=w.huang, site=lost, reason="复核不达标", on=dt.date(2023, 11, 1))

    audits = AuditEntry.objects.count()
    with pytest.raises(DomainError, match="慈善示范社区应为村（居），“礼乐街道”不是村（居）") as e:
        charity.demo_site_designate(actor=w.huang, kind="community", area=w.lile, name="礼乐")
    assert e.value.field == "所在地"
    with pytest.raises(Conflict, match="英南村已是慈善示范社区"):
        charity.demo_site_designate(actor=w.huang, kind="community", area=w.yingnan, name="英南村第二")
    with pytest.raises(NotFound):
        charity.demo_site_designate(actor=w.liang, kind="site", area=w.lile, name="越权")
    with pytest.raises(Conflict, match="已于2023-11-01撤销"):
        charity.demo_site_revoke(actor=w.huang, site=lost, reason="重复")
    assert DemoSite.objects.count() == 3 and AuditEntry.objects.count() == audits

    rollup.rebuild(2023)

    def value(key, area):
        return IndicatorValue.objects.get(indicator__code=f"440704.{key}", area=area, period=2023).value

    assert value("charity_demo_communities", w.jianghai) == Decimal("1")
    assert value("charity_demo_sites", w.jianghai) == Decimal("1")
