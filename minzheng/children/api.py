"""大儿童保障 REST API: the child registry (categories for a date), visits due, 强制报告, protection cases with their
steps and access log, state guardianship, adoption records and the workforce gap list.

Thin: reads through children.selectors (area scope and need-to-know), writes through children.services. A case the
user may not know answers 404 exactly like an absent id; every opening of a case writes an access-log row.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.responses import codes_4xx

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.areas.selectors import area_get
from minzheng.core.api import AreaRef, ErrorOut, require
from minzheng.core.errors import DomainError, NotFound
from minzheng.core.inputs import MAX_YEAR, BureauDate, PageNumber, RecordId
from minzheng.core.periods import age_on, check_not_before_records, local_date
from minzheng.core.scope import can_access_area
from minzheng.registry.models import Person

from . import letters, rules, selectors, services
from .models import CaseAccess, EventKind, Guardian, GuardianKind, Placement, Referral, StateCare

router = Router(tags=["大儿童保障"])
ERR = {codes_4xx: ErrorOut}

Text = Field(..., min_length=1, max_length=2000)


class ChildCategoryOut(Schema):
    code: str
    label: str


class ChildItem(Schema):
    id: int
    name: str
    id_masked: str = Field(description="身份证号（已脱敏）")
    age: int
    area: AreaRef
    categories: list[ChildCategoryOut]


class ChildPage(Schema):
    count: int
    page: int
    on: dt.date
    items: list[ChildItem]


class ChildGuardianOut(Schema):
    id: int
    kind: str
    kind_label: str
    who: str
    relation: str
    valid_from: dt.date
    valid_to: dt.date | None


class ChildVisitOut(Schema):
    id: int
    visited_on: dt.date
    mode: str
    visitor: str
    findings: str
    concern: bool


class ChildAllowanceOut(Schema):
    programme: str
    monthly_amount: str
    from_month: dt.date
    to_month: dt.date | None


class ChildDetail(ChildItem):
    birth_date: dt.date
    school: str
    grade: str
    health_note: str
    guardians: list[ChildGuardianOut]
    allowances: list[ChildAllowanceOut]
    visits: list[ChildVisitOut]


def _on(on: dt.date | None) -> dt.date:
    """The date asked, within the years a record can carry (a year-1 date has no birth date 18 years before it)."""
    if on is None:
        return local_date()
    check_not_before_records(on, field="on", label="计算日期")
    if on.year > MAX_YEAR:
        raise DomainError(f"计算日期{on.isoformat()}超出范围（最晚{MAX_YEAR}年）", field="on")
    return on


def _item(p, on: dt.date) -> ChildItem:
    return ChildItem(id=p.pk, name=p.name, id_masked=p.masked_id, age=age_on(p.birth_date, on),
                     area=AreaRef.of(p.residence_area),
                     categories=[ChildCategoryOut(code=c.code, label=c.label)
                                 for c in selectors.current_categories(p, on)])


def _child(user: User, child_id: int) -> Person:
    return selectors.child_get(user, child_id, on=local_date())


@router.get("/categories", response={200: list[dict], **ERR}, summary="儿童类别（数据定义）")
def list_categories(request):
    require(request.user, Cap.CHILD_VIEW)
    return [{"code": c.code, "label": c.label, "source": c.source, "max_age": c.max_age,
             "visit_interval_days": c.visit_interval_days, "citation": c.citation} for c in rules.categories()]


@router.get("/children", response={200: ChildPage, **ERR}, summary="儿童名单",
            description="管辖范围内未满18周岁的在世人员，类别按指定日期推算；须有儿童工作岗位。身份证号已脱敏。")
def list_children(request, q: str = "", area: str = "", category: str = "", on: BureauDate | None = None,
                  page: PageNumber = 1):
    require(request.user, Cap.CHILD_VIEW)
    day = _on(on)
    scope = area_get(request.user, area) if area else None
    qs = selectors.child_search(request.user, on=day, query=q, area=scope, category=category)
    start = (page - 1) * 20
    return ChildPage(count=qs.count(), page=page, on=day, items=[_item(p, day) for p in qs[start:start + 20]])


@router.get("/children/{child_id}", response={200: ChildDetail, **ERR}, summary="儿童档案")
def get_child(request, child_id: RecordId):
    require(request.user, Cap.CHILD_VIEW)
    on = local_date()
    p = _child(request.user, child_id)
    f = getattr(p, "child_file", None)
    base = _item(p, on)
    return ChildDetail(
        **base.dict(), birth_date=p.birth_date, school=f.school if f else "", grade=f.grade if f else "",
        health_note=f.health_note if f else "",
        guardians=[ChildGuardianOut(id=g.pk, kind=g.kind, kind_label=g.get_kind_display(), who=g.who,
                                    relation=g.relation, valid_from=g.valid_from, valid_to=g.valid_to)
                   for g in selectors.guardians_of(p)],
        allowances=[ChildAllowanceOut(programme=e.case.programme, monthly_amount=str(e.monthly_amount),
                                      from_month=e.from_month, to_month=e.to_month)
                    for e in selectors.allowances_of(p)],
        visits=[_visit_out(v) for v in selectors.visits_of(p)[:20]])


def _visit_out(v) -> ChildVisitOut:
    return ChildVisitOut(id=v.pk, visited_on=v.visited_on, mode=v.mode,
                         visitor=v.visitor.display_name or v.visitor.username, findings=v.findings, concern=v.concern)


class ChildVisitIn(Schema):
    visited_on: dt.date
    mode: str = Field("home", max_length=16, description="home 入户走访 / phone 电话随访 / school 到校走访")
    findings: str = Text
    concern: bool = False


@router.post("/children/{child_id}/visits", response={201: ChildVisitOut, **ERR}, summary="登记走访")
def post_visit(request, child_id: RecordId, payload: ChildVisitIn):
    require(request.user, Cap.CHILD_WORK)
    v = services.visit_record(actor=request.user, child=_child(request.user, child_id), visited_on=payload.visited_on,
                              mode=payload.mode, findings=payload.findings, concern=payload.concern)
    return Status(201, _visit_out(v))


class ChildGuardianIn(Schema):
    kind: str = Field(..., max_length=16, description="father / mother / entrusted / appointed")
    relation: str = Field(..., min_length=1, max_length=32)
    person_id: RecordId
    valid_from: dt.date
    valid_to: dt.date | None = None


@router.post("/children/{child_id}/guardians", response={201: ChildGuardianOut, **ERR}, summary="登记监护人")
def post_guardian(request, child_id: RecordId, payload: ChildGuardianIn):
    require(request.user, Cap.CHILD_WORK)
    child = _child(request.user, child_id)
    person = Person.objects.filter(pk=payload.person_id).first()
    if person is None or not can_access_area(request.user, person.residence_area):
        raise DomainError("监护人不存在或不在您的管辖范围内，请先在人员库中登记", field="监护人")
    g = services.guardian_add(actor=request.user, child=child, kind=payload.kind, relation=payload.relation,
                              person=person, valid_from=payload.valid_from, valid_to=payload.valid_to)
    return Status(201, ChildGuardianOut(id=g.pk, kind=g.kind, kind_label=g.get_kind_display(), who=g.who,
                                        relation=g.relation, valid_from=g.valid_from, valid_to=g.valid_to))


class ChildDueOut(Schema):
    child: ChildItem
    last_visit: dt.date | None
    due_on: dt.date


@router.get("/visits/due", response={200: list[ChildDueOut], **ERR}, summary="应走访儿童名单",
            description="留守、困境等须定期走访的儿童中已到期未走访的，按到期日排序（间隔见数据定义）。")
def visits_due(request, area: str = ""):
    require(request.user, Cap.CHILD_VIEW)
    on = local_date()
    scope = area_get(request.user, area) if area else None
    return [ChildDueOut(child=_item(d.child, on), last_visit=d.last_visit, due_on=d.due_on)
            for d in selectors.visits_due(request.user, on=on, area=scope)[:500]]


# --- reports and cases --------------------------------------------------------------------------------------

class ChildReportIn(Schema):
    child_id: RecordId
    source: str = Field(..., max_length=16, description="school / hospital / police / village / hotline / resident")
    priority: str = Field(..., max_length=16, description="urgent / high / normal")
    what: str = Text
    location: str = Field(..., min_length=1, max_length=200)
    anonymous: bool = False
    reporter_name: str = Field("", max_length=64)
    reporter_org: str = Field("", max_length=100)
    reporter_phone: str = Field("", max_length=20)


class ChildReportOut(Schema):
    id: int
    number: str
    case_id: int
    case_number: str
    source_label: str
    priority: str
    received_on: dt.date
    verify_due: dt.date
    emergency_due: dt.date | None
    duplicate_of: str | None
    what: str
    location: str
    reporter: str = Field(description="报告人（仅救助保护中心可见，其他人显示为已隐藏）")


def _report_out(r, show_reporter: bool) -> ChildReportOut:
    if r.anonymous:
        reporter = "匿名"
    elif show_reporter:
        reporter = " ".join(x for x in (r.reporter_org, r.reporter_name, r.reporter_phone) if x)
    else:
        reporter = "（已隐藏，仅救助保护中心可见）"
    return ChildReportOut(id=r.pk, number=r.number, case_id=r.case_id, case_number=r.case.number,
                          source_label=rules.report_sources().get(r.source, r.source), priority=r.priority,
                          received_on=r.received_on, verify_due=r.verify_due, emergency_due=r.emergency_due,
                          duplicate_of=r.duplicate_of.number if r.duplicate_of_id else None, what=r.what,
                          location=r.location, reporter=reporter)


@router.post("/reports", response={201: ChildReportOut, **ERR}, summary="接收强制报告",
             description="同一儿童已有未结个案的，报告并入该个案并标记为重复报告，不重复计数。")
def post_report(request, payload: ChildReportIn):
    require(request.user, Cap.CHILD_WORK)
    r = services.report_file(actor=request.user, child=_child(request.user, payload.child_id), source=payload.source,
                             priority=payload.priority, what=payload.what, location=payload.location,
                             anonymous=payload.anonymous, reporter_name=payload.reporter_name,
                             reporter_org=payload.reporter_org, reporter_phone=payload.reporter_phone)
    return Status(201, _report_out(r, selectors.sees_reporter(request.user, r.case, local_date())))


class ChildCaseItem(Schema):
    id: int
    number: str
    child_name: str
    area: AreaRef
    opened_on: dt.date
    priority: str
    stage: str
    stage_label: str
    next_step: str | None
    due_on: dt.date | None
    overdue: bool


class ChildAssessmentOut(Schema):
    form: str
    assessed_on: dt.date
    score: int
    risk_level: str
    risk_label: str
    answers: dict[str, int]


class ChildReferralOut(Schema):
    id: int
    org: str
    service: str
    status: str
    status_label: str
    requested_on: dt.date
    responded_on: dt.date | None
    feedback: str


class ChildEventOut(Schema):
    id: int
    kind: str
    kind_label: str
    happened_on: dt.date
    note: str
    details: dict


class ChildCaseDetail(ChildCaseItem):
    reports: list[ChildReportOut]
    events: list[ChildEventOut]
    assessments: list[ChildAssessmentOut]
    referrals: list[ChildReferralOut]
    workers: list[str]


def _case_item(c, s) -> ChildCaseItem:
    return ChildCaseItem(id=c.pk, number=c.number, child_name=c.child.name, area=AreaRef.of(c.area),
                         opened_on=c.opened_on, priority=c.priority, stage=s.stage, stage_label=s.label,
                         next_step=s.next_step, due_on=s.due_on, overdue=s.overdue)


def _case(user: User, case_id: int):
    return selectors.case_get(user, case_id, on=local_date())


def case_detail_out(user: User, c) -> ChildCaseDetail:
    on = local_date()
    s = selectors.case_state(c, on=on)
    show = selectors.sees_reporter(user, c, on)
    return ChildCaseDetail(
        **_case_item(c, s).dict(),
        reports=[_report_out(r, show) for r in c.reports.select_related("case", "duplicate_of").order_by("id")],
        events=[ChildEventOut(id=e.pk, kind=e.kind, kind_label=e.get_kind_display(), happened_on=e.happened_on,
                              note=e.note, details=e.details) for e in c.events.all()],
        assessments=[ChildAssessmentOut(form=a.form_key, assessed_on=a.assessed_on, score=a.score,
                                        risk_level=a.risk_level,
                                        risk_label=rules.form_by_key(a.form_key).level_label(a.risk_level),
                                        answers=a.answers) for a in c.assessments.order_by("assessed_on", "id")],
        referrals=[_referral_out(r) for r in c.referrals.select_related("org").order_by("id")],
        workers=[w.user.display_name or w.user.username for w in c.workers.filter(until__isnull=True)
                 .select_related("user")])


def _referral_out(r) -> ChildReferralOut:
    return ChildReferralOut(id=r.pk, org=r.org.name, service=r.service, status=r.status,
                            status_label=r.get_status_display(), requested_on=r.requested_on,
                            responded_on=r.responded_on, feedback=r.feedback)


@router.get("/cases", response={200: list[ChildCaseItem], **ERR}, summary="儿童保护个案（仅本人参与、督导或中心可见）")
def list_cases(request, open_only: bool = True, overdue_only: bool = False):
    require(request.user, Cap.CHILD_VIEW)
    rows = selectors.case_list(request.user, on=local_date(), open_only=open_only)
    return [_case_item(c, s) for c, s in rows if s.overdue or not overdue_only][:500]


@router.get("/cases/{case_id}", response={200: ChildCaseDetail, **ERR}, summary="个案详情（记入查阅日志）")
def get_case(request, case_id: RecordId, purpose: str = "case_work"):
    require(request.user, Cap.CHILD_VIEW)
    c = _case(request.user, case_id)
    services.case_access(actor=request.user, case=c, purpose=purpose, channel="api")
    return case_detail_out(request.user, c)


class ChildAccessOut(Schema):
    user: str
    at: dt.datetime
    purpose: str
    channel: str


@router.get("/cases/{case_id}/access-log", response={200: list[ChildAccessOut], **ERR}, summary="个案查阅日志")
def get_access_log(request, case_id: RecordId):
    require(request.user, Cap.CHILD_VIEW)
    c = _case(request.user, case_id)
    return [ChildAccessOut(user=a.user.display_name or a.user.username, at=a.at,
                           purpose=CaseAccess.Purpose(a.purpose).label, channel=a.channel)
            for a in selectors.access_log(c)[:500]]


class ChildStepIn(Schema):
    happened_on: dt.date
    note: str = Text
    substantiated: bool = False
    safety_plan: str = Field("", max_length=2000)
    goals: list[str] = Field(default_factory=list, max_length=20)
    services: list[str] = Field(default_factory=list, max_length=20)
    reason: str = Field("", max_length=32, description="结案原因代码（结案时）")


STEPS = ("verify", "emergency", "plan", "follow-up", "close", "reopen")


@router.post("/cases/{case_id}/steps/{step}", response={200: ChildCaseDetail, **ERR},
             summary="登记个案步骤：核查、应急处置、帮扶计划、跟进回访、结案、重新开启")
def post_step(request, case_id: RecordId, step: str, payload: ChildStepIn):
    require(request.user, Cap.CHILD_WORK)
    c = _case(request.user, case_id)
    if step not in STEPS:
        raise NotFound()
    kw = {"actor": request.user, "case": c, "happened_on": payload.happened_on}
    if step == "verify":
        services.case_verify(**kw, finding=payload.note, substantiated=payload.substantiated)
    elif step == "emergency":
        services.case_emergency(**kw, actions=payload.note, safety_plan=payload.safety_plan)
    elif step == "plan":
        services.case_plan(**kw, goals=payload.goals, services=payload.services)
    elif step == "follow-up":
        services.case_follow_up(**kw, note=payload.note)
    elif step == "close":
        services.case_close(**kw, reason=payload.reason, note=payload.note)
    else:
        services.case_reopen(**kw, reason=payload.note)
    return case_detail_out(request.user, _case(request.user, case_id))


class ChildAssessIn(Schema):
    assessed_on: dt.date
    answers: dict[str, int] = Field(..., description="评估项代码 → 选项分值，见 /children/forms/risk")


@router.get("/forms/risk", response={200: dict, **ERR}, summary="当前生效的风险评估表（数据定义，带版本）")
def get_form(request):
    require(request.user, Cap.CHILD_VIEW)
    f = rules.form_on(local_date())
    return {"key": f.key, "title": f.title, "version": f.version, "citation": f.citation,
            "items": [{"code": i.code, "label": i.label, "options": {str(k): v for k, v in i.options.items()}}
                      for i in f.items], "bands": [{"min_score": b[0], "level": b[1], "label": b[2]} for b in f.bands]}


@router.post("/cases/{case_id}/assessments", response={201: ChildAssessmentOut, **ERR}, summary="登记风险评估")
def post_assessment(request, case_id: RecordId, payload: ChildAssessIn):
    require(request.user, Cap.CHILD_WORK)
    a = services.case_assess(actor=request.user, case=_case(request.user, case_id), assessed_on=payload.assessed_on,
                             answers=payload.answers)
    return Status(201, ChildAssessmentOut(form=a.form_key, assessed_on=a.assessed_on, score=a.score,
                                          risk_level=a.risk_level,
                                          risk_label=rules.form_by_key(a.form_key).level_label(a.risk_level),
                                          answers=a.answers))


class ChildReferralIn(Schema):
    org_id: RecordId
    service: str = Field(..., min_length=1, max_length=100)
    consent: str = Field(..., min_length=1, max_length=100)
    requested_on: dt.date


@router.post("/cases/{case_id}/referrals", response={201: ChildReferralOut, **ERR}, summary="转介")
def post_referral(request, case_id: RecordId, payload: ChildReferralIn):
    require(request.user, Cap.CHILD_WORK)
    r = services.referral_create(actor=request.user, case=_case(request.user, case_id), org_id=payload.org_id,
                                 service=payload.service, consent=payload.consent, requested_on=payload.requested_on)
    return Status(201, _referral_out(r))


class ChildReferralAnswerIn(Schema):
    action: str = Field(..., max_length=8, description="accept 接收 / reject 拒绝 / done 办结")
    feedback: str = Field("", max_length=2000)


@router.post("/referrals/{referral_id}", response={200: ChildReferralOut, **ERR}, summary="登记转介结果")
def post_referral_answer(request, referral_id: RecordId, payload: ChildReferralAnswerIn):
    require(request.user, Cap.CHILD_WORK)
    on = local_date()
    r = Referral.objects.filter(pk=referral_id, case__in=selectors.cases_for(request.user, on=on)).first()
    if r is None:
        raise NotFound()
    if payload.action == "done":
        r = services.referral_done(actor=request.user, referral=r, feedback=payload.feedback)
    elif payload.action in ("accept", "reject"):
        r = services.referral_respond(actor=request.user, referral=r, accepted=payload.action == "accept",
                                      feedback=payload.feedback)
    else:
        raise DomainError("操作应为 accept、reject 或 done", field="action")
    return _referral_out(r)


class ChildInterventionIn(Schema):
    kind: str = Field(..., max_length=16, description="assessment / admonition / supervision / temporary_care")
    happened_on: dt.date
    note: str = Text
    guardian_id: RecordId | None = None
    outcome: str = Field("", max_length=16, description="家庭监护能力评估结论：fit / needs_support / unfit")


def _guardian(c, guardian_id: int | None) -> Guardian | None:
    if guardian_id is None:
        return None
    g = Guardian.objects.filter(pk=guardian_id, child_id=c.child_id).select_related("person", "org").first()
    if g is None:
        raise DomainError("所选监护人不是本个案儿童的监护人", field="监护人")
    return g


@router.post("/cases/{case_id}/interventions", response={200: ChildCaseDetail, **ERR}, summary="登记监护干预")
def post_intervention(request, case_id: RecordId, payload: ChildInterventionIn):
    require(request.user, Cap.CHILD_WORK)
    c = _case(request.user, case_id)
    services.intervention_record(actor=request.user, case=c, kind=payload.kind, happened_on=payload.happened_on,
                                 note=payload.note, guardian=_guardian(c, payload.guardian_id),
                                 outcome=payload.outcome)
    return case_detail_out(request.user, _case(request.user, case_id))


class ChildRevocationIn(Schema):
    guardian_id: RecordId
    grounds: str = Text
    court: str = Field(..., min_length=1, max_length=100)
    happened_on: dt.date


@router.post("/cases/{case_id}/revocations", response={201: ChildEventOut, **ERR},
             summary="申请撤销监护人资格（救助保护中心）")
def post_revocation(request, case_id: RecordId, payload: ChildRevocationIn):
    require(request.user, Cap.CHILD_WORK)
    c = _case(request.user, case_id)
    g = _guardian(c, payload.guardian_id)
    assert g is not None
    e = services.revocation_apply(actor=request.user, case=c, guardian=g, grounds=payload.grounds,
                                  court=payload.court, happened_on=payload.happened_on)
    return Status(201, ChildEventOut(id=e.pk, kind=e.kind, kind_label=e.get_kind_display(),
                                     happened_on=e.happened_on, note=e.note, details=e.details))


@router.get("/cases/{case_id}/revocations/{event_id}/pdf", response={200: None, **ERR},
            summary="撤销监护人资格申请书及证据材料清单（PDF）")
def get_revocation_pdf(request, case_id: RecordId, event_id: RecordId):
    require(request.user, Cap.CHILD_VIEW)
    c = _case(request.user, case_id)
    e = c.events.filter(pk=event_id, kind=EventKind.REVOCATION).first()
    if e is None:
        raise NotFound()
    services.case_access(actor=request.user, case=c, purpose=CaseAccess.Purpose.CASE_WORK, channel="pdf")
    response = HttpResponse(letters.revocation_pdf(e), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{c.number}-revocation.pdf"'
    return response


# --- state guardianship, adoption, workforce ----------------------------------------------------------------

class ChildCareIn(Schema):
    child_id: RecordId
    org_id: RecordId
    kind: str = Field(GuardianKind.TEMPORARY, max_length=16, description="temporary 临时监护 / long_term 长期监护")
    intake_on: dt.date
    reason: str = Text
    placement: str = Field(Placement.Kind.INSTITUTION, max_length=16,
                           description="institution 机构养育 / foster 家庭寄养 / family_style 家庭式养育")
    carer: str = Field("", max_length=100)


class ChildCareOut(Schema):
    id: int
    child_name: str
    org: str
    kind: str
    intake_on: dt.date
    exit_on: dt.date | None
    exit_reason: str
    placement: str | None


def _care_out(c: StateCare) -> ChildCareOut:
    p = c.placements.filter(end_date__isnull=True).first()
    return ChildCareOut(id=c.pk, child_name=c.child.name, org=c.org.name, kind=c.kind, intake_on=c.intake_on,
                        exit_on=c.exit_on, exit_reason=c.exit_reason, placement=p.get_kind_display() if p else None)


@router.post("/state-care", response={201: ChildCareOut, **ERR}, summary="临时监护/长期监护接收")
def post_state_care(request, payload: ChildCareIn):
    require(request.user, Cap.CHILD_WORK)
    child = _child(request.user, payload.child_id)
    org = selectors.orgs_for(request.user).filter(pk=payload.org_id).first()
    if org is None:
        raise DomainError("接收机构不存在或不在本辖区", field="接收机构")
    c = services.state_care_intake(actor=request.user, child=child, org=org, kind=payload.kind,
                                   intake_on=payload.intake_on, reason=payload.reason, placement=payload.placement,
                                   carer=payload.carer)
    return Status(201, _care_out(c))


class ChildCareExitIn(Schema):
    exit_on: dt.date
    destination: str = Field(..., max_length=16, description="family / kin / adopted / long_term / adult")


@router.post("/state-care/{care_id}/exit", response={200: ChildCareOut, **ERR}, summary="离开国家监护")
def post_state_care_exit(request, care_id: RecordId, payload: ChildCareExitIn):
    require(request.user, Cap.CHILD_WORK)
    c = selectors.state_care_get(request.user, care_id, on=local_date())
    return _care_out(services.state_care_exit(actor=request.user, care=c, exit_on=payload.exit_on,
                                              destination=payload.destination))


class ChildGapOut(Schema):
    villages_without_director: list[AreaRef]
    towns_without_supervisor: list[AreaRef]


@router.get("/workforce/gaps", response={200: ChildGapOut, **ERR}, summary="儿童主任、儿童督导员空缺名单")
def get_gaps(request):
    require(request.user, Cap.CHILD_VIEW)
    g = selectors.gap_list(request.user, on=local_date())
    return ChildGapOut(villages_without_director=[AreaRef.of(a) for a in g["villages"]],
                       towns_without_supervisor=[AreaRef.of(a) for a in g["towns"]])


class ChildAdoptionOut(Schema):
    id: int
    child_name: str
    adopter_name: str
    registered_on: dt.date
    certificate_number: str
    archive_number: str
    assessment: str
    dissolved_on: dt.date | None


@router.get("/adoptions", response={200: list[ChildAdoptionOut], **ERR}, summary="收养登记")
def list_adoptions(request):
    require(request.user, Cap.CHILD_VIEW)
    return [ChildAdoptionOut(id=a.pk, child_name=a.child.name, adopter_name=a.adopter.name,
                             registered_on=a.registered_on, certificate_number=a.certificate_number,
                             archive_number=a.archive_number, assessment=a.get_assessment_result_display(),
                             dissolved_on=a.dissolved_on)
            for a in selectors.adoptions_for(request.user, on=local_date()).order_by("-registered_on")[:500]]


@router.get("/adoptions/stats", response={200: list[dict], **ERR}, summary="收养登记统计（按年）")
def adoption_stats(request):
    require(request.user, Cap.CHILD_VIEW)
    return selectors.adoption_stats(request.user, on=local_date())


class ChildAdoptionIn(Schema):
    child_id: RecordId
    adopter_id: RecordId
    co_adopter_id: RecordId | None = None
    area_code: str = Field(..., max_length=12, description="登记机关所在区划代码（县区或市）")
    assessment_result: str = Field(..., max_length=16, description="suitable 适合收养 / unsuitable 不适合收养")
    assessed_by: str = Field(..., min_length=1, max_length=100)
    assessed_on: dt.date
    registered_on: dt.date
    certificate_number: str = Field(..., min_length=1, max_length=32)
    archive_number: str = Field(..., min_length=1, max_length=32)


def _adoption_out(a) -> ChildAdoptionOut:
    return ChildAdoptionOut(id=a.pk, child_name=a.child.name, adopter_name=a.adopter.name,
                            registered_on=a.registered_on, certificate_number=a.certificate_number,
                            archive_number=a.archive_number, assessment=a.get_assessment_result_display(),
                            dissolved_on=a.dissolved_on)


def _person_in_scope(user: User, person_id: int | None, label: str) -> Person | None:
    if person_id is None:
        return None
    p = Person.objects.select_related("residence_area").filter(pk=person_id).first()
    if p is None or not can_access_area(user, p.residence_area):
        raise DomainError(f"{label}不存在或不在您的管辖范围内，请先在人员库中登记", field=label)
    return p


@router.post("/adoptions", response={201: ChildAdoptionOut, **ERR}, summary="收养登记")
def post_adoption(request, payload: ChildAdoptionIn):
    require(request.user, Cap.CHILD_MANAGE)
    child = _person_in_scope(request.user, payload.child_id, "被收养人")
    adopter = _person_in_scope(request.user, payload.adopter_id, "收养人")
    assert child is not None and adopter is not None
    a = services.adoption_register(
        actor=request.user, child=child, adopter=adopter,
        co_adopter=_person_in_scope(request.user, payload.co_adopter_id, "共同收养人"),
        area=area_get(request.user, payload.area_code), assessment_result=payload.assessment_result,
        assessed_by=payload.assessed_by, assessed_on=payload.assessed_on, registered_on=payload.registered_on,
        certificate_number=payload.certificate_number, archive_number=payload.archive_number)
    return Status(201, _adoption_out(a))


class ChildAdoptionDissolveIn(Schema):
    dissolved_on: dt.date
    reason: str = Field(..., min_length=1, max_length=200)


@router.post("/adoptions/{adoption_id}/dissolve", response={200: ChildAdoptionOut, **ERR}, summary="解除收养关系")
def post_adoption_dissolve(request, adoption_id: RecordId, payload: ChildAdoptionDissolveIn):
    require(request.user, Cap.CHILD_MANAGE)
    a = selectors.adoption_get(request.user, adoption_id, on=local_date())
    return _adoption_out(services.adoption_dissolve(actor=request.user, adoption=a,
                                                    dissolved_on=payload.dissolved_on, reason=payload.reason))
