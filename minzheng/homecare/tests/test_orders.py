"""Stories of a home-care order, from 王小红 ordering for her mother to 黄志强's settled statement for the provider."""

import datetime as dt
import io
from decimal import Decimal as D

import pytest

from minzheng.core.errors import Conflict, DomainError, Forbidden, NotFound
from minzheng.core.models import AuditEntry
from minzheng.homecare import services, settlement
from minzheng.homecare.models import Order, OrderStatus, ServiceRecord, Statement, StatementLine

from .conftest import at

pytestmark = pytest.mark.clock  # depends on today's date (CI also runs it with the clock moved)

S = OrderStatus
MARCH = dt.date(2025, 3, 1)
APRIL = dt.date(2025, 4, 1)


def serve(hc, order, start, end, *, content="按服务标准完成"):
    """The provider's side of one visit: 何丽 assigns 周志成, who signs in and signs out with the elder's code."""
    services.order_assign(actor=hc["heli"], order=order, worker=hc["zhou"], now=start - dt.timedelta(days=1))
    services.order_start(actor=hc["zhou_user"], order=order, location="英南村南街8号门口", now=start)
    order.refresh_from_db()
    return services.order_complete(actor=hc["zhou_user"], order=order, confirm_code=order.confirm_code,
                                   content=content, now=end)


def place(hc, code, when, *, actor=None, person=None, quantity=1, dispatch=True, placed=None):
    order = services.order_place(actor=actor or hc["daughter"], person=person or hc["wang"], item_code=code,
                                 scheduled_at=when, quantity=quantity, now=placed or when - dt.timedelta(days=2))
    if dispatch:
        services.order_dispatch(actor=hc["lijh"], order=order, provider=hc["provider"],
                                now=when - dt.timedelta(days=2))
        order.refresh_from_db()
    return order


