"""大社会治理 indicators computed from the governance apps' records (not reported): 江海区 in 2023 — 礼乐街道 has a
社工站 that served one of its two 低保 residents, two social organisations of which one filed its 2022 年报, one of
them a hub, a registered volunteer and a 社区工作者."""

import csv
import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings

from minzheng.accounts.roles import Role
from minzheng.accounts.services import user_create
from minzheng.areas.models import Area, Level
from minzheng.community import services as community
from minzheng.monitoring import catalogue, rollup
from minzheng.monitoring.models import IndicatorValue
from minzheng.registry import services as registry
from minzheng.socialorgs import services as socialorgs
from minzheng.socialwork import services as socialwork
from minzheng.timebank import services as timebank
from minzheng.volunteers import services as volunteers

from .conftest import make_family, write_catalogue

pytestmark = pytest.mark.django_db

KEYS = ["social_work_station_coverage", "sw_target_service_coverage", "social_org_annual_report_rate",
        "hub_community_orgs", "registered_volunteer_share", "community_workers_per_10k", "volunteer_station_coverage",
        "social_work_point_coverage"]


def _formulas() -> str:
    with open(settings.BASE_DIR / "data" / "monitoring" / "formulas.csv", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["key"] in KEYS]
    lines = ["key,sub,numerator,denominator,factor,unit,citation,note"]
    lines += [",".join([r["key"], "", r["numerator"], r["denominator"], r["factor"], r["unit"], "x", ""])
              for r in rows]
    return "\n".join(lines) + "\n"


def _value(key, area):
    return IndicatorValue.objects.get(indicator__code=f"440704.{key}", area=area, period=2023)


def test_governance_indicators_are_computed_from_the_records(world, tmp_path):
    w = world
    rows = [(f"440704.{k}", k, "社会治理", k, "", "%", "预期性", "0", "", "", "100") for k in KEYS]
    catalogue.load(directory=write_catalogue(tmp_path, rows, formulas=_formulas()))
    mai = user_create(actor=None, username="maijy", password="Minzheng#2026", display_name="麦嘉怡",
                      role=Role.COUNTY, areas=[w.jianghai])
    su = user_create(actor=None, username="suxq", password="Minzheng#2026", display_name="苏晓晴", role=Role.TOWN,
                     areas=[w.lile])
    # 社工站 of 礼乐街道; two 低保 residents of 英南村 (the 陈 family's head and 李秀英), one served in 2023
    station = socialwork.station_open(actor=w.huang, town=w.lile, name="礼乐街道社工站", opened_on=dt.date(2021, 6, 1))
    socialwork.worker_add(actor=w.huang, station=station, user=su, since=dt.date(2021, 6, 1))
    socialwork.point_open(actor=w.huang, station=station, area=w.yingnan, name="英南村社工服务点",
                          opened_on=dt.date(2022, 3, 1))
    for p in (w.dad, w.mum):
        registry.category_add(actor=w.huang, person=p, category="dibao", valid_from=dt.date(2020, 1, 1))
    socialwork.service_record(actor=su, person=w.dad, service="care", served_on=dt.date(2023, 5, 6), note="探访",
                              today=dt.date(2023, 5, 6))
    # two organisations founded in 2021; one files its 2022 年报; one is a hub
    orgs = []
    for name in ("江海区义工联合会", "礼乐街道书画协会"):
        app = socialorgs.establish_apply(actor=w.li, area=w.yingnan, name=name, form="social_group",
                                         legal_rep=w.dad, capital="1000", domicile="英南村", purpose="公益")
        app = socialorgs.application_review(actor=w.huang, application=app, approve=True, opinion="同意")
        orgs.append(socialorgs.application_approve(actor=mai, application=app, today=dt.date(2021, 6, 1)))
    socialorgs.annual_report_submit(actor=w.li, org=orgs[0], year=2022, today=dt.date(2023, 4, 1))
    socialorgs.hub_designate(actor=w.huang, org=orgs[0])
    with time_machine.travel(dt.datetime(2023, 6, 1, 9, tzinfo=dt.UTC)):  # registered in 2023, so counted for 2023
        timebank.volunteer_register(actor=w.chen, person=w.son)
    community.worker_add(actor=w.li, person=w.mum, area=w.yingnan, grade="3-1", since=dt.date(2022, 1, 1))
    volunteers.point_open(actor=w.chen, area=w.yingnan, host="community_centre", name="英南村志愿服务站",
                          opened_on=dt.date(2022, 5, 1))
    _, extra = make_family(w, "邻居甲", village=w.xiangdong)

    rollup.rebuild(2023)
    towns = Area.objects.current().filter(level=Level.TOWN, path__startswith=w.jianghai.path).count()
    assert _value("social_work_station_coverage", w.lile).value == Decimal("100")
    county = _value("social_work_station_coverage", w.jianghai)
    assert (county.numerator, county.denominator) == (1, towns) and towns == 3
    sw = _value("sw_target_service_coverage", w.lile)
    assert (sw.numerator, sw.denominator, sw.value) == (1, 2, Decimal("50"))
    rate = _value("social_org_annual_report_rate", w.jianghai)
    assert (rate.numerator, rate.denominator, rate.value) == (1, 2, Decimal("50"))
    assert _value("hub_community_orgs", w.jianghai).value == Decimal("1")
    residents = _value("registered_volunteer_share", w.lile).denominator
    assert residents == 4 and _value("registered_volunteer_share", w.lile).numerator == 1
    workers = _value("community_workers_per_10k", w.lile)
    assert (workers.numerator, workers.value) == (1, Decimal("2500"))
    points = _value("volunteer_station_coverage", w.lile)
    assert (points.numerator, points.denominator, points.value) == (1, 2, Decimal("50"))
    sw_points = _value("social_work_point_coverage", w.lile)  # 英南村 of 英南村、向东村
    assert (sw_points.numerator, sw_points.denominator, sw_points.value) == (1, 2, Decimal("50"))
