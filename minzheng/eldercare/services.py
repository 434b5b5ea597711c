"""大养老 writes: one function per state change, each checking, writing and auditing in one transaction.

A bad input raises a DomainError naming the field in Chinese before anything is written; a step taken at the
wrong time raises a Conflict. Nothing is ever half-written.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area
from minzheng.core import audit
from minzheng.core.errors import Conflict, DomainError
from minzheng.core.periods import age_on, month_start, same_day_months_later
from minzheng.core.scope import can_access_area, ensure_can
from minzheng.registry import services as registry
from minzheng.registry.models import Person, PersonCategory

from . import rules, selectors
from .models import Assessment, EmergencyCall, Visit, VisitDue
from .ruleset import ruleset_on, score


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _text(value: str, label: str, *, min_len: int = 1, max_len: int = 2000) -> str:
    value = (value or "").strip()
    if len(value) < min_len:
        raise DomainError(f"{label}未填写" if min_len == 1 else f"{label}至少{min_len}个字", field=label)
    if len(value) > max_len:
        raise DomainError(f"{label}过长（最多{max_len}字）", field=label)
    return value


def _check_elder(person: Person, on: dt.date, what: str) -> int:
    if person.death_date is not None and person.death_date <= on:
        raise DomainError(f"{person.name}已于{person.death_date.isoformat()}死亡，不能{what}", code="deceased",
                          field="老年人")
    limit = selectors.elderly_from(on, person.residence_area)
    age = age_on(person.birth_date, on)
    if age < limit:
        raise DomainError(f"{person.name}在{on.isoformat()}为{age}周岁，未满{limit}周岁，不属于老年人",
                          code="not_elderly", field="老年人")
    return age


# --- categories (stored in the registry) ---------------------------------------------------------------

def elder_category_add(*, actor: User, person: Person, category: str, valid_from: dt.date, note: str = "",
                       today: dt.date | None = None) -> PersonCategory:
    """独居/空巢/农村留守/计生特殊家庭: a registry category row. Derived categories (特困, 失能, 高龄 …) are refused:
    they follow their source."""
    ensure_can(actor, person.residence_area, Cap.ELDER_EDIT)
    rule = rules.category(category)
    if rule.source != "registry":
        raise DomainError(f"“{rule.label}”由{rules.SOURCES[rule.source]}自动确定，无需登记", code="derived_category",
                          field="类别")
    if valid_from > _today(today):
        raise DomainError("起始日期不能晚于今天", field="起始日期")
    _check_elder(person, valid_from, f"登记为{rule.label}")
    return registry.category_add(actor=actor, person=person, category=rule.param, valid_from=valid_from,
                                 note=_text(note, "依据/备注", min_len=0, max_len=200))


def elder_category_end(*, actor: User, person_category: PersonCategory, valid_to: dt.date, reason: str = ""
                       ) -> PersonCategory:
    ensure_can(actor, person_category.person.residence_area, Cap.ELDER_EDIT)
    return registry.category_end(actor=actor, person_category=person_category, valid_to=valid_to, reason=reason)


# --- 老年人能力评估 ---------------------------------------------------------------------------------------

def _check_assessor(user: User | None, person: Person, label: str) -> User:
    if user is None or not getattr(user, "pk", None):
        raise DomainError(f"{label}未填写", code="missing_assessor", field=label)
    if not user.is_active or not user.can(Cap.ELDER_ASSESSOR):
        raise DomainError(f"{label}{user.display_name or user.username}不具备老年人能力评估资格", code="not_assessor",
                          field=label)
    if not can_access_area(user, person.residence_area):
        raise DomainError(f"{label}{user.display_name or user.username}不负责{person.name}所在地区的评估",
                          code="assessor_out_of_area", field=label)
    return user


def assessment_record(*, actor: User, person: Person, reason: str, assessed_on: dt.date, assessor_1: User | None,
                      assessor_2: User | None, answers: dict, coma: bool = False, diagnosis: bool = False,
                      diagnosis_note: str = "", risk_events: int = 0, today: dt.date | None = None) -> Assessment:
    """Record one assessment: all 26 items scored by two distinct assessors; the ruleset in force on the date
    gives the total, levels, adjustments, care level and next due date. Nothing is written on any error."""
    ensure_can(actor, person.residence_area, Cap.ELDER_ASSESS)
    today = _today(today)
    if not isinstance(assessed_on, dt.date):
        raise DomainError("评估日期未填写", field="评估日期")
    if assessed_on > today:
        raise DomainError(f"评估日期{assessed_on.isoformat()}晚于今天", code="future_date", field="评估日期")
    if reason not in Assessment.Reason.values:
        raise DomainError(f"评估原因“{reason}”无效，应为{'、'.join(Assessment.Reason.labels)}", field="评估原因")
    _check_elder(person, assessed_on, "评估")
    assessor_1 = _check_assessor(assessor_1, person, "评估员一")
    assessor_2 = _check_assessor(assessor_2, person, "评估员二")
    if assessor_1.pk == assessor_2.pk:
        raise DomainError(f"两名评估员不能是同一人（{assessor_1.display_name or assessor_1.username}）",
                          code="same_assessor", field="评估员二")
    rs = ruleset_on(assessed_on)
    result = score(rs, answers, coma=coma, diagnosis=diagnosis, risk_events=risk_events)
    if diagnosis and not (diagnosis_note or "").strip():
        raise DomainError("已勾选确诊痴呆或精神和行为障碍，请填写诊断说明（病名、诊断医院）", field="诊断说明")
    label, months, _status = rs.intervals[reason]
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()  # one assessment write per person at a time
        previous = Assessment.objects.filter(person=person, status=Assessment.Status.VALID).exists()
        if reason == Assessment.Reason.INITIAL and previous:
            raise DomainError(f"{person.name}已有有效的能力评估，本次应选择常规评估、即时评估或复评", code="not_first",
                              field="评估原因")
        if reason != Assessment.Reason.INITIAL and not previous:
            raise DomainError(f"{person.name}尚无有效的能力评估，本次应选择首次评估", code="no_previous",
                              field="评估原因")
        a = Assessment.objects.create(
            number=f"TMP-{uuid.uuid4().hex[:20]}", person=person, area=person.residence_area, ruleset=result.ruleset,
            reason=reason, assessed_on=assessed_on, next_due=same_day_months_later(assessed_on, months),
            assessor_1=assessor_1, assessor_2=assessor_2, answers=result.answers, part_scores=result.part_scores,
            total=result.total, coma=bool(coma), diagnosis=bool(diagnosis),
            diagnosis_note=(diagnosis_note or "").strip()[:200], risk_events=risk_events,
            initial_level=result.initial_level, final_level=result.final_level, adjustments=list(result.applied),
            self_care=result.self_care, explanation=result.explanation, recorded_by=actor,
            recorded_at=timezone.now())
        a.number = f"PG{assessed_on:%Y}{a.pk:07d}"
        a.save(update_fields=["number"])
        audit.record(actor=actor, action="eldercare.assessment_record", object_type="assessment", object_id=a.pk,
                     object_repr=f"{a.number} {person.name}", area_code=person.residence_area.code,
                     after={"person": person.pk, "ruleset": a.ruleset, "reason": reason, "assessed_on": assessed_on,
                            "assessors": [assessor_1.pk, assessor_2.pk], "answers": a.answers, "total": a.total,
                            "initial_level": a.initial_level, "final_level": a.final_level,
                            "adjustments": a.adjustments, "self_care": a.self_care, "next_due": a.next_due})
    return a


def assessment_void(*, actor: User, assessment: Assessment, reason: str) -> Assessment:
    """作废 a wrongly entered assessment; the previous valid one becomes the source again."""
    ensure_can(actor, assessment.area, Cap.ELDER_ASSESS)
    reason = _text(reason, "作废原因", min_len=4, max_len=500)
    with transaction.atomic():
        a = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if a.status == Assessment.Status.VOID:
            raise Conflict(f"评估{a.number}已作废", code="already_void", field="作废原因")
        a.status, a.void_reason = Assessment.Status.VOID, reason
        a.save(update_fields=["status", "void_reason"])
        audit.record(actor=actor, action="eldercare.assessment_void", object_type="assessment", object_id=a.pk,
                     object_repr=a.number, area_code=a.area.code, before={"status": "valid"},
                     after={"status": "void", "reason": reason})
    return a


# --- visits -------------------------------------------------------------------------------------------

def visit_plan_month(*, actor: User | None, area: Area, month: dt.date) -> int:
    """Put every 特殊困难老年人 living in `area` on the month's due list (as of the month's first day).

    Set-based and idempotent: a rerun adds only people who became due since; existing rows are kept.
    actor None is the monthly system job (manage.py plan_visits), which has no user and no area limit."""
    if actor is not None:
        ensure_can(actor, area, Cap.ELDER_VISIT)
    month = month_start(month)
    qs = (selectors.annotate_categories(selectors.elders_base(month), month)
          .filter(residence_area__in=Area.objects.within(area).values("id"), is_special=True)
          .exclude(pk__in=VisitDue.objects.filter(month=month).values("person_id")))
    special = [r for r in rules.categories_on(month) if r.special]
    rows = []
    for p in qs.only("id", "residence_area_id").iterator(chunk_size=2000):
        reasons = "、".join(r.label for r in special if getattr(p, f"cat_{r.code}"))
        rows.append(VisitDue(person_id=p.pk, month=month, area_id=p.residence_area_id, reasons=reasons[:200]))
    with transaction.atomic():
        VisitDue.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
        audit.record(actor=actor, action="eldercare.visit_plan", object_type="area", object_id=area.pk,
                     object_repr=area.name, area_code=area.code,
                     after={"month": month, "added": len(rows)})
    return len(rows)


def visit_record(*, actor: User, person: Person, visited_on: dt.date, mode: str, findings: str,
                 needs_followup: bool = False, today: dt.date | None = None) -> Visit:
    ensure_can(actor, person.residence_area, Cap.ELDER_VISIT)
    modes = {m.code: m for m in rules.visit_modes()}
    if mode not in modes:
        raise DomainError(f"探访方式“{mode}”无效，应为{'、'.join(m.label for m in modes.values())}", field="探访方式")
    if not isinstance(visited_on, dt.date):
        raise DomainError("探访日期未填写", field="探访日期")
    if visited_on > _today(today):
        raise DomainError(f"探访日期{visited_on.isoformat()}晚于今天", code="future_date", field="探访日期")
    _check_elder(person, visited_on, "登记探访")
    findings = _text(findings, "探访情况", min_len=4)
    with transaction.atomic():
        v = Visit.objects.create(person=person, area=person.residence_area, visited_on=visited_on, mode=mode,
                                 visitor=actor, findings=findings, needs_followup=needs_followup,
                                 recorded_at=timezone.now())
        linked = 0
        if modes[mode].counts:
            linked = VisitDue.objects.filter(person=person, month=month_start(visited_on),
                                             visit__isnull=True).update(visit=v)
        audit.record(actor=actor, action="eldercare.visit_record", object_type="visit", object_id=v.pk,
                     object_repr=person.name, area_code=person.residence_area.code,
                     after={"person": person.pk, "visited_on": visited_on, "mode": mode,
                            "needs_followup": needs_followup, "counts_for_month": bool(linked)})
    return v


# --- emergency calls ----------------------------------------------------------------------------------

_SKEW = dt.timedelta(minutes=2)  # clocks of the desk's PCs may run a little ahead of the server


def _when(at: dt.datetime | None, label: str, after: dt.datetime | None, after_label: str) -> dt.datetime:
    now = timezone.now()
    at = at or now
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if at > now + _SKEW:
        raise DomainError(f"{label}不能晚于当前时间", code="future_time", field=label)
    if after is not None and at < after:
        raise DomainError(f"{label}（{timezone.localtime(at):%Y-%m-%d %H:%M}）早于{after_label}"
                          f"（{timezone.localtime(after):%Y-%m-%d %H:%M}）", code="time_order", field=label)
    return at


def _call_audit(actor: User, call: EmergencyCall, action: str, before: dict, after: dict) -> None:
    audit.record(actor=actor, action=f"eldercare.call_{action}", object_type="emergency_call", object_id=call.pk,
                 object_repr=f"{call.number} {call.person.name}", area_code=call.area.code, before=before,
                 after=after)


def _lock_call(call: EmergencyCall, allowed: list[str], doing: str) -> EmergencyCall:
    c = EmergencyCall.objects.select_for_update().select_related("person", "area").get(pk=call.pk)
    if c.status not in allowed:
        raise Conflict(f"呼叫{c.number}当前为“{c.get_status_display()}”，不能{doing}", code="wrong_status")
    return c


def call_intake(*, actor: User, person: Person, channel: str, kind: str, description: str,
                received_at: dt.datetime | None = None) -> EmergencyCall:
    """接警: an elder's call taken in at the desk."""
    ensure_can(actor, person.residence_area, Cap.ELDER_CALL)
    if channel not in EmergencyCall.Channel.values:
        raise DomainError(f"呼叫渠道“{channel}”无效，应为{'、'.join(EmergencyCall.Channel.labels)}", field="呼叫渠道")
    kinds = rules.call_kinds()
    if kind not in kinds:
        raise DomainError(f"事件类型“{kind}”无效，应为{'、'.join(kinds.values())}", field="事件类型")
    description = _text(description, "呼叫内容", min_len=2)
    at = _when(received_at, "接警时间", None, "")
    if person.death_date is not None and person.death_date < timezone.localtime(at).date():
        raise DomainError(f"{person.name}已登记死亡，请核对呼叫人身份", code="deceased", field="老年人")
    with transaction.atomic():
        c = EmergencyCall.objects.create(number=f"TMP-{uuid.uuid4().hex[:20]}", person=person,
                                         area=person.residence_area, channel=channel, kind=kind,
                                         description=description, received_at=at, taken_by=actor)
        c.number = f"HJ{timezone.localtime(at):%Y%m%d}{c.pk:06d}"
        c.save(update_fields=["number"])
        _call_audit(actor, c, "intake", {}, {"status": c.status, "kind": kind, "channel": channel,
                                             "received_at": at})
    return c