def test_an_order_walks_from_the_daughters_phone_to_a_settled_statement(hc, areas, people, make_person):
    wang, provider = hc["wang"], hc["provider"]
    # 王小红 orders 居室清洁 for her mother (低保: 100 % subsidised up to 400 元 a month, subsidy_rules.csv).
    first = place(hc, "ZJ01", at(2025, 3, 5, 10), dispatch=False)
    assert (first.status, first.channel, first.amount, first.address) == (S.PLACED, "family", D("60.00"),
                                                                         "英南村南街8号")
    services.order_dispatch(actor=hc["lijh"], order=first, provider=provider, now=at(2025, 3, 3, 9))
    first.refresh_from_db()
    assert first.status == S.DISPATCHED
    done = serve(hc, first, at(2025, 3, 5, 10, 5), at(2025, 3, 5, 11, 50))
    record = ServiceRecord.objects.get(order=done)
    assert (record.worker, record.person, record.item_name, record.address) == (hc["zhou"], wang, "居室清洁",
                                                                                 "英南村南街8号")
    assert (record.started_at, record.ended_at, record.confirmed_by_elder) == (at(2025, 3, 5, 10, 5),
                                                                               at(2025, 3, 5, 11, 50), True)
    assert (done.status, done.subsidy, done.self_pay, done.service_date) == (S.COMPLETED, D("60.00"), D("0.00"),
                                                                             dt.date(2025, 3, 5))
    # Two more services the same month take her past the monthly cap: the last one is partly self-paid.
    serve(hc, place(hc, "SH01", at(2025, 3, 12, 9), quantity="4"), at(2025, 3, 12, 9), at(2025, 3, 12, 13))
    third = serve(hc, place(hc, "ZY01", at(2025, 3, 20, 8), quantity=5), at(2025, 3, 20, 8), at(2025, 3, 20, 13))
    assert (third.amount, third.subsidy, third.self_pay) == (D("200.00"), D("160.00"), D("40.00"))
    assert "本月已用240.00元" in third.subsidy_explanation
    services.order_rate(actor=hc["daughter"], order=third, score=5, comment="周师傅很耐心")

    # 陈伯 (82, no category: 高龄 50 %) is ordered for by the village worker 陈小玲.
    chen = make_person("陈伯", birth=dt.date(1942, 6, 1), address="英南村北街3号")
    by_staff = place(hc, "ZJ01", at(2025, 3, 18, 15), actor=people["village_worker"], person=chen)
    assert by_staff.channel == "staff"
    by_staff = serve(hc, by_staff, at(2025, 3, 18, 15), at(2025, 3, 18, 16, 30))
    assert (by_staff.subsidy, by_staff.self_pay) == (D("30.00"), D("30.00"))
    # 王小红 cancels a 安全巡访 an hour before it: the late-cancellation fee (20 %) is self-paid.
    late = place(hc, "ZA01", at(2025, 3, 25, 10))
    services.order_assign(actor=hc["heli"], order=late, worker=hc["zhou"], now=at(2025, 3, 24, 9))
    cancelled = services.order_cancel(actor=hc["daughter"], order=late, reason="临时住院", now=at(2025, 3, 25, 9))
    assert (cancelled.status, cancelled.fee, cancelled.subsidy, cancelled.self_pay) == (
        S.CANCELLED, D("6.00"), D("0.00"), D("6.00"))
    assert "临时住院" in cancelled.close_reason
    # 陈伯 eats lunch at the provider's canteen: 高龄 tier, 12 元 of which 5 元 subsidised.
    canteen = services.canteen_create(actor=hc["hzq"], name="礼乐长者饭堂", area=areas["lile"], provider=provider)
    meal = services.meal_serve(actor=hc["heli"], canteen=canteen, person=chen, kind="lunch",
                               date=dt.date(2025, 3, 12))
    assert (meal.price, meal.subsidy, meal.self_pay, meal.tier) == (D("12.00"), D("5.00"), D("7.00"), "age80")
    # Not yet in this month's statement: an open order (April) and one not served.
    place(hc, "ZJ01", at(2025, 4, 2, 9))

    st = settlement.statement_generate(actor=hc["hzq"], provider=provider, month=MARCH)
    assert st.line_count == 6
    assert (st.amount, st.subsidy, st.self_pay) == (D("518.00"), D("435.00"), D("83.00"))
    kinds = {r["kind"]: (r["count"], r["subsidy"], r["self_pay"]) for r in settlement.statement_breakdown(st)}
    assert kinds == {"service": (4, D("430.00"), D("70.00")), "fee": (1, D("0.00"), D("6.00")),
                     "meal": (1, D("5.00"), D("7.00"))}

    # The provider downloads it: the workbook's totals are the statement's.
    name, data = settlement.statement_xlsx(actor=hc["heli"], statement=st)
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    total = [r for r in wb["汇总"].iter_rows(values_only=True) if r and r[0] == "合计"][0]
    assert total[1:] == (6, 518.0, 435.0, 83.0)
    assert wb["明细"].max_row == 7 and name.endswith("202503.xlsx")
    assert wang.id_number not in str(list(wb["明细"].iter_rows(values_only=True)))

    # Idempotent: a rerun writes nothing twice; once confirmed the statement is frozen.
    again = settlement.statement_generate(actor=hc["hzq"], provider=provider, month=MARCH)
    assert (again.pk, again.line_count, again.subsidy) == (st.pk, 6, D("435.00"))
    assert StatementLine.objects.count() == 6
    settlement.statement_confirm(actor=hc["hzq"], statement=st)
    with pytest.raises(Conflict, match="已确认"):
        settlement.statement_generate(actor=hc["hzq"], provider=provider, month=MARCH)
    actions = set(AuditEntry.objects.filter(action__startswith="homecare.").values_list("action", flat=True))
    assert {"homecare.order.place", "homecare.order.dispatch", "homecare.order.assign", "homecare.order.start",
            "homecare.order.complete", "homecare.order.cancel", "homecare.order.rate", "homecare.meal.serve",
            "homecare.statement.generate", "homecare.statement.confirm", "homecare.statement.download"} <= actions


def test_a_service_recorded_late_is_carried_into_the_next_statement(hc):
    order = place(hc, "ZJ01", at(2025, 3, 30, 9))
    settlement.statement_generate(actor=hc["hzq"], provider=hc["provider"], month=MARCH)
    settlement.statement_confirm(actor=hc["hzq"], statement=Statement.objects.get())
    serve(hc, order, at(2025, 3, 30, 9), at(2025, 3, 30, 11))  # entered after March was confirmed
    april = settlement.statement_generate(actor=hc["hzq"], provider=hc["provider"], month=APRIL)
    assert april.line_count == 1 and april.subsidy == D("60.00")


def test_the_month_must_have_ended_before_it_is_settled(hc):
    import django.utils.timezone as tz

    this_month = tz.localdate().replace(day=1)
    with pytest.raises(DomainError, match="尚未结束"):
        settlement.statement_generate(actor=hc["hzq"], provider=hc["provider"], month=this_month)
    assert not Statement.objects.exists()


