"""复核 and 退出: scheduled re-checks of enrolled cases, and the 增发 / 减发 / 停发 they lead to.

An amount change never edits an Entitlement in place: the ones in force end at the change month (to_month is
exclusive) and new ones start there, so every month's payroll sees exactly one version and history is kept.
"""

import dataclasses
import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils import timezone

from minzheng.accounts.roles import Cap
from minzheng.core import audit
from minzheng.core.errors import Conflict, DomainError
from minzheng.core.money import fen
from minzheng.core.periods import month_plus, month_start, next_month_start
from minzheng.core.scope import ensure_can
from minzheng.registry.models import PersonCategory

from .facts import build_facts
from .models import Case, CaseChange, Entitlement, RecheckTask
from .programmes.base import HouseholdFacts, get_programme


def in_force(case: Case, month: dt.date):
    """Entitlements paid for `month` (the same rule payroll uses)."""
    month = month_start(month)
    return case.entitlements.filter(from_month__lte=month).filter(Q(to_month__isnull=True) | Q(to_month__gt=month))


def monthly_total(case: Case, month: dt.date) -> Decimal:
    return in_force(case, month).aggregate(t=Sum("monthly_amount"))["t"] or Decimal("0.00")


def recheck_schedule(*, on: dt.date, actor=None, batch: int = 5000) -> int:
    """Open a task for every active case due by `on` that has none open. Idempotent: a rerun adds nothing."""
    due = (Case.objects.filter(status=Case.Status.ACTIVE, next_recheck__lte=on)
           .exclude(Exists(RecheckTask.objects.filter(case=OuterRef("pk"), status=RecheckTask.Status.OPEN)))
           .values_list("pk", "next_recheck"))
    created = 0
    with transaction.atomic():
        chunk = []
        for case_id, due_date in due.iterator(chunk_size=batch):
            chunk.append(RecheckTask(case_id=case_id, due_date=due_date))
            if len(chunk) >= batch:
                created += len(RecheckTask.objects.bulk_create(chunk))
                chunk = []
        created += len(RecheckTask.objects.bulk_create(chunk))
        if created:
            audit.record(actor=actor, action="assistance.recheck_schedule", object_type="recheck_task",
                         object_id=on.isoformat(), after={"created": created, "due_by": on})
    return created


def _apply(*, actor, case: Case, amounts, from_month: dt.date, reason: str, recheck: RecheckTask | None,
           stop: bool) -> CaseChange:
    old = monthly_total(case, from_month)
    current = list(in_force(case, from_month))
    if case.entitlements.filter(from_month__gte=from_month).exists():
        raise Conflict(f"该对象自{from_month:%Y年%m月}起已有金额版本，请从其后的月份调整", field="起始月份")
    Entitlement.objects.filter(pk__in=[e.pk for e in current]).update(to_month=from_month)
    new = [] if stop else [
        Entitlement(case=case, person_id=a.person_id, component=a.component, monthly_amount=fen(a.monthly_amount),
                    from_month=from_month, rule_version=a.rule_version[:200], explanation=a.explanation)
        for a in amounts]
    Entitlement.objects.bulk_create(new)
    new_total = sum((e.monthly_amount for e in new), Decimal("0.00"))
    kind = (CaseChange.Kind.STOP if stop else CaseChange.Kind.INCREASE if new_total > old
            else CaseChange.Kind.DECREASE if new_total < old else CaseChange.Kind.UNCHANGED)
    change = CaseChange.objects.create(case=case, kind=kind, from_month=from_month, old_total=old,
                                       new_total=new_total, reason=reason, recheck=recheck, created_by=actor)
    audit.record(actor=actor, action=f"assistance.case_{kind}", object_type="case", object_id=case.pk,
                 object_repr=f"{case.programme}:{case.head.name}", area_code=case.area.code,
                 before={"monthly_total": old}, after={"monthly_total": new_total, "from_month": from_month,
                                                       "reason": reason})
    return change


def _check(actor, case: Case, from_month: dt.date) -> dt.date:
    ensure_can(actor, case.area, Cap.ASSIST_APPROVE)
    if case.status == Case.Status.EXITED:
        raise Conflict(f"该对象已于{case.end_month:%Y年%m月}后退出，不能再调整", field="状态")
    if from_month.day != 1:
        raise DomainError("调整起始月份须为某月1日", field="起始月份")
    if from_month < case.start_month:
        raise DomainError("调整起始月份早于开始享受的月份", field="起始月份")
    return from_month


def case_exit(*, actor, case: Case, from_month: dt.date, reason: str, recheck: RecheckTask | None = None
              ) -> CaseChange:
    """停发 from `from_month` (the last month paid is the one before); history stays."""
    if not reason.strip():
        raise DomainError("请填写退出原因", field="原因")
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        _check(actor, case, from_month)
        change = _apply(actor=actor, case=case, amounts=(), from_month=from_month, reason=reason, recheck=recheck,
                        stop=True)
        case.status, case.end_month, case.next_recheck = Case.Status.EXITED, month_plus(from_month, -1), None
        case.save(update_fields=["status", "end_month", "next_recheck"])
        _end_category(case, from_month)
    return change


