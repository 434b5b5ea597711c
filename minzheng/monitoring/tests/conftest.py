"""规划监测 stories: 江海区's plan (a small catalogue written for the story, with the real policy data), a county
statistician 黄志强 of 江海区, a town officer 李建华 of 礼乐街道 and the city leader 周建国 of 江门市."""

import csv
import datetime as dt
from decimal import Decimal

import pytest

from minzheng.accounts.roles import Role
from minzheng.accounts.services import user_create
from minzheng.assistance.models import Case, Entitlement
from minzheng.assistance.tests.stories import area, make_family, world_fixture  # noqa: F401
from minzheng.monitoring import catalogue

HEADER = ("code,area_code,key,category,name,sub_item,unit,attribute,cumulative,direction,source,baseline_2020,"
          "target_2023,target_2025,city_target_2025,province_target_2025,variant,adopted,citation,note").split(",")

STORY_INDICATORS = [
    # code, key, category, name, sub, unit, attribute, cumulative, baseline, t2023, t2025
    ("440704.tekun_basic_standard.urban", "tekun_basic_standard", "社会救助", "特困人员基本生活供养标准", "城镇",
     "元/人·月", "约束性", "0", "", "rule:tekun_1_6x", "rule:tekun_1_6x"),
    ("440704.disabled_living_subsidy_coverage", "disabled_living_subsidy_coverage", "社会治理",
     "困难残疾人生活补贴覆盖率", "", "%", "约束性", "0", "90", "95", "100"),
    ("440704.nursing_bed_share", "nursing_bed_share", "养老服务", "养老机构护理型床位占比", "", "%", "约束性", "0",
     "40", "50", "55"),
    ("440704.community_volunteer_coverage", "community_volunteer_coverage", "慈善事业",
     "志愿服务站点在社区综合服务设施中的覆盖率", "", "%", "预期性", "0", "50", "65", "80"),
    ("440704.eldercare_training", "eldercare_training", "养老服务", "养老护理人员培训", "", "人次", "预期性", "1",
     "", "", "1000"),
]


def write_catalogue(directory, rows=STORY_INDICATORS, *, formulas=None, rules=None):
    with open(directory / "indicators.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for code, key, cat, name, sub, unit, attr, cum, base, t23, t25 in rows:
            w.writerow([code, code.split(".")[0], key, cat, name, sub, unit, attr, cum, "ge", "table", base, t23,
                        t25, "", "", "", "1", "seeds/002_ae2121538b601b74.txt:200", ""])
    (directory / "rules.csv").write_text(rules or (
        "name,kind,left,right,factor,phrase,citation,note\n"
        "tekun_1_6x,ratio_ge,tekun_basic:urban,dibao:urban,1.6,特困供养标准为低保标准的1.6倍,"
        "seeds/002_ae2121538b601b74.txt:202,\n"), encoding="utf-8")
    (directory / "formulas.csv").write_text(formulas or (
        "key,sub,numerator,denominator,factor,unit,citation,note\n"
        "disabled_living_subsidy_coverage,,disabled_living_recipients,disabled_poor,100,%,国发〔2015〕52号,\n"
        "tekun_basic_standard,urban,std:tekun_basic:urban,,1,元/人·月,seeds/002_ae2121538b601b74.txt:202,\n"),
        encoding="utf-8")
    return directory


@pytest.fixture(name="plan")
def plan_fixture(world, tmp_path):
    """江海区's story catalogue loaded, plus the city leader and the people of the story."""
    catalogue.load(directory=write_catalogue(tmp_path))
    world.zhou = user_create(actor=None, username="zhoujg", password="Minzheng#2026", display_name="周建国",
                             role=Role.CITY, areas=[area("440700")])
    return world


def enrol(w, person, programme, component, amount, *, village=None, since=dt.date(2023, 1, 1)):
    """A case in force since `since`, as an approval leaves it (written directly: the figures are what matters)."""
    case = Case.objects.create(programme=programme, household=None, head=person, area=village or w.yingnan,
                               start_month=since, urban_rural="urban")
    Entitlement.objects.create(case=case, person=person, component=component, monthly_amount=Decimal(amount),
                               from_month=since, rule_version="story", explanation="story")
    return case
