"""大儿童保障 writes: one function per state change, each checking, writing and auditing in one transaction.

Bad input raises a DomainError naming the field in Chinese before anything is written; a step at the wrong time a
Conflict; a case the actor may not know a NotFound (the same answer as an id that does not exist).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area, Level
from minzheng.core import audit
from minzheng.core.errors import Conflict, DomainError, NotFound
from minzheng.core.periods import add_workdays, age_on, check_not_before_records, local_date
from minzheng.core.scope import can_access_area, ensure_can, require
from minzheng.registry import services as registry
from minzheng.registry.models import Person

from . import rules, selectors
from .models import (
    STATE_KINDS,
    Adoption,
    Appointment,
    Assessment,
    CaseAccess,
    CaseEvent,
    CaseWorker,
    ChildCase,
    ChildFile,
    EventKind,
    Guardian,
    GuardianKind,
    Org,
    OrgKind,
    Placement,
    Post,
    Referral,
    Report,
    StateCare,
    Training,
    Visit,
)


def _today(today: dt.date | None) -> dt.date:
    return today or local_date()


def _text(value: str | None, label: str, *, min_len: int = 1, max_len: int = 2000) -> str:
    value = (value or "").strip()
    if "\x00" in value:  # PostgreSQL refuses it in text and in JSON alike
        raise DomainError(f"{label}含有不可见的空字符，请删除后重试", field=label)
    if len(value) < min_len:
        raise DomainError(f"{label}未填写" if min_len == 1 else f"{label}至少{min_len}个字", field=label)
    if len(value) > max_len:
        raise DomainError(f"{label}过长（最多{max_len}字）", field=label)
    return value


def _date(value: Any, label: str, *, today: dt.date, future_ok: bool = False) -> dt.date:
    if not isinstance(value, dt.date):
        raise DomainError(f"{label}未填写", field=label)
    if not future_ok and value > today:
        raise DomainError(f"{label}{value.isoformat()}晚于今天，不能登记未发生的事", code="future_date", field=label)
    return check_not_before_records(value, field=label, label=label)


def _check_child(person: Person, on: dt.date, what: str) -> None:
    """Under the age of majority (data/children/params.csv) and alive on `on`."""
    limit = rules.child_age_limit()
    if person.birth_date > on:
        raise DomainError(f"{person.name}在{on.isoformat()}尚未出生", field="儿童")
    age = age_on(person.birth_date, on)
    if age >= limit:
        raise DomainError(f"{person.name}在{on.isoformat()}已满{age}周岁，不是未满{limit}周岁的儿童，不能{what}",
                          code="not_a_child", field="儿童")
    if person.death_date is not None and person.death_date <= on:
        raise DomainError(f"{person.name}已于{person.death_date.isoformat()}死亡，不能{what}", field="儿童")


def _worker(actor: User, area: Area, on: dt.date, capability: str = Cap.CHILD_WORK) -> None:
    """In scope, with the right, and holding a child-welfare appointment."""
    ensure_can(actor, area, capability)
    if not selectors.is_child_worker(actor, on):
        raise NotFound()


def _case(actor: User, case: ChildCase, on: dt.date) -> ChildCase:
    """The actor must know the case (need-to-know) and may work on it; locks the case row for the write."""
    require(actor, Cap.CHILD_WORK)
    if not selectors.cases_for(actor, on=on).filter(pk=case.pk).exists():
        raise NotFound()
    return ChildCase.objects.select_for_update().get(pk=case.pk)


def _audit(actor: User, action: str, obj: Any, area: Area, repr_: str, after: dict | None = None,
           before: dict | None = None) -> None:
    audit.record(actor=actor, action=f"children.{action}", object_type=type(obj).__name__.lower(), object_id=obj.pk,
                 object_repr=repr_, area_code=area.code, before=before, after=after)


# --- organisations and workforce ---------------------------------------------------------------------------

def org_create(*, actor: User, name: str, kind: str, area: Area, opened_on: dt.date,
               today: dt.date | None = None) -> Org:
    ensure_can(actor, area, Cap.CHILD_MANAGE)
    if kind not in OrgKind.values:
        raise DomainError(f"机构类型“{kind}”无效", field="类型")
    name = _text(name, "名称", max_len=100)
    opened_on = _date(opened_on, "设立日期", today=_today(today))
    if kind == OrgKind.STATION and area.level != Level.TOWN:
        raise DomainError("未成年人保护工作站应设在乡镇（街道）", field="所在区域")
    with transaction.atomic():
        if Org.objects.filter(name=name, area=area).exists():
            raise Conflict(f"{area.name}已有名为“{name}”的机构", field="名称")
        org = Org.objects.create(name=name, kind=kind, area=area, opened_on=opened_on)
        _audit(actor, "org_create", org, area, name, {"kind": kind, "opened_on": opened_on})
    return org


_POST_LEVEL: dict[str, str] = {Post.DIRECTOR: Level.VILLAGE, Post.SUPERVISOR: Level.TOWN}


def appointment_create(*, actor: User, post: str, name: str, area: Area, start_date: dt.date,
                       user: User | None = None, phone: str = "", org: Org | None = None, full_time: bool = False,
                       today: dt.date | None = None) -> Appointment:
    """儿童主任 for a village, 儿童督导员 for a town, centre staff for a 救助保护中心/儿童福利机构 (its area)."""
    ensure_can(actor, area, Cap.CHILD_MANAGE)
    if post not in Post.values:
        raise DomainError(f"岗位“{post}”无效，应为{'、'.join(Post.labels)}", field="岗位")
    start_date = _date(start_date, "任职日期", today=_today(today))
    name = _text(name, "姓名", max_len=64)
    if post in _POST_LEVEL and area.level != _POST_LEVEL[post]:
        raise DomainError(f"{Post(post).label}应任职于{Level(_POST_LEVEL[post]).label}，“{area.name}”不是",
                          field="负责区域")
    if post == Post.CENTRE:
        if org is None or org.kind not in (OrgKind.CENTRE, OrgKind.WELFARE_HOME):
            raise DomainError("救助保护中心工作人员须选择所在的救助保护中心或儿童福利机构", field="所在机构")
        area = org.area
    if user is not None and not can_access_area(user, area):
        raise DomainError(f"账号{user.display_name or user.username}的管辖区域不包括{area.name}", field="平台账号")
    with transaction.atomic():
        a = Appointment.objects.create(post=post, name=name, phone=(phone or "").strip()[:20], user=user, area=area,
                                       org=org, full_time=full_time, start_date=start_date)
        _audit(actor, "appointment_create", a, area, f"{a.get_post_display()} {name}",
               {"post": post, "user": user.pk if user else None, "start_date": start_date})
    return a


def appointment_end(*, actor: User, appointment: Appointment, end_date: dt.date, today: dt.date | None = None
                    ) -> Appointment:
    ensure_can(actor, appointment.area, Cap.CHILD_MANAGE)
    end_date = _date(end_date, "离任日期", today=_today(today), future_ok=True)
    if end_date < appointment.start_date:
        raise DomainError("离任日期早于任职日期", field="离任日期")
    with transaction.atomic():
        appointment.end_date = end_date
        appointment.save(update_fields=["end_date"])
        _audit(actor, "appointment_end", appointment, appointment.area, appointment.name, {"end_date": end_date})
    return appointment


def training_record(*, actor: User, appointment: Appointment, held_on: dt.date, topic: str, hours: str | float,
                    today: dt.date | None = None) -> Training:
    ensure_can(actor, appointment.area, Cap.CHILD_MANAGE)
    from decimal import Decimal, InvalidOperation

    held_on = _date(held_on, "培训日期", today=_today(today))
    try:
        h = Decimal(str(hours))
    except InvalidOperation:
        raise DomainError("学时应为数字", field="学时") from None
    if not Decimal("0.5") <= h <= Decimal("200"):
        raise DomainError("学时应在0.5至200之间", field="学时")
    with transaction.atomic():
        topic = _text(topic, "培训内容", max_len=100)
        t = Training.objects.create(appointment=appointment, held_on=held_on, topic=topic, hours=h)
        _audit(actor, "training_record", t, appointment.area, appointment.name, {"held_on": held_on, "hours": h})
    return t


# --- the child's file --------------------------------------------------------------------------------------

def child_file_save(*, actor: User, person: Person, school: str = "", grade: str = "", health_note: str = "",
                    serious_illness: bool = False, guardianship_improper: bool = False,
                    today: dt.date | None = None) -> ChildFile:
    """Register a person of the registry as a child (their file) or update the file. An adult is refused."""
    today = _today(today)
    _worker(actor, person.residence_area, today)
    _check_child(person, today, "登记儿童档案")
    values = {"school": _text(school, "就读学校", min_len=0, max_len=100), "grade": _text(grade, "年级", min_len=0,
                                                                                        max_len=20),
              "health_note": _text(health_note, "健康状况", min_len=0, max_len=200),
              "serious_illness": bool(serious_illness), "guardianship_improper": bool(guardianship_improper)}
    with transaction.atomic():
        f, created = ChildFile.objects.update_or_create(person=person, defaults=values)
        _audit(actor, "file_save", f, person.residence_area, person.name, values)
    return f


def child_register(*, actor: User, id_number: str, name: str, residence_area: Area, hukou_area: Area | None = None,
                   address: str = "", school: str = "", today: dt.date | None = None) -> Person:
    """A child not yet in the registry: the registry person and the child's file in one step (one person, one
    record: the registry refuses a second 身份证号)."""
    from minzheng.core.idcard import parse_id_number

    today = _today(today)
    _worker(actor, residence_area, today)
    info = parse_id_number(id_number, today=today)
    limit = rules.child_age_limit()
    if age_on(info.birth_date, today) >= limit:
        raise DomainError(f"身份证号显示{name}已满{age_on(info.birth_date, today)}周岁，不是未满{limit}周岁的儿童，"
                          "不能登记为儿童", code="not_a_child", field="身份证号")
    with transaction.atomic():
        person = registry.person_create(actor=actor, id_number=id_number, name=name, residence_area=residence_area,
                                        hukou_area=hukou_area or residence_area, address=address, today=today)
        child_file_save(actor=actor, person=person, school=school, today=today)
    return person


def guardian_add(*, actor: User, child: Person, kind: str, relation: str, valid_from: dt.date,
                 person: Person | None = None, org: Org | None = None, valid_to: dt.date | None = None,
                 today: dt.date | None = None) -> Guardian:
    """A guardian of one kind over a period; two guardians of one kind may not overlap."""
    today = _today(today)
    _worker(actor, child.residence_area, today)
    if kind not in GuardianKind.values:
        raise DomainError(f"监护类型“{kind}”无效", field="监护类型")
    valid_from = _date(valid_from, "起始日期", today=today)
    if valid_to is not None and valid_to < valid_from:
        raise DomainError("终止日期早于起始日期", field="终止日期")
    _check_child(child, valid_from, "登记监护人")
    if (person is None) == (org is None):
        raise DomainError("请选择监护人（个人）或监护机构之一", field="监护人")
    if kind in STATE_KINDS and org is None:
        raise DomainError("国家监护的监护人应为救助保护中心或儿童福利机构", field="监护机构")
    if person is not None and person.pk == child.pk:
        raise DomainError("儿童不能是自己的监护人", field="监护人")
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=child.pk).first()
        clash = Guardian.objects.filter(child=child, kind=kind).exclude(valid_to__lt=valid_from)
        if valid_to is not None:
            clash = clash.exclude(valid_from__gt=valid_to)
        other = clash.first()
        if other is not None:
            end = other.valid_to.isoformat() if other.valid_to else "今"
            raise DomainError(f"{child.name}在{other.valid_from.isoformat()}至{end}已有{other.get_kind_display()}"
                              f"的监护人{other.who}，同一类型的监护人期间不能重叠", code="guardian_overlap",
                              field="起始日期")
        g = Guardian.objects.create(child=child, kind=kind, person=person, org=org,
                                    relation=_text(relation, "与儿童关系", max_len=32), valid_from=valid_from,
                                    valid_to=valid_to)
        _audit(actor, "guardian_add", g, child.residence_area, f"{child.name}的监护人{g.who}",
               {"kind": kind, "valid_from": valid_from, "valid_to": valid_to})
    return g


def guardian_end(*, actor: User, guardian: Guardian, valid_to: dt.date, reason: str,
                 today: dt.date | None = None) -> Guardian:
    today = _today(today)
    _worker(actor, guardian.child.residence_area, today)
    valid_to = _date(valid_to, "终止日期", today=today)
    if valid_to < guardian.valid_from:
        raise DomainError("终止日期早于起始日期", field="终止日期")
    if guardian.valid_to is not None:
        raise Conflict("该监护关系已终止", field="终止日期")
    with transaction.atomic():
        guardian.valid_to, guardian.end_reason = valid_to, _text(reason, "终止原因", max_len=200)
        guardian.save(update_fields=["valid_to", "end_reason"])
        _audit(actor, "guardian_end", guardian, guardian.child.residence_area, guardian.who,
               {"valid_to": valid_to, "reason": guardian.end_reason})
    return guardian


# --- visits ------------------------------------------------------------------------------------------------

VISIT_MODES = {"home": "入户走访", "phone": "电话随访", "school": "到校走访"}


def visit_record(*, actor: User, child: Person, visited_on: dt.date, mode: str, findings: str,
                 concern: bool = False, today: dt.date | None = None) -> Visit:
    today = _today(today)
    _worker(actor, child.residence_area, today)
    visited_on = _date(visited_on, "走访日期", today=today)
    _check_child(child, visited_on, "登记走访")
    if mode not in VISIT_MODES:
        raise DomainError(f"走访方式“{mode}”无效，应为{'、'.join(VISIT_MODES.values())}", field="走访方式")
    with transaction.atomic():
        v = Visit.objects.create(child=child, area=child.residence_area, visitor=actor, visited_on=visited_on,
                                 mode=mode, findings=_text(findings, "走访情况", min_len=4), concern=bool(concern))
        _audit(actor, "visit_record", v, child.residence_area, child.name,
               {"visited_on": visited_on, "mode": mode, "concern": v.concern})
    return v


# --- mandatory reports and cases ---------------------------------------------------------------------------

def _number(prefix: str, on: dt.date, pk: int) -> str:
    return f"{prefix}{on:%Y%m%d}{pk:06d}"


def report_file(*, actor: User, child: Person, source: str, what: str, location: str, priority: str,
                reporter_name: str = "", reporter_org: str = "", reporter_phone: str = "", anonymous: bool = False,
                now: dt.datetime | None = None) -> Report:
    """强制报告 intake. A report about a child with an open case joins that case as a duplicate (linked to the first
    report, not counted again); otherwise a case opens, worked by the receiving worker and the child's 儿童主任."""
    now = now or timezone.now()
    on = local_date(now)
    _worker(actor, child.residence_area, on)
    _check_child(child, on, "接收强制报告")
    sources = rules.report_sources()
    if source not in sources:
        raise DomainError(f"报告来源“{source}”无效，应为{'、'.join(sources.values())}", field="报告来源")
    p = rules.priority(priority)
    what, location = _text(what, "情况", min_len=4), _text(location, "发生地点", max_len=200)
    if anonymous:
        reporter_name = reporter_org = reporter_phone = ""
    elif not (reporter_name or "").strip():
        raise DomainError("请填写报告人姓名，或勾选匿名报告", field="报告人")
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=child.pk).first()  # one intake per child at a time
        case = None
        first = None
        for c in ChildCase.objects.filter(child=child).order_by("-id"):
            if selectors.case_state(c, on=on).open:
                case = c
                first = c.reports.order_by("id").first()
                break
        if case is None:
            case = ChildCase.objects.create(number=f"TMP{uuid.uuid4().hex[:20]}", child=child,
                                            area=child.residence_area, opened_on=on, priority=priority)
            case.number = _number("GA", on, case.pk)
            case.save(update_fields=["number"])
            _assign_initial(case, actor, on)
            _audit(actor, "case_open", case, case.area, f"{case.number} {child.name}", {"priority": priority})
        r = Report.objects.create(
            number=f"TMP{uuid.uuid4().hex[:20]}", source=source, anonymous=bool(anonymous),
            reporter_name=_text(reporter_name, "报告人", min_len=0, max_len=64),
            reporter_org=_text(reporter_org, "报告单位", min_len=0, max_len=100),
            reporter_phone=_text(reporter_phone, "报告人电话", min_len=0, max_len=20), child=child,
            area=child.residence_area, what=what, location=location, priority=priority, received_at=now,
            received_on=on, verify_due=add_workdays(on, p.verify_workdays),
            emergency_due=add_workdays(on, p.emergency_workdays) if p.emergency_workdays is not None else None,
            case=case, duplicate_of=first, received_by=actor)
        r.number = _number("BG", on, r.pk)
        r.save(update_fields=["number"])
        # the reporter's identity stays out of the audit trail's readable fields: only the centre may know it
        _audit(actor, "report_file", r, case.area, f"{r.number} {child.name}",
               {"case": case.number, "source": source, "priority": priority, "anonymous": r.anonymous,
                "duplicate_of": first.number if first else None})
    return r


