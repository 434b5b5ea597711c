"""时间银行 REST API. Thin: scoped reads (timebank.selectors), audited writes (timebank.services). Hours are never
cash: the cash-out routes exist only to answer any such attempt with a clear Chinese refusal, writing nothing."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Router, Schema, Status
from ninja.responses import codes_4xx

from minzheng.areas.services import area_by_code
from minzheng.core.api import ErrorOut
from minzheng.core.errors import DomainError
from minzheng.registry.selectors import person_get

from . import selectors, services
from .models import HourReport

router = Router(tags=["时间银行"])



class AccountOut(Schema):
    id: int
    kind: str
    kind_label: str
    owner: str
    balance: Decimal

    @staticmethod
    def of(a):
        return AccountOut(id=a.pk, kind=a.kind, kind_label=a.get_kind_display(),
                          owner=a.person.name if a.person_id else a.area.name, balance=a.balance)


class EntryOut(Schema):
    transfer_id: int
    kind: str
    hours: Decimal
    memo: str
    at: dt.datetime


class ReportIn(Schema):
    volunteer_id: int
    service_date: dt.date
    hours: Decimal
    activity: str
    beneficiary_id: int | None = None


class ReportOut(Schema):
    id: int
    volunteer: str
    service_date: dt.date
    hours: Decimal
    activity: str
    status: str
    status_label: str
    reject_reason: str

    @staticmethod
    def of(r):
        return ReportOut(id=r.pk, volunteer=r.volunteer.person.name, service_date=r.service_date, hours=r.hours,
                         activity=r.activity, status=r.status, status_label=r.get_status_display(),
                         reject_reason=r.reject_reason)


class ReviewIn(Schema):
    level: int = Field(description="1 初审（村居） / 2 复审（镇街、县区）")
    approve: bool
    reason: str = ""


class DonationIn(Schema):
    volunteer_id: int
    hours: Decimal
    elder_id: int | None = Field(None, description="受赠的孤寡/失独老人；不填则捐入公益时间池")


class OfferIn(Schema):
    volunteer_id: int
    hours: Decimal
    area_code: str = Field(description="受赠辖区（另一县区或市）的区划代码；时长捐入其公益时间池，须对方确认")


class OfferOut(Schema):
    id: int
    volunteer: str
    from_area: str
    to_area: str
    hours: Decimal
    status: str
    status_label: str
    reason: str

    @staticmethod
    def of(o):
        return OfferOut(id=o.pk, volunteer=o.volunteer.person.name, from_area=o.from_area.name,
                        to_area=o.to_area.name, hours=o.hours, status=o.status,
                        status_label=o.get_status_display(), reason=o.reason)


class DeclineIn(Schema):
    reason: str = Field(description="谢绝原因")


class AllocationIn(Schema):
    elder_id: int
    hours: Decimal
    memo: str = ""


class RedeemIn(Schema):
    account_id: int
    hours: Decimal
    memo: str


class TransferOut(Schema):
    id: int
    kind: str
    hours: Decimal
    memo: str


def _t(t) -> TransferOut:
    return TransferOut(id=t.pk, kind=t.kind, hours=t.hours, memo=t.memo)


@router.get("/accounts", response={200: list[AccountOut], codes_4xx: ErrorOut}, summary="账户列表")
def list_accounts(request):
    return [AccountOut.of(a) for a in selectors.accounts_for(request.user)[:500]]


@router.get("/accounts/{account_id}", response={200: dict, codes_4xx: ErrorOut}, summary="账户余额与分录")
def get_account(request, account_id: int):
    a = selectors.account_get(request.user, account_id)
    entries = [EntryOut(transfer_id=e.transfer_id, kind=e.transfer.kind, hours=e.hours, memo=e.transfer.memo,
                        at=e.transfer.created_at).dict() for e in selectors.entries_of(a)]
    return {"account": AccountOut.of(a).dict(), "entries": entries}


@router.post("/accounts/{account_id}/cash-out", response={codes_4xx: ErrorOut},
             summary="（不支持）时长兑换现金",
             description="时间银行的时长不能兑换现金；本接口总是拒绝，不写入任何数据。")
def cash_out(request, account_id: int):
    selectors.account_get(request.user, account_id)
    services.refuse_cash()


@router.post("/accounts/{account_id}/withdraw", response={codes_4xx: ErrorOut}, summary="（不支持）提取现金",
             description="同上：时长不能提现。")
def withdraw(request, account_id: int):
    selectors.account_get(request.user, account_id)
    services.refuse_cash()


@router.post("/reports", response={201: ReportOut, codes_4xx: ErrorOut}, summary="申报志愿服务时长")
def report(request, payload: ReportIn):
    v = selectors.volunteer_get(request.user, payload.volunteer_id)
    beneficiary = person_get(request.user, payload.beneficiary_id) if payload.beneficiary_id else None
    r = services.hours_report(actor=request.user, volunteer=v, service_date=payload.service_date,
                              hours=payload.hours, activity=payload.activity, beneficiary=beneficiary)
    return Status(201, ReportOut.of(r))


@router.get("/reports", response={200: list[ReportOut], codes_4xx: ErrorOut}, summary="时长申报列表")
def list_reports(request, status: str | None = None):
    if status and status not in HourReport.Status.values:
        raise DomainError(f"状态“{status}”无效", field="状态")
    return [ReportOut.of(r) for r in selectors.reports_for(request.user, status=status)[:500]]


@router.post("/reports/{report_id}/review", response={200: ReportOut, codes_4xx: ErrorOut}, summary="初审/复审")
def review(request, report_id: int, payload: ReviewIn):
    r = selectors.report_get(request.user, report_id)
    if payload.level == 1:
        r = services.report_review_first(actor=request.user, report=r, approve=payload.approve, reason=payload.reason)
    elif payload.level == 2:
        r = services.report_review_second(actor=request.user, report=r, approve=payload.approve,
                                          reason=payload.reason)
    else:
        raise DomainError("审核级别应为1（初审）或2（复审）", field="审核级别")
    return ReportOut.of(r)


@router.post("/donations", response={201: TransferOut, codes_4xx: ErrorOut}, summary="捐赠时长")
def donate(request, payload: DonationIn):
    v = selectors.volunteer_get(request.user, payload.volunteer_id)
    elder = selectors.donation_recipient(v, pk=payload.elder_id) if payload.elder_id else None
    return Status(201, _t(services.hours_donate(actor=request.user, volunteer=v, hours=payload.hours, elder=elder)))


@router.post("/donation-offers", response={201: OfferOut, codes_4xx: ErrorOut}, summary="跨辖区捐赠时长（待对方确认）")
def offer(request, payload: OfferIn):
    v = selectors.volunteer_get(request.user, payload.volunteer_id)
    area = area_by_code(payload.area_code, field="受赠辖区")
    return Status(201, OfferOut.of(services.donation_offer_create(actor=request.user, volunteer=v,
                                                                   hours=payload.hours, area=area)))


@router.get("/donation-offers", response={200: list[OfferOut], codes_4xx: ErrorOut}, summary="跨辖区捐赠列表")
def list_offers(request):
    return [OfferOut.of(o) for o in selectors.donation_offers_for(request.user)[:500]]


@router.post("/donation-offers/{offer_id}/accept", response={200: OfferOut, codes_4xx: ErrorOut},
             summary="受赠辖区接受捐赠（时长捐入其公益时间池）")
def accept_offer(request, offer_id: int):
    o = selectors.donation_offer_get(request.user, offer_id)
    return OfferOut.of(services.donation_offer_accept(actor=request.user, offer=o))


@router.post("/donation-offers/{offer_id}/decline", response={200: OfferOut, codes_4xx: ErrorOut},
             summary="受赠辖区谢绝捐赠")
def decline_offer(request, offer_id: int, payload: DeclineIn):
    o = selectors.donation_offer_get(request.user, offer_id)
    return OfferOut.of(services.donation_offer_decline(actor=request.user, offer=o, reason=payload.reason))


@router.post("/allocations", response={201: TransferOut, codes_4xx: ErrorOut}, summary="公益时间池划拨")
def allocate(request, payload: AllocationIn):
    elder = person_get(request.user, payload.elder_id)
    return Status(201, _t(services.pool_allocate(actor=request.user, elder=elder, hours=payload.hours,
                                                 memo=payload.memo)))


@router.post("/redemptions", response={201: TransferOut, codes_4xx: ErrorOut}, summary="时长兑换服务")
def redeem(request, payload: RedeemIn):
    a = selectors.account_get(request.user, payload.account_id)
    return Status(201, _t(services.hours_redeem(actor=request.user, account=a, hours=payload.hours,
                                                memo=payload.memo)))
