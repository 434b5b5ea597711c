"""江海区慈善会's year: it files a 募捐方案 for 助学, receives gifts from 江门新华电器 and residents, issues receipts,
spends on the 英南村 助学 project with evidence (李建华 prepares, 麦嘉怡 approves) and publishes its annual report
with the management-cost share the law limits. Every bad input is refused in Chinese with nothing written."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum

from minzheng.charity import selectors, services
from minzheng.charity.models import Account, Donation, Entry, Expenditure, Receipt, Transfer
from minzheng.core.errors import Conflict, DomainError, NotFound
from minzheng.core.models import AuditEntry
from minzheng.core.periods import local_date

pytestmark = pytest.mark.django_db
D = Decimal


def _counts():
    return (Transfer.objects.count(), Entry.objects.count(), Donation.objects.count(), Receipt.objects.count(),
            Expenditure.objects.count(), AuditEntry.objects.count())


def test_a_charity_raises_money_spends_it_on_a_project_and_reports(areas, ch):
    charity, desk, county, checker = ch["charity"], ch["desk"], ch["county"], ch["checker"]
    today = local_date()
    fund = services.fund_create(actor=desk, charity=charity, name="英南助学专项基金", kind="special",
                                purpose="资助英南村困难家庭学生")
    plan = services.plan_file(actor=county, charity=charity, fund=fund, title="2026英南助学募捐",
                              purpose="资助困难家庭学生完成学业", target="100000", starts_on=today,
                              ends_on=today + dt.timedelta(days=60))
    assert plan.number.startswith("MJ") and plan in selectors.public_plans(today)

    gift = services.donation_receive(actor=desk, fund=fund, plan=plan, donor_name="江门新华电器有限公司",
                                     amount="30000", received_on=today)
    services.donation_receive(actor=desk, fund=fund, plan=plan, donor_name="陈美华", amount="500.50",
                              received_on=today)
    general = charity.funds.get(kind="general")
    services.donation_receive(actor=desk, fund=general, donor_name="礼乐商会", kind="in_kind", goods="大米200袋",
                              amount="20000", received_on=today)
    receipt = services.receipt_issue(actor=desk, donation=gift)
    assert selectors.receipt_check(receipt.number, receipt.code)["amount"] == D("30000")
    assert selectors.receipt_check(receipt.number, "WRONG000") is None

    project = services.project_create(actor=desk, fund=fund, name="英南村2026秋季助学", purpose="每生每学期1000元",
                                      area=areas["yingnan"])
    spend = services.expenditure_prepare(actor=desk, fund=fund, project=project, amount="12000", spent_on=today,
                                         evidence="助学金发放签收表（12名学生）")
    assert {b["name"]: b["balance"] for b in selectors.fund_balances(charity)}["英南助学专项基金"] == D("30500.50")
    spend, warnings = services.expenditure_approve(actor=checker, expenditure=spend)
    assert spend.status == "approved" and not warnings
    admin = services.expenditure_prepare(actor=desk, fund=general, amount="1500", spent_on=today,
                                         evidence="办公场地租金发票")
    services.expenditure_approve(actor=county, expenditure=admin)

    balances = {b["name"]: b["balance"] for b in selectors.fund_balances(charity)}
    assert balances == {"非定向资金": D("18500.00"), "英南助学专项基金": D("18500.50")}
    assert round(Entry.objects.aggregate(s=Sum("amount"))["s"], 2) == 0

    totals = selectors.annual_totals(charity, today.year)
    assert totals["income"] == D("50500.50") and totals["charitable_spending"] == D("12000")
    assert totals["management_share"] == D("0.1111") and totals["management_level"] == "over"
    assert "超过10%的上限" in totals["management_note"] and "第六十一条" in totals["management_note"]

    report = services.annual_report_publish(actor=desk, charity=charity, year=today.year - 1,
                                            activities="开展助学、济困活动")
    assert report.body["income"] == "0.00" and report in selectors.public_annual_reports(today.year - 1)
    with pytest.raises(Conflict, match="年度工作报告已公开"):
        services.annual_report_publish(actor=desk, charity=charity, year=today.year - 1, activities="重复")


def test_bad_input_is_refused_with_nothing_written(areas, ch):
    charity, desk, county, checker = ch["charity"], ch["desk"], ch["county"], ch["checker"]
    today = local_date()
    fund = services.fund_create(actor=desk, charity=charity, name="济困微基金", kind="micro", purpose="济困")
    plan = services.plan_file(actor=county, charity=charity, fund=fund, title="济困募捐", purpose="济困",
                              target="5000", starts_on=today + dt.timedelta(days=1),
                              ends_on=today + dt.timedelta(days=30))
    before = _counts()
    # A gift dated before the plan's period.
    with pytest.raises(DomainError, match="不在募捐方案“济困募捐”的募捐期间") as e:
        services.donation_receive(actor=desk, fund=fund, plan=plan, donor_name="陈美华", amount="100",
                                  received_on=today)
    assert e.value.field == "接收日期"
    # A plan filed after its start.
    with pytest.raises(DomainError, match="应在开展募捐活动前备案"):
        services.plan_file(actor=county, charity=charity, fund=fund, title="补报方案", purpose="x", target="1",
                           starts_on=today - dt.timedelta(days=1), ends_on=today)
    for bad, msg in (("-5", "应大于0"), ("1.005", "最多精确到分"), ("十元", "应为金额")):
        with pytest.raises(DomainError, match=msg):
            services.donation_receive(actor=desk, fund=fund, donor_name="某人", amount=bad, received_on=today)
    assert _counts() == before

    gift = services.donation_receive(actor=desk, fund=fund, donor_name="陈美华", amount="800", received_on=today)
    services.receipt_issue(actor=desk, donation=gift)
    project = services.project_create(actor=desk, fund=fund, name="济困慰问", purpose="慰问", area=areas["yingnan"])
    before = _counts()
    with pytest.raises(Conflict, match="已开具捐赠票据") as e:
        services.receipt_issue(actor=desk, donation=gift)
    assert e.value.field == "捐赠票据"
    assert _counts() == before  # no second receipt, no audit row
    # Spending above the fund's balance: refused when prepared …
    with pytest.raises(DomainError, match="“济困微基金”余额不足：现有800.00元，本次申报900元"):
        services.expenditure_prepare(actor=desk, fund=fund, project=project, amount="900", spent_on=today,
                                     evidence="慰问品发票")
    assert _counts() == before
    # … and when two approved spendings together would overdraw it, the second approval is refused.
    first = services.expenditure_prepare(actor=desk, fund=fund, project=project, amount="600", spent_on=today,
                                         evidence="慰问品发票")
    second = services.expenditure_prepare(actor=desk, fund=fund, project=project, amount="600", spent_on=today,
                                          evidence="慰问品发票2")
    services.expenditure_approve(actor=checker, expenditure=first)
    with pytest.raises(DomainError, match="余额不足：现有200.00元，本次需支出600.00元"):
        services.expenditure_approve(actor=checker, expenditure=second)
    second.refresh_from_db()
    assert second.status == "prepared" and second.transfer_id is None
    # A restricted fund is never spent as management cost, and the preparer never approves.
    with pytest.raises(DomainError, match="定向资金，只能用于其项目"):
        services.expenditure_prepare(actor=desk, fund=fund, amount="10", spent_on=today, evidence="租金")
    own = services.expenditure_prepare(actor=county, fund=fund, project=project, amount="100", spent_on=today,
                                       evidence="慰问品发票3")
    with pytest.raises(DomainError, match="申报人不能审批自己申报的支出"):
        services.expenditure_approve(actor=county, expenditure=own)
    # Another county's officer sees nothing of it.
    with pytest.raises(NotFound):
        services.expenditure_approve(actor=ch["outsider"], expenditure=second)
    assert Account.objects.get(fund=fund).balance == D("200.00")


def test_recognition_and_fundraising_follow_the_law(areas, people, ch, make_person):
    from minzheng.charity.tests.conftest import registered_org

    young = registered_org(window=people["lile_officer"], reviewer=people["jianghai_approver"],
                           approver=people["jianghai_checker"], legal_rep=ch["feng"], area=areas["lile"],
                           name="礼乐助老服务中心", established=local_date() - dt.timedelta(days=100))
    law = "（《中华人民共和国慈善法》（2023年修正）第二十二条）"
    with pytest.raises(DomainError, match=f"未满1年，不能取得公开募捐资格{law}"):
        services.charity_recognise(actor=ch["county"], org=young, public_fundraising=True)
    charity = services.charity_recognise(actor=ch["county"], org=young)
    fund = charity.funds.get()
    with pytest.raises(DomainError, match="不具有公开募捐资格"):
        services.plan_file(actor=ch["county"], charity=charity, fund=fund, title="x", purpose="x", target="1",
                           starts_on=local_date(), ends_on=local_date())
    with pytest.raises(Conflict, match="已认定为慈善组织"):
        services.charity_recognise(actor=ch["county"], org=young)


def test_a_charitable_trust_is_filed_within_seven_days_and_reports_yearly(areas, ch):
    filed = dt.date(2025, 3, 10)
    trust = services.trust_file(actor=ch["county"], area=areas["jianghai"], name="江海区乡村振兴慈善信托",
                                trustee="广东粤财信托有限公司", supervisor="江海区慈善会", assets="1000000",
                                purpose="资助乡村困难群众", signed_on=dt.date(2025, 3, 3), today=filed)
    assert trust.number == "XT20254407040001"
    with pytest.raises(DomainError, match="已超过7日备案期限（《中华人民共和国慈善法》（2023年修正）第四十五条）"):
        services.trust_file(actor=ch["county"], area=areas["jianghai"], name="迟到的信托", trustee="某信托公司",
                            supervisor="", assets="1", purpose="x", signed_on=dt.date(2025, 3, 1), today=filed)
    report = services.trust_report(actor=ch["county"], trust=trust, year=2025, assets_end="990000", spent="10000",
                                   summary="资助困难群众20户", today=dt.date(2026, 2, 1))
    assert report.spent == D("10000")
    with pytest.raises(DomainError, match="报告年度应在2025年至2025年之间"):
        services.trust_report(actor=ch["county"], trust=trust, year=2026, assets_end="1", spent="1", summary="x",
                              today=dt.date(2026, 2, 1))
    with pytest.raises(Conflict, match="2025年度报告已报送"):
        services.trust_report(actor=ch["county"], trust=trust, year=2025, assets_end="1", spent="1", summary="x",
                              today=dt.date(2026, 2, 1))