def _assign_initial(case: ChildCase, actor: User, on: dt.date) -> None:
    users: dict[int, str] = {actor.pk: "lead"}
    for a in Appointment.objects.filter(selectors._in_force(on), post=Post.DIRECTOR, area=case.area,
                                        user__isnull=False):
        if a.user_id is not None:
            users.setdefault(a.user_id, "worker")
    for uid, role in users.items():
        CaseWorker.objects.create(case=case, user_id=uid, role=role, since=on)


def case_access(*, actor: User, case: ChildCase, purpose: str = CaseAccess.Purpose.CASE_WORK, channel: str = "page",
                now: dt.datetime | None = None) -> CaseAccess:
    """Log one opening of a case (Primero's access log). Only those who may know the case get here."""
    now = now or timezone.now()
    if not selectors.cases_for(actor, on=local_date(now)).filter(pk=case.pk).exists():
        raise NotFound()
    if purpose not in CaseAccess.Purpose.values:
        raise DomainError(f"查阅用途“{purpose}”无效，应为{'、'.join(CaseAccess.Purpose.labels)}", field="查阅用途")
    with transaction.atomic():
        return CaseAccess.objects.create(case=case, user=actor, at=now, purpose=purpose, channel=channel[:8])


def case_assign(*, actor: User, case: ChildCase, user: User, role: str = "worker", today: dt.date | None = None
                ) -> CaseWorker:
    """The 督导员 or the centre adds a worker; the worker must work in the case's area."""
    today = _today(today)
    with transaction.atomic():
        case = _case(actor, case, today)
        if not selectors.is_centre(actor, case.area, today) and not any(
                case.area.path.startswith(a.area.path) for a in selectors.appointments_of(actor, today)
                if a.post == Post.SUPERVISOR):
            raise DomainError("只有儿童督导员或救助保护中心可以指派个案社工", code="not_supervisor", field="社工")
        if not can_access_area(user, case.area) or not selectors.is_child_worker(user, today):
            raise DomainError(f"{user.display_name or user.username}不是负责{case.area.name}的儿童工作人员",
                              field="社工")
        if role not in ("lead", "worker"):
            raise DomainError("角色应为主责社工或协办", field="角色")
        if case.workers.filter(user=user, until__isnull=True).exists():
            raise Conflict(f"{user.display_name or user.username}已在本个案中", field="社工")
        w = CaseWorker.objects.create(case=case, user=user, role=role, since=today)
        _audit(actor, "case_assign", case, case.area, case.number, {"user": user.pk, "role": role})
    return w


