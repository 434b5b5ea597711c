"""殡葬 stories in 江海区: 陈大明 of 英南村 (低保 with his wife and son) dies; 礼乐街道's 李建华 records the death from
the hospital's certificate, his 低保 share stops from next month through the payroll, 江海区殡仪馆 cremates him and
his family choose a 树葬 place in 江海区公益性骨灰林; 黄志强 prepares the eco-burial reward, 麦嘉怡 approves it and
it is paid. A cremation without a death record is refused, and a sold plot cannot be sold again.
"""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from minzheng.accounts.roles import Role
from minzheng.accounts.services import user_create
from minzheng.assistance import services as assistance
from minzheng.assistance.models import Case
from minzheng.assistance.tests.stories import dibao_facts, submit_dibao, walk_to, world_fixture  # noqa: F401
from minzheng.core.errors import Conflict, DomainError, Forbidden
from minzheng.core.models import AuditEntry
from minzheng.core.periods import local_date, month_start, next_month_start
from minzheng.funeral import selectors, services
from minzheng.funeral.models import Cremation, DeathRecord, EcoBurial, Facility, Plot, PlotSale
from minzheng.payroll import services as payroll
from minzheng.payroll.models import RosterLine

TODAY = local_date()


@pytest.fixture
def facilities(areas):
    home = Facility.objects.create(name="江海区殡仪馆", kind=Facility.Kind.FUNERAL_HOME, area=areas["jianghai"])
    forest = Facility.objects.create(name="礼乐公益性骨灰林", kind=Facility.Kind.ASH_FACILITY, area=areas["lile"])
    plots = [Plot.objects.create(facility=forest, kind=Plot.Kind.TREE, number=f"A-{n:03d}") for n in range(1, 4)]
    return {"home": home, "forest": forest, "plots": plots}


@pytest.mark.clock
def test_a_death_stops_the_dibao_share_from_next_month_and_ends_with_an_eco_burial_reward_paid(world):
    w = world
    home = Facility.objects.create(name="江海区殡仪馆", kind=Facility.Kind.FUNERAL_HOME, area=w.jianghai)
    forest = Facility.objects.create(name="礼乐公益性骨灰林", kind=Facility.Kind.ASH_FACILITY, area=w.lile)
    plot = Plot.objects.create(facility=forest, kind=Plot.Kind.TREE, number="A-001")
    mai = user_create(actor=None, username="maijy", password="Minzheng#2026", display_name="麦嘉怡", role=Role.COUNTY,
                      areas=[w.jianghai])
    app = walk_to(w, submit_dibao(w), "approving")
    case = assistance.application_approve(actor=w.huang, application=app, facts=dibao_facts(w, app),
                                          today=TODAY - dt.timedelta(days=100))
    this_month, next_month = month_start(TODAY), next_month_start(TODAY)

    record = services.death_record(actor=w.li, person=w.dad, death_date=TODAY, source="hospital",
                                   document="医学死亡证明 J440704-0001", today=TODAY)

    w.dad.refresh_from_db()
    assert w.dad.death_date == TODAY
    assert record.payments_stop_from == next_month and record.stopped_cases == 1
    case.refresh_from_db()
    assert case.status == Case.Status.ACTIVE  # his wife and son are still paid
    paid_now = payroll.roster_generate(actor=w.huang, programme="dibao", area=w.jianghai, month=this_month)
    paid_next = payroll.roster_generate(actor=w.huang, programme="dibao", area=w.jianghai, month=next_month)
    assert RosterLine.objects.filter(roster=paid_now, person=w.dad).exists()
    assert not RosterLine.objects.filter(roster=paid_next, person=w.dad).exists()
    assert set(RosterLine.objects.filter(roster=paid_next).values_list("person", flat=True)) == {w.mum.pk, w.son.pk}
    steps = {i.code: i for i in record.checklist.all()}
    assert steps["payments_stopped"].done_on == TODAY and "1项救助、补贴" in steps["payments_stopped"].note
    assert steps["cremation"].done_on is None

    cremation = services.cremation_record(actor=w.huang, facility=home, person=w.dad, on=TODAY, today=TODAY)
    assert cremation.certificate_number == f"H{home.pk:04d}-{TODAY.year}-000001"
    sale = services.plot_change(actor=w.huang, plot=plot, action="sell", holder_name="李秀英", record=record,
                                on=TODAY)
    burial = services.eco_burial_prepare(actor=w.huang, record=record, method="tree", buried_on=TODAY,
                                         family_name="李秀英", family_account="6222020000000001", today=TODAY,
                                         plot_sale=sale)
    assert burial.reward == Decimal("1500.00") and "树葬1500元" in burial.reward_rule
    with pytest.raises(Forbidden, match="不能审核本人经办的奖补"):
        services.eco_burial_approve(actor=w.huang, burial=burial)
    with pytest.raises(Conflict, match="审核通过后方可发放"):
        services.eco_burial_pay(actor=w.huang, burial=burial, paid_on=TODAY)
    services.eco_burial_approve(actor=mai, burial=burial)
    burial = services.eco_burial_pay(actor=w.huang, burial=burial, paid_on=TODAY)
    assert burial.status == EcoBurial.Status.PAID and burial.approved_by == mai
    with pytest.raises(Conflict, match="已办理死亡登记"):
        services.death_record(actor=w.li, person=w.dad, death_date=TODAY, source="police", today=TODAY)