def test_an_order_for_a_service_yunan_does_not_offer_is_refused_and_nothing_is_written(hc, areas, people,
                                                                                       make_person):
    grandma = make_person("黄婆婆", area=areas["ducheng_village"], sex="F", birth=dt.date(1944, 1, 1),
                          address="都城社区1号")
    before_orders, before_audit = Order.objects.count(), AuditEntry.objects.count()
    with pytest.raises(DomainError) as e:
        services.order_place(actor=people["yunan_approver"], person=grandma, item_code="SH01",
                             scheduled_at=at(2030, 1, 2), now=at(2029, 12, 30))
    assert "郁南县的居家养老服务目录中没有“生活照料（助浴、理发）”" in e.value.message
    assert e.value.field == "服务项目"
    with pytest.raises(DomainError, match="服务包"):
        services.order_place(actor=hc["daughter"], person=hc["wang"], item_code="JC01", scheduled_at=at(2030, 1, 2),
                             now=at(2029, 12, 30))
    assert (Order.objects.count(), AuditEntry.objects.count()) == (before_orders, before_audit)


def test_completing_an_order_twice_is_refused_and_changes_nothing(hc):
    order = serve(hc, place(hc, "ZJ01", at(2025, 3, 5, 10)), at(2025, 3, 5, 10), at(2025, 3, 5, 12))
    audits = AuditEntry.objects.count()
    with pytest.raises(Conflict, match="已完成，不能重复完成"):
        services.order_complete(actor=hc["zhou_user"], order=order, confirm_code=order.confirm_code,
                                now=at(2025, 3, 5, 13))
    order.refresh_from_db()
    assert (order.subsidy, order.closed_at, AuditEntry.objects.count()) == (D("60.00"), at(2025, 3, 5, 12), audits)


def test_a_service_record_ending_before_it_starts_is_refused(hc):
    order = place(hc, "ZJ01", at(2025, 3, 5, 10))
    services.order_assign(actor=hc["heli"], order=order, worker=hc["zhou"], now=at(2025, 3, 4))
    services.order_start(actor=hc["zhou_user"], order=order, now=at(2025, 3, 5, 10, 30))
    with pytest.raises(DomainError) as e:
        services.order_complete(actor=hc["zhou_user"], order=order, confirm_code=order.confirm_code,
                                ended_at=at(2025, 3, 5, 9, 45), now=at(2025, 3, 5, 12))
    assert e.value.field == "结束时间" and "早于开始时间" in e.value.message
    order.refresh_from_db()
    assert (order.status, order.subsidy, order.record.ended_at) == (S.IN_SERVICE, None, None)


def test_a_wrong_confirmation_code_does_not_complete_the_order(hc):
    order = place(hc, "ZJ01", at(2025, 3, 5, 10))
    services.order_assign(actor=hc["heli"], order=order, worker=hc["zhou"], now=at(2025, 3, 4))
    services.order_start(actor=hc["zhou_user"], order=order, now=at(2025, 3, 5, 10))
    wrong = "0000" if order.confirm_code != "0000" else "1111"
    with pytest.raises(DomainError, match="服务确认码不正确"):
        services.order_complete(actor=hc["zhou_user"], order=order, confirm_code=wrong, now=at(2025, 3, 5, 11))
    order.refresh_from_db()
    assert order.status == S.IN_SERVICE


def test_no_show_rules_follow_the_data(hc):
    # 老人爽约: the worker came and nobody was home — half the price, self-paid.
    absent = place(hc, "ZJ01", at(2025, 3, 6, 10))
    services.order_assign(actor=hc["heli"], order=absent, worker=hc["zhou"], now=at(2025, 3, 5))
    with pytest.raises(DomainError, match="预约时间未到"):
        services.order_elder_no_show(actor=hc["zhou_user"], order=absent, now=at(2025, 3, 6, 9))
    absent = services.order_elder_no_show(actor=hc["zhou_user"], order=absent, note="敲门无人应答",
                                          now=at(2025, 3, 6, 10, 20))
    assert (absent.status, absent.fee, absent.self_pay) == (S.ELDER_NO_SHOW, D("30.00"), D("30.00"))
    # 机构爽约: only after the 30-minute grace period, and nothing is charged.
    missed = place(hc, "ZA01", at(2025, 3, 7, 10))
    with pytest.raises(DomainError, match="30分钟内仍可能上门"):
        services.order_provider_no_show(actor=hc["daughter"], order=missed, now=at(2025, 3, 7, 10, 20))
    missed = services.order_provider_no_show(actor=hc["daughter"], order=missed, now=at(2025, 3, 7, 10, 45))
    assert (missed.status, missed.fee) == (S.PROVIDER_NO_SHOW, D("0.00"))
    # A cancellation in good time costs nothing.
    early = place(hc, "ZA01", at(2025, 3, 9, 10))
    early = services.order_cancel(actor=hc["daughter"], order=early, now=at(2025, 3, 8, 10))
    assert (early.status, early.fee) == (S.CANCELLED, D("0.00"))