def _end_category(case: Case, from_month: dt.date) -> None:
    """Exit shows in the registry too: the category this case gave ends the day before `from_month` (the
    exit's audit entry, written by _apply, records the case and the month)."""

    persons = set(case.entitlements.values_list("person_id", flat=True))
    if case.household_id:
        persons |= set(case.household.memberships.filter(end_date__isnull=True).values_list("person_id", flat=True))
    PersonCategory.objects.filter(person_id__in=persons, category=case.programme, valid_to__isnull=True,
                                  valid_from__lt=from_month).update(valid_to=from_month - dt.timedelta(days=1))


def recheck_complete(*, actor, task: RecheckTask, facts: HouseholdFacts, note: str = "") -> CaseChange:
    """Decide a due 复核 on fresh facts: amounts change (增发/减发) or the case exits (停发) from the month after
    facts.on; the next 复核 date follows the programme's policy."""
    programme = get_programme(task.case.programme)
    decision = programme.assess(facts)
    from_month = next_month_start(facts.on)
    with transaction.atomic():
        task = RecheckTask.objects.select_for_update().select_related("case").get(pk=task.pk)
        if task.status != RecheckTask.Status.OPEN:
            raise Conflict("该复核任务已办结", field="状态")
        case = Case.objects.select_for_update().get(pk=task.case_id)
        _check(actor, case, from_month)
        reasons = "；".join(decision.reasons)
        if decision.eligible:
            change = _apply(actor=actor, case=case, amounts=decision.amounts, from_month=from_month,
                            reason=f"复核：{reasons}", recheck=task, stop=False)
            case.next_recheck = month_plus(from_month, programme.recheck_months(facts))
            case.save(update_fields=["next_recheck"])
        else:
            change = case_exit(actor=actor, case=case, from_month=from_month, reason=f"复核不再符合条件：{reasons}",
                               recheck=task)
        task.status, task.outcome, task.note = RecheckTask.Status.DONE, change.kind, note
        task.completed_at = timezone.now()
        task.save(update_fields=["status", "outcome", "note", "completed_at"])
    return change


def recheck_facts(user, case: Case, on: dt.date, **kwargs):
    """The household's facts for a 复核 decided on `on` (the figures found afresh)."""
    if case.household_id is None:
        raise DomainError("该救助对象未登记共同生活家庭，无法按家庭复核测算", code="no_household", field="家庭")
    return dataclasses.replace(build_facts(user=user, household=case.household, on=on, **kwargs), on=on)


def recheck_outcome(case: Case, decision, on: dt.date) -> dict:
    """What deciding now would do (nothing written): from which month, the total before and after, and whether
    it is 增发, 减发, 停发 or unchanged — the same rule recheck_complete applies."""
    from_month = next_month_start(on)
    old = monthly_total(case, from_month)
    new = decision.total.quantize(Decimal("0.01")) if decision.eligible else Decimal("0.00")
    kind = (CaseChange.Kind.STOP if not decision.eligible else CaseChange.Kind.INCREASE if new > old
            else CaseChange.Kind.DECREASE if new < old else CaseChange.Kind.UNCHANGED)
    return {"from_month": from_month, "old_total": old, "new_total": new, "kind": kind,
            "kind_label": CaseChange.Kind(kind).label}


def stop_on_death(*, actor, person, death_date: dt.date) -> list[CaseChange]:
    """A death recorded anywhere ends the person's payments from the month after it, in every programme and area:
    a case paying only them exits (停发), a household case pays the others on (减发). The death record itself was
    checked by the caller (funeral.services.death_record); this is the registry-wide consequence, so no area check
    here. Idempotent: entitlements already ended by then are left alone."""
    from_month = next_month_start(death_date)
    reason = f"{person.name}于{death_date.isoformat()}死亡，自{from_month:%Y年%m月}起停发"
    case_ids = (Entitlement.objects.filter(person=person).filter(Q(to_month__isnull=True) | Q(to_month__gt=from_month))
                .values_list("case_id", flat=True).distinct())
    changes = []
    with transaction.atomic():
        for case in Case.objects.select_for_update().filter(pk__in=list(case_ids)).exclude(
                status=Case.Status.EXITED).order_by("pk"):
            month = max(from_month, case.start_month)
            others = [e for e in in_force(case, month) if e.person_id != person.pk]
            if others:
                changes.append(_apply(actor=actor, case=case, amounts=others, from_month=month, reason=reason,
                                      recheck=None, stop=False))
                continue
            changes.append(_apply(actor=actor, case=case, amounts=(), from_month=month, reason=reason, recheck=None,
                                  stop=True))
            case.status, case.end_month, case.next_recheck = Case.Status.EXITED, month_plus(month, -1), None
            case.save(update_fields=["status", "end_month", "next_recheck"])
            _end_category(case, month)
    return changes