def test_cremation_without_a_death_record_is_refused_and_nothing_written(facilities, people, make_person):
    zhang = make_person("张伯", birth=dt.date(1940, 1, 1))
    before = AuditEntry.objects.count()
    with pytest.raises(DomainError) as e:
        services.cremation_record(actor=people["jianghai_approver"], facility=facilities["home"], person=zhang,
                                  on=dt.date(2026, 3, 2), today=dt.date(2026, 3, 3))
    assert e.value.message == "张伯尚未办理死亡登记，不能火化；请先凭死亡证明办理死亡登记"
    assert e.value.code == "no_death_record"
    assert not Cremation.objects.exists() and AuditEntry.objects.count() == before


def test_a_death_date_in_the_future_or_a_stranger_county_is_refused(facilities, people, make_person):
    zhang = make_person("张伯", birth=dt.date(1940, 1, 1))
    with pytest.raises(DomainError, match="死亡日期2026-03-04晚于今天"):
        services.death_record(actor=people["lile_officer"], person=zhang, death_date=dt.date(2026, 3, 4),
                              source="village", today=dt.date(2026, 3, 3))
    from minzheng.core.errors import NotFound
    with pytest.raises(NotFound):
        services.death_record(actor=people["yunan_approver"], person=zhang, death_date=dt.date(2026, 3, 2),
                              source="village", today=dt.date(2026, 3, 3))
    assert not DeathRecord.objects.exists()
    zhang.refresh_from_db()
    assert zhang.death_date is None


def test_a_sold_plot_cannot_be_sold_again_but_a_reservation_becomes_the_holders_sale(facilities, people):
    huang = people["jianghai_approver"]
    a1, a2, _ = facilities["plots"]
    day = dt.date(2026, 4, 5)
    sale = services.plot_change(actor=huang, plot=a1, action="sell", holder_name="王家", on=day)
    assert sale.certificate_number.startswith(f"S{facilities['forest'].pk:04d}-2026-")
    with pytest.raises(Conflict) as e:
        services.plot_change(actor=huang, plot=a1, action="sell", holder_name="李家", on=day)
    assert e.value.message == "礼乐公益性骨灰林A-001号树葬位已于2026-04-05已售出，不能重复销售"
    assert PlotSale.objects.filter(plot=a1).count() == 1

    services.plot_change(actor=huang, plot=a2, action="reserve", holder_name="陈家", on=day)
    with pytest.raises(Conflict, match="已预订，不能重复销售"):
        services.plot_change(actor=huang, plot=a2, action="sell", holder_name="李家", on=day)
    sold = services.plot_change(actor=huang, plot=a2, action="sell", holder_name="陈家", on=day)
    assert sold.status == PlotSale.Status.SOLD and PlotSale.objects.filter(plot=a2).count() == 1

    services.plot_change(actor=huang, plot=a1, action="release", on=dt.date(2026, 5, 1))
    again = services.plot_change(actor=huang, plot=a1, action="sell", holder_name="李家", on=dt.date(2026, 5, 2))
    assert again.status == PlotSale.Status.SOLD
    assert selectors.plot_ledger(huang, facilities["forest"].pk)[0]["status_label"] == "已售出"