def _event(actor: User, case: ChildCase, kind: str, happened_on: dt.date, note: str, details: dict | None = None
           ) -> CaseEvent:
    e = CaseEvent.objects.create(case=case, kind=kind, happened_on=happened_on, note=note, details=details or {},
                                 actor=actor)
    _audit(actor, f"case_{kind}", case, case.area, case.number, {"on": happened_on, "note": note, **(details or {})})
    return e


def _open_case(actor: User, case: ChildCase, today: dt.date) -> tuple[ChildCase, selectors.CaseState]:
    case = _case(actor, case, today)
    state = selectors.case_state(case, on=today)
    if not state.open:
        raise Conflict(f"个案{case.number}已结案，请先重新开启", code="case_closed")
    return case, state


def _case_date(case: ChildCase, value: Any, label: str, today: dt.date) -> dt.date:
    value = _date(value, label, today=today)
    if value < case.opened_on:
        raise DomainError(f"{label}{value.isoformat()}早于立案日期{case.opened_on.isoformat()}", field=label)
    return value


def case_verify(*, actor: User, case: ChildCase, happened_on: dt.date, finding: str, substantiated: bool,
                today: dt.date | None = None) -> CaseEvent:
    today = _today(today)
    with transaction.atomic():
        case, _ = _open_case(actor, case, today)
        on = _case_date(case, happened_on, "核查日期", today)
        return _event(actor, case, EventKind.VERIFY, on, _text(finding, "核查情况", min_len=4),
                      {"substantiated": bool(substantiated)})