def call_dispatch(*, actor: User, call: EmergencyCall, dispatched_to: str, at: dt.datetime | None = None
                  ) -> EmergencyCall:
    """派单: to 120, family, the village, a provider's worker …"""
    ensure_can(actor, call.area, Cap.ELDER_CALL)
    dispatched_to = _text(dispatched_to, "派往", max_len=100)
    with transaction.atomic():
        c = _lock_call(call, [EmergencyCall.Status.RECEIVED], "派单")
        at = _when(at, "派单时间", c.received_at, "接警时间")
        before = {"status": c.status}
        c.status, c.dispatched_at, c.dispatched_to, c.dispatched_by = (EmergencyCall.Status.DISPATCHED, at,
                                                                       dispatched_to, actor)
        c.save(update_fields=["status", "dispatched_at", "dispatched_to", "dispatched_by"])
        _call_audit(actor, c, "dispatch", before, {"status": c.status, "dispatched_to": dispatched_to,
                                                   "dispatched_at": at})
    return c


def call_arrive(*, actor: User, call: EmergencyCall, responder: str, at: dt.datetime | None = None) -> EmergencyCall:
    """到达: someone is with the elder; the response time (接警 → 到达) is fixed here."""
    ensure_can(actor, call.area, Cap.ELDER_CALL)
    responder = _text(responder, "到场人员", max_len=100)
    with transaction.atomic():
        c = _lock_call(call, [EmergencyCall.Status.DISPATCHED], "登记到达")
        at = _when(at, "到达时间", c.dispatched_at, "派单时间")
        before = {"status": c.status}
        c.status, c.arrived_at, c.responder = EmergencyCall.Status.ARRIVED, at, responder
        c.response_seconds = int((at - c.received_at).total_seconds())
        c.save(update_fields=["status", "arrived_at", "responder", "response_seconds"])
        _call_audit(actor, c, "arrive", before, {"status": c.status, "responder": responder, "arrived_at": at,
                                                 "response_seconds": c.response_seconds})
    return c


def call_close(*, actor: User, call: EmergencyCall, outcome: str, at: dt.datetime | None = None) -> EmergencyCall:
    """结案 with the outcome. A call closed before anyone arrived (误触, resolved by phone) has no response time."""
    ensure_can(actor, call.area, Cap.ELDER_CALL)
    outcome = _text(outcome, "处置结果", min_len=2)
    with transaction.atomic():
        c = _lock_call(call, [EmergencyCall.Status.RECEIVED, EmergencyCall.Status.DISPATCHED,
                              EmergencyCall.Status.ARRIVED], "结案")
        last, last_label = ((c.arrived_at, "到达时间") if c.arrived_at else (c.dispatched_at, "派单时间")
                            if c.dispatched_at else (c.received_at, "接警时间"))
        at = _when(at, "结案时间", last, last_label)
        before = {"status": c.status}
        c.status, c.closed_at, c.outcome, c.closed_by = EmergencyCall.Status.CLOSED, at, outcome, actor
        c.save(update_fields=["status", "closed_at", "outcome", "closed_by"])
        _call_audit(actor, c, "close", before, {"status": c.status, "outcome": outcome, "closed_at": at})
    return c
