"""社会组织 REST API. Thin: scoped reads (selectors), audited writes (services). The credit-list query is public."""

import datetime as dt

from django.http import HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.responses import codes_4xx

from minzheng.areas.services import area_by_code
from minzheng.core.api import ErrorOut
from minzheng.core.inputs import RecordId, Year

from . import selectors, services
from .documents import certificate_pdf

router = Router(tags=["社会组织"])


class SocialOrgOut(Schema):
    id: int
    name: str
    form: str
    form_label: str
    credit_code: str | None
    area_code: str
    registrar: str
    established_on: dt.date
    status: str
    is_hub: bool

    @staticmethod
    def of(o):
        return SocialOrgOut(id=o.pk, name=o.name, form=o.form, form_label=o.get_form_display(),
                            credit_code=o.credit_code, area_code=o.area.code, registrar=o.registrar.name,
                            established_on=o.established_on, status=o.status, is_hub=o.is_hub)


class OrgApplyIn(Schema):
    area_code: str = Field(max_length=12, description="住所所在地区划代码")
    name: str = Field(max_length=100)
    form: str = Field(max_length=16, description="social_group / service_org / foundation / community")
    legal_rep_id_number: str = Field(max_length=18, description="法定代表人身份证号（须已在人员库登记）")
    capital: str = Field(max_length=20, description="注册资金/开办资金（元）")
    domicile: str = Field(max_length=200)
    purpose: str = Field(max_length=500)
    supervisor: str = Field("", max_length=100)
    hub_id: RecordId | None = None


class OrgApplicationOut(Schema):
    id: int
    kind: str
    name: str
    status: str
    status_label: str
    org_id: int | None

    @staticmethod
    def of(a):
        return OrgApplicationOut(id=a.pk, kind=a.kind, name=a.particulars.get("name", ""), status=a.status,
                              status_label=a.get_status_display(), org_id=a.org_id)


class OrgReviewIn(Schema):
    approve: bool
    opinion: str = Field(max_length=300)


class OrgApproveIn(Schema):
    credit_code: str = Field("", max_length=18, description="统一社会信用代码；不填则按GB 32100自动赋码")


class OrgAnnualReportIn(Schema):
    year: Year
    income: str = Field("0", max_length=20, description="年度收入（元）")
    expense: str = Field("0", max_length=20, description="年度支出（元）")
    activities: str = Field("", max_length=500)


class OrgAnnualReportOut(Schema):
    year: int
    submitted_on: dt.date
    due_on: dt.date
    late: bool


class OrgListIn(Schema):
    ground: str = Field(max_length=32, description="列入事由代码（见《社会组织信用信息管理办法》）")


class OrgListingOut(Schema):
    id: int
    org_id: int
    list_kind: str
    list_label: str
    ground: str
    listed_on: dt.date
    escalated_on: dt.date | None
    removed_on: dt.date | None

    @staticmethod
    def of(i):
        return OrgListingOut(id=i.pk, org_id=i.org_id, list_kind=i.list_kind, list_label=i.get_list_kind_display(),
                          ground=i.ground_label, listed_on=i.listed_on, escalated_on=i.escalated_on,
                          removed_on=i.removed_on)


class OrgListingRemoveIn(Schema):
    reason: str = Field(max_length=300)


class OrgCreditRowOut(Schema):
    name: str
    credit_code: str
    list: str
    ground: str
    citation: str
    listed_on: dt.date
    escalated_on: dt.date | None
    registrar: str


@router.get("/orgs", response={200: list[SocialOrgOut], codes_4xx: ErrorOut}, summary="社会组织列表")
def list_orgs(request):
    return [SocialOrgOut.of(o) for o in selectors.orgs_for(request.user)[:500]]


@router.get("/orgs/{org_id}", response={200: SocialOrgOut, codes_4xx: ErrorOut}, summary="社会组织详情")
def get_org(request, org_id: RecordId):
    return SocialOrgOut.of(selectors.org_get(request.user, org_id))


@router.get("/orgs/{org_id}/certificate.pdf", response={codes_4xx: ErrorOut}, summary="登记证书（PDF）")
def certificate(request, org_id: RecordId):
    return HttpResponse(certificate_pdf(selectors.org_get(request.user, org_id)), content_type="application/pdf")


@router.post("/applications", response={201: OrgApplicationOut, codes_4xx: ErrorOut}, summary="受理成立登记申请")
def apply(request, payload: OrgApplyIn):
    area = area_by_code(payload.area_code, field="住所所在地")
    rep = selectors.person_by_id_number(request.user, payload.legal_rep_id_number)
    hub = selectors.org_get(request.user, payload.hub_id) if payload.hub_id else None
    app = services.establish_apply(actor=request.user, area=area, name=payload.name, form=payload.form,
                                   legal_rep=rep, capital=payload.capital, domicile=payload.domicile,
                                   purpose=payload.purpose, supervisor=payload.supervisor, hub=hub)
    return Status(201, OrgApplicationOut.of(app))