def case_emergency(*, actor: User, case: ChildCase, happened_on: dt.date, actions: str, safety_plan: str,
                   today: dt.date | None = None) -> CaseEvent:
    """应急处置 with a safety plan."""
    today = _today(today)
    with transaction.atomic():
        case, _ = _open_case(actor, case, today)
        on = _case_date(case, happened_on, "处置日期", today)
        return _event(actor, case, EventKind.EMERGENCY, on, _text(actions, "处置措施", min_len=4),
                      {"safety_plan": _text(safety_plan, "安全计划", min_len=4)})


def case_assess(*, actor: User, case: ChildCase, assessed_on: dt.date, answers: dict[str, Any],
                today: dt.date | None = None) -> Assessment:
    """Score the risk-assessment form in force on the date (data/children/assessment_forms): every item answered
    with one of its options; the risk level follows the form's bands."""
    today = _today(today)
    with transaction.atomic():
        case, _ = _open_case(actor, case, today)
        on = _case_date(case, assessed_on, "评估日期", today)
        form = rules.form_on(on)
        if not isinstance(answers, dict):
            raise DomainError("评估结果应为各评估项的得分", field="评估结果")
        clean: dict[str, int] = {}
        for item in form.items:
            value = answers.get(item.code)
            if value is None or value == "":  # a page sends "" for an unanswered item
                raise DomainError(f"评估项“{item.label}”未填写", code="missing_item", field=item.label)
            try:
                value = int(value)
            except (TypeError, ValueError):
                raise DomainError(f"评估项“{item.label}”的取值无效", field=item.label) from None
            if value not in item.options:
                raise DomainError(f"评估项“{item.label}”的取值{value}无效，应为"
                                  f"{'、'.join(f'{k}（{v}）' for k, v in item.options.items())}", field=item.label)
            clean[item.code] = value
        unknown = sorted(set(answers) - set(clean))
        if unknown:
            raise DomainError(f"评估表{form.title}（第{form.version}版）没有评估项“{unknown[0]}”", field="评估结果")
        score = sum(clean.values())
        level, label = form.level_for(score)
        a = Assessment.objects.create(case=case, form_key=form.key, answers=clean, score=score, risk_level=level,
                                      assessed_on=on, actor=actor)
        _audit(actor, "case_assess", case, case.area, case.number,
               {"form": form.key, "answers": clean, "score": score, "risk_level": level})
    return a


