"""大救助 REST API: the application workflow as JSON, the same operations as the pages.

Thin: reads through assistance.selectors (scoped), writes through assistance.services (checked, atomic, audited).
An application of another area answers 404; a role without the capability 403; a step taken at the wrong time
409 with the Chinese Conflict message; bad input 400 naming the field — every error as {code, message, field}.
The public 公示 endpoints need no login and return masked data only.
"""

import dataclasses
import datetime as dt
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.responses import codes_4xx

from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area
from minzheng.areas.selectors import area_get
from minzheng.core.api import ChallengeOut, require
from minzheng.core.errors import Conflict, DomainError, NotFound
from minzheng.core.idcard import normalize
from minzheng.core.inputs import BureauDate
from minzheng.core.periods import next_month_start
from minzheng.registry.models import Membership
from minzheng.registry.selectors import households_for, persons_for

from . import rechecks, selectors, services
from .facts import build_facts
from .letters import refusal_letter_pdf
from .models import OPEN_STATUSES, Application, ApplicationStatus, Entitlement, Publicity
from .programmes.base import get_programme
from .public import OBJECTION_RECEIVED, public_challenge, public_objection_file
from .schemas import (
    AmountOut,
    ApplicationDetail,
    ApplicationFilter,
    ApplicationItem,
    ApplicationPage,
    ApproveIn,
    AreaRef,
    AttachmentOut,
    CaseChangeOut,
    CaseDetail,
    CaseExitIn,
    CaseMonthOut,
    CaseOut,
    DecisionOut,
    EntitlementOut,
    ErrorOut,
    FactsIn,
    InvestigationIn,
    InvestigationOut,
    MyApplication,
    NoteIn,
    ObjectionDecideIn,
    ObjectionIn,
    ObjectionOut,
    ObjectionReceipt,
    OpinionIn,
    PayFirstIn,
    PayFirstOut,
    PublicityOut,
    PublicNotice,
    PublicObjectionIn,
    RecheckFilter,
    RecheckIn,
    RecheckItem,
    RecheckPage,
    RecheckPreviewOut,
    RefuseIn,
    ReviewIn,
    ReviewOut,
    StepOut,
    SubmitIn,
    VerificationOut,
    VerificationResultIn,
)
from .whatif import dibao_what_if

router = Router(tags=["社会救助"])
ERR = {codes_4xx: ErrorOut}


def _money(v) -> str | None:
    return None if v is None else f"{Decimal(v):.2f}"


def _item(app: Application, today: dt.date) -> dict:
    return dict(
        id=app.pk, number=app.number, programme=app.programme, programme_label=get_programme(app.programme).label,
        variant=app.variant, status=app.status, status_label=app.get_status_display(),
        applicant_name=app.applicant.name, applicant_id_masked=app.applicant.masked_id,
        household_number=app.household.number if app.household_id else None, area=AreaRef.of(app.area),
        channel=app.channel, step_due=app.step_due,
        overdue=bool(app.status in OPEN_STATUSES and app.step_due and app.step_due < today),
        paid_first=app.paid_first, file_completed=app.file_completed_at is not None,
        related_to_staff=app.related_to_staff, created_at=app.created_at)


def _allowed(user, app: Application) -> list[str]:
    return [name for name, ok in selectors.available_actions(user, app).items() if ok]


