"""The rest of the desk's rules, each a short story: 礼乐助老服务中心 gets its 公开募捐资格 once it has
been registered a year; 江海区慈善会's management cost creeps towards the limit and the report warns before it
is over; 礼乐街道's 慈善超市 never hands out more rice than it holds; 英南村's 微实事 is claimed by an
enterprise, done and closed."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from minzheng.charity import selectors, services
from minzheng.charity.models import Charity, Stock, Wish
from minzheng.charity.rules import rule
from minzheng.charity.tests.conftest import registered_org
from minzheng.core.errors import Conflict, DomainError, Forbidden, NotFound
from minzheng.core.models import AuditEntry
from minzheng.core.periods import local_date, same_day_months_later

pytestmark = pytest.mark.django_db


def test_the_public_fundraising_qualification_comes_after_a_year_of_registration(areas, people, ch):
    county = ch["county"]
    founded = local_date() - dt.timedelta(days=100)
    org = registered_org(window=people["lile_officer"], reviewer=county, approver=people["jianghai_checker"],
                         legal_rep=ch["feng"], area=areas["lile"], name="礼乐助老服务中心", established=founded)
    charity = services.charity_recognise(actor=county, org=org)
    audits = AuditEntry.objects.count()
    law = "（《中华人民共和国慈善法》（2023年修正）第二十二条）"
    with pytest.raises(DomainError, match=f"未满1年，不能取得公开募捐资格{law}") as e:
        services.fundraising_grant(actor=county, charity=charity)
    assert e.value.field == "公开募捐资格"
    assert Charity.objects.get(pk=charity.pk).public_fundraising_on is None and AuditEntry.objects.count() == audits
    anniversary = same_day_months_later(founded, 12 * int(rule("fundraising_min_years").value))
    # 梁文杰 of 郁南县 may not grant it to a 江海区 charity at all, nor 李建华 of the town (not his decision).
    with pytest.raises(NotFound):
        services.fundraising_grant(actor=ch["outsider"], charity=charity, today=anniversary)
    with pytest.raises(Forbidden):
        services.fundraising_grant(actor=ch["desk"], charity=charity, today=anniversary)
    assert Charity.objects.get(pk=charity.pk).public_fundraising_on is None

    granted = services.fundraising_grant(actor=county, charity=charity, today=anniversary)
    assert Charity.objects.get(pk=charity.pk).public_fundraising_on == anniversary == granted.public_fundraising_on
    entry = AuditEntry.objects.filter(action="charity.fundraising_grant").get()
    assert entry.actor == county and entry.object_id == str(charity.pk)
    with pytest.raises(Conflict, match="已具有公开募捐资格"):
        services.fundraising_grant(actor=county, charity=charity, today=anniversary)


def test_the_management_cost_warns_near_the_limit_before_it_is_over(areas, ch):
    charity, desk, checker = ch["charity"], ch["desk"], ch["checker"]
    today = local_date()
    general = charity.funds.get()
    services.donation_receive(actor=desk, fund=general, donor_name="礼乐商会", amount="20000", received_on=today)
    project = services.project_create(actor=desk, fund=general, name="礼乐济困", purpose="慰问困难家庭",
                                      area=areas["yingnan"])

    def spend(amount, on_project=True):
        e = services.expenditure_prepare(actor=desk, fund=general, project=project if on_project else None,
                                         amount=amount, spent_on=today, evidence="发票")
        services.expenditure_approve(actor=checker, expenditure=e)

    spend("9200")
    spend("700", on_project=False)  # 700 of 9900: 7.07 %, under the warning line
    totals = selectors.annual_totals(charity, today.year)
    assert totals["management_level"] == "ok" and totals["management_share"] < rule("management_cost_warn_share").value
    assert totals["management_note"] == "管理费用占总支出7.07%，未超过10%的上限"

    spend("200", on_project=False)  # 900 of 10100: 8.91 %, at or above the warning line, still within the limit
    totals = selectors.annual_totals(charity, today.year)
    assert totals["management_share"] == Decimal("0.0891") and totals["management_level"] == "warn"
    limit = rule("management_cost_max_share").citation
    assert totals["management_note"] == f"管理费用占总支出8.91%，接近10%的上限（{limit}）"


def test_the_charity_supermarket_never_hands_out_more_than_it_holds(areas, ch):
    desk = ch["desk"]
    shop = services.space_open(actor=desk, area=areas["lile"], name="礼乐慈善超市", kind="supermarket",
                               address="礼乐大道12号")
    services.stock_move(actor=desk, space=shop, item="大米（10公斤）", change=50)
    assert services.stock_move(actor=desk, space=shop, item="大米（10公斤）", change=-20).quantity == 30
    audits = AuditEntry.objects.count()
    with pytest.raises(DomainError, match=r"^大米（10公斤）库存30件，不足发放40件$") as e:
        services.stock_move(actor=desk, space=shop, item="大米（10公斤）", change=-40)
    assert e.value.field == "数量"
    with pytest.raises(DomainError, match="食用油库存0件，不足发放1件"):
        services.stock_move(actor=desk, space=shop, item="食用油", change=-1)
    for bad in (0, 1.5, "3"):
        with pytest.raises(DomainError, match="数量变动应为非零整数") as e:
            services.stock_move(actor=desk, space=shop, item="大米（10公斤）", change=bad)
        assert e.value.field == "数量"
    assert list(Stock.objects.values_list("item", "quantity")) == [("大米（10公斤）", 30)]
    assert AuditEntry.objects.count() == audits
    moves = AuditEntry.objects.filter(action="charity.stock").order_by("id")
    assert [(m.before, m.after) for m in moves] == [({"大米（10公斤）": 0}, {"大米（10公斤）": 50}),
                                                    ({"大米（10公斤）": 50}, {"大米（10公斤）": 30})]


def test_a_small_community_project_is_claimed_done_and_closed(areas, people):
    town, village = people["lile_officer"], people["village_worker"]
    lights = services.wish_raise(actor=town, kind="project", title="英南村文化室换灯", need="文化室照明老化",
                                 budget="3000", area=areas["yingnan"])
    firm = services.resource_register(actor=town, area=areas["lile"], name="江门新华电器有限公司",
                                      offers="家电、灯具", credit_code="91440704MA4UXXXX1K")
    with pytest.raises(Conflict, match="须先被认领才能登记实现"):
        services.wish_fulfil(actor=village, wish=lights, evidence="已换灯", on=local_date())
    claimed = services.wish_claim(actor=village, wish=lights, claimant=firm.name, resource=firm)
    assert claimed.status == "claimed" and claimed.resource == firm
    assert [w["title"] for w in selectors.public_wishes("project")] == []
    with pytest.raises(DomainError, match="实现日期不能早于认领日期"):
        services.wish_fulfil(actor=village, wish=lights, evidence="已换灯", on=local_date() - dt.timedelta(days=1))
    with pytest.raises(Conflict, match="实现后才能办结"):
        services.wish_close(actor=village, wish=lights)
    services.wish_fulfil(actor=village, wish=lights, evidence="更换LED灯12盏，验收单存档", on=local_date())
    done = services.wish_close(actor=town, wish=lights)
    assert done.status == "closed" and done.evidence == "更换LED灯12盏，验收单存档" and done.closed_by == town
    assert [a.action for a in AuditEntry.objects.filter(object_type="charity.wish").order_by("id")] == [
        "charity.wish_raise", "charity.wish_claim", "charity.wish_fulfil", "charity.wish_close"]
    assert Wish.objects.get(pk=lights.pk).kind == "project"


def test_a_fundraising_foundation_must_spend_seventy_percent_of_last_years_income(areas, people, ch):
    charity, desk, checker = ch["charity"], ch["desk"], ch["checker"]
    today = local_date()
    general = charity.funds.get()
    services.donation_receive(actor=desk, fund=general, donor_name="礼乐商会", amount="10000",
                              received_on=dt.date(today.year - 1, 1, 10))
    project = services.project_create(actor=desk, fund=general, name="礼乐济困", purpose="慰问困难家庭",
                                      area=areas["yingnan"])

    def spend(amount):
        e = services.expenditure_prepare(actor=desk, fund=general, project=project, amount=amount, spent_on=today,
                                         evidence="慰问签收表")
        services.expenditure_approve(actor=checker, expenditure=e)

    law = rule("charity_spending_min_share")
    spend("6000")
    totals = selectors.annual_totals(charity, today.year)
    assert totals["last_year_income"] == Decimal("10000.00") and totals["spending_share"] == Decimal("0.6000")
    assert totals["spending_share"] < law.value and totals["spending_level"] == "below"
    assert totals["spending_note"] == (f"慈善活动支出6000.00元，为{today.year - 1}年总收入10000.00元的60.00%，"
                                       f"低于70%的要求（{law.citation}）")
    desk_page = Client()
    desk_page.force_login(desk)
    assert totals["spending_note"] in desk_page.get("/charity/").content.decode()

    spend("1000")
    totals = selectors.annual_totals(charity, today.year)
    assert totals["spending_level"] == "ok" and totals["spending_share"] == law.value
    assert "为" + f"{today.year - 1}年总收入10000.00元的70.00%，不低于70%的要求" in totals["spending_note"]

    # A charity without 公开募捐资格 is not held to it.
    org = registered_org(window=desk, reviewer=ch["county"], approver=checker, legal_rep=ch["feng"],
                         area=areas["lile"], name="礼乐助学会")
    plain = services.charity_recognise(actor=ch["county"], org=org)
    other = selectors.annual_totals(plain, today.year)
    assert other["spending_level"] == "n/a" and other["spending_share"] is None
    assert other["spending_note"].startswith("不适用")