def test_only_the_bound_family_and_the_orders_provider_can_act(hc, areas, people, make_person):
    from minzheng.accounts.roles import Role
    from minzheng.accounts.services import user_create

    stranger = user_create(actor=None, username="zhangsan", password="Minzheng#2026", display_name="张三",
                           role=Role.RESIDENT, areas=[])
    with pytest.raises(NotFound):
        services.order_place(actor=stranger, person=hc["wang"], item_code="ZJ01", scheduled_at=at(2030, 1, 2),
                             now=at(2029, 12, 30))
    order = place(hc, "ZJ01", at(2030, 1, 2), placed=at(2029, 12, 30))
    other = services.provider_create(actor=hc["hzq"], name="礼乐乐龄服务社", area=areas["lile"])
    other_user = user_create(actor=None, username="other_p", password="Minzheng#2026", display_name="别家",
                             role=Role.PROVIDER, areas=[areas["jianghai"]])
    services.provider_add_member(actor=hc["hzq"], provider=other, user=other_user)
    with pytest.raises(NotFound):
        services.order_assign(actor=other_user, order=order, worker=hc["zhou"])
    # 李建华 sees the order (礼乐街道) but assigning is the provider's work: refused, not "not found".
    with pytest.raises(Forbidden, match="服务机构"):
        services.order_assign(actor=hc["lijh"], order=order, worker=hc["zhou"])
    # 外海街道's officer cannot dispatch an order of 礼乐街道.
    with pytest.raises(NotFound):
        services.order_dispatch(actor=people["waihai_officer"], order=order, provider=other)
    from minzheng.homecare import selectors

    assert list(selectors.orders_for(other_user)) == []
    assert list(selectors.orders_for(stranger)) == []
    assert list(selectors.orders_for(people["waihai_officer"])) == []
    assert list(selectors.orders_for(hc["daughter"])) == [order]


def test_generated_orders_for_family_beds_and_subsidised_elders_are_idempotent(hc, areas, people, make_person):
    from minzheng.registry import services as registry

    chen = make_person("陈伯", birth=dt.date(1942, 6, 1), address="英南村北街3号")
    contract = services.contract_sign(actor=hc["hzq"], person=chen, provider=hc["provider"], start_month=MARCH)
    tekun = make_person("李伯", birth=dt.date(1945, 2, 2), address="向东村7号", area=areas["xiangdong"])
    registry.category_add(actor=hc["hzq"], person=tekun, category="tekun", valid_from=dt.date(2020, 1, 1))
    made = services.orders_generate(actor=hc["hzq"], jurisdiction=areas["jianghai"], month=MARCH,
                                    now=at(2025, 2, 25))
    # packages.csv: 江海区 家庭养老床位 = 4 安全巡访 + 4 生活照料 + 2 居室清洁; entitlements.csv: 特困 2 安全巡访.
    assert made == {"package": 10, "entitlement": 2}
    bed = Order.objects.filter(contract=contract)
    assert bed.count() == 10 and set(bed.values_list("status", flat=True)) == {S.DISPATCHED}
    assert set(Order.objects.filter(person=tekun).values_list("status", flat=True)) == {S.PLACED}
    again = services.orders_generate(actor=hc["hzq"], jurisdiction=areas["jianghai"], month=MARCH,
                                     now=at(2025, 2, 26))
    assert again == {"package": 0, "entitlement": 0} and Order.objects.count() == 12


def test_a_meal_is_subsidised_once_per_person_and_day(hc, areas, make_person):
    canteen = services.canteen_create(actor=hc["hzq"], name="礼乐长者饭堂", area=areas["lile"],
                                      provider=hc["provider"])
    services.meal_serve(actor=hc["heli"], canteen=canteen, person=hc["wang"], kind="lunch", date=dt.date(2025, 3, 3))
    with pytest.raises(Conflict, match="已登记，不能重复享受补贴"):
        services.meal_serve(actor=hc["heli"], canteen=canteen, person=hc["wang"], kind="lunch",
                            date=dt.date(2025, 3, 3))
    young = make_person("赵青", birth=dt.date(1990, 1, 1))
    with pytest.raises(DomainError, match="不满60周岁"):
        services.meal_serve(actor=hc["heli"], canteen=canteen, person=young, kind="lunch", date=dt.date(2025, 3, 3))