def _detail(user, pk: int) -> ApplicationDetail:
    app = selectors.application_get(user, pk)
    today = timezone.localdate()
    names = {}
    cases = []
    for c in app.cases.order_by("id"):
        ents = list(Entitlement.objects.filter(case=c).select_related("person").order_by("id"))
        names |= {e.person_id: e.person.name for e in ents}
        cases.append(CaseOut(
            id=c.pk, start_month=c.start_month, end_month=c.end_month, status=c.status, next_recheck=c.next_recheck,
            monthly_total=_money(sum((e.monthly_amount for e in ents if e.to_month is None or e.to_month >
                                      c.start_month), Decimal("0"))),
            amounts=[AmountOut(person_id=e.person_id, person_name=e.person.name, component=e.component,
                               monthly_amount=_money(e.monthly_amount), rule_version=e.rule_version,
                               explanation=e.explanation) for e in ents]))
    pf = getattr(app, "pay_first", None) if app.paid_first else None
    return ApplicationDetail(
        **_item(app, today), requested_amount=_money(app.requested_amount), decision_reason=app.decision_reason,
        allowed_actions=_allowed(user, app),
        steps=[StepOut(from_status=s.from_status, to_status=s.to_status,
                       to_label=ApplicationStatus(s.to_status).label,
                       actor_name=s.actor_name, at=s.at, due=s.due, note=s.note)
               for s in selectors.application_steps(app)],
        attachments=[AttachmentOut(id=a.pk, kind=a.kind, kind_label=a.get_kind_display(), name=a.original_name,
                                   size=a.size, sha256=a.sha256, uploaded_at=a.uploaded_at,
                                   investigation_id=a.investigation_id)
                     for a in selectors.application_attachments(app)],
        verifications=[VerificationOut(id=v.pk, outcome=v.outcome, outcome_label=v.get_outcome_display(),
                                       per_capita_income=_money(v.per_capita_income), assets=_money(v.assets),
                                       summary=v.summary, report_ref=v.report_ref, requested_at=v.requested_at,
                                       recorded_at=v.recorded_at) for v in app.verifications.order_by("id")],
        investigations=[InvestigationOut(id=i.pk, kind=i.kind, kind_label=i.get_kind_display(),
                                         visit_date=i.visit_date, visitors=i.visitors, findings=i.findings,
                                         conclusion=i.conclusion, conclusion_label=i.get_conclusion_display(),
                                         photos=[p.pk for p in i.photos.order_by("id")])
                        for i in app.investigations.order_by("recorded_at", "id")],
        reviews=[ReviewOut(id=r.pk, started_at=r.started_at, town_opinion=r.town_opinion, sampled=r.sampled,
                           full_review_required=r.full_review_required, decided_at=r.decided_at, opinion=r.opinion)
                 for r in app.reviews.order_by("id")],
        publicities=[PublicityOut(id=p.pk, start_date=p.start_date, end_date=p.end_date, status=p.status,
                                  status_label=p.get_status_display(), masked_name=p.masked_name,
                                  masked_id=p.masked_id, household_size=p.household_size,
                                  objections=[ObjectionOut(id=o.pk, objector_name=o.objector_name, reason=o.reason,
                                                           filed_at=o.filed_at, status=o.status,
                                                           status_label=o.get_status_display(),
                                                           decision_note=o.decision_note)
                                              for o in p.objections.order_by("id")])
                     for p in app.publicities.order_by("id")],
        pay_first=PayFirstOut(amount=_money(pf.amount), reason=pf.reason, paid_on=pf.paid_on,
                              complete_by=pf.complete_by, file_completed_at=app.file_completed_at) if pf else None,
        cases=cases)


def _get(request, pk: int, capability: str) -> Application:
    """The application in the user's scope (else 404), and the capability for the action (else 403)."""
    require(request.user, Cap.ASSIST_VIEW)
    app = selectors.application_get(request.user, pk)
    require(request.user, capability)
    return app


def _page(qs, f: ApplicationFilter) -> ApplicationPage:
    today = timezone.localdate()
    start = (f.page - 1) * f.page_size
    rows = list(qs.select_related("household")[start:start + f.page_size])
    return ApplicationPage(count=qs.count(), page=f.page, page_size=f.page_size,
                           items=[ApplicationItem(**_item(a, today)) for a in rows])


# --- reads ---------------------------------------------------------------------------------------

@router.get("/applications", response={200: ApplicationPage, **ERR}, summary="救助申请列表",
            description="管辖范围内的救助申请，可按状态、救助项目和是否超期筛选；身份证号已脱敏。")
