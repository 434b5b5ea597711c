"""大慈善 REST API. Thin: scoped reads (selectors), audited writes (services). The public operations show only what
the law makes public: plans, open wishes (no person), a receipt check, annual reports."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Router, Schema, Status
from ninja.responses import codes_4xx

from minzheng.areas.services import area_by_code
from minzheng.core.api import ErrorOut
from minzheng.core.errors import NotFound
from minzheng.core.inputs import BureauDate, RecordId, Year
from minzheng.core.periods import local_date
from minzheng.registry.selectors import household_get, person_get
from minzheng.socialorgs.selectors import org_get

from . import selectors, services
from .models import Fund

router = Router(tags=["大慈善"])


class CharityFundBalanceOut(Schema):
    fund_id: int
    name: str
    kind: str
    restricted: bool
    balance: Decimal


class CharityOut(Schema):
    id: int
    name: str
    area_code: str
    public_fundraising: bool
    funds: list[CharityFundBalanceOut]


class CharityDonationIn(Schema):
    donor_name: str = Field(max_length=100)
    amount: str = Field(max_length=20, description="金额或物资折价（元）")
    received_on: BureauDate
    kind: str = Field("money", max_length=8, description="money 资金 / in_kind 物资")
    goods: str = Field("", max_length=200)
    plan_id: RecordId | None = None


class CharityDonationOut(Schema):
    id: int
    fund_id: int
    donor_name: str
    amount: Decimal
    received_on: dt.date


class CharityReceiptOut(Schema):
    number: str
    code: str
    issued_on: dt.date


class CharityApproveIn(Schema):
    approve: bool = True
    reason: str = Field("", max_length=200)


class CharityExpenditureOut(Schema):
    id: int
    status: str
    amount: Decimal
    warnings: list[str] = []


class CharityClaimIn(Schema):
    claimant: str = Field(max_length=100, description="认领人或企业名称")


class CharityWishIn(Schema):
    kind: str = Field("wish", max_length=8, description="wish 微心愿 / project 微实事")
    title: str = Field(max_length=60)
    need: str = Field(max_length=200)
    budget: str = Field(max_length=20, description="预计金额（元）")
    area_code: str = Field(max_length=12, description="村（居）区划代码")
    person_id: RecordId | None = Field(None, description="心愿人（微心愿必填）")


class CharityFulfilIn(Schema):
    evidence: str = Field(max_length=300, description="实现情况及凭证")
    on: BureauDate


class CharityWishOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    need: str
    budget: Decimal
    village: str
    town: str
    raised_on: dt.date


class CharityPlanOut(Schema):
    number: str
    charity: str
    title: str
    purpose: str
    target: Decimal
    starts_on: dt.date
    ends_on: dt.date


class CharityReceiptCheckOut(Schema):
    valid: bool
    number: str = ""
    charity: str = ""
    donor: str = ""
    amount: Decimal | None = None
    received_on: dt.date | None = None


class CharityDisclosureOut(Schema):
    charity: str
    kind: str
    kind_label: str
    title: str
    text: str
    published_on: dt.date
    body: dict


class CharityAnnualReportOut(Schema):
    charity: str
    year: int
    published_on: dt.date
    body: dict


@router.get("/charities", response={200: list[CharityOut], codes_4xx: ErrorOut},
            summary="慈善组织列表及基金余额")
def list_charities(request):
    return [_charity(c) for c in selectors.charities_for(request.user)[:200]]


def _charity(c):
    return CharityOut(id=c.pk, name=str(c), area_code=c.area.code, public_fundraising=bool(c.public_fundraising_on),
                      funds=[CharityFundBalanceOut(**b) for b in selectors.fund_balances(c)])


@router.get("/charities/{charity_id}", response={200: CharityOut, codes_4xx: ErrorOut}, summary="慈善组织及基金余额")
def get_charity(request, charity_id: RecordId):
    return _charity(selectors.charity_get(request.user, charity_id))


@router.post("/charities/{charity_id}/funds/{fund_id}/donations",
             response={201: CharityDonationOut, codes_4xx: ErrorOut}, summary="登记捐赠")
def donate(request, charity_id: RecordId, fund_id: RecordId, payload: CharityDonationIn):
    charity = selectors.charity_get(request.user, charity_id)
    fund = Fund.objects.filter(charity=charity, pk=fund_id).first()
    if fund is None:
        return Status(404, ErrorOut(code="not_found", message="记录不存在或不在您的管辖范围内"))
    plan = selectors.plans_for(request.user).filter(pk=payload.plan_id).first() if payload.plan_id else None
    if payload.plan_id and plan is None:
        return Status(404, ErrorOut(code="not_found", message="募捐方案不存在或不在您的管辖范围内", field="募捐方案"))
    d = services.donation_receive(actor=request.user, fund=fund, donor_name=payload.donor_name,
                                  amount=payload.amount, received_on=payload.received_on, kind=payload.kind,
                                  goods=payload.goods, plan=plan)
    return Status(201, CharityDonationOut(id=d.pk, fund_id=fund.pk, donor_name=d.donor_name, amount=d.amount,
                                   received_on=d.received_on))


@router.post("/donations/{donation_id}/receipt", response={201: CharityReceiptOut, codes_4xx: ErrorOut},
             summary="开具捐赠票据")
def receipt(request, donation_id: RecordId):
    r = services.receipt_issue(actor=request.user, donation=selectors.donation_get(request.user, donation_id))
    return Status(201, CharityReceiptOut(number=r.number, code=r.code, issued_on=r.issued_on))


@router.post("/expenditures/{expenditure_id}/approve", response={200: CharityExpenditureOut, codes_4xx: ErrorOut},
             summary="审批慈善支出（申报人以外的人员）")
def approve(request, expenditure_id: RecordId, payload: CharityApproveIn):
    e = selectors.expenditure_get(request.user, expenditure_id)
    e, warnings = services.expenditure_approve(actor=request.user, expenditure=e, approve=payload.approve,
                                               reason=payload.reason)
    return CharityExpenditureOut(id=e.pk, status=e.status, amount=e.amount, warnings=warnings)


@router.post("/wishes/{wish_id}/claim", response={200: CharityWishOut, codes_4xx: ErrorOut},
             summary="登记认领微心愿/微实事（工作人员代为登记）")
def claim(request, wish_id: RecordId, payload: CharityClaimIn):
    w = services.wish_claim(actor=request.user, wish=selectors.wish_get(request.user, wish_id),
                            claimant=payload.claimant)
    return _wish(w)


@router.post("/wishes", response={201: CharityWishOut, codes_4xx: ErrorOut}, summary="发布微心愿/微实事（村居、社工）")
def raise_wish(request, payload: CharityWishIn):
    area = area_by_code(payload.area_code, field="村（居）")
    person = person_get(request.user, payload.person_id) if payload.person_id else None
    w = services.wish_raise(actor=request.user, kind=payload.kind, title=payload.title, need=payload.need,
                            budget=payload.budget, area=area, person=person)
    return Status(201, _wish(w))


@router.post("/wishes/{wish_id}/fulfil", response={200: CharityWishOut, codes_4xx: ErrorOut},
             summary="登记心愿实现情况及凭证")
def fulfil(request, wish_id: RecordId, payload: CharityFulfilIn):
    return _wish(services.wish_fulfil(actor=request.user, wish=selectors.wish_get(request.user, wish_id),
                                      evidence=payload.evidence, on=payload.on))


@router.post("/wishes/{wish_id}/close", response={200: CharityWishOut, codes_4xx: ErrorOut}, summary="心愿办结")
def close(request, wish_id: RecordId):
    return _wish(services.wish_close(actor=request.user, wish=selectors.wish_get(request.user, wish_id)))


def _wish(w):
    return CharityWishOut(id=w.pk, kind=w.kind, kind_label=w.get_kind_display(), title=w.title, need=w.need,
                   budget=w.budget, village=w.area.name, town=w.area.parent.name if w.area.parent_id else "",
                   raised_on=w.raised_on)


@router.get("/public/wishes", auth=None, response={200: list[CharityWishOut]}, summary="公开：待认领的微心愿和微实事")
def public_wishes(request, kind: str = ""):
    return [CharityWishOut(**r) for r in selectors.public_wishes(kind)]


@router.post("/public/wishes/{wish_id}/claim", auth=None, response={200: CharityWishOut, codes_4xx: ErrorOut},
             summary="公开：认领微心愿")
def public_claim(request, wish_id: RecordId, payload: CharityClaimIn):
    return _wish(services.wish_claim(actor=None, wish=selectors.public_wish(wish_id), claimant=payload.claimant))


@router.get("/public/plans", auth=None, response={200: list[CharityPlanOut]}, summary="公开：募捐方案")
def public_plans(request):
    return [CharityPlanOut(number=p.number, charity=str(p.charity), title=p.title, purpose=p.purpose, target=p.target,
                    starts_on=p.starts_on, ends_on=p.ends_on) for p in selectors.public_plans(local_date())[:200]]


@router.get("/public/receipt-check", auth=None, response={200: CharityReceiptCheckOut}, summary="公开：捐赠票据查验")
def receipt_check(request, number: str, code: str):
    found = selectors.receipt_check(number, code)
    if found is None:
        return CharityReceiptCheckOut(valid=False)
    return CharityReceiptCheckOut(valid=True, number=found["number"], charity=found["charity"], donor=found["donor"],
                           amount=found["amount"], received_on=found["received_on"])


@router.get("/public/annual-reports", auth=None, response={200: list[CharityAnnualReportOut]},
            summary="公开：慈善组织年度工作报告")
def annual_reports(request, year: Year):
    return [CharityAnnualReportOut(charity=str(d.charity), year=d.year, published_on=d.published_on, body=d.body)
            for d in selectors.public_annual_reports(year)[:500]]


@router.get("/public/disclosures", auth=None, response={200: list[CharityDisclosureOut]},
            summary="公开：慈善组织募捐情况和项目实施情况")
def disclosures(request, kind: str = "", year: Year | None = None):
    return [CharityDisclosureOut(charity=str(d.charity), kind=d.kind, kind_label=d.get_kind_display(), title=d.title,
                                 text=d.body.get("text", ""), published_on=d.published_on,
                                 body={k: v for k, v in d.body.items() if k != "subject"})
            for d in selectors.public_disclosures(kind[:20], year)[:500]]



# --- the desk and the supervision view: writes over the services ---------------------------------------------------

class CharityRecogniseIn(Schema):
    org_id: RecordId = Field(description="已登记的社会组织")
    public_fundraising: bool = Field(False, description="同时认定公开募捐资格")


class CharityFundIn(Schema):
    name: str = Field(max_length=100)
    kind: str = Field(max_length=10, description="named 冠名基金 / special 专项基金 / micro 微基金")
    purpose: str = Field(max_length=300, description="定向用途")


class CharityFundOut(Schema):
    id: int
    name: str
    kind: str
    restricted: bool
    purpose: str


class CharityPlanIn(Schema):
    fund_id: RecordId
    title: str = Field(max_length=100)
    purpose: str = Field(max_length=300)
    target: str = Field(max_length=20, description="募捐目标（元）")
    starts_on: BureauDate
    ends_on: BureauDate


class CharityPlanFiledOut(Schema):
    id: int
    number: str
    title: str
    target: Decimal
    starts_on: dt.date
    ends_on: dt.date


class CharityProjectIn(Schema):
    fund_id: RecordId
    name: str = Field(max_length=100)
    purpose: str = Field(max_length=300)
    area_code: str = Field(max_length=12, description="实施地区划代码")


class CharityProjectOut(Schema):
    id: int
    name: str
    fund_id: int
    area_code: str


class CharityExpenditureIn(Schema):
    fund_id: RecordId
    project_id: RecordId | None = Field(None, description="项目（不填为管理费用，仅限非定向资金）")
    amount: str = Field(max_length=20, description="支出金额（元）")
    spent_on: BureauDate
    evidence: str = Field(max_length=200, description="支出凭证")
    beneficiary_id: RecordId | None = Field(None, description="受助人（向个人支付时填写）")
    need: str = Field("", max_length=16, description="救助需求（向个人支付时填写）")


class CharityTrustIn(Schema):
    area_code: str = Field(max_length=12, description="备案民政部门所在地区划代码")
    name: str = Field(max_length=100)
    trustee: str = Field(max_length=100)
    supervisor: str = Field("", max_length=100)
    assets: str = Field(max_length=20, description="信托财产（元）")
    purpose: str = Field(max_length=300)
    signed_on: BureauDate


class CharityTrustOut(Schema):
    id: int
    number: str
    name: str
    trustee: str
    assets: Decimal
    filed_on: dt.date


class CharityTrustReportIn(Schema):
    year: Year
    assets_end: str = Field(max_length=20, description="年末信托财产（元）")
    spent: str = Field(max_length=20, description="年度支出（元）")
    summary: str = Field(max_length=500)


class CharityTrustReportOut(Schema):
    trust_id: int
    year: int
    assets_end: Decimal
    spent: Decimal
    submitted_on: dt.date


class CharityResourceIn(Schema):
    area_code: str = Field(max_length=12)
    name: str = Field(max_length=100)
    offers: str = Field(max_length=200, description="可提供的资源")
    credit_code: str = Field("", max_length=18, description="统一社会信用代码（企业必填）")
    is_enterprise: bool = True


class CharityResourceOut(Schema):
    id: int
    name: str
    offers: str
    area_code: str


class CharitySpaceIn(Schema):
    area_code: str = Field(max_length=12)
    name: str = Field(max_length=100)
    kind: str = Field(max_length=12, description="space 慈善空间 / supermarket 慈善超市")
    address: str = Field(max_length=200)


class CharitySpaceOut(Schema):
    id: int
    name: str
    kind: str
    area_code: str


class CharityStockIn(Schema):
    item: str = Field(max_length=60)
    change: int = Field(ge=-1_000_000, le=1_000_000, description="入库为正数，发放为负数")


class CharityStockOut(Schema):
    space_id: int
    item: str
    quantity: int


class CharityReferralIn(Schema):
    household_id: RecordId
    charity_id: RecordId
    ground: str = Field(max_length=12,
                        description="refused 低保申请未获批准 / exited 退出低保 / above_line 核对略高于标准")
    consent_on: BureauDate | None = Field(None, description="家庭书面同意转介的日期")
    project_id: RecordId | None = None
    applicant_id: RecordId | None = Field(None, description="申请人：该家庭的在册成员；不填为户主")


class CharityReferralAnswerIn(Schema):
    status: str = Field(max_length=10, description="accepted 接收 / declined 未接收 / helped 已实施慈善救助")
    outcome: str = Field(max_length=300)


class CharityReferralOut(Schema):
    id: int
    household_number: str
    charity: str
    ground: str
    status: str
    status_label: str
    outcome: str
    referred_on: dt.date
    applicant: str


class CharityDemoSiteIn(Schema):
    kind: str = Field(max_length=10, description="community 慈善示范社区 / site 慈善工作示范点")
    area_code: str = Field(max_length=12)
    name: str = Field(max_length=100)
    designated_on: BureauDate | None = None


class CharityDemoSiteRevokeIn(Schema):
    reason: str = Field(max_length=200)
    on: BureauDate | None = None


class CharityDemoSiteOut(Schema):
    id: int
    kind: str
    name: str
    area_code: str
    designated_on: dt.date
    revoked_on: dt.date | None = None


class CharityReportDueOut(Schema):
    charity_id: int
    charity: str
    year: int
    due: dt.date
    overdue: bool
    days_over: int


def _fund_of(charity, fund_id):
    fund = Fund.objects.filter(charity=charity, pk=fund_id).first()
    if fund is None:
        raise NotFound("所选基金不存在或不属于该慈善组织")
    return fund


@router.post("/charities", response={201: CharityOut, codes_4xx: ErrorOut},
             summary="认定慈善组织（可同时认定公开募捐资格）")
def recognise(request, payload: CharityRecogniseIn):
    c = services.charity_recognise(actor=request.user, org=org_get(request.user, payload.org_id),
                                   public_fundraising=payload.public_fundraising)
    return Status(201, _charity(c))


@router.post("/charities/{charity_id}/fundraising-qualification", response={200: CharityOut, codes_4xx: ErrorOut},
             summary="认定公开募捐资格")
def qualify(request, charity_id: RecordId):
    return _charity(services.fundraising_grant(actor=request.user,
                                               charity=selectors.charity_get(request.user, charity_id)))


@router.post("/charities/{charity_id}/funds", response={201: CharityFundOut, codes_4xx: ErrorOut},
             summary="设立冠名基金、专项基金或微基金")
def fund_create(request, charity_id: RecordId, payload: CharityFundIn):
    f = services.fund_create(actor=request.user, charity=selectors.charity_get(request.user, charity_id),
                             name=payload.name, kind=payload.kind, purpose=payload.purpose)
    return Status(201, CharityFundOut(id=f.pk, name=f.name, kind=f.kind, restricted=f.restricted, purpose=f.purpose))


@router.post("/charities/{charity_id}/plans", response={201: CharityPlanFiledOut, codes_4xx: ErrorOut},
             summary="募捐方案备案")
def plan_file(request, charity_id: RecordId, payload: CharityPlanIn):
    charity = selectors.charity_get(request.user, charity_id)
    p = services.plan_file(actor=request.user, charity=charity, fund=_fund_of(charity, payload.fund_id),
                           title=payload.title, purpose=payload.purpose, target=payload.target,
                           starts_on=payload.starts_on, ends_on=payload.ends_on)
    return Status(201, CharityPlanFiledOut(id=p.pk, number=p.number, title=p.title, target=p.target,
                                           starts_on=p.starts_on, ends_on=p.ends_on))


@router.post("/charities/{charity_id}/projects", response={201: CharityProjectOut, codes_4xx: ErrorOut},
             summary="建立慈善项目")
def project_create(request, charity_id: RecordId, payload: CharityProjectIn):
    charity = selectors.charity_get(request.user, charity_id)
    p = services.project_create(actor=request.user, fund=_fund_of(charity, payload.fund_id),
                                name=payload.name, purpose=payload.purpose,
                                area=area_by_code(payload.area_code, field="实施地"))
    return Status(201, CharityProjectOut(id=p.pk, name=p.name, fund_id=p.fund_id, area_code=p.area.code))


@router.post("/charities/{charity_id}/expenditures", response={201: CharityExpenditureOut, codes_4xx: ErrorOut},
             summary="申报慈善支出（由另一人审批）")
def expenditure_prepare(request, charity_id: RecordId, payload: CharityExpenditureIn):
    charity = selectors.charity_get(request.user, charity_id)
    project = None
    if payload.project_id:
        project = selectors.projects_for(request.user).filter(charity=charity, pk=payload.project_id).first()
        if project is None:
            raise NotFound("所选项目不存在或不属于该慈善组织")
    person = person_get(request.user, payload.beneficiary_id) if payload.beneficiary_id else None
    e = services.expenditure_prepare(actor=request.user, fund=_fund_of(charity, payload.fund_id),
                                     project=project, amount=payload.amount, spent_on=payload.spent_on,
                                     evidence=payload.evidence, beneficiary=person, need=payload.need)
    return Status(201, CharityExpenditureOut(id=e.pk, status=e.status, amount=e.amount))


@router.get("/annual-reports/due", response={200: list[CharityReportDueOut], codes_4xx: ErrorOut},
            summary="年度工作报告待报送和逾期未报送")
def reports_due(request):
    return [CharityReportDueOut(charity_id=r["charity"].pk, charity=str(r["charity"]), year=r["year"], due=r["due"],
                                overdue=r["overdue"], days_over=r["days_over"])
            for r in selectors.annual_reports_due(request.user, local_date())]


@router.post("/trusts", response={201: CharityTrustOut, codes_4xx: ErrorOut}, summary="慈善信托备案")
def trust_file(request, payload: CharityTrustIn):
    t = services.trust_file(actor=request.user, area=area_by_code(payload.area_code, field="备案民政部门所在地"),
                            name=payload.name, trustee=payload.trustee, supervisor=payload.supervisor,
                            assets=payload.assets, purpose=payload.purpose, signed_on=payload.signed_on)
    return Status(201, CharityTrustOut(id=t.pk, number=t.number, name=t.name, trustee=t.trustee, assets=t.assets,
                                       filed_on=t.filed_on))


@router.post("/trusts/{trust_id}/reports", response={201: CharityTrustReportOut, codes_4xx: ErrorOut},
             summary="慈善信托年度报告")
def trust_report(request, trust_id: RecordId, payload: CharityTrustReportIn):
    r = services.trust_report(actor=request.user, trust=selectors.trust_get(request.user, trust_id),
                              year=payload.year, assets_end=payload.assets_end, spent=payload.spent,
                              summary=payload.summary)
    return Status(201, CharityTrustReportOut(trust_id=r.trust_id, year=r.year, assets_end=r.assets_end, spent=r.spent,
                                             submitted_on=r.submitted_on))


@router.post("/resources", response={201: CharityResourceOut, codes_4xx: ErrorOut}, summary="加入爱心资源库")
def resource_register(request, payload: CharityResourceIn):
    r = services.resource_register(actor=request.user, area=area_by_code(payload.area_code, field="所在地"),
                                   name=payload.name, offers=payload.offers, credit_code=payload.credit_code,
                                   is_enterprise=payload.is_enterprise)
    return Status(201, CharityResourceOut(id=r.pk, name=r.name, offers=r.offers, area_code=r.area.code))


@router.post("/spaces", response={201: CharitySpaceOut, codes_4xx: ErrorOut}, summary="登记慈善空间或慈善超市")
def space_open(request, payload: CharitySpaceIn):
    s = services.space_open(actor=request.user, area=area_by_code(payload.area_code, field="所在地"),
                            name=payload.name, kind=payload.kind, address=payload.address)
    return Status(201, CharitySpaceOut(id=s.pk, name=s.name, kind=s.kind, area_code=s.area.code))


@router.post("/spaces/{space_id}/stock", response={200: CharityStockOut, codes_4xx: ErrorOut},
             summary="物资入库或发放")
def stock_move(request, space_id: RecordId, payload: CharityStockIn):
    st = services.stock_move(actor=request.user, space=selectors.space_get(request.user, space_id), item=payload.item,
                             change=payload.change)
    return CharityStockOut(space_id=st.space_id, item=st.item, quantity=st.quantity)


def _referral(r):
    return CharityReferralOut(id=r.pk, household_number=r.household.number, charity=str(r.charity), ground=r.ground,
                              status=r.status, status_label=r.get_status_display(), outcome=r.outcome,
                              referred_on=r.referred_on, applicant=r.person.name)


@router.post("/referrals", response={201: CharityReferralOut, codes_4xx: ErrorOut},
             summary="转介慈善救助（须经家庭书面同意）")
def referral_create(request, payload: CharityReferralIn):
    charity = selectors.charities_to_refer_to(request.user).filter(pk=payload.charity_id).first()
    if charity is None:
        raise NotFound("所选慈善组织不存在或不在您的管辖范围内")
    project = None
    if payload.project_id:
        project = selectors.projects_for(request.user).filter(pk=payload.project_id).first()
        if project is None:
            raise NotFound("所选项目不存在或不在您的管辖范围内")
    household = household_get(request.user, payload.household_id)
    applicant = person_get(request.user, payload.applicant_id) if payload.applicant_id else None
    r = services.referral_create(actor=request.user, household=household, person=applicant, charity=charity,
                                 ground=payload.ground, consent_on=payload.consent_on, project=project)
    return Status(201, _referral(r))


@router.post("/referrals/{referral_id}/answer", response={200: CharityReferralOut, codes_4xx: ErrorOut},
             summary="登记慈善组织对转介的回复及结果")
def referral_answer(request, referral_id: RecordId, payload: CharityReferralAnswerIn):
    return _referral(services.referral_update(actor=request.user,
                                              referral=selectors.referral_get(request.user, referral_id),
                                              status=payload.status, outcome=payload.outcome))


def _site(d):
    return CharityDemoSiteOut(id=d.pk, kind=d.kind, name=d.name, area_code=d.area.code,
                              designated_on=d.designated_on, revoked_on=d.revoked_on)


@router.post("/demo-sites", response={201: CharityDemoSiteOut, codes_4xx: ErrorOut},
             summary="命名慈善示范社区或慈善工作示范点")
def demo_site_designate(request, payload: CharityDemoSiteIn):
    d = services.demo_site_designate(actor=request.user, kind=payload.kind,
                                     area=area_by_code(payload.area_code, field="所在地"), name=payload.name,
                                     on=payload.designated_on)
    return Status(201, _site(d))


@router.post("/demo-sites/{site_id}/revoke", response={200: CharityDemoSiteOut, codes_4xx: ErrorOut},
             summary="撤销示范社区或示范点的命名")
def demo_site_revoke(request, site_id: RecordId, payload: CharityDemoSiteRevokeIn):
    return _site(services.demo_site_revoke(actor=request.user, site=selectors.demo_site_get(request.user, site_id),
                                           reason=payload.reason, on=payload.on))
