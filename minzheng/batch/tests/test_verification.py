"""Province 核对 (job a): department feeds (wages from 人社 and 税务, pensions, deposits, deaths) matched against the
province's households; the embedded engine gives exactly verification.verify_many's figures, and Spark the same."""

import datetime as dt
from decimal import Decimal

import pytest

from minzheng.batch import verification
from minzheng.demo.province import generate_feeds
from minzheng.policy.services import load_policy_data
from minzheng.registry.models import Household
from minzheng.verification.services import household_assessment

from .conftest import MONTH


@pytest.fixture
def feeds(province, people):
    load_policy_data()
    generate_feeds(actor=people["jianghai_approver"], as_of=MONTH - dt.timedelta(days=5))
    return province


def test_embedded_totals_match_the_single_household_report(feeds):
    rows = verification.run_embedded(MONTH)
    # Only areas with a 低保 standard in the policy data can be checked: 江海区 and 郁南县 in this province.
    assert len(rows) > 300
    by_household = {int(r.subject): r.value.split("/") for r in rows}
    # A household with wages from both 人社 and 税务 (person ids divisible by 6): the higher source counts once.
    sample = Household.objects.filter(pk__in=list(by_household)).order_by("pk")[:40]
    for h in sample:
        single = household_assessment(h, MONTH)
        members, income, per_capita, _, conclusion = by_household[h.pk]
        assert (int(members), Decimal(income), Decimal(per_capita), conclusion) == (
            single.member_count, single.household_income, single.per_capita_income, single.conclusion)
    assert {v[4] for v in by_household.values()} >= {"meets", "income_above"}


@pytest.mark.spark
def test_spark_gives_the_same_assessments(feeds):
    embedded = verification.run_embedded(MONTH)
    assert verification.run_spark(MONTH) == embedded