def list_applications(request, filters: Query[ApplicationFilter]):
    require(request.user, Cap.ASSIST_VIEW)
    if filters.overdue:
        qs = selectors.overdue(request.user)
        qs = qs.filter(status=filters.status) if filters.status else qs
        qs = qs.filter(programme=filters.programme) if filters.programme else qs
    else:
        qs = selectors.application_list(request.user, status=filters.status, programme=filters.programme)
    return _page(qs, filters)


@router.get("/applications/overdue", response={200: ApplicationPage, **ERR}, summary="超期未办清单",
            description="当前环节已超过办理时限（工作日）的申请，按时限先后排列。")
def list_overdue(request, filters: Query[ApplicationFilter]):
    require(request.user, Cap.ASSIST_VIEW)
    return _page(selectors.overdue(request.user), filters)


@router.get("/applications/paid-first", response={200: ApplicationPage, **ERR}, summary="先救助后说明待补手续清单",
            description="急难型临时救助已先行发放、尚未补齐手续的申请。")
def list_paid_first(request, filters: Query[ApplicationFilter]):
    require(request.user, Cap.ASSIST_VIEW)
    return _page(selectors.paid_first_pending(request.user), filters)


@router.get("/applications/mine", response={200: list[MyApplication], **ERR}, summary="我的网上申请（居民）")
def my_applications(request):
    require(request.user, Cap.ASSIST_APPLY_ONLINE)
    return [MyApplication(number=a.number, programme_label=get_programme(a.programme).label,
                          status_label=a.get_status_display(), created_at=a.created_at)
            for a in selectors.my_applications(request.user)]


@router.get("/applications/{application_id}", response={200: ApplicationDetail, **ERR}, summary="救助申请详情",
            description="办理记录、时限、核对结果、入户调查、审核、公示与异议、核定金额，以及当前用户可办理的操作。")
def get_application(request, application_id: int):
    require(request.user, Cap.ASSIST_VIEW)
    return _detail(request.user, application_id)


@router.get("/applications/{application_id}/refusal-letter.pdf", response={200: None, **ERR},
            summary="下载不予批准通知书（PDF）")
