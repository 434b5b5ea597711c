"""Time limits in working days (weekends, 法定节假日 and 调休 from data/calendar), the overdue list, and the
先救助后说明 flag that stays up until the file is completed."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from minzheng.assistance import selectors, services
from minzheng.assistance.workdays import add_workdays, is_workday, workdays_between, workflow_param
from minzheng.core.errors import Conflict, DomainError, Forbidden, NotFound
from minzheng.core.models import AuditEntry

from .stories import authorisation, make_family, submit_dibao, walk_to, world_fixture  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def test_working_days_skip_weekends_and_holidays_and_count_make_up_days():
    assert add_workdays(dt.date(2026, 11, 20), 1) == dt.date(2026, 11, 23)   # Friday → Monday
    assert add_workdays(dt.date(2026, 9, 30), 1) == dt.date(2026, 10, 8)     # 国庆 1–7 October off
    assert add_workdays(dt.date(2026, 10, 9), 1) == dt.date(2026, 10, 10)    # Saturday 10 October is worked (调休)
    assert add_workdays(dt.date(2026, 2, 13), 1) == dt.date(2026, 2, 14)     # Saturday before 春节 is worked
    assert add_workdays(dt.date(2026, 2, 14), 1) == dt.date(2026, 2, 24)     # 春节 15–23 February off
    assert add_workdays(dt.date(2025, 1, 27), 1) == dt.date(2025, 2, 5)      # 2025 春节 28 Jan – 4 Feb
    assert add_workdays(dt.date(2026, 10, 3), 0) == dt.date(2026, 10, 8)
    assert not is_workday(dt.date(2024, 6, 10)) and is_workday(dt.date(2024, 9, 29))
    assert workdays_between(dt.date(2026, 9, 30), dt.date(2026, 10, 13)) == 5


def test_the_limits_come_from_data_with_their_citations():
    p = workflow_param("step_days.investigating")
    assert p.value == 15 and p.unit == "工作日" and "15个工作日" in p.explanation
    assert workflow_param("spot_check_ratio").value == Decimal("0.30")
    assert workflow_param("publicity_days").value == 7
    assert workflow_param("pay_first_cap", programme="temporary").status == "assumed"
    assert workflow_param("pay_first_cap", programme="dibao", required=False) is None
    with pytest.raises(DomainError, match="流程参数“no_such_limit”未配置"):
        workflow_param("no_such_limit")


def test_an_application_filed_on_a_friday_is_not_overdue_over_the_weekend(world):
    w = world
    friday = dt.date(2026, 11, 20)
    app = submit_dibao(w, today=friday)
    # 5 working days to 受理: Mon 23 … Fri 27 (a count of calendar days would have said Wednesday 25)
    assert app.step_due == dt.date(2026, 11, 27)
    assert list(selectors.overdue(w.li, today=dt.date(2026, 11, 26))) == []
    assert list(selectors.overdue(w.li, today=dt.date(2026, 11, 27))) == []
    assert list(selectors.overdue(w.li, today=dt.date(2026, 11, 30))) == [app]
    # scoped: 外海街道 and 郁南县 never see it; the 江海区 auditor does
    assert list(selectors.overdue(w.zhao, today=dt.date(2026, 11, 30))) == []
    assert list(selectors.overdue(w.liang, today=dt.date(2026, 11, 30))) == []
    assert list(selectors.overdue(w.wu, today=dt.date(2026, 11, 30))) == [app]


def test_the_national_day_holiday_does_not_count_against_the_town(world):
    w = world
    app = submit_dibao(w, today=dt.date(2026, 9, 30))
    # 1–7 October off, Saturday 10 October worked: Oct 8, 9, 10, 12, 13
    assert app.step_due == dt.date(2026, 10, 13)
    assert not selectors.overdue(w.li, today=dt.date(2026, 10, 13)).exists()
    assert selectors.overdue(w.li, today=dt.date(2026, 10, 14)).get() == app
    # accepted in time: the list empties, and the next step has its own limit (3 working days)
    services.application_accept(actor=w.li, application=app, today=dt.date(2026, 10, 9))
    app.refresh_from_db()
    assert app.step_due == dt.date(2026, 10, 13)
    assert not selectors.overdue(w.li, today=dt.date(2026, 10, 13)).exists()


def test_closed_applications_are_never_overdue(world):
    w = world
    app = walk_to(w, submit_dibao(w, today=dt.date(2026, 1, 5)), "reviewing", today=dt.date(2026, 1, 5))
    assert selectors.overdue(w.huang, today=dt.date(2026, 3, 1)).get() == app
    services.application_refuse(actor=w.huang, application=app, reason="家庭人均收入高于低保标准")
    assert not selectors.overdue(w.huang, today=dt.date(2026, 3, 1)).exists()


def _emergency(w, **kw):
    household, (head, *_) = make_family(w, "郭志明", village=w.xiangdong)
    return services.application_submit(actor=w.li, programme="temporary", variant="emergency", applicant=head,
                                       household=household, **kw)


def test_emergency_assistance_is_paid_first_and_flagged_until_the_file_is_completed(world):
    """郭志明's house in 向东村 burnt down at night: 礼乐街道 pays 800 元 at once, before any paperwork."""
    w = world
    app = _emergency(w)
    with pytest.raises(DomainError, match="先行救助金额1200元超过上限1000元"):
        services.application_pay_first(actor=w.li, application=app, amount="1200", reason="夜间住房失火")
    with pytest.raises(DomainError, match="先行救助金额应大于0"):
        services.application_pay_first(actor=w.li, application=app, amount="0", reason="夜间住房失火")
    with pytest.raises(DomainError, match="先行救助金额不能为负数"):
        services.application_pay_first(actor=w.li, application=app, amount="-100", reason="夜间住房失火")
    with pytest.raises(Forbidden):
        services.application_pay_first(actor=w.wu, application=app, amount="800", reason="夜间住房失火")
    with pytest.raises(NotFound):
        services.application_pay_first(actor=w.zhao, application=app, amount="800", reason="夜间住房失火")
    app.refresh_from_db()
    assert not app.paid_first

    pf = services.application_pay_first(actor=w.li, application=app, amount="800", reason="夜间住房失火，全家无处安身",
                                        today=dt.date(2026, 9, 30))
    assert pf.amount == Decimal("800") and pf.complete_by == dt.date(2026, 10, 20)  # 10 working days after 国庆
    assert list(selectors.paid_first_pending(w.li)) == [app]
    assert list(selectors.paid_first_pending(w.huang)) == [app]
    assert list(selectors.paid_first_pending(w.zhao)) == []
    with pytest.raises(Conflict, match="已先行救助，不能重复发放"):
        services.application_pay_first(actor=w.li, application=app, amount="100", reason="再次发放试试")

    # the flag stays while the status moves on, and the signed 授权书 is what completes the file
    services.application_accept(actor=w.li, application=app)
    with pytest.raises(Conflict, match="尚未上传申请家庭签字的授权书"):
        services.application_complete_file(actor=w.li, application=app)
    assert list(selectors.paid_first_pending(w.li)) == [app]
    services.application_attach(actor=w.li, application=app, kind="authorisation", upload=authorisation())
    services.application_complete_file(actor=w.li, application=app, note="补齐授权书和火灾证明")
    assert list(selectors.paid_first_pending(w.li)) == []
    with pytest.raises(Conflict, match="已于.*补齐手续"):
        services.application_complete_file(actor=w.li, application=app)
    actions = list(AuditEntry.objects.filter(object_type="application", object_id=str(app.pk))
                   .values_list("action", flat=True))
    assert actions == ["application.submit", "application.pay_first", "application.accept", "application.attach",
                       "application.complete_file"]


def test_only_emergency_temporary_assistance_may_pay_first(world):
    w = world
    with pytest.raises(Conflict, match="只有急难型临时救助可以先救助后说明"):
        services.application_pay_first(actor=w.li, application=submit_dibao(w), amount="500", reason="生活困难急需")
    household, (head, *_) = make_family(w, "邝志成", village=w.xiangdong)
    spending = services.application_submit(actor=w.li, programme="temporary", variant="expenditure",
                                           applicant=head, household=household, authorisation=authorisation())
    with pytest.raises(Conflict, match="只有急难型"):
        services.application_pay_first(actor=w.li, application=spending, amount="500", reason="住院费用过高")
    assert timezone.now() and not selectors.paid_first_pending(w.li).exists()
