"""The 陈 family of 英南村 leaves 低保 (their income rose) from next month; with their written consent 黄志强 refers
them to 江海区慈善会's 济困 programme and the referral shows on their household record. The charity pays 陈大明 500
元 for his basic living this month — a month this month's 低保 roster still pays him — so the approval warns, and
the roster check flags the double payment for the same need."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from minzheng.accounts.roles import Role
from minzheng.accounts.services import user_create
from minzheng.assistance import services as assistance
from minzheng.assistance.models import Case
from minzheng.assistance.rechecks import case_exit
from minzheng.assistance.tests.stories import dibao_facts, submit_dibao, walk_to, world_fixture  # noqa: F401
from minzheng.charity import selectors, services
from minzheng.charity.models import Referral
from minzheng.charity.tests.conftest import registered_org
from minzheng.core.errors import DomainError
from minzheng.core.periods import local_date, month_start, next_month_start
from minzheng.payroll import services as payroll
from minzheng.payroll.models import Anomaly
from minzheng.registry.dossier import sections_for

pytestmark = pytest.mark.django_db


def _as(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_a_family_leaving_dibao_is_referred_and_a_double_payment_is_flagged(world):
    w = world
    today = local_date()
    mai = user_create(actor=None, username="maijy", password="Minzheng#2026", display_name="麦嘉怡",
                      role=Role.COUNTY, areas=[w.jianghai])
    app = walk_to(w, submit_dibao(w), "approving")
    case = assistance.application_approve(actor=w.huang, application=app, facts=dibao_facts(w, app),
                                          today=today - dt.timedelta(days=40))
    roster = payroll.roster_generate(actor=w.huang, programme="dibao", area=w.jianghai, month=month_start(today))

    org = registered_org(window=w.li, reviewer=w.huang, approver=mai, legal_rep=w.mum, area=w.lile)
    charity = services.charity_recognise(actor=w.huang, org=org, public_fundraising=True)
    with pytest.raises(DomainError, match="不符合转介条件"):
        services.referral_create(actor=w.huang, household=w.household, charity=charity, ground="exited",
                                 consent_on=today)
    case_exit(actor=w.huang, case=Case.objects.get(pk=case.pk), from_month=next_month_start(today),
              reason="家庭人均收入高于低保标准")
    with pytest.raises(DomainError, match="须取得该家庭的书面同意"):
        services.referral_create(actor=w.huang, household=w.household, charity=charity, ground="exited",
                                 consent_on=None)
    referral = services.referral_create(actor=w.huang, household=w.household, charity=charity, ground="exited",
                                        consent_on=today)
    assert referral.ground_detail.startswith("已于") and "退出低保" in referral.ground_detail
    assert [r.pk for r in selectors.household_referrals(w.chen, w.household.pk)] == [referral.pk]
    assert selectors.household_referrals(w.liang, w.household.pk) == []
    services.referral_update(actor=w.li, referral=referral, status="accepted", outcome="纳入济困项目")

    general = charity.funds.get()
    services.donation_receive(actor=w.li, fund=general, donor_name="礼乐商会", amount="5000", received_on=today)
    project = services.project_create(actor=w.li, fund=general, name="礼乐济困", purpose="困难家庭基本生活",
                                      area=w.yingnan)
    pay = services.expenditure_prepare(actor=w.li, fund=general, project=project, amount="500", spent_on=today,
                                       evidence="救助金银行回单", beneficiary=w.dad, need="basic_living")
    pay, warnings = services.expenditure_approve(actor=mai, expenditure=pay)
    assert warnings == [f"陈大明{today:%Y年%m月}已在低保金发放名单中，同一需求（基本生活）重复救助，资金监管将提示疑点"]
    services.referral_update(actor=w.li, referral=referral, status="helped", outcome="发放基本生活救助500元")
    assert Referral.objects.get().status == "helped"

    # The referral and its outcome stand on the family's record: on 陈大明's page and on 李秀英's (same household).
    for member in (w.dad, w.mum):
        page = _as(w.chen).get(reverse("web:person_detail", args=[member.pk])).content.decode()
        section = re.search(r'<section[^>]*data-section="charity_referrals".*?</section>', page, re.S)
        assert section, member.name
        text = re.sub(r"<[^>]+>", " ", section.group(0))
        for fact in ("慈善救助转介", "退出低保", referral.ground_detail, "江海区慈善会", "已实施慈善救助",
                     "发放基本生活救助500元", w.household.number):
            assert fact in text, fact
    # 何丽 of a care provider may not read charity records: no such section for her.
    assert not any(s.key == "charity_referrals" for s in sections_for(w.he, w.dad))

    payroll.roster_check(actor=w.huang, roster=roster)
    flag = Anomaly.objects.get(roster=roster, rule="charity_double")
    assert flag.line.person == w.dad and flag.blocking
    assert "江海区慈善会支付同一需求（基本生活）的慈善救助500.00元" in flag.detail