@router.post("/applications/{application_id}/review", response={200: OrgApplicationOut, codes_4xx: ErrorOut},
             summary="审查登记申请")
def review(request, application_id: RecordId, payload: OrgReviewIn):
    app = selectors.application_get(request.user, application_id)
    return OrgApplicationOut.of(services.application_review(actor=request.user, application=app,
                                                         approve=payload.approve, opinion=payload.opinion))


@router.post("/applications/{application_id}/approve", response={200: SocialOrgOut, codes_4xx: ErrorOut},
             summary="核准登记（赋统一社会信用代码）")
def approve(request, application_id: RecordId, payload: OrgApproveIn):
    app = selectors.application_get(request.user, application_id)
    return SocialOrgOut.of(services.application_approve(actor=request.user, application=app,
                                                  credit_code=payload.credit_code))


@router.post("/orgs/{org_id}/annual-reports", response={201: OrgAnnualReportOut, codes_4xx: ErrorOut},
             summary="报送年度工作报告")
def annual_report(request, org_id: RecordId, payload: OrgAnnualReportIn):
    org = selectors.org_get(request.user, org_id)
    r = services.annual_report_submit(actor=request.user, org=org, year=payload.year, income=payload.income,
                                      expense=payload.expense, activities=payload.activities)
    return Status(201, OrgAnnualReportOut(year=r.year, submitted_on=r.submitted_on, due_on=r.due_on, late=r.late))


@router.post("/orgs/{org_id}/listings", response={201: OrgListingOut, codes_4xx: ErrorOut}, summary="列入信用名录")
def list_org(request, org_id: RecordId, payload: OrgListIn):
    org = selectors.org_get(request.user, org_id)
    return Status(201, OrgListingOut.of(services.credit_list(actor=request.user, org=org, ground=payload.ground)))


@router.post("/listings/{listing_id}/remove", response={200: OrgListingOut, codes_4xx: ErrorOut},
             summary="移出信用名录（整改后）")
def remove_listing(request, listing_id: RecordId, payload: OrgListingRemoveIn):
    item = selectors.listing_get(request.user, listing_id)
    return OrgListingOut.of(services.listing_remove(actor=request.user, listing=item, reason=payload.reason))


@router.get("/public/credit-list", auth=None, response={200: list[OrgCreditRowOut]},
            summary="公开查询：活动异常名录和严重违法失信名单")
def public_credit_list(request, q: str = ""):
    rows = selectors.public_credit_query(q)
    return [OrgCreditRowOut(**{k: r[k] for k in OrgCreditRowOut.model_fields}) for r in rows]


class OrgChangeIn(Schema):
    name: str | None = Field(None, max_length=100)
    domicile: str | None = Field(None, max_length=200)
    purpose: str | None = Field(None, max_length=500)
    supervisor: str | None = Field(None, max_length=100)


class OrgDeregisterIn(Schema):
    reason: str = Field(max_length=300, description="注销理由（清算情况）")


class OrgRatingIn(Schema):
    grade: int = Field(ge=1, le=5, description="评估等级：1A–5A")


class OrgRatingOut(Schema):
    grade: int
    awarded_on: dt.date
    valid_to: dt.date


class OrgPenaltyIn(Schema):
    kind: str = Field(max_length=12,
                      description="warning 警告 / fine 罚款 / suspension 限期停止活动 / revocation 撤销登记")
    fine: str = Field("0", max_length=20, description="罚款金额（元），仅罚款填写")
    decision_no: str = Field(max_length=50)
    facts: str = Field(max_length=500)


class OrgPenaltyOut(Schema):
    id: int
    kind: str
    decided_on: dt.date
    listed_on: str = Field(description="处罚后所在的信用名录（无则为空）")


@router.post("/orgs/{org_id}/changes", response={201: OrgApplicationOut, codes_4xx: ErrorOut}, summary="受理变更登记")
def change(request, org_id: RecordId, payload: OrgChangeIn):
    org = selectors.org_get(request.user, org_id)
    changes = {k: v for k, v in payload.dict().items() if v is not None}
    return Status(201, OrgApplicationOut.of(services.change_apply(actor=request.user, org=org, changes=changes)))


@router.post("/orgs/{org_id}/deregistration", response={201: OrgApplicationOut, codes_4xx: ErrorOut},
             summary="受理注销登记")
def deregister(request, org_id: RecordId, payload: OrgDeregisterIn):
    org = selectors.org_get(request.user, org_id)
    return Status(201, OrgApplicationOut.of(services.deregister_apply(actor=request.user, org=org,
                                                                      reason=payload.reason)))


@router.post("/orgs/{org_id}/ratings", response={201: OrgRatingOut, codes_4xx: ErrorOut}, summary="评定等级（1A–5A）")
def rate(request, org_id: RecordId, payload: OrgRatingIn):
    org = selectors.org_get(request.user, org_id)
    r = services.rating_award(actor=request.user, org=org, grade=payload.grade)
    return Status(201, OrgRatingOut(grade=r.grade, awarded_on=r.awarded_on, valid_to=r.valid_to))


