"""The two other roads from 低保 to charity. The 陈 family of 英南村 is refused 低保 (黄志强 writes the reason) and,
with their consent, referred on that ground. Later 核对 finds them just above the line — within the 1.5 times of the
standard that data/charity/law.csv cites — which is a ground too; a household far above it is not."""

import datetime as dt
from decimal import Decimal

import pytest

from minzheng.accounts.roles import Role
from minzheng.accounts.services import user_create
from minzheng.assistance import services as assistance
from minzheng.assistance.tests.stories import submit_dibao, walk_to, world_fixture  # noqa: F401
from minzheng.charity import services
from minzheng.charity.rules import rule
from minzheng.charity.tests.conftest import registered_org
from minzheng.core.errors import DomainError
from minzheng.core.periods import local_date
from minzheng.verification.services import department_batch_push, verification_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def charity(world):
    w = world
    mai = user_create(actor=None, username="maijy", password="Minzheng#2026", display_name="麦嘉怡",
                      role=Role.COUNTY, areas=[w.jianghai])
    org = registered_org(window=w.li, reviewer=w.huang, approver=mai, legal_rep=w.mum, area=w.lile)
    return services.charity_recognise(actor=w.huang, org=org)


def _pension(w, person, amount):
    return department_batch_push(actor=w.huang, source="hrss_pension", as_of=local_date() - dt.timedelta(days=1),
                                 records=[{"身份证号": person.id_number, "姓名": person.name,
                                           "养老金项目": "企业职工基本养老保险", "月发放金额(元)": amount}])


def test_a_family_refused_dibao_is_referred_on_that_ground(world, charity):
    w = world
    assert services.referral_grounds(w.household) == []
    app = walk_to(w, submit_dibao(w), "reviewing")
    assistance.application_refuse(actor=w.huang, application=app, reason="家庭人均收入高于当地低保标准")
    grounds = dict(services.referral_grounds(w.household))
    assert list(grounds) == ["refused"]
    assert grounds["refused"] == f"低保申请{app.number}未获批准：家庭人均收入高于当地低保标准"
    with pytest.raises(DomainError, match="不符合转介条件"):
        services.referral_create(actor=w.chen, household=w.household, charity=charity, ground="exited",
                                 consent_on=local_date())
    r = services.referral_create(actor=w.chen, household=w.household, charity=charity, ground="refused",
                                 consent_on=local_date())
    assert r.ground == "refused" and r.ground_detail == grounds["refused"] and r.person == w.dad


def test_verification_just_above_the_line_is_a_ground_and_far_above_it_is_not(world, charity):
    w = world
    factor = rule("above_line_factor")
    _pension(w, w.dad, "3000")  # 1000 元 a head for three
    report = verification_run(actor=w.li, household=w.household, on=local_date())
    report.refresh_from_db()
    assert report.conclusion == "income_above"
    assert report.standard < report.per_capita_income <= report.standard * factor.value
    grounds = dict(services.referral_grounds(w.household))
    assert list(grounds) == ["above_line"]
    assert grounds["above_line"] == (f"核对报告{report.number}：人均收入{report.per_capita_income}元，高于低保标准"
                                     f"{report.standard}元但不超过其{factor.value}倍")
    r = services.referral_create(actor=w.li, household=w.household, charity=charity, ground="above_line",
                                 consent_on=local_date())
    assert r.ground == "above_line"

    # Then a far larger pension is reported: the latest 核对 is what counts, and it is no ground any more.
    _pension(w, w.dad, "9000")
    later = verification_run(actor=w.li, household=w.household, on=local_date())
    assert later.per_capita_income > later.standard * factor.value
    assert later.per_capita_income == Decimal("3000.00")
    assert services.referral_grounds(w.household) == []