def case_plan(*, actor: User, case: ChildCase, happened_on: dt.date, goals: list[str], services: list[str],
              today: dt.date | None = None) -> CaseEvent:
    today = _today(today)
    with transaction.atomic():
        case, _ = _open_case(actor, case, today)
        if not case.assessments.exists():
            raise Conflict("请先完成评估再制定帮扶计划", code="no_assessment")
        on = _case_date(case, happened_on, "计划日期", today)
        goals = [_text(g, f"第{i}项目标", max_len=200) for i, g in enumerate(goals or [], 1) if (g or "").strip()]
        services = [_text(s, f"第{i}项服务", max_len=200) for i, s in enumerate(services or [], 1) if (s or "").strip()]
        if not goals:
            raise DomainError("帮扶计划至少需要一项目标", field="目标")
        if not services:
            raise DomainError("帮扶计划至少需要一项服务", field="服务")
        return _event(actor, case, EventKind.PLAN, on, "；".join(goals), {"goals": goals, "services": services})


def referral_create(*, actor: User, case: ChildCase, org_id: int, service: str, consent: str,
                    requested_on: dt.date, today: dt.date | None = None) -> Referral:
    """转介 to a department or an organisation known to the platform, with the consent or legal basis."""
    today = _today(today)
    with transaction.atomic():
        case, _ = _open_case(actor, case, today)
        org = selectors.orgs_for(actor).filter(pk=org_id, closed_on__isnull=True).first()
        if org is None:
            raise DomainError("转介机构不存在或不在本辖区，请从已登记的部门和机构中选择", code="unknown_org",
                              field="转介机构")
        on = _case_date(case, requested_on, "转介日期", today)
        r = Referral.objects.create(case=case, org=org, service=_text(service, "转介服务", max_len=100),
                                    consent=_text(consent, "同意依据", max_len=100), requested_on=on, actor=actor)
        _audit(actor, "referral_create", case, case.area, case.number,
               {"referral": r.pk, "org": org.name, "service": r.service})
    return r


