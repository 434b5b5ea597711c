"""A year after the 陈 family's 低保 starts, 江海区 re-checks it: their income rises, then 陈大明 finds steady
work. Each change takes effect from the month after the 复核 and keeps every earlier month as it was."""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from minzheng.assistance import rechecks, services
from minzheng.assistance.facts import build_facts
from minzheng.assistance.models import Case, CaseChange, RecheckTask
from minzheng.core.audit import verify_chain
from minzheng.core.errors import Conflict, DomainError, NotFound
from minzheng.core.models import AuditEntry
from minzheng.core.periods import month_plus, next_month_start

from .stories import dibao_facts, submit_dibao, walk_to, world_fixture  # noqa: F401


@pytest.fixture
def enrolled(world):
    w = world
    app = walk_to(w, submit_dibao(w), "approving")
    case = services.application_approve(actor=w.huang, application=app, facts=dibao_facts(w, app))
    return w, case


def facts_on(w, case, on, incomes):
    f = build_facts(user=w.huang, household=case.household, on=on, urban_rural="urban", incomes=incomes,
                    assets=Decimal("0"))
    return dataclasses.replace(f, on=on)


def test_the_scheduler_opens_one_task_per_due_case_and_a_rerun_adds_none(enrolled):
    w, case = enrolled
    assert case.next_recheck is not None
    assert rechecks.recheck_schedule(on=case.next_recheck - dt.timedelta(days=1)) == 0
    assert rechecks.recheck_schedule(on=case.next_recheck) == 1
    assert rechecks.recheck_schedule(on=case.next_recheck + dt.timedelta(days=30)) == 0
    assert RecheckTask.objects.get().due_date == case.next_recheck


def test_a_smaller_gap_is_paid_from_the_month_after_the_recheck(enrolled):
    w, case = enrolled
    start = case.start_month
    assert rechecks.monthly_total(case, start) == Decimal("2100.00")  # (900 − 200) × 3
    rechecks.recheck_schedule(on=case.next_recheck)
    task = RecheckTask.objects.get()
    on = case.next_recheck
    change = rechecks.recheck_complete(actor=w.huang, task=task, facts=facts_on(w, case, on, {w.dad: "900",
                                                                                              w.mum: "300"}))
    effective = next_month_start(on)
    assert (change.kind, change.from_month) == (CaseChange.Kind.DECREASE, effective)
    assert (change.old_total, change.new_total) == (Decimal("2100.00"), Decimal("1500.00"))  # (900 − 400) × 3
    previous = month_plus(effective, -1)
    assert rechecks.monthly_total(case, previous) == Decimal("2100.00"), "the month before keeps its amount"
    assert rechecks.monthly_total(case, effective) == Decimal("1500.00")
    assert rechecks.monthly_total(case, start) == Decimal("2100.00"), "history is kept"
    case.refresh_from_db()
    assert case.next_recheck > on and RecheckTask.objects.get().status == "done"
    assert AuditEntry.objects.filter(action="assistance.case_decrease").exists()
    with pytest.raises(Conflict, match="已办结"):
        rechecks.recheck_complete(actor=w.huang, task=task, facts=facts_on(w, case, on, {w.dad: "0"}))
    assert verify_chain()[1] is None


def test_income_above_the_standard_stops_payment_from_the_next_month(enrolled):
    w, case = enrolled
    rechecks.recheck_schedule(on=case.next_recheck)
    on = case.next_recheck
    change = rechecks.recheck_complete(actor=w.huang, task=RecheckTask.objects.get(),
                                       facts=facts_on(w, case, on, {w.dad: "3000"}))
    effective = next_month_start(on)
    assert change.kind == CaseChange.Kind.STOP and change.new_total == 0
    case.refresh_from_db()
    assert case.status == Case.Status.EXITED and case.end_month == month_plus(effective, -1)
    assert rechecks.monthly_total(case, effective) == 0
    assert rechecks.monthly_total(case, case.end_month) == Decimal("2100.00")
    assert rechecks.recheck_schedule(on=on + dt.timedelta(days=400)) == 0, "an exited case is not re-checked"


def test_exit_needs_a_reason_a_first_of_month_and_the_right_person(enrolled):
    w, case = enrolled
    month = month_plus(case.start_month, 2)
    before = CaseChange.objects.count()
    with pytest.raises(DomainError, match="退出原因"):
        rechecks.case_exit(actor=w.huang, case=case, from_month=month, reason=" ")
    with pytest.raises(DomainError, match="1日"):
        rechecks.case_exit(actor=w.huang, case=case, from_month=month.replace(day=15), reason="迁出本区")
    with pytest.raises(NotFound):
        rechecks.case_exit(actor=w.liang, case=case, from_month=month, reason="迁出本区")
    assert CaseChange.objects.count() == before
    rechecks.case_exit(actor=w.huang, case=case, from_month=month, reason="全家迁出本区")
    with pytest.raises(Conflict, match="已于"):
        rechecks.case_exit(actor=w.huang, case=case, from_month=month_plus(month, 1), reason="重复")


def test_enrolment_and_exit_show_in_the_registry_categories(enrolled):
    """The 陈 family becomes 低保对象 from the first month paid, and stops being one when 停发 takes effect —
    which is what 两项补贴 and the plan indicators read."""
    from minzheng.registry.models import PersonCategory

    w, case = enrolled
    held = PersonCategory.objects.filter(category="dibao").order_by("person_id")
    assert [p.person_id for p in held] == sorted([w.dad.pk, w.mum.pk, w.son.pk])
    assert {p.valid_from for p in held} == {case.start_month} and all(p.valid_to is None for p in held)
    stop = month_plus(case.start_month, 3)
    rechecks.case_exit(actor=w.huang, case=case, from_month=stop, reason="家庭收入超过低保标准")
    assert {p.valid_to for p in held.all()} == {stop - dt.timedelta(days=1)}
