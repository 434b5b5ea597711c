"""Batch-job tests. Those marked `spark` run Apache Spark: in local mode by default, or on the standalone cluster
given by MINZHENG_SPARK_MASTER (scripts/spark_tests.sh starts one); skipped, saying why, where pyspark or Java is
missing."""

import datetime as dt

import pytest

from minzheng.batch.engines import spark_unavailable

MONTH = dt.date(2024, 6, 1)


def pytest_collection_modifyitems(config, items):
    why = spark_unavailable()
    if not why:
        return
    skip = pytest.mark.skip(reason=f"Spark 测试跳过：{why}")
    for item in items:
        if "spark" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def province(areas):
    """广东 21 cities with 12,000 synthetic persons and the planted cases (minzheng/demo/province.py)."""
    from minzheng.demo.province import generate_province

    return generate_province(persons=12_000)