def referral_respond(*, actor: User, referral: Referral, accepted: bool, feedback: str = "",
                     responded_on: dt.date | None = None, today: dt.date | None = None) -> Referral:
    """Record the receiving organisation's answer (accepted or refused) to a pending referral."""
    today = _today(today)
    with transaction.atomic():
        _case(actor, referral.case, today)
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        if referral.status != Referral.Status.PENDING:
            raise Conflict(f"该转介已{referral.get_status_display()}", code="referral_answered")
        on = _date(responded_on or today, "答复日期", today=today)
        if on < referral.requested_on:
            raise DomainError("答复日期早于转介日期", field="答复日期")
        referral.status = Referral.Status.ACCEPTED if accepted else Referral.Status.REJECTED
        referral.responded_on, referral.feedback = on, _text(feedback, "反馈", min_len=0 if accepted else 2)
        referral.save(update_fields=["status", "responded_on", "feedback"])
        _audit(actor, "referral_respond", referral.case, referral.case.area, referral.case.number,
               {"referral": referral.pk, "status": referral.status})
    return referral


def referral_done(*, actor: User, referral: Referral, feedback: str, today: dt.date | None = None) -> Referral:
    today = _today(today)
    with transaction.atomic():
        _case(actor, referral.case, today)
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        if referral.status != Referral.Status.ACCEPTED:
            raise Conflict("只有已接收的转介可以办结", code="referral_not_accepted")
        referral.status, referral.feedback = Referral.Status.DONE, _text(feedback, "服务反馈", min_len=2)
        referral.save(update_fields=["status", "feedback"])
        _audit(actor, "referral_done", referral.case, referral.case.area, referral.case.number,
               {"referral": referral.pk})
    return referral


def case_follow_up(*, actor: User, case: ChildCase, happened_on: dt.date, note: str, today: dt.date | None = None
                   ) -> CaseEvent:
    today = _today(today)
    with transaction.atomic():
        case, _ = _open_case(actor, case, today)
        on = _case_date(case, happened_on, "回访日期", today)
        return _event(actor, case, EventKind.FOLLOW_UP, on, _text(note, "回访情况", min_len=4))


CLOSE_REASONS = {"goals_met": "帮扶目标达成", "moved": "儿童迁出本辖区", "adult": "儿童已成年",
                 "transferred": "转由其他机构负责", "unfounded": "经核查情况不属实"}


def case_close(*, actor: User, case: ChildCase, happened_on: dt.date, reason: str, note: str = "",
               today: dt.date | None = None) -> CaseEvent:
    """结案 with a reason; refused while a referral is still pending or accepted but not done."""
    today = _today(today)
    with transaction.atomic():
        case, _ = _open_case(actor, case, today)
        if reason not in CLOSE_REASONS:
            raise DomainError(f"结案原因“{reason}”无效，应为{'、'.join(CLOSE_REASONS.values())}", field="结案原因")
        pending = list(selectors.open_referrals(case).select_related("org"))
        if pending:
            names = "、".join(f"{r.org.name}（{r.service}，{r.get_status_display()}）" for r in pending)
            raise Conflict(f"个案还有未办结的转介：{names}，请先登记转介结果再结案", code="open_referrals",
                           field="转介")
        on = _case_date(case, happened_on, "结案日期", today)
        return _event(actor, case, EventKind.CLOSE, on, _text(note, "结案说明", min_len=0) or CLOSE_REASONS[reason],
                      {"reason": reason})


def case_reopen(*, actor: User, case: ChildCase, happened_on: dt.date, reason: str, today: dt.date | None = None
                ) -> CaseEvent:
    today = _today(today)
    with transaction.atomic():
        case = _case(actor, case, today)
        if selectors.case_state(case, on=today).open:
            raise Conflict("个案尚未结案", code="case_open")
        on = _case_date(case, happened_on, "开启日期", today)
        return _event(actor, case, EventKind.REOPEN, on, _text(reason, "重新开启原因", min_len=4))


# --- 监护干预 -------------------------------------------------------------------------------------------------

INTERVENTIONS = {"assessment": "家庭监护能力评估", "admonition": "劝诫、约谈监护人", "supervision": "监护监督",
                 "temporary_care": "临时监护"}
GUARDIAN_OUTCOMES = {"fit": "能够履行监护职责", "needs_support": "需要指导帮助",
                     "unfit": "严重不履行监护职责或侵害儿童"}


def intervention_record(*, actor: User, case: ChildCase, kind: str, happened_on: dt.date, note: str,
                        guardian: Guardian | None = None, outcome: str = "", today: dt.date | None = None
                        ) -> CaseEvent:
    """One 监护干预 step. A 家庭监护能力评估 names the guardian assessed and its outcome."""
    today = _today(today)
    with transaction.atomic():
        case, _ = _open_case(actor, case, today)
        if kind not in INTERVENTIONS:
            raise DomainError(f"干预措施“{kind}”无效，应为{'、'.join(INTERVENTIONS.values())}", field="干预措施")
        details: dict[str, Any] = {"kind": kind}
        if guardian is not None:
            if guardian.child_id != case.child_id:
                raise DomainError("所选监护人不是本个案儿童的监护人", field="监护人")
            details["guardian"] = guardian.pk
        if kind == "assessment":
            if guardian is None:
                raise DomainError("家庭监护能力评估须选择被评估的监护人", field="监护人")
            if outcome not in GUARDIAN_OUTCOMES:
                raise DomainError(f"评估结论“{outcome}”无效，应为{'、'.join(GUARDIAN_OUTCOMES.values())}",
                                  field="评估结论")
            details["outcome"] = outcome
        on = _case_date(case, happened_on, "干预日期", today)
        return _event(actor, case, EventKind.INTERVENTION, on, _text(note, "干预情况", min_len=4), details)