def test_the_database_itself_refuses_a_second_live_sale(facilities, people):
    plot = facilities["plots"][0]
    huang = people["jianghai_approver"]
    PlotSale.objects.create(plot=plot, status="sold", holder_name="王家", created_on=dt.date(2026, 1, 1),
                            created_by=huang)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlotSale.objects.create(plot=plot, status="reserved", holder_name="李家", created_on=dt.date(2026, 1, 1),
                                created_by=huang)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two real concurrent transactions need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_sales_of_one_plot_at_once_exactly_one_wins(facilities, people):
    plot = facilities["plots"][0]
    sellers = [people["jianghai_approver"], people["jianghai_checker"]]
    barrier = threading.Barrier(len(sellers))
    outcomes: list[str] = []

    def sell(actor, holder):
        from django.db import connection as conn
        try:
            barrier.wait()
            services.plot_change(actor=actor, plot=plot, action="sell", holder_name=holder, on=dt.date(2026, 4, 5))
            outcomes.append("sold")
        except Conflict as e:
            outcomes.append(e.code)
        finally:
            conn.close()

    threads = [threading.Thread(target=sell, args=(a, h)) for a, h in zip(sellers, ("王家", "李家"), strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["plot_taken", "sold"]
    assert PlotSale.objects.filter(plot=plot, status="sold").count() == 1


def test_unclaimed_and_overdue_bodies_are_listed_until_released(facilities, people, make_person):
    huang = people["jianghai_approver"]
    home = facilities["home"]
    with pytest.raises(DomainError, match="无名遗体请填写体貌特征"):
        services.body_receive(actor=huang, facility=home, on=dt.date(2026, 1, 5))
    with pytest.raises(DomainError, match="不是殡仪馆"):
        services.body_receive(actor=huang, facility=facilities["forest"], on=dt.date(2026, 1, 5), description="x")
    unnamed = services.body_receive(actor=huang, facility=home, on=dt.date(2026, 1, 5),
                                    description="男性，约60岁，礼乐河边发现")
    zhang = make_person("张伯", birth=dt.date(1940, 1, 1))
    services.body_receive(actor=huang, facility=home, person=zhang, on=dt.date(2026, 2, 20))
    today = dt.date(2026, 3, 1)  # 55 and 9 days held; the limit is 30 (data/funeral/rules.csv)
    assert list(selectors.unclaimed(huang)) == [unnamed]
    assert list(selectors.overdue_storage(huang, today=today)) == [unnamed]
    services.death_record(actor=huang, person=zhang, death_date=dt.date(2026, 2, 19), source="hospital", today=today)
    services.cremation_record(actor=huang, facility=home, person=zhang, on=today, today=today)
    assert not selectors.overdue_storage(huang, today=dt.date(2026, 4, 1)).filter(person=zhang).exists()
    assert list(selectors.unclaimed(people["yunan_approver"])) == []
    record = DeathRecord.objects.get(person=zhang)
    item = record.checklist.get(code="hukou")
    services.checklist_done(actor=huang, item=item, on=today, note="派出所已注销户籍")
    with pytest.raises(Conflict, match="已于2026-03-01办结"):
        services.checklist_done(actor=huang, item=item, on=today)
    assert record.checklist.get(code="cremation").done_on == today


def test_free_basic_services_are_paid_to_the_home_at_the_capped_amount_and_settled_once_a_month(
        facilities, people, make_person):
    from minzheng.funeral.models import BasicServiceClaim

    huang, mai = people["jianghai_approver"], people["jianghai_checker"]
    home = facilities["home"]
    zhang = make_person("张伯", birth=dt.date(1940, 1, 1))
    day = dt.date(2026, 3, 3)
    record = services.death_record(actor=huang, person=zhang, death_date=dt.date(2026, 3, 1), source="hospital",
                                   today=day)
    with pytest.raises(DomainError, match="“embalming”不是基本殡葬服务项目"):
        services.basic_claim_prepare(actor=huang, record=record, facility=home, served_on=day,
                                     actual={"embalming": "500"}, today=day)
    claim = services.basic_claim_prepare(actor=huang, record=record, facility=home, served_on=day, today=day,
                                         actual={"cremation": "850", "transport": "120", "urn": "200"})
    assert claim.total == Decimal("920.00")  # 火化 capped at 600, 接运 120, 骨灰盒 200
    assert [i["paid"] for i in claim.items] == ["600.00", "120.00", "200.00"]
    with pytest.raises(Conflict, match="每位逝者只能申报一次"):
        services.basic_claim_prepare(actor=huang, record=record, facility=home, served_on=day, today=day,
                                     actual={"urn": "200"})
    with pytest.raises(Forbidden, match="不能审核本人经办的申报"):
        services.basic_claim_approve(actor=huang, claim=claim)
    services.basic_claim_approve(actor=mai, claim=claim)
    settlement = services.basic_settle_month(actor=mai, facility=home, month=dt.date(2026, 3, 1))
    assert (settlement.claims, settlement.total) == (1, Decimal("920.00"))
    claim.refresh_from_db()
    assert claim.status == BasicServiceClaim.Status.SETTLED
    with pytest.raises(Conflict, match="2026年3月已结算"):
        services.basic_settle_month(actor=mai, facility=home, month=dt.date(2026, 3, 1))