def refusal_letter(request, application_id: int):
    app = _get(request, application_id, Cap.ASSIST_VIEW)
    if app.status != "refused":
        raise NotFound(f"申请{app.number}未作出不予批准决定，没有不予批准通知书")
    response = HttpResponse(refusal_letter_pdf(app), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{app.number}-refusal.pdf"'
    return response


@router.get("/applications/{application_id}/attachments/{attachment_id}", response={200: None, **ERR},
            summary="下载申请材料或调查照片")
def download_attachment(request, application_id: int, attachment_id: int):
    require(request.user, Cap.ASSIST_VIEW)
    att = selectors.attachment_get(request.user, application_id, attachment_id)
    with att.file.open("rb") as f:
        response = HttpResponse(f.read(), content_type=att.content_type)
    response["Content-Disposition"] = f'attachment; filename="{att.pk}.{att.original_name.rsplit(".", 1)[-1]}"'
    return response


# --- 申请 -----------------------------------------------------------------------------------------

@router.post("/applications", response={201: ApplicationDetail, **ERR}, summary="提交救助申请",
             description="工作人员代录：按身份证号或家庭编号从管辖范围内的人员库选择申请人。"
                         "表单格式（multipart/form-data）。居民本人的网上申请在居民掌上办提交（手机验证码登录，"
                         "申请人即登录的本人）。")
def submit_application(request, payload: Form[SubmitIn], authorisation: File[UploadedFile] = None):
    user = request.user
    require(user, Cap.ASSIST_APPLY)
    household = applicant = None
    if payload.household_number.strip():
        household = households_for(user).filter(number=payload.household_number.strip(),
                                                dissolved_on__isnull=True).select_related("head").first()
        if household is None:
            raise DomainError(f"未找到家庭编号“{payload.household_number}”，或其不在您的管辖范围内",
                              code="unknown_household", field="家庭编号")
    if payload.id_number.strip():
        applicant = persons_for(user).filter(id_number=normalize(payload.id_number)).first()
        if applicant is None:
            raise DomainError(f"未找到身份证号为“{payload.id_number}”的人员，或其不在您的管辖范围内",
                              code="unknown_person", field="身份证号")
    elif household is not None:
        applicant = household.head
    if applicant is None:
        raise DomainError("请填写申请人身份证号或家庭编号", code="required", field="申请人")
    app = services.application_submit(actor=user, programme=payload.programme, variant=payload.variant,
                                      note=payload.note, requested_amount=payload.requested_amount,
                                      authorisation=authorisation, applicant=applicant, household=household,
                                      related_to_staff=payload.related_to_staff)
    return Status(201, _detail(user, app.pk))


@router.post("/applications/{application_id}/attachments", response={201: AttachmentOut, **ERR},
             summary="补充申请材料",
             description="材料类别 authorisation 授权书、id_card 身份证、other 其他；PDF/JPG/PNG。")
def attach(request, application_id: int, kind: Form[str], file: File[UploadedFile]):
    app = _get(request, application_id, Cap.ASSIST_APPLY)
    a = services.application_attach(actor=request.user, application=app, kind=kind, upload=file)
    return Status(201, AttachmentOut(id=a.pk, kind=a.kind, kind_label=a.get_kind_display(), name=a.original_name,
                                     size=a.size, sha256=a.sha256, uploaded_at=a.uploaded_at))


# --- the steps -----------------------------------------------------------------------------------

def _step(request, application_id: int, capability: str, write) -> ApplicationDetail:
    app = _get(request, application_id, capability)
    write(app)
    return _detail(request.user, app.pk)


@router.post("/applications/{application_id}/accept", response={200: ApplicationDetail, **ERR}, summary="受理（镇街）")
def accept(request, application_id: int, payload: NoteIn | None = None):
    return _step(request, application_id, Cap.ASSIST_ACCEPT, lambda app: services.application_accept(
        actor=request.user, application=app, note=payload.note if payload else ""))


@router.post("/applications/{application_id}/verification", response={200: ApplicationDetail, **ERR},
             summary="发起家庭经济状况核对", description="须已上传申请家庭签字的授权书。")
def start_verification(request, application_id: int):
    return _step(request, application_id, Cap.ASSIST_ACCEPT, lambda app: services.application_start_verification(
        actor=request.user, application=app))


@router.post("/applications/{application_id}/verification/result", response={200: ApplicationDetail, **ERR},
             summary="录入核对结果", description="核对结果返回后转入户调查。")
def record_verification(request, application_id: int, payload: VerificationResultIn):
    return _step(request, application_id, Cap.ASSIST_ACCEPT, lambda app: services.application_record_verification(
        actor=request.user, application=app, **payload.model_dump()))


@router.post("/applications/{application_id}/investigations", response={200: ApplicationDetail, **ERR},
             summary="录入入户调查（可附照片）",
             description="入户调查中由镇街录入；审核中由县级录入入户抽查/复查。表单格式，照片字段 photos 可多个。")
def investigate(request, application_id: int, payload: Form[InvestigationIn],
                photos: File[list[UploadedFile]] = None):
    require(request.user, Cap.ASSIST_VIEW)
    app = selectors.application_get(request.user, application_id)
    require(request.user, Cap.ASSIST_REVIEW if app.status == "reviewing" else Cap.ASSIST_ACCEPT)
    services.investigation_record(actor=request.user, application=app, photos=photos or (), **payload.model_dump())
    return _detail(request.user, app.pk)


@router.post("/applications/{application_id}/submit-review", response={200: ApplicationDetail, **ERR},
             summary="镇街初审，提交县级审核")
def submit_review(request, application_id: int, payload: OpinionIn):
    return _step(request, application_id, Cap.ASSIST_ACCEPT, lambda app: services.application_submit_review(
        actor=request.user, application=app, opinion=payload.opinion))


@router.post("/applications/{application_id}/review", response={200: ApplicationDetail, **ERR},
             summary="县级审核通过并公示")
def review(request, application_id: int, payload: ReviewIn):
    return _step(request, application_id, Cap.ASSIST_REVIEW, lambda app: services.application_review(
        actor=request.user, application=app, opinion=payload.opinion, full_review=payload.full_review))


@router.post("/applications/{application_id}/publicity/close", response={200: ApplicationDetail, **ERR},
             summary="公示期满无异议，转审批")
def close_publicity(request, application_id: int):
    return _step(request, application_id, Cap.ASSIST_REVIEW, lambda app: services.application_close_publicity(
        actor=request.user, application=app))


@router.post("/applications/{application_id}/objections", response={200: ApplicationDetail, **ERR},
             summary="登记公示异议（工作人员）", description="登记后公示撤下，申请退回镇街入户调查复查。")
def record_objection(request, application_id: int, payload: ObjectionIn):
    def write(app):
        pub = app.publicities.filter(status=Publicity.Status.OPEN).order_by("-id").first()
        if pub is None:
            raise Conflict(f"申请{app.number}当前没有正在进行的公示", code="wrong_step")
        services.objection_file(actor=request.user, publicity=pub, **payload.model_dump())

    return _step(request, application_id, Cap.ASSIST_OBJECTION, write)


@router.post("/applications/{application_id}/objections/{objection_id}/decide",
             response={200: ApplicationDetail, **ERR}, summary="处理群众提出的公示异议（镇街、县区）",
             description="核实后决定：采纳则公示撤下、申请退回入户调查复查；不予采纳则公示继续。须填写处理意见。")
def decide_objection(request, application_id: int, objection_id: int, payload: ObjectionDecideIn):
    def write(app):
        obj = app.objections.filter(pk=objection_id).first()
        if obj is None:
            raise NotFound("异议不存在")
        services.objection_decide(actor=request.user, objection=obj, uphold=payload.uphold, note=payload.note)

    return _step(request, application_id, Cap.ASSIST_ACCEPT, write)


def _facts(request, app: Application, payload: FactsIn, start: dt.date):
    if app.household_id is None:
        raise DomainError("申请人未登记共同生活家庭，无法按家庭测算", code="no_household", field="申请家庭")
    extra = {"no_working_capacity": payload.no_working_capacity,
             "no_capable_supporter": payload.no_capable_supporter}
    if payload.household_status:
        extra["household_status"] = payload.household_status
    return build_facts(user=request.user, household=app.household, on=start, urban_rural=payload.urban_rural,
                       incomes=payload.incomes, assets=payload.assets, rigid_expenses=payload.rigid_expenses,
                       self_care=payload.self_care, variant=app.variant, extra=extra)


@router.post("/applications/{application_id}/approval/preview", response={200: DecisionOut, **ERR},
             summary="审批测算（不写入）", description="按填写的数据测算是否符合条件和每人每月金额及其计算说明。")
def approval_preview(request, application_id: int, payload: FactsIn):
    app = _get(request, application_id, Cap.ASSIST_APPROVE)
    start = next_month_start(timezone.localdate())
    decision = get_programme(app.programme).assess(dataclasses.replace(_facts(request, app, payload, start), on=start))
    names = dict(Membership.objects.filter(household=app.household).values_list("person_id", "person__name"))
    return DecisionOut(eligible=decision.eligible, reasons=list(decision.reasons), from_month=start,
                       monthly_total=_money(decision.total),
                       amounts=[AmountOut(person_id=a.person_id, person_name=names.get(a.person_id, ""),
                                          component=a.component, monthly_amount=_money(a.monthly_amount),
                                          rule_version=a.rule_version, explanation=a.explanation)
                                for a in decision.amounts])


@router.post("/applications/{application_id}/approve", response={200: ApplicationDetail, **ERR},
             summary="审批（批准纳入）", description="按填写的数据测算并批准；每项金额保存规则版本和计算说明。")
def approve(request, application_id: int, payload: ApproveIn):
    start = next_month_start(timezone.localdate())
    return _step(request, application_id, Cap.ASSIST_APPROVE, lambda app: services.application_approve(
        actor=request.user, application=app, facts=_facts(request, app, payload, start), opinion=payload.opinion))


@router.post("/applications/{application_id}/refuse", response={200: ApplicationDetail, **ERR},
             summary="不予批准", description="写明理由；之后可下载不予批准通知书。")
def refuse(request, application_id: int, payload: RefuseIn):
    return _step(request, application_id, Cap.ASSIST_APPROVE, lambda app: services.application_refuse(
        actor=request.user, application=app, reason=payload.reason))


@router.post("/applications/{application_id}/pay-first", response={200: ApplicationDetail, **ERR},
             summary="先救助后说明（急难型临时救助）")
def pay_first(request, application_id: int, payload: PayFirstIn):
    return _step(request, application_id, Cap.ASSIST_ACCEPT, lambda app: services.application_pay_first(
        actor=request.user, application=app, amount=payload.amount, reason=payload.reason))


@router.post("/applications/{application_id}/complete-file", response={200: ApplicationDetail, **ERR},
             summary="先行救助后补齐手续")
def complete_file(request, application_id: int, payload: NoteIn | None = None):
    return _step(request, application_id, Cap.ASSIST_ACCEPT, lambda app: services.application_complete_file(
        actor=request.user, application=app, note=payload.note if payload else ""))


# --- public 公示 (no login) -----------------------------------------------------------------------

def _notice(n: dict) -> PublicNotice:
    return PublicNotice(id=n["id"], area_name=n["area__name"], area_code=n["area__code"],
                        programme_label=n["programme_label"], masked_name=n["masked_name"], masked_id=n["masked_id"],
                        household_size=n["household_size"], start_date=n["start_date"], end_date=n["end_date"])


@router.get("/public/notices", auth=None, response={200: list[PublicNotice], **ERR}, summary="社会救助公示（公开）",
            description="无需登录；只含脱敏姓名、脱敏身份证号、家庭人口和村居。可按区划代码筛选。")
def public_notices(request, area: str = ""):

    a = Area.objects.current().filter(code=area.strip()).first() if area.strip() else None
    if area.strip() and a is None:
        raise DomainError(f"区划代码“{area}”不存在", code="unknown_area", field="区划代码")
    return [_notice(n) for n in selectors.public_notices(area=a)]


@router.get("/public/notices/{notice_id}/challenge", auth=None, response={200: ChallengeOut, **ERR},
            summary="获取提出异议用的验证题（公开）", description="每题十分钟内有效，只能作答一次。")
def public_objection_challenge(request, notice_id: int):
    selectors.public_notice_get(notice_id)
    return ChallengeOut(**public_challenge(request, notice_id))


@router.post("/public/notices/{notice_id}/objections", auth=None, response={201: ObjectionReceipt, **ERR},
             summary="对公示对象提出异议（公开）",
             description="无需登录，可匿名；须先获取验证题并作答。每个网络地址、每条公示的提交次数有限制。"
                         "异议由镇（街道）或县（区）民政部门核实后决定是否退回入户调查复查。")
def public_objection(request, notice_id: int, payload: PublicObjectionIn):
    pub = selectors.public_notice_get(notice_id)
    public_objection_file(request, pub, reason=payload.reason, objector_name=payload.objector_name,
                          contact=payload.contact, challenge_id=payload.challenge_id,
                          challenge_answer=payload.challenge_answer)
    return Status(201, ObjectionReceipt(message=OBJECTION_RECEIVED))


class WhatIfOut(Schema):
    households: int = Field(description="有核对结果的家庭数")
    eligible_now: int = Field(description="按现行标准符合条件的家庭数")
    eligible_then: int = Field(description="按拟调标准符合条件的家庭数")
    newly_eligible: int = Field(description="新增符合条件的家庭数")
    monthly_cost_now: Decimal = Field(description="现行标准下每月补差总额（元）")
    monthly_cost_then: Decimal = Field(description="拟调标准下每月补差总额（元）")
    extra_monthly_cost: Decimal = Field(description="每月增加的资金（元）")
    explanation: str = Field(description="测算口径说明")


@router.get("/what-if/dibao", response={200: WhatIfOut, **ERR}, summary="低保调标测算",
            description="若低保标准调整为 new_standard 元，按各户最近一次核对结果测算新增对象数和每月资金；"
                        "不写入任何数据。")
def dibao_what_if_api(request, area: str, new_standard: str, urban_rural: str = "urban", on: BureauDate | None = None):

    require(request.user, Cap.ASSIST_PLAN)
    if urban_rural not in ("urban", "rural"):
        raise DomainError("城乡应为 urban 或 rural", field="urban_rural")
    got = dibao_what_if(user=request.user, area=area_get(request.user, area), urban_rural=urban_rural,
                        new_standard=new_standard, on=on or timezone.localdate())
    return WhatIfOut(**dataclasses.asdict(got), extra_monthly_cost=got.extra_monthly_cost)


# --- 复核 and enrolled cases ---------------------------------------------------------------------

def _recheck_item(t) -> RecheckItem:
    c = t.case
    return RecheckItem(id=t.pk, case_id=c.pk, programme=c.programme, programme_label=get_programme(c.programme).label,
                       head_name=c.head.name, head_id_masked=c.head.masked_id, area=AreaRef.of(c.area),
                       due_date=t.due_date, status=t.status, outcome=t.outcome, completed_at=t.completed_at)


def _change(c) -> CaseChangeOut:
    return CaseChangeOut(id=c.pk, kind=c.kind, kind_label=c.get_kind_display(), from_month=c.from_month,
                         old_total=_money(c.old_total), new_total=_money(c.new_total), reason=c.reason,
                         recheck_id=c.recheck_id, created_at=c.created_at)


def _case(user, pk: int) -> CaseDetail:
    case = selectors.case_get(user, pk)
    today = timezone.localdate()
    open_task = case.rechecks.filter(status="open").first()
    return CaseDetail(
        id=case.pk, programme=case.programme, programme_label=get_programme(case.programme).label,
        status=case.status, status_label=case.get_status_display(), head_name=case.head.name,
        head_id_masked=case.head.masked_id, household_number=case.household.number if case.household_id else None,
        area=AreaRef.of(case.area), application_id=case.application_id, start_month=case.start_month,
        end_month=case.end_month, next_recheck=case.next_recheck,
        current_total=_money(rechecks.monthly_total(case, today)),
        months=[CaseMonthOut(month=r["month"], total=_money(r["total"]),
                             change_id=r["change"].pk if r["change"] else None)
                for r in selectors.case_history(case, today=today)],
        changes=[_change(c) for c in case.changes.order_by("-from_month", "-id")],
        entitlements=[EntitlementOut(person_id=e.person_id, person_name=e.person.name, component=e.component,
                                     monthly_amount=_money(e.monthly_amount), rule_version=e.rule_version,
                                     explanation=e.explanation, from_month=e.from_month, to_month=e.to_month)
                      for e in case.entitlements.select_related("person").order_by("-from_month", "id")],
        open_recheck_id=open_task.pk if open_task else None)


@router.get("/rechecks", response={200: RecheckPage, **ERR}, summary="复核任务列表",
            description="管辖范围内的复核任务，按应复核日期先后排列；身份证号已脱敏。")
def list_rechecks(request, filters: Query[RecheckFilter]):
    require(request.user, Cap.ASSIST_VIEW)
    if filters.status not in ("open", "done", "all"):
        raise DomainError("状态应为 open、done 或 all", field="status")
    qs = selectors.recheck_tasks(request.user, status=None if filters.status == "all" else filters.status)
    start = (filters.page - 1) * filters.page_size
    return RecheckPage(count=qs.count(), page=filters.page, page_size=filters.page_size,
                       items=[_recheck_item(t) for t in qs[start:start + filters.page_size]])


@router.get("/rechecks/{task_id}", response={200: RecheckItem, **ERR}, summary="复核任务")
def get_recheck(request, task_id: int):
    require(request.user, Cap.ASSIST_VIEW)
    return _recheck_item(selectors.recheck_task_get(request.user, task_id))


def _recheck_task(request, task_id: int):
    require(request.user, Cap.ASSIST_VIEW)
    task = selectors.recheck_task_get(request.user, task_id)
    require(request.user, Cap.ASSIST_APPROVE)
    return task


def _recheck_facts(request, case, payload: RecheckIn):
    extra = {"no_working_capacity": payload.no_working_capacity,
             "no_capable_supporter": payload.no_capable_supporter}
    if payload.household_status:
        extra["household_status"] = payload.household_status
    return rechecks.recheck_facts(request.user, case, timezone.localdate(), urban_rural=payload.urban_rural,
                         incomes=payload.incomes, assets=payload.assets, rigid_expenses=payload.rigid_expenses,
                         self_care=payload.self_care, extra=extra)


@router.post("/rechecks/{task_id}/preview", response={200: RecheckPreviewOut, **ERR}, summary="复核测算（不写入）",
             description="按复核核实的数据测算新金额，以及作出决定后自下月起是增发、减发、停发还是不变。")
def recheck_preview(request, task_id: int, payload: RecheckIn):
    task = _recheck_task(request, task_id)
    case = task.case
    facts = _recheck_facts(request, case, payload)
    decision = get_programme(case.programme).assess(facts)
    got = rechecks.recheck_outcome(case, decision, facts.on)
    names = dict(Membership.objects.filter(household=case.household).values_list("person_id", "person__name"))
    return RecheckPreviewOut(
        eligible=decision.eligible, reasons=list(decision.reasons), from_month=got["from_month"],
        monthly_total=_money(got["new_total"]), change=got["kind"], change_label=got["kind_label"],
        old_total=_money(got["old_total"]), new_total=_money(got["new_total"]),
        amounts=[AmountOut(person_id=a.person_id, person_name=names.get(a.person_id, ""), component=a.component,
                           monthly_amount=_money(a.monthly_amount), rule_version=a.rule_version,
                           explanation=a.explanation) for a in (decision.amounts if decision.eligible else ())])


@router.post("/rechecks/{task_id}/complete", response={200: CaseChangeOut, **ERR}, summary="作出复核决定",
             description="金额自下月起调整（增发/减发），不再符合条件的自下月起停发；此前各月金额不变。")
def recheck_complete(request, task_id: int, payload: RecheckIn):
    task = _recheck_task(request, task_id)
    facts = _recheck_facts(request, task.case, payload)
    return _change(rechecks.recheck_complete(actor=request.user, task=task, facts=facts, note=payload.note))


@router.get("/cases/{case_id}", response={200: CaseDetail, **ERR}, summary="救助对象：逐月金额、变更与复核",
            description="逐月合计、增发/减发/停发记录和各版本金额（含规则版本与计算说明）。")
def get_case(request, case_id: int):
    require(request.user, Cap.ASSIST_VIEW)
    return _case(request.user, case_id)


@router.post("/cases/{case_id}/exit", response={200: CaseDetail, **ERR}, summary="退出（停发）",
             description="自 from_month（YYYY-MM）起停发，历史金额保留。")
def exit_case(request, case_id: int, payload: CaseExitIn):
    require(request.user, Cap.ASSIST_VIEW)
    case = selectors.case_get(request.user, case_id)
    require(request.user, Cap.ASSIST_APPROVE)
    try:
        month = dt.date.fromisoformat(f"{payload.from_month.strip()[:7]}-01")
    except ValueError:
        raise DomainError(f"起始月份“{payload.from_month}”格式应为YYYY-MM", field="起始月份") from None
    rechecks.case_exit(actor=request.user, case=case, from_month=month, reason=payload.reason)
    return _case(request.user, case.pk)
