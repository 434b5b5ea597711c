"""时间银行 stories in 礼乐街道: volunteers 林志强 and 何美华 report hours, 陈小玲 (英南村) gives the first review and
李建华 (礼乐街道) the second; hours go to 孤寡 李伯 (特困) and to the 公益时间池; and the ledger always balances."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minzheng.accounts.roles import Role
from minzheng.accounts.services import user_create
from minzheng.core.errors import Conflict, DomainError, Forbidden
from minzheng.core.models import AuditEntry
from minzheng.core.periods import local_date
from minzheng.registry import services as registry
from minzheng.timebank import services
from minzheng.timebank.models import Account, Entry, HourReport, Transfer

pytestmark = pytest.mark.clock  # depends on today's date (CI also runs it with the clock moved)

YESTERDAY = local_date() - dt.timedelta(days=1)


@pytest.fixture
def tb(areas, people, make_person):
    lin_user = user_create(actor=None, username="linzq", password="Minzheng#2026", display_name="林志强",
                           role=Role.RESIDENT, areas=[])
    lin = services.volunteer_register(actor=people["village_worker"], person=make_person("林志强"), user=lin_user)
    he = services.volunteer_register(actor=people["village_worker"],
                                     person=make_person("何美华", sex="F", birth=dt.date(1970, 2, 2)))
    li = make_person("李伯", birth=dt.date(1940, 2, 2), area=areas["xiangdong"])
    registry.category_add(actor=people["jianghai_approver"], person=li, category="tekun",
                          valid_from=dt.date(2020, 1, 1))
    zhang = make_person("张伯", birth=dt.date(1941, 3, 3))  # has children: not a recipient
    liufang = user_create(actor=None, username="liufang", password="Minzheng#2026", display_name="刘芳",
                          role=Role.VILLAGE, areas=[areas["yingnan"]])
    return {"liufang": liufang,
            "lin": lin, "lin_user": lin_user, "he": he, "li": li, "zhang": zhang, "chenxl": people["village_worker"],
            "lijh": people["lile_officer"], "hzq": people["jianghai_approver"]}


def credit(tb, volunteer, hours, *, approve=True):
    """Reported by 陈小玲 for the volunteer, first review by 刘芳 (英南村), second by 李建华 (礼乐街道)."""
    r = services.hours_report(actor=tb["chenxl"], volunteer=volunteer, service_date=YESTERDAY, hours=hours,
                              activity="陪伴独居老人、代购生活用品")
    r = services.report_review_first(actor=tb["liufang"], report=r, approve=True)
    return services.report_review_second(actor=tb["lijh"], report=r, approve=approve,
                                         reason="" if approve else "与签到记录不符")


def test_hours_are_credited_only_after_two_reviews_by_two_people(tb):
    lin = tb["lin"]
    r = services.hours_report(actor=tb["lin_user"], volunteer=lin, service_date=YESTERDAY, hours="3.5",
                              activity="为李伯打扫卫生")
    with pytest.raises(Conflict, match="须先通过初审"):
        services.report_review_second(actor=tb["lijh"], report=r, approve=True)
    with pytest.raises(Forbidden):  # a town officer does not give the first review
        services.report_review_first(actor=tb["lijh"], report=r, approve=True)
    r = services.report_review_first(actor=tb["chenxl"], report=r, approve=True)
    lin.account.refresh_from_db()
    assert (r.status, lin.account.balance) == (HourReport.Status.FIRST_APPROVED, D("0"))
    r = services.report_review_second(actor=tb["lijh"], report=r, approve=True)
    lin.account.refresh_from_db()
    assert (r.status, lin.account.balance) == (HourReport.Status.CREDITED, D("3.5"))
    assert r.transfer.entries.aggregate(s=Sum("hours"))["s"] == 0
    # A report entered by the village worker herself needs someone else for the first review.
    mine = services.hours_report(actor=tb["chenxl"], volunteer=tb["he"], service_date=YESTERDAY, hours=2,
                                 activity="助餐送餐")
    with pytest.raises(DomainError, match="申报人不能初审"):
        services.report_review_first(actor=tb["chenxl"], report=mine, approve=True)
    # A refusal needs a reason and credits nothing.
    other = services.hours_report(actor=tb["lin_user"], volunteer=lin, service_date=YESTERDAY, hours=1,
                                  activity="陪同散步")
    other = services.report_review_first(actor=tb["chenxl"], report=other, approve=True)
    with pytest.raises(DomainError, match="须填写原因"):
        services.report_review_second(actor=tb["lijh"], report=other, approve=False)
    other = services.report_review_second(actor=tb["lijh"], report=other, approve=False, reason="与签到记录不符")
    lin.account.refresh_from_db()
    assert (other.status, lin.account.balance) == (HourReport.Status.REJECTED, D("3.5"))


def test_bad_reports_are_refused_in_chinese(tb):
    bad = (("0", "时长应大于0"), ("9", "不超过8小时"), ("1.25", "以0.5小时为单位"), ("两小时", "应为数字"))
    for hours, message in bad:
        with pytest.raises(DomainError, match=message):
            services.hours_report(actor=tb["lin_user"], volunteer=tb["lin"], service_date=YESTERDAY, hours=hours,
                                  activity="陪伴")
    with pytest.raises(DomainError, match="不能晚于今天"):
        services.hours_report(actor=tb["lin_user"], volunteer=tb["lin"], service_date=local_date()
                              + dt.timedelta(days=1), hours=1, activity="陪伴")
    assert not HourReport.objects.exists()


def test_donating_to_a_gugua_elder_and_the_pool(tb):
    credit(tb, tb["lin"], 6)
    services.hours_donate(actor=tb["lin_user"], volunteer=tb["lin"], hours=2, elder=tb["li"])
    services.hours_donate(actor=tb["lin_user"], volunteer=tb["lin"], hours=1)
    services.pool_allocate(actor=tb["lijh"], elder=tb["li"], hours="0.5")
    balances = {str(a): a.balance for a in Account.objects.select_related("person", "area")}
    assert balances["林志强·志愿者账户"] == D("3")
    assert balances["李伯·受赠老人账户"] == D("2.5")
    assert balances["江海区·公益时间池"] == D("0.5")
    assert balances["江海区·志愿服务时长来源"] == D("-6")
    with pytest.raises(DomainError, match="不属于可受赠时长的老人"):
        services.hours_donate(actor=tb["lin_user"], volunteer=tb["lin"], hours=1, elder=tb["zhang"])
    services.hours_redeem(actor=tb["lijh"], account=Account.objects.get(person=tb["li"]), hours=1,
                          memo="志愿者上门理发")
    assert Account.objects.get(person=tb["li"]).balance == D("1.5")


def test_a_transfer_that_would_overdraw_is_refused_and_writes_nothing(tb):
    credit(tb, tb["lin"], 2)
    counts = (Transfer.objects.count(), Entry.objects.count(), AuditEntry.objects.count(), Account.objects.count())
    with pytest.raises(DomainError) as e:
        services.hours_donate(actor=tb["lin_user"], volunteer=tb["lin"], hours=3, elder=tb["li"])
    assert e.value.code == "overdraw" and e.value.field == "时长"
    assert "余额不足：现有2.0小时，本次需转出3小时" in e.value.message
    with pytest.raises(DomainError, match="余额不足"):
        services.pool_allocate(actor=tb["lijh"], elder=tb["li"], hours=1)  # the pool is empty
    assert (Transfer.objects.count(), Entry.objects.count(), AuditEntry.objects.count(),
            Account.objects.count()) == counts
    tb["lin"].account.refresh_from_db()
    assert tb["lin"].account.balance == D("2")


def test_there_is_no_way_to_cash(tb):
    with pytest.raises(services.NotConvertible, match="不能兑换、折算或提取现金"):
        services.refuse_cash()
    assert not hasattr(services, "hours_cash_out")


# --- the double-entry invariant ----------------------------------------------------------------------------------

HOURS = st.integers(min_value=1, max_value=16).map(lambda n: D(n) / 2)
OPS = st.one_of(
    st.tuples(st.just("credit"), st.integers(0, 1), HOURS),
    st.tuples(st.just("reject"), st.integers(0, 1), HOURS),
    st.tuples(st.just("donate_elder"), st.integers(0, 1), HOURS),
    st.tuples(st.just("donate_pool"), st.integers(0, 1), HOURS),
    st.tuples(st.just("allocate"), st.just(0), HOURS),
    st.tuples(st.just("redeem_volunteer"), st.integers(0, 1), HOURS),
    st.tuples(st.just("redeem_elder"), st.just(0), HOURS),
)


def _check_ledger():
    assert (Entry.objects.aggregate(s=Sum("hours"))["s"] or 0) == 0
    for t in Transfer.objects.prefetch_related("entries"):
        hours = sorted(e.hours for e in t.entries.all())
        assert hours == [-t.hours, t.hours]
    for a in Account.objects.all():
        assert a.balance == (a.entries.aggregate(s=Sum("hours"))["s"] or 0)
        assert a.kind == Account.Kind.SOURCE or a.balance >= 0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(OPS, max_size=14))
def test_every_sequence_of_operations_keeps_the_ledger_balanced_and_no_account_negative(tb, ops):
    vols = [tb["lin"], tb["he"]]
    model = {"v0": D(0), "v1": D(0), "pool": D(0), "elder": D(0)}
    sid = transaction.savepoint_create()
    try:
        for op, i, h in ops:
            vol, vkey = vols[i], f"v{i}"
            src = {"credit": None, "reject": None, "donate_elder": vkey, "donate_pool": vkey, "allocate": "pool",
                   "redeem_volunteer": vkey, "redeem_elder": "elder"}[op]
            will_fail = src is not None and model[src] < h
            try:
                if op in ("credit", "reject"):
                    credit(tb, vol, h, approve=op == "credit")
                    if op == "credit":
                        model[vkey] += h
                elif op == "donate_elder":
                    services.hours_donate(actor=tb["lin_user"] if not i else tb["chenxl"], volunteer=vol, hours=h,
                                          elder=tb["li"])
                    model[vkey] -= h
                    model["elder"] += h
                elif op == "donate_pool":
                    services.hours_donate(actor=tb["chenxl"], volunteer=vol, hours=h)
                    model[vkey] -= h
                    model["pool"] += h
                elif op == "allocate":
                    services.pool_allocate(actor=tb["lijh"], elder=tb["li"], hours=h)
                    model["pool"] -= h
                    model["elder"] += h
                elif op == "redeem_volunteer":
                    services.hours_redeem(actor=tb["chenxl"], account=vol.account, hours=h, memo="兑换上门服务")
                    model[vkey] -= h
                else:
                    services.hours_redeem(actor=tb["lijh"], account=services.elder_account(tb["li"]), hours=h,
                                          memo="兑换上门服务")
                    model["elder"] -= h
                assert not will_fail, f"{op} {h} 应因余额不足被拒绝"
            except DomainError as e:
                assert will_fail and e.code == "overdraw", (op, h, e.message)
            _check_ledger()
            got = {f"v{k}": Account.objects.get(pk=v.account_id).balance for k, v in enumerate(vols)}
            got["pool"] = Account.objects.filter(kind="pool").values_list("balance", flat=True).first() or D(0)
            got["elder"] = Account.objects.filter(kind="elder").values_list("balance", flat=True).first() or D(0)
            assert got == model
    finally:
        transaction.savepoint_rollback(sid)
