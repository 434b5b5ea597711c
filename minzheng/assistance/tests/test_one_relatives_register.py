"""Issue 11 item 6: 近亲属 were filed in two registers — the assistance one (full review at 审核) and the payroll one
(资金监管 flag) — and each fed only its own check. There is now one register: a filing made on either side feeds
both checks, and the payroll's 近亲属备案 page lists them all."""

from decimal import Decimal

import pytest
from django.utils import timezone

from minzheng.assistance import services
from minzheng.assistance.models import Case, Entitlement
from minzheng.core.periods import month_start
from minzheng.payroll import services as payroll
from minzheng.payroll.models import Anomaly

from .stories import submit_dibao, world_fixture  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def test_a_filing_at_the_assistance_side_is_flagged_by_the_payroll_check(world, client):
    """礼乐街道's 李建华 files that 李秀英 is his cousin; her 低保 line on 江海区's roster is flagged for review."""
    w = world
    services.relative_filing_create(actor=w.li, person=w.mum, staff_name="李建华", staff_position="礼乐街道民政办主任",
                                    relation="表亲", area=w.lile)
    month = month_start(timezone.localdate())
    case = Case.objects.create(programme="dibao", household=w.household, head=w.dad, area=w.yingnan,
                               start_month=month, urban_rural="urban")
    Entitlement.objects.create(case=case, person=w.mum, component="basic", monthly_amount=Decimal("700"),
                               from_month=month, rule_version="test", explanation="测试")
    roster = payroll.roster_generate(actor=w.huang, programme="dibao", area=w.jianghai, month=month)
    payroll.roster_check(actor=w.huang, roster=roster)
    flag = Anomaly.objects.get(roster=roster, rule="staff_relative")
    assert flag.line.person == w.mum and "李建华" in flag.detail

    client.force_login(w.huang)
    page = client.get("/payroll/relatives/").content.decode()
    assert "李秀英" in page and "礼乐街道民政办主任" in page


def test_a_filing_at_the_payroll_side_makes_the_application_a_full_review(world):
    """黄志强 files on the payroll side that 陈大明 is a relative (姻亲) of 李建华; the 陈 family's next 低保
    application is flagged for a full review at once."""
    w = world
    payroll.staff_relative_register(actor=w.huang, staff=w.li, person=w.dad, relation="姻亲")
    app = submit_dibao(w)
    assert app.related_to_staff
