"""规划监测 roll-up (job c) over the province: a province plan's 低保 rate (dibao persons per 1,000 residents) for
every area, the same from both engines, and the province figure equal to the city figures added up."""

import datetime as dt
from decimal import Decimal

import pytest

from minzheng.batch import monitoring
from minzheng.monitoring import catalogue
from minzheng.monitoring.rollup import count_element
from minzheng.monitoring.tests.conftest import write_catalogue

YEAR = dt.date(2024, 1, 1)


@pytest.fixture
def province_plan(province, tmp_path):
    rows = [("440000.dibao_rate", "dibao_rate", "社会救助", "低保保障率", "", "‰", "预期性", "0", "", "", "")]
    catalogue.load(directory=write_catalogue(tmp_path, rows, formulas=(
        "key,sub,numerator,denominator,factor,unit,citation,note\n"
        "dibao_rate,,dibao_persons,residents,1000,‰,测试用公式（assumed）,\n")))
    for name in ("dibao_persons", "residents"):
        count_element(name, YEAR.year)
    return province


def test_embedded_rollup_sums_every_area_up_to_the_province(province_plan):
    rows = monitoring.run_embedded(YEAR)
    by_code = {r.area_code: r.value.split("/") for r in rows}
    assert "440000" in by_code and "441900" in by_code and len(by_code) > 21 * 3
    num, den, value = by_code["440000"]
    cities = [v for code, v in by_code.items() if len(code) == 6 and code != "440000" and code.endswith("00")]
    assert len(cities) == 21
    assert Decimal(num) == sum(Decimal(c[0]) for c in cities)
    assert Decimal(value) == (Decimal(num) * 1000 / Decimal(den)).quantize(Decimal("0.0001"))
    assert Decimal(num) > 12_000  # every synthetic person is a 低保 recipient, plus the planted second cases


@pytest.mark.spark
def test_spark_rollup_equals_the_embedded_one(province_plan):
    embedded = monitoring.run_embedded(YEAR)
    assert monitoring.run_spark(YEAR) == embedded