@router.post("/orgs/{org_id}/penalties", response={201: OrgPenaltyOut, codes_4xx: ErrorOut},
             summary="登记行政处罚（按《社会组织信用信息管理办法》列入相应名录）")
def penalise(request, org_id: RecordId, payload: OrgPenaltyIn):
    org = selectors.org_get(request.user, org_id)
    p = services.penalty_record(actor=request.user, org=org, kind=payload.kind, fine=payload.fine,
                                decision_no=payload.decision_no, facts=payload.facts)
    listing = org.listings.filter(removed_on__isnull=True).first()
    return Status(201, OrgPenaltyOut(id=p.pk, kind=p.kind, decided_on=p.decided_on,
                                     listed_on=listing.get_list_kind_display() if listing else ""))


class OrgCheckDrawIn(Schema):
    area_code: str = Field(max_length=12, description="抽取范围（区划代码）")
    sample_size: int = Field(ge=1, le=1000, description="抽取数量")


class OrgCheckOut(Schema):
    id: int
    org_id: int
    org_name: str
    inspectors: list[str]
    result: str
    result_label: str
    findings: str
    rectify_by: dt.date | None
    checked_on: dt.date | None

    @staticmethod
    def of(c):
        return OrgCheckOut(id=c.pk, org_id=c.org_id, org_name=c.org.name,
                           inspectors=[u.display_name or u.username for u in c.inspectors.all()], result=c.result,
                           result_label=c.get_result_display(), findings=c.findings, rectify_by=c.rectify_by,
                           checked_on=c.checked_on)


class OrgCheckDrawOut(Schema):
    id: int
    area_code: str
    seed: int = Field(description="系统生成的随机种子，与两份名录一起可复核抽取结果")
    drawn_on: dt.date
    sample_size: int
    org_pool: list[int] = Field(description="抽取范围内的社会组织编号（按编号排序）")
    inspector_pool: list[int] = Field(description="执法检查人员名录（用户编号，按编号排序）")
    checks: list[OrgCheckOut]

    @staticmethod
    def of(d):
        return OrgCheckDrawOut(id=d.pk, area_code=d.area.code, seed=d.seed, drawn_on=d.drawn_on,
                               sample_size=d.sample_size, org_pool=d.org_pool, inspector_pool=d.inspector_pool,
                               checks=[OrgCheckOut.of(c) for c in selectors.draw_checks(d)])


class OrgCheckResultIn(Schema):
    result: str = Field(max_length=10, description="passed 未发现问题 / rectify 责令限期整改 / rectified 已整改")
    findings: str = Field(max_length=500)
    rectify_by: dt.date | None = Field(None, description="整改期限（责令限期整改时必填）")


class OrgCheckPublicOut(Schema):
    name: str
    credit_code: str
    result: str
    checked_on: dt.date
    registrar: str


@router.post("/check-draws", response={201: OrgCheckDrawOut, codes_4xx: ErrorOut},
             summary="双随机抽取（随机种子由系统生成）")
def draw_checks(request, payload: OrgCheckDrawIn):
    area = selectors.draw_area(request.user, payload.area_code)
    draw = services.check_draw(actor=request.user, area=area, sample_size=payload.sample_size)
    return Status(201, OrgCheckDrawOut.of(selectors.draw_get(request.user, draw.pk)))


@router.get("/check-draws", response={200: list[OrgCheckDrawOut], codes_4xx: ErrorOut}, summary="双随机抽取记录")
def list_draws(request):
    return [OrgCheckDrawOut.of(d) for d in selectors.draws_for(request.user)[:100]]


@router.get("/check-draws/{draw_id}", response={200: OrgCheckDrawOut, codes_4xx: ErrorOut},
            summary="双随机抽取结果：抽中的组织和检查人员")
def get_draw(request, draw_id: RecordId):
    return OrgCheckDrawOut.of(selectors.draw_get(request.user, draw_id))


@router.post("/checks/{check_id}/result", response={200: OrgCheckOut, codes_4xx: ErrorOut},
             summary="登记抽查结果（抽中的检查人员）")
def record_check(request, check_id: RecordId, payload: OrgCheckResultIn):
    check = selectors.check_get(request.user, check_id)
    services.check_result(actor=request.user, check=check, result=payload.result, findings=payload.findings,
                          rectify_by=payload.rectify_by)
    return OrgCheckOut.of(selectors.check_get(request.user, check_id))


@router.get("/public/check-results", auth=None, response={200: list[OrgCheckPublicOut]},
            summary="公开：双随机抽查结果（组织名称、统一社会信用代码、检查结果、日期）")
def public_check_results(request, q: str = ""):
    return [OrgCheckPublicOut(**{k: r[k] for k in OrgCheckPublicOut.model_fields})
            for r in selectors.public_check_results(q)]
