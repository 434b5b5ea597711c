"""Issue 11 item 6: a mutually exclusive programme was caught only by the payroll's supervision check, after the
household had been approved. Approval itself now refuses it, citing the rule from data/policy/exclusions.csv."""

import datetime as dt
from decimal import Decimal

import pytest

from minzheng.assistance import services
from minzheng.assistance.models import Case, Entitlement
from minzheng.core.errors import Conflict

from .stories import dibao_facts, submit_dibao, walk_to, world_fixture  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def _tekun(w, person, component="basic"):
    """陈大明's mother-in-law style case: an open 特困 enrolment of `person` paid from before today."""
    start = dt.date(2020, 1, 1)
    case = Case.objects.create(programme="tekun", head=person, area=w.yingnan, start_month=start,
                               urban_rural="urban")
    Entitlement.objects.create(case=case, person=person, component=component, monthly_amount=Decimal("1440"),
                               from_month=start, rule_version="tekun:test", explanation="特困基本生活")
    return case


def test_dibao_for_a_household_whose_member_has_an_open_tekun_case_is_refused_at_approval(world):
    """李秀英 is already 特困 (基本生活). 黄志强 of 江海区 tries to approve the 陈 family's 低保: refused, naming her,
    the 特困 programme and the 国发〔2016〕14号 rule; nothing is enrolled."""
    w = world
    _tekun(w, w.mum)
    app = walk_to(w, submit_dibao(w), "approving")
    with pytest.raises(Conflict) as e:
        services.application_approve(actor=w.huang, application=app, facts=dibao_facts(w, app))
    assert "李秀英" in e.value.message and "特困" in e.value.message
    assert "国发〔2016〕14号" in e.value.message
    app.refresh_from_db()
    assert app.status == "approving"
    assert not Case.objects.filter(programme="dibao").exists()


def test_a_closed_or_non_excluded_component_does_not_block(world):
    """Only 特困 基本生活 excludes 低保: a 特困 case that ended last month, or one paying 照料护理费 only, does not."""
    w = world
    ended = _tekun(w, w.mum)
    ended.entitlements.update(to_month=dt.date(2021, 1, 1))
    _tekun(w, w.son, component="care")
    app = walk_to(w, submit_dibao(w), "approving")
    case = services.application_approve(actor=w.huang, application=app, facts=dibao_facts(w, app))
    assert case.programme == "dibao"