def revocation_apply(*, actor: User, case: ChildCase, guardian: Guardian, grounds: str, court: str,
                     happened_on: dt.date, today: dt.date | None = None) -> CaseEvent:
    """申请撤销监护人资格: only after a 家庭监护能力评估 found that guardian unfit; the application's PDF is
    children.letters.revocation_pdf (its documents listed from the case's own records)."""
    today = _today(today)
    with transaction.atomic():
        case, _ = _open_case(actor, case, today)
        if not selectors.is_centre(actor, case.area, today):
            raise DomainError("申请撤销监护人资格由未成年人救助保护中心提出", code="not_centre", field="申请人")
        if guardian.child_id != case.child_id or guardian.kind in STATE_KINDS:
            raise DomainError("所选监护人不是本个案儿童的家庭监护人", field="监护人")
        if guardian.valid_to is not None:
            raise DomainError(f"{guardian.who}的监护关系已于{guardian.valid_to.isoformat()}终止", field="监护人")
        unfit = case.events.filter(kind=EventKind.INTERVENTION, details__kind="assessment",
                                   details__guardian=guardian.pk, details__outcome="unfit").exists()
        if not unfit:
            raise Conflict(f"尚无认定{guardian.who}严重不履行监护职责的家庭监护能力评估，不能申请撤销其监护人资格",
                           code="no_unfit_assessment", field="监护人")
        on = _case_date(case, happened_on, "申请日期", today)
        return _event(actor, case, EventKind.REVOCATION, on, _text(grounds, "申请事由", min_len=10),
                      {"guardian": guardian.pk, "court": _text(court, "受理法院", max_len=100)})


# --- state guardianship and placement ----------------------------------------------------------------------

def state_care_intake(*, actor: User, child: Person, org: Org, kind: str, intake_on: dt.date, reason: str,
                      placement: str = Placement.Kind.INSTITUTION, carer: str = "", case: ChildCase | None = None,
                      today: dt.date | None = None) -> StateCare:
    """临时监护 / 长期监护 intake by the centre or the welfare home: the state guardianship, the care record and
    the first placement, together."""
    today = _today(today)
    _worker(actor, child.residence_area, today)
    if not selectors.is_centre(actor, child.residence_area, today):
        raise DomainError("临时监护和长期监护由救助保护中心或儿童福利机构接收", code="not_centre", field="接收机构")
    if org.kind not in (OrgKind.CENTRE, OrgKind.WELFARE_HOME) or not org.area.contains(child.residence_area):
        raise DomainError(f"{org.name}不能接收{child.residence_area.name}的儿童", field="接收机构")
    if kind not in STATE_KINDS:
        raise DomainError("监护类型应为临时监护或长期监护", field="监护类型")
    if placement not in Placement.Kind.values:
        raise DomainError(f"安置方式“{placement}”无效", field="安置方式")
    if placement != Placement.Kind.INSTITUTION and not (carer or "").strip():
        raise DomainError("家庭寄养或家庭式养育须填写寄养/养育家庭", field="寄养/养育家庭")
    intake_on = _date(intake_on, "接收日期", today=today)
    with transaction.atomic():
        g = guardian_add(actor=actor, child=child, kind=kind, org=org, relation=org.name, valid_from=intake_on,
                         today=today)
        care = StateCare.objects.create(child=child, org=org, kind=kind, guardian=g, case=case, intake_on=intake_on,
                                        reason=_text(reason, "接收原因", min_len=4))
        Placement.objects.create(care=care, kind=placement, carer=(carer or "").strip()[:100], start_date=intake_on)
        _audit(actor, "state_care_intake", care, child.residence_area, child.name,
               {"org": org.name, "kind": kind, "placement": placement, "intake_on": intake_on})
    return care


def placement_change(*, actor: User, care: StateCare, kind: str, start_date: dt.date, carer: str = "",
                     today: dt.date | None = None) -> Placement:
    today = _today(today)
    _worker(actor, care.child.residence_area, today)
    if care.exit_on is not None:
        raise Conflict("该儿童已离开国家监护", code="care_ended")
    if kind not in Placement.Kind.values:
        raise DomainError(f"安置方式“{kind}”无效", field="安置方式")
    if kind != Placement.Kind.INSTITUTION and not (carer or "").strip():
        raise DomainError("家庭寄养或家庭式养育须填写寄养/养育家庭", field="寄养/养育家庭")
    start_date = _date(start_date, "起始日期", today=today)
    with transaction.atomic():
        current = care.placements.filter(end_date__isnull=True).first()
        if current is not None:
            if start_date < current.start_date:
                raise DomainError("新的安置不能早于当前安置的起始日期", field="起始日期")
            current.end_date = start_date
            current.save(update_fields=["end_date"])
        p = Placement.objects.create(care=care, kind=kind, carer=(carer or "").strip()[:100], start_date=start_date)
        _audit(actor, "placement_change", care, care.child.residence_area, care.child.name,
               {"placement": kind, "carer": p.carer, "start_date": start_date})
    return p


