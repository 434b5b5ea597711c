"""大慈善 REST API. Thin: scoped reads (selectors), audited writes (services). The public operations show only what
the law makes public: plans, open wishes (no person), a receipt check, annual reports."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Router, Schema, Status
from ninja.responses import codes_4xx

from minzheng.areas.services import area_by_code
from minzheng.core.api import ErrorOut
from minzheng.core.inputs import BureauDate, RecordId, Year
from minzheng.core.periods import local_date
from minzheng.registry.selectors import person_get

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
