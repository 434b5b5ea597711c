"""规划监测 roll-up (job c) over the province: a province plan's 低保 rate (dibao persons per 1,000 residents) and its
count of 低保 recipients for every area, the same from both engines, and the province figures equal to the city
figures added up. Indicators whose formula names a policy standard are in the job too: 江海区's urban 低保 standard
(policy only, so in 江海区 alone) and a province ratio of persons to the urban standard (mixed, so down the tree, with
no value where no standard applies) — with the values the roll-up itself (monitoring.rollup) writes."""

import datetime as dt
from decimal import Decimal

import pytest

from minzheng.batch import monitoring
from minzheng.monitoring import catalogue
from minzheng.monitoring.models import Indicator, IndicatorValue
from minzheng.monitoring.rollup import count_element, rebuild
from minzheng.monitoring.tests.conftest import write_catalogue
from minzheng.policy.services import load_policy_data

YEAR = dt.date(2024, 1, 1)


@pytest.fixture
def province_plan(province, tmp_path):
    rows = [("440000.dibao_rate", "dibao_rate", "社会救助", "低保保障率", "", "‰", "预期性", "0", "", "", ""),
            ("440000.dibao_count", "dibao_count", "社会救助", "低保对象人数", "", "万人", "预期性", "0", "", "", ""),
            ("440704.dibao_standard_urban", "dibao_standard_urban", "社会救助", "城镇低保标准", "", "元/人·月",
             "约束性", "0", "", "", ""),
            ("440000.dibao_per_standard", "dibao_per_standard", "社会救助", "低保人数与城镇低保标准之比", "", "人/元",
             "预期性", "0", "", "", "")]
    load_policy_data()
    catalogue.load(directory=write_catalogue(tmp_path, rows, formulas=(
        "key,sub,numerator,denominator,factor,unit,citation,note\n"
        "dibao_rate,,dibao_persons,residents,1000,‰,测试用公式（assumed）,\n"
        "dibao_count,,dibao_persons,,1,人,测试用公式（assumed）,\n"
        "dibao_standard_urban,,std:dibao:urban,,1,元/人·月,测试用公式（assumed）,\n"
        "dibao_per_standard,,dibao_persons,std:dibao:urban,1,人/元,测试用公式（assumed）,\n")))
    for name in ("dibao_persons", "residents"):
        count_element(name, YEAR.year)
    return province


def _by_code(rows, code: str) -> dict[str, list[str]]:
    ind = Indicator.objects.get(code=code).pk
    return {r.area_code: r.value.split("/") for r in rows if r.rule == f"indicator:{ind}"}


def test_embedded_rollup_sums_every_area_up_to_the_province(province_plan):
    rows = monitoring.run_embedded(YEAR)
    by_code = _by_code(rows, "440000.dibao_rate")
    assert "440000" in by_code and "441900" in by_code and len(by_code) > 21 * 3
    num, den, value = by_code["440000"]
    cities = [v for code, v in by_code.items() if len(code) == 6 and code != "440000" and code.endswith("00")]
    assert len(cities) == 21
    assert Decimal(num) == sum(Decimal(c[0]) for c in cities)
    assert Decimal(value) == (Decimal(num) * 1000 / Decimal(den)).quantize(Decimal("0.0001"))
    assert Decimal(num) > 12_000  # every synthetic person is a 低保 recipient, plus the planted second cases


def test_a_count_indicator_is_rolled_up_too_in_its_own_unit(province_plan):
    """A formula with no denominator is a count: the province's 低保对象人数 in 万人 is the persons ÷ 10,000, and
    the cities' figures add up to it."""
    rates, counts = (_by_code(monitoring.run_embedded(YEAR), k) for k in ("440000.dibao_rate", "440000.dibao_count"))
    assert counts.keys() == rates.keys()
    num, den, value = counts["440000"]
    assert den == "" and Decimal(num) == Decimal(rates["440000"][0])
    assert Decimal(value) == (Decimal(num) / 10_000).quantize(Decimal("0.0001"))
    cities = [Decimal(v[0]) for code, v in counts.items()
              if len(code) == 6 and code != "440000" and code.endswith("00")]
    assert len(cities) == 21 and sum(cities) == Decimal(num)


def test_indicators_with_a_policy_standard_get_the_values_the_rollup_writes(province_plan):
    """The province statistician 陈晓梅 reads job (c)'s output next to the 规划监测 dashboard: 江海区's urban 低保
    standard is there for 江海区 alone, and the province's persons-per-standard ratio in every area the job covers,
    each with the numerator, denominator and value the roll-up wrote — an empty value where no standard applies."""
    rows = monitoring.run_embedded(YEAR)
    rebuild(YEAR.year)
    for code in ("440704.dibao_standard_urban", "440000.dibao_per_standard"):
        job = _by_code(rows, code)
        written = {v.area.code: v for v in IndicatorValue.objects.filter(
            indicator__code=code, period=YEAR.year).select_related("area")}
        assert job, code
        for area_code, (num, den, value) in job.items():
            iv = written[area_code]
            assert (num, den, value) == tuple("" if x is None else str(Decimal(x).quantize(Decimal("0.0001")))
                                              for x in (iv.numerator, iv.denominator, iv.value)), (code, area_code)
    standard = _by_code(rows, "440704.dibao_standard_urban")
    assert list(standard) == ["440704"]
    num, den, value = standard["440704"]
    assert den == "" and Decimal(value) == Decimal(num) > 0
    ratio = _by_code(rows, "440000.dibao_per_standard")
    assert ratio["440704"][2] and ratio["440000"] == [ratio["440000"][0], "", ""]


@pytest.mark.spark
def test_spark_rollup_equals_the_embedded_one(province_plan):
    embedded = monitoring.run_embedded(YEAR)
    assert any(r.rule == f"indicator:{Indicator.objects.get(code='440704.dibao_standard_urban').pk}"
               for r in embedded)  # a policy-standard indicator is among the rows compared
    assert monitoring.run_spark(YEAR) == embedded
