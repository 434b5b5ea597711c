"""The 大慈善 and 福彩 demo: in each of the five jurisdictions the demo staff recognise two charities, take gifts
with their 捐赠票据, spend them and publish last year's 年度工作报告, file a 募捐方案 running today and a 慈善信托,
raise 微心愿 for residents in difficulty, and run 福彩 outlets and 公益金 — all through the services, so 规划监测
computes its 慈善 and 福彩 indicators from the demo and the public reports carry last year's figures."""

from decimal import Decimal

import pytest
from django.db.models import Sum
from django.test import Client

from minzheng.accounts.models import User
from minzheng.areas.models import Area
from minzheng.areas.services import load_reference_areas
from minzheng.charity.models import Charity, Donation, Expenditure, FundraisingPlan, Receipt, Wish
from minzheng.charity.rules import rule as law
from minzheng.core.audit import verify_chain
from minzheng.core.models import AuditEntry
from minzheng.core.periods import local_date
from minzheng.demo import population
from minzheng.demo.charity import (
    ELDERLY_AGE,
    IN_DIFFICULTY,
    LAST_YEAR_GIFTS,
    STAFF,
    _in_difficulty,
    seed_charity_demo,
)
from minzheng.demo.management.commands.setup_demo import ensure_accounts
from minzheng.lottery.models import Allocation, MonthlySales, Outlet
from minzheng.lottery.rules import rule as lottery_rule
from minzheng.monitoring import catalogue, rollup
from minzheng.monitoring.models import IndicatorValue
from minzheng.policy.services import load_policy_data

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

