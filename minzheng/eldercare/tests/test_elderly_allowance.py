"""高龄津贴 as one more assistance programme: 张桂英 (born 1940) of 英南村 applies, the county approves, and the
allowance is on the next month's roster beside 低保 — the same cases, payroll and bank file, no second payroll."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from minzheng.assistance import services as assistance
from minzheng.assistance.facts import build_facts
from minzheng.assistance.models import Entitlement
from minzheng.assistance.programmes.base import get_programme
from minzheng.assistance.tests.stories import authorisation, walk_to
from minzheng.core.periods import age_on
from minzheng.payroll import services as payroll
from minzheng.payroll.models import RosterLine
from minzheng.policy.rules import resolve
from minzheng.registry.services import household_add_member, household_create

pytestmark = pytest.mark.clock  # depends on today's date (CI also runs it with the clock moved)


@pytest.fixture
def zhang_home(elder):
    w = elder
    home = household_create(actor=w.huang, area=w.yingnan, head=w.zhang, address="英南村3号",
                            start_date=dt.date(2020, 1, 1))
    household_add_member(actor=w.huang, household=home, person=w.chenshu, relation="child",
                         start_date=dt.date(2020, 1, 1))
    return home


def _facts(w, home, on):
    return build_facts(user=w.huang, household=home, on=on, urban_rural="rural")


@pytest.mark.parametrize("on, band", [
    (dt.date(2020, 3, 1), None),       # 79 and 364 days: not yet
    (dt.date(2020, 3, 2), "80-89"),    # her 80th birthday
    (dt.date(2030, 3, 1), "80-89"),    # 89
    (dt.date(2030, 3, 2), "90-99"),    # 90
    (dt.date(2040, 3, 2), "100+"),
])
def test_age_bands_come_from_the_policy_data(elder, zhang_home, on, band):
    w = elder
    decision = get_programme("elderly_allowance").assess(_facts(w, zhang_home, on))
    if band is None:
        assert not decision.eligible and "未满80周岁" in decision.reasons[0]
        return
    expected = resolve(w.yingnan, "elderly_allowance", variant=band, on=on, unit="元/人·月")
    assert [(a.person_id, a.monthly_amount) for a in decision.amounts] == [(w.zhang.pk, expected.value)]
    assert f"{band}岁年龄段" in decision.amounts[0].explanation and "演示假设值" in decision.reasons[0]


def test_approved_allowance_is_paid_through_the_shared_payroll(elder, zhang_home):
    w = elder
    today = timezone.localdate()
    app = assistance.application_submit(actor=w.chen, programme="elderly_allowance", applicant=w.zhang,
                                        household=zhang_home, authorisation=authorisation())
    app = walk_to(w, app, "approving")
    case = assistance.application_approve(actor=w.huang, application=app, facts=_facts(w, zhang_home, today))
    ent = Entitlement.objects.get(case=case)
    assert (ent.person_id, ent.component) == (w.zhang.pk, "allowance")   # 陈叔 is not 80
    month = case.start_month
    roster = payroll.roster_generate(actor=w.huang, programme="elderly_allowance", area=w.jianghai, month=month)
    line = RosterLine.objects.get(roster=roster)
    assert (line.person_id, line.amount, line.fund) == (w.zhang.pk, ent.monthly_amount, "市县")
    band = "80-89" if age_on(w.zhang.birth_date, month) < 90 else "90-99"
    assert line.amount == resolve(w.yingnan, "elderly_allowance", variant=band, on=month,
                                  unit="元/人·月").value.quantize(Decimal("0.01"))