EXITS = {"family": "回归家庭", "kin": "亲属抚养", "adopted": "依法收养", "long_term": "转为长期监护",
         "adult": "年满十八周岁"}


def state_care_exit(*, actor: User, care: StateCare, exit_on: dt.date, destination: str,
                    today: dt.date | None = None) -> StateCare:
    today = _today(today)
    _worker(actor, care.child.residence_area, today)
    if destination not in EXITS:
        raise DomainError(f"离开去向“{destination}”无效，应为{'、'.join(EXITS.values())}", field="离开去向")
    exit_on = _date(exit_on, "离开日期", today=today)
    with transaction.atomic():
        care = StateCare.objects.select_for_update().get(pk=care.pk)
        if care.exit_on is not None:
            raise Conflict(f"该儿童已于{care.exit_on.isoformat()}离开", code="care_ended")
        if exit_on < care.intake_on:
            raise DomainError("离开日期早于接收日期", field="离开日期")
        care.exit_on, care.exit_reason = exit_on, EXITS[destination]
        care.save(update_fields=["exit_on", "exit_reason"])
        care.placements.filter(end_date__isnull=True).update(end_date=exit_on)
        g = care.guardian
        g.valid_to, g.end_reason = exit_on, EXITS[destination]
        g.save(update_fields=["valid_to", "end_reason"])
        _audit(actor, "state_care_exit", care, care.child.residence_area, care.child.name,
               {"exit_on": exit_on, "destination": destination})
    return care


# --- 收养登记 ---------------------------------------------------------------------------------------------------

def adoption_register(*, actor: User, child: Person, adopter: Person, area: Area, assessment_result: str,
                      assessed_by: str, assessed_on: dt.date, registered_on: dt.date, certificate_number: str,
                      archive_number: str, co_adopter: Person | None = None, today: dt.date | None = None
                      ) -> Adoption:
    today = _today(today)
    ensure_can(actor, area, Cap.CHILD_MANAGE)
    registered_on = _date(registered_on, "登记日期", today=today)
    assessed_on = _date(assessed_on, "评估日期", today=today)
    _check_child(child, registered_on, "办理收养登记")
    if assessment_result not in ("suitable", "unsuitable"):
        raise DomainError("收养评估结论应为适合收养或不适合收养", field="收养评估结论")
    if assessment_result != "suitable":
        raise DomainError("收养评估结论为不适合收养，不予登记", code="assessment_unsuitable", field="收养评估结论")
    if assessed_on > registered_on:
        raise DomainError("收养评估日期晚于登记日期", field="评估日期")
    if adopter.pk == child.pk or (co_adopter is not None and co_adopter.pk in (child.pk, adopter.pk)):
        raise DomainError("收养人不能是被收养人本人或重复填写", field="收养人")
    if age_on(adopter.birth_date, registered_on) < 30:
        raise DomainError(f"收养人{adopter.name}未满三十周岁（《民法典》第一千零九十八条）", field="收养人")
    number = _text(certificate_number, "收养登记证号", max_len=32)
    with transaction.atomic():
        if Adoption.objects.filter(certificate_number=number).exists():
            raise Conflict(f"收养登记证号{number}已登记", field="收养登记证号")
        if Adoption.objects.filter(child=child, dissolved_on__isnull=True).exists():
            raise Conflict(f"{child.name}已有有效的收养登记", field="被收养人")
        a = Adoption.objects.create(child=child, adopter=adopter, co_adopter=co_adopter, area=area,
                                    assessment_result=assessment_result,
                                    assessed_by=_text(assessed_by, "评估机构", max_len=100), assessed_on=assessed_on,
                                    registered_on=registered_on, certificate_number=number,
                                    archive_number=_text(archive_number, "档案号", max_len=32), actor=actor)
        _audit(actor, "adoption_register", a, area, f"{number} {child.name}",
               {"registered_on": registered_on, "archive": a.archive_number})
    return a


def adoption_dissolve(*, actor: User, adoption: Adoption, dissolved_on: dt.date, reason: str,
                      today: dt.date | None = None) -> Adoption:
    today = _today(today)
    ensure_can(actor, adoption.area, Cap.CHILD_MANAGE)
    dissolved_on = _date(dissolved_on, "解除日期", today=today)
    with transaction.atomic():
        adoption = Adoption.objects.select_for_update().get(pk=adoption.pk)
        if adoption.dissolved_on is not None:
            raise Conflict("该收养关系已解除", code="dissolved")
        if dissolved_on < adoption.registered_on:
            raise DomainError("解除日期早于登记日期", field="解除日期")
        adoption.dissolved_on, adoption.dissolution_reason = dissolved_on, _text(reason, "解除原因", max_len=200)
        adoption.save(update_fields=["dissolved_on", "dissolution_reason"])
        _audit(actor, "adoption_dissolve", adoption, adoption.area, adoption.certificate_number,
               {"dissolved_on": dissolved_on})
    return adoption