# the plans' 慈善 and 福彩 indicators the system computes (data/monitoring/indicators.csv)
COMPUTED = ["441800.lottery_outlets", "441800.charity_demo_sites", "445322.charity_demo_sites",
            "440704.lottery_outlets", "440704.lottery_fund_elderly_share", "442000.charity_trusts",
            "442000.lottery_outlets", "442000.charity_demo_communities", "441900.charity_trusts",
            "441900.charity_spaces", "441900.lottery_outlets"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """A small population in the five jurisdictions, the demo accounts, the charity demo seeded twice and this
    year's and last year's roll-up, once for the module."""
    with django_db_blocker.unblock():
        load_reference_areas()
        load_policy_data()
        for code in STAFF:
            population.write_db(population.plan_from_db(area_code=code, persons=60, seed=2026, villages_per_town=1))
        ensure_accounts()
        first = seed_charity_demo()
        audits = AuditEntry.objects.count()
        second = seed_charity_demo()
        audits = (audits, AuditEntry.objects.count())
        catalogue.load()
        today = local_date()
        for year in (today.year - 1, today.year):
            rollup.rebuild(year, resume=False)
        yield {"first": first, "second": second, "audits": audits, "today": today}
        from django.core.management import call_command
        call_command("flush", interactive=False, verbosity=0)


def test_every_jurisdiction_gets_its_charities_money_and_outlets_once(demo):
    first, today = demo["first"], demo["today"]
    assert first["skipped"] == []
    assert (first["charities"], first["trusts"], first["outlets"]) == (10, 5, 15)
    assert demo["second"] == {"charities": 0, "donations": 0, "wishes": 0, "trusts": 0, "outlets": 0,
                              "allocations": 0, "referrals": 0, "skipped": []}
    assert demo["audits"][0] == demo["audits"][1]  # the second run wrote nothing
    checked, broken, reason = verify_chain()
    assert broken is None, reason
    for code in STAFF:
        foundation = Charity.objects.get(org__name__endswith="慈善会", area__path__startswith=Area.objects.current()
                                         .get(code=code).path)
        assert foundation.public_fundraising_on is not None
        plan = FundraisingPlan.objects.get(charity=foundation)
        assert plan.starts_on <= today <= plan.ends_on, code
        gifts = Donation.objects.filter(charity=foundation, kind="money")
        assert gifts.count() == Receipt.objects.filter(donation__charity=foundation).count() >= 5
        assert Expenditure.objects.filter(charity=foundation, status="prepared").count() == 1
        assert Outlet.objects.filter(area__path__startswith=foundation.area.path).count() == 3
        months = 12 + today.month - 1  # January last year to last month
        assert MonthlySales.objects.filter(outlet__area__path__startswith=foundation.area.path).count() == 3 * months
    # 微心愿 of each first demo village, as many as it has residents in difficulty (three at most): one open, one
    # claimed by the 爱心资源库, one fulfilled; the small villages here have fewer, 江海区's has three
    wishes = Wish.objects.filter(kind="wish").select_related("person", "resource")
    for _approver, _checker, _desk, worker in STAFF.values():
        village = User.objects.get(username=worker).area_assignments.get().area
        raised = list(wishes.filter(area=village).order_by("id").values_list("status", flat=True))
        assert raised == ["open", "claimed", "fulfilled"][:len(_in_difficulty(village, today))], village.name
    assert wishes.filter(area__code="440704005001").count() == 3
    assert all(w.resource for w in wishes.filter(status="claimed"))
    assert all(w.fulfilled_on == today for w in wishes.filter(status="fulfilled"))
    for w in wishes:
        listed = w.person.categories.filter(category__in=IN_DIFFICULTY, valid_to__isnull=True).exists()
        assert listed or w.person.birth_date.year < today.year - ELDERLY_AGE, w.person.name
        assert w.person.residence_area == w.area


def test_planning_monitoring_computes_the_charity_and_lottery_indicators_from_the_demo(demo):
    """规划监测 counts this year's 慈善信托, 慈善超市, 示范社区/示范点 and 福彩 outlets of the demo, and 江海区's share
    of 公益金 to 养老服务 meets its plan's floor (data/charity/lottery.csv)."""
    year = demo["today"].year
    values = {v.indicator.code: v for v in IndicatorValue.objects.filter(
        indicator__code__in=COMPUTED, period=year).select_related("indicator", "area")
        if v.area.code == v.indicator.code.split(".")[0]}  # the plan's own area (not its towns and villages)
    for code in COMPUTED:
        v = values.get(code)
        assert v is not None, code
        assert v.source == IndicatorValue.Source.COMPUTED and v.value, code
    floor = lottery_rule("welfare_fund_elderly_min_share").value * 100
    assert values["440704.lottery_fund_elderly_share"].value >= floor
    assert values["440704.lottery_outlets"].value == 3
    assert values["441800.lottery_outlets"].value == Decimal("0.0003")  # the plan counts in 万个


def test_the_published_annual_report_carries_last_years_gifts_and_spending(demo):
    """Anyone reads 江海区 礼乐街道慈善会's 年度工作报告 for last year and the 江海区 公益金 report: last year's gifts
    (not this year's) and what was spent, as the ledger and the sales file hold them."""
    last = demo["today"].year - 1
    jianghai = Area.objects.current().get(code="440704")
    foundation = Charity.objects.get(org__name="礼乐街道慈善会")
    given = sum(a for *_, a, _m, _d in LAST_YEAR_GIFTS)
    spent = Expenditure.objects.filter(charity=foundation, status="approved", spent_on__year=last)
    on_projects = spent.filter(project__isnull=False).aggregate(s=Sum("amount"))["s"]
    management = spent.filter(project__isnull=True).aggregate(s=Sum("amount"))["s"]
    assert Donation.objects.filter(charity=foundation).aggregate(s=Sum("amount"))["s"] > given  # this year's too

    reports = Client().get("/api/charity/public/annual-reports", {"year": last}).json()
    body = next(r["body"] for r in reports if r["charity"] == "礼乐街道慈善会")
    assert Decimal(body["income"]) == given
    assert Decimal(body["charitable_spending"]) == on_projects
    assert on_projects >= given * law("charity_spending_min_share").value
    assert Decimal(body["management_cost"]) == management and body["management_level"] == "ok"

    page = Client().get("/lottery/welfare-fund/", {"area": "440704", "year": last}).content.decode()
    sales = MonthlySales.objects.filter(outlet__area__path__startswith=jianghai.path, month__year=last).aggregate(
        s=Sum("amount"))["s"]
    allocated = Allocation.objects.filter(area=jianghai, year=last).aggregate(s=Sum("amount"), p=Sum("spent"))
    assert sales and allocated["p"]
    assert f"福利彩票销量{sales:.2f}元" in page
    assert f"安排公益金{allocated['s']:.2f}元，已支出{allocated['p']:.2f}元" in page
    assert f"{jianghai.name}{last}年" in page
