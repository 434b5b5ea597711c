"""大养老 REST API: the elderly registry, the assessment ruleset and assessments, visit lists and 月探访率, the
emergency call desk and its response times.

Thin: reads through eldercare.selectors (scoped), writes through eldercare.services (checked, atomic, audited).
An elder of another area answers 404, a role without the capability 403, bad input 400 naming the field (an
assessment item by its name), a step at the wrong time 409 — each as {code, message, field}.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.responses import codes_4xx

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.areas.selectors import area_get
from minzheng.core.api import AreaRef, ErrorOut, require
from minzheng.core.errors import DomainError
from minzheng.core.inputs import BureauDate, PageNumber
from minzheng.core.periods import age_on

from . import rules, selectors, services
from .models import Assessment, EmergencyCall
from .ruleset import ruleset_by_key, ruleset_on, rulesets

router = Router(tags=["大养老"])
ERR = {codes_4xx: ErrorOut}


class ElderCategoryOut(Schema):
    code: str
    label: str
    special: bool = Field(description="属于特殊困难老年人情形")


class ElderItem(Schema):
    id: int
    name: str
    id_masked: str = Field(description="身份证号（已脱敏）")
    sex: str
    age: int
    area: AreaRef
    categories: list[ElderCategoryOut]
    special: bool = Field(description="特殊困难老年人（须每月探访）")
    care_level: int | None = Field(None, description="最新有效能力评估的最终等级（0 能力完好 … 4 完全失能）")
    care_level_label: str | None = None


class ElderPage(Schema):
    count: int
    page: int
    page_size: int
    on: dt.date
    items: list[ElderItem]


class ElderFilter(Schema):
    q: str = Field("", description="姓名、身份证号开头或拼音首字母")
    area: str = Field("", description="区划代码（镇街或村居），须在管辖范围内")
    category: str = Field("", description="类别代码，见 /eldercare/categories")
    special: bool = Field(False, description="只看特殊困难老年人")
    level: int | None = Field(None, ge=0, le=4, description="能力等级")
    on: dt.date | None = Field(None, description="按哪一天计算年龄和类别（默认今天）")
    page: PageNumber = 1
    page_size: int = Field(20, ge=1, le=100)


class PeriodOut(Schema):
    code: str
    label: str
    source: str = Field(description="来源：登记 / 救助对象 / 能力评估 / 年龄 / 残疾等级")
    valid_from: dt.date | None
    valid_to: dt.date | None = Field(description="终止日期（含），空为仍有效")
    current: bool
    special: bool
    note: str


class AssessmentOut(Schema):
    id: int
    number: str
    person_id: int
    person_name: str
    ruleset: str
    reason: str
    reason_label: str
    assessed_on: dt.date
    next_due: dt.date
    assessors: list[str]
    answers: dict[str, int]
    part_scores: dict[str, int]
    total: int
    initial_level: int
    initial_level_label: str
    final_level: int
    final_level_label: str
    adjustments: list[str]
    self_care: str
    explanation: str
    status: str


class VisitOut(Schema):
    id: int
    visited_on: dt.date
    mode: str
    mode_label: str
    visitor: str
    findings: str
    needs_followup: bool


class CallOut(Schema):
    id: int
    number: str
    person_id: int
    person_name: str
    area: AreaRef
    channel: str
    kind: str
    kind_label: str
    description: str
    status: str
    status_label: str
    received_at: dt.datetime
    dispatched_at: dt.datetime | None
    dispatched_to: str
    arrived_at: dt.datetime | None
    responder: str
    closed_at: dt.datetime | None
    outcome: str
    response_seconds: int | None


class ElderDetail(ElderItem):
    birth_date: dt.date
    periods: list[PeriodOut]
    assessments: list[AssessmentOut]
    visits: list[VisitOut]
    calls: list[CallOut]


def _today():
    return timezone.localdate()


def _item(p, on) -> ElderItem:
    level = rulesets()[-1].level(p.care_level).short if p.care_level is not None else None
    return ElderItem(id=p.pk, name=p.name, id_masked=p.masked_id, sex=p.get_sex_display(),
                     age=age_on(p.birth_date, on), area=AreaRef.of(p.residence_area),
                     categories=[ElderCategoryOut(code=c.code, label=c.label, special=c.special)
                                 for c in selectors.current_categories(p, on)],
                     special=bool(p.is_special), care_level=p.care_level, care_level_label=level)


def assessment_out(a: Assessment) -> AssessmentOut:
    rs = ruleset_by_key(a.ruleset)
    return AssessmentOut(
        id=a.pk, number=a.number, person_id=a.person_id, person_name=a.person.name, ruleset=a.ruleset,
        reason=a.reason, reason_label=a.get_reason_display(), assessed_on=a.assessed_on, next_due=a.next_due,
        assessors=[u.display_name or u.username for u in (a.assessor_1, a.assessor_2)], answers=a.answers,
        part_scores=a.part_scores, total=a.total, initial_level=a.initial_level,
        initial_level_label=rs.level(a.initial_level).short, final_level=a.final_level,
        final_level_label=rs.level(a.final_level).short, adjustments=a.adjustments, self_care=a.self_care,
        explanation=a.explanation, status=a.status)


def call_out(c: EmergencyCall) -> CallOut:
    return CallOut(id=c.pk, number=c.number, person_id=c.person_id, person_name=c.person.name,
                   area=AreaRef.of(c.area), channel=c.channel, kind=c.kind,
                   kind_label=rules.call_kinds().get(c.kind, c.kind), description=c.description, status=c.status,
                   status_label=c.get_status_display(), received_at=c.received_at, dispatched_at=c.dispatched_at,
                   dispatched_to=c.dispatched_to, arrived_at=c.arrived_at, responder=c.responder,
                   closed_at=c.closed_at, outcome=c.outcome, response_seconds=c.response_seconds)


# --- registry ----------------------------------------------------------------------------------------

@router.get("/categories", response={200: list[dict], **ERR}, summary="老年人类别及特殊困难情形（数据定义）")
def list_categories(request):
    require(request.user, Cap.ELDER_VIEW)
    return [{"code": c.code, "label": c.label, "source": c.source, "special": c.special, "status": c.status,
             "citation": c.citation, "note": c.note} for c in rules.categories()]


@router.get("/elders", response={200: ElderPage, **ERR}, summary="老年人名单",
            description="管辖范围内年满60周岁的在世人员，类别按指定日期推算；身份证号已脱敏。")
def list_elders(request, f: Query[ElderFilter]):
    require(request.user, Cap.ELDER_VIEW)
    on = f.on or _today()
    area = area_get(request.user, f.area) if f.area else None
    qs = selectors.elder_search(request.user, on=on, query=f.q, area=area, category=f.category, special=f.special,
                                level=f.level)
    start = (f.page - 1) * f.page_size
    return ElderPage(count=qs.count(), page=f.page, page_size=f.page_size, on=on,
                     items=[_item(p, on) for p in qs[start:start + f.page_size]])


@router.get("/elders/{pk}", response={200: ElderDetail, **ERR}, summary="老年人档案")
def get_elder(request, pk: int):
    require(request.user, Cap.ELDER_VIEW)
    on = _today()
    p = selectors.elder_get(request.user, pk, on=on)
    item = _item(p, on)
    return ElderDetail(
        **item.dict(), birth_date=p.birth_date,
        periods=[PeriodOut(code=x.code, label=x.label, source=x.source, valid_from=x.valid_from, valid_to=x.valid_to,
                           current=x.covers(on), special=x.special, note=x.note)
                 for x in selectors.category_periods(p)],
        assessments=[assessment_out(a) for a in selectors.person_assessments(p)],
        visits=[VisitOut(id=v.pk, visited_on=v.visited_on, mode=v.mode,
                         mode_label={m.code: m.label for m in rules.visit_modes()}.get(v.mode, v.mode),
                         visitor=v.visitor.display_name or v.visitor.username, findings=v.findings,
                         needs_followup=v.needs_followup) for v in selectors.person_visits(p)[:50]],
        calls=[call_out(c) for c in selectors.calls_for(request.user).filter(person=p).order_by("-received_at")[:50]])


class ElderCategoryIn(Schema):
    category: str = Field(description="elderly_alone / elderly_empty_nest / elderly_left_behind / "
                                      "family_planning_special")
    valid_from: dt.date
    note: str = ""


@router.post("/elders/{pk}/categories", response={201: PeriodOut, **ERR}, summary="登记老年人类别")
def add_category(request, pk: int, payload: ElderCategoryIn):
    require(request.user, Cap.ELDER_VIEW)
    p = selectors.elder_get(request.user, pk, on=_today())
    pc = services.elder_category_add(actor=request.user, person=p, category=payload.category,
                                     valid_from=payload.valid_from, note=payload.note)
    rule = rules.category(payload.category)
    return Status(201, PeriodOut(code=rule.code, label=rule.label, source="登记", valid_from=pc.valid_from,
                                 valid_to=None, current=True, special=rule.special, note=pc.note))


# --- assessments -------------------------------------------------------------------------------------

@router.get("/ruleset", response={200: dict, **ERR}, summary="老年人能力评估标准（在指定日期生效的版本）")
def get_ruleset(request, on: BureauDate | None = None):
    require(request.user, Cap.ELDER_VIEW)
    rs = ruleset_on(on or _today())
    return {"key": rs.key, "label": rs.label, "effective_from": rs.effective_from, "citation": rs.citation,
            "note": rs.note, "total_max": rs.total_max, "stack": rs.stack, "stack_status": rs.stack_status,
            "parts": [{"code": p.code, "label": p.label, "max": p.max,
                       "items": [{"number": i.number, "code": i.code, "label": i.label, "max": i.max,
                                  "options": [{"score": s, "text": t} for s, t in i.options.items()]}
                                 for i in p.items]} for p in rs.parts],
            "levels": [{"level": lv.level, "label": lv.label, "min_total": lv.min_total, "max_total": lv.max_total,
                        "self_care": lv.self_care, "self_care_status": lv.self_care_status} for lv in rs.levels],
            "adjustments": [{"code": a.code, "label": a.label, "effect": a.effect, "amount": a.amount,
                             "status": a.status, "note": a.note} for a in rs.adjustments],
            "reasons": [{"code": k, "label": v[0], "months_to_next": v[1], "status": v[2]}
                        for k, v in rs.intervals.items()]}


class AssessmentIn(Schema):
    person_id: int
    reason: str = Field(description="initial 首次 / routine 常规 / immediate 即时 / review 复评")
    assessed_on: dt.date
    assessor_1: str = Field(description="评估员一的用户名")
    assessor_2: str = Field(description="评估员二的用户名（不能与评估员一相同）")
    answers: dict[str, int | str | None] = Field(description="26个评估项目的得分，键为项目代码或中文名称")
    coma: bool = False
    diagnosis: bool = Field(False, description="确诊痴呆或其他精神和行为障碍")
    diagnosis_note: str = ""
    risk_events: int = Field(0, description="近30天照护风险事件次数")


def _assessor(username: str, label: str) -> User:
    u = User.objects.filter(username=username).first() if username else None
    if u is None:
        raise DomainError(f"{label}“{username}”不是本系统用户", code="unknown_assessor", field=label)
    return u


@router.post("/assessments", response={201: AssessmentOut, **ERR}, summary="录入老年人能力评估",
             description="两名评估员、26个项目逐项评分；缺项或超出范围时返回400并指出项目名称，不写入任何数据。")
def create_assessment(request, payload: AssessmentIn):
    require(request.user, Cap.ELDER_VIEW)
    p = selectors.elder_get(request.user, payload.person_id, on=payload.assessed_on)
    a = services.assessment_record(
        actor=request.user, person=p, reason=payload.reason, assessed_on=payload.assessed_on,
        assessor_1=_assessor(payload.assessor_1, "评估员一"), assessor_2=_assessor(payload.assessor_2, "评估员二"),
        answers=payload.answers, coma=payload.coma, diagnosis=payload.diagnosis,
        diagnosis_note=payload.diagnosis_note, risk_events=payload.risk_events)
    return Status(201, assessment_out(a))


@router.get("/assessments/{pk}", response={200: AssessmentOut, **ERR}, summary="评估记录")
def get_assessment(request, pk: int):
    return assessment_out(selectors.assessment_get(request.user, pk))


class VoidReasonIn(Schema):
    reason: str


@router.post("/assessments/{pk}/void", response={200: AssessmentOut, **ERR}, summary="作废评估记录")
def void_assessment(request, pk: int, payload: VoidReasonIn):
    a = selectors.assessment_get(request.user, pk)
    return assessment_out(services.assessment_void(actor=request.user, assessment=a, reason=payload.reason))


# --- visits ------------------------------------------------------------------------------------------

class DueOut(Schema):
    id: int
    person_id: int
    person_name: str
    area: AreaRef
    reasons: str
    visited: bool
    visited_on: dt.date | None


class RateOut(Schema):
    area: AreaRef
    due: int
    visited: int
    rate: float | None = Field(description="月探访率（已探访 ÷ 应探访，先汇总再相除）")


class VisitListOut(Schema):
    month: dt.date
    target_rate: float = Field(description="目标探访率（%，数据文件载明）")
    rates: list[RateOut]
    items: list[DueOut]


def _month(s: str | None) -> dt.date:
    if not s:
        return _today().replace(day=1)
    try:
        y, m = s.split("-")[:2]
        return dt.date(int(y), int(m), 1)
    except ValueError:
        raise DomainError(f"月份“{s}”格式应为YYYY-MM", field="月份") from None


@router.get("/visits", response={200: VisitListOut, **ERR}, summary="月探访名单与探访率",
            description="指定地区（默认本人管辖区域）某月应探访的特殊困难老年人，以及本级和下一级地区的月探访率。")
def list_visits(request, area: str, month: str | None = None, pending: bool = False):
    require(request.user, Cap.ELDER_VIEW)
    m = _month(month)
    root = area_get(request.user, area)
    dues = selectors.visit_due_list(request.user, month=m, area=root, pending_only=pending)
    target = rules.param_latest("visit_rate_target", root)
    return VisitListOut(
        month=m, target_rate=float(target.value),
        rates=[RateOut(area=AreaRef.of(r.area), due=r.due, visited=r.visited, rate=r.rate)
               for r in selectors.visit_rate(request.user, root=root, month=m)],
        items=[DueOut(id=d.pk, person_id=d.person_id, person_name=d.person.name, area=AreaRef.of(d.area),
                      reasons=d.reasons, visited=d.visit_id is not None,
                      visited_on=d.visit.visited_on if d.visit_id else None) for d in dues])


class PlanIn(Schema):
    area: str
    month: str = Field(description="YYYY-MM")


@router.post("/visits/plan", response={200: dict, **ERR}, summary="生成月探访计划（可重复执行）")
def plan_visits(request, payload: PlanIn):
    root = area_get(request.user, payload.area)
    added = services.visit_plan_month(actor=request.user, area=root, month=_month(payload.month))
    return {"added": added}


class VisitIn(Schema):
    person_id: int
    visited_on: dt.date
    mode: str = Field(description="home 入户 / phone 电话 / video 视频")
    findings: str
    needs_followup: bool = False


@router.post("/visits", response={201: VisitOut, **ERR}, summary="登记探访")
def create_visit(request, payload: VisitIn):
    require(request.user, Cap.ELDER_VIEW)
    p = selectors.elder_get(request.user, payload.person_id, on=payload.visited_on)
    v = services.visit_record(actor=request.user, person=p, visited_on=payload.visited_on, mode=payload.mode,
                              findings=payload.findings, needs_followup=payload.needs_followup)
    return Status(201, VisitOut(id=v.pk, visited_on=v.visited_on, mode=v.mode,
                                mode_label={m.code: m.label for m in rules.visit_modes()}[v.mode],
                                visitor=request.user.display_name or request.user.username, findings=v.findings,
                                needs_followup=v.needs_followup))


# --- emergency calls -----------------------------------------------------------------------------------

@router.get("/calls", response={200: list[CallOut], **ERR}, summary="紧急呼叫列表")
def list_calls(request, open_only: bool = False, status: str = "", limit: int = 100):
    require(request.user, Cap.ELDER_VIEW)
    qs = selectors.call_list(request.user, status=status, open_only=open_only)
    return [call_out(c) for c in qs[:max(1, min(limit, 500))]]


class CallIn(Schema):
    person_id: int
    channel: str = Field(description="terminal 一键呼叫终端 / pingantong 平安通热线 / phone 电话求助")
    kind: str = Field(description="事件类型代码，见 data/eldercare/call_kinds.csv")
    description: str
    received_at: dt.datetime | None = None


@router.post("/calls", response={201: CallOut, **ERR}, summary="接警")
def create_call(request, payload: CallIn):
    require(request.user, Cap.ELDER_VIEW)
    p = selectors.elder_get(request.user, payload.person_id, on=_today())
    c = services.call_intake(actor=request.user, person=p, channel=payload.channel, kind=payload.kind,
                             description=payload.description, received_at=payload.received_at)
    return Status(201, call_out(c))


@router.get("/calls/{pk}", response={200: CallOut, **ERR}, summary="呼叫详情")
def get_call(request, pk: int):
    return call_out(selectors.call_get(request.user, pk))


class CallStepIn(Schema):
    text: str = Field(description="派往 / 到场人员 / 处置结果")
    at: dt.datetime | None = None


_STEPS = {"dispatch": (services.call_dispatch, "dispatched_to"), "arrive": (services.call_arrive, "responder"),
          "close": (services.call_close, "outcome")}


@router.post("/calls/{pk}/{step}", response={200: CallOut, **ERR}, summary="派单 / 到达 / 结案",
             description="step 为 dispatch、arrive 或 close；时间不能早于上一环节，也不能晚于当前时间。")
def call_step(request, pk: int, step: str, payload: CallStepIn):
    c = selectors.call_get(request.user, pk)
    if step not in _STEPS:
        raise DomainError(f"操作“{step}”无效，应为dispatch、arrive或close", field="操作")
    fn, arg = _STEPS[step]
    return call_out(fn(actor=request.user, call=c, at=payload.at, **{arg: payload.text}))


class StatOut(Schema):
    area: AreaRef
    month: dt.date
    calls: int
    responded: int
    median_minutes: float | None
    p90_minutes: float | None


@router.get("/calls-stats", response={200: list[StatOut], **ERR}, summary="响应时长统计（中位数、P90，按地区和月份）")
def call_stats(request, area: str, start: str, end: str | None = None):
    require(request.user, Cap.ELDER_VIEW)
    root = area_get(request.user, area)
    s, e = _month(start), _month(end or start)
    if e < s:
        raise DomainError("结束月份早于开始月份", field="结束月份")
    return [StatOut(area=AreaRef.of(r.area), month=r.month, calls=r.calls, responded=r.responded,
                    median_minutes=None if r.median_seconds is None else round(r.median_seconds / 60, 1),
                    p90_minutes=None if r.p90_seconds is None else round(r.p90_seconds / 60, 1))
            for r in selectors.response_stats(request.user, root=root, start=s, end=e)]


@router.get("/assessments-due", response={200: list[AssessmentOut], **ERR}, summary="到期应复评名单",
            description="最新有效评估的下次评估日期已到（含当天）的老年人，按到期日先后排列。")
def assessments_due(request, area: str = "", on: BureauDate | None = None, limit: int = 200):
    require(request.user, Cap.ELDER_VIEW)
    root = area_get(request.user, area) if area else None
    qs = selectors.assessments_due(request.user, on=on or _today(), area=root)
    return [assessment_out(a) for a in qs.select_related("assessor_1", "assessor_2")[:max(1, min(limit, 1000))]]
