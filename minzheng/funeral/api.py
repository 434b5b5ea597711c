"""殡葬 REST API for the funeral desk, scoped by area: death records, cremation, the plot ledger, eco-burial rewards
and the rates the plans track."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Router, Schema, Status
from ninja.responses import codes_4xx

from minzheng.accounts.roles import Cap
from minzheng.core.api import ErrorOut, require
from minzheng.core.errors import DomainError
from minzheng.core.inputs import RecordId, Year
from minzheng.core.periods import check_not_before_records, local_date
from minzheng.registry.selectors import person_get

from . import selectors, services

router = Router(tags=["殡葬服务"])
ERR = {codes_4xx: ErrorOut}


def _day(value: dt.date, field: str) -> dt.date:
    check_not_before_records(value, field=field, label=field)
    if value > local_date():
        raise DomainError(f"{field}{value.isoformat()}晚于今天", field=field)
    return value


class DeathIn(Schema):
    person_id: RecordId
    death_date: dt.date | None = None
    source: str = Field(description="hospital 医疗机构 / police 公安 / village 村居 / registry 人员库")
    document: str = Field("", max_length=64)


class ChecklistOut(Schema):
    label: str
    done_on: dt.date | None
    note: str


class DeathOut(Schema):
    id: int
    person: str
    death_date: dt.date
    source_label: str
    payments_stop_from: dt.date
    stopped_cases: int
    checklist: list[ChecklistOut]

    @staticmethod
    def of(r):
        return DeathOut(id=r.pk, person=r.person.name, death_date=r.death_date, source_label=r.get_source_display(),
                        payments_stop_from=r.payments_stop_from, stopped_cases=r.stopped_cases,
                        checklist=[ChecklistOut(label=i.label, done_on=i.done_on, note=i.note)
                                   for i in r.checklist.all()])


class CremationIn(Schema):
    facility_id: RecordId
    person_id: RecordId
    on: dt.date


class CremationOut(Schema):
    id: int
    certificate_number: str
    cremated_on: dt.date


class PlotOut(Schema):
    id: int
    number: str
    kind_label: str
    status: str
    status_label: str
    holder: str
    certificate: str


class PlotActionIn(Schema):
    holder_name: str = Field("", max_length=64)
    death_record_id: RecordId | None = None
    on: dt.date


class SaleOut(Schema):
    id: int
    status: str
    status_label: str
    holder_name: str
    certificate_number: str | None


class EcoIn(Schema):
    death_record_id: RecordId
    method: str = Field(description="sea 海葬 / tree 树葬 / lawn 草坪葬 / niche 骨灰堂")
    buried_on: dt.date
    family_name: str = Field(max_length=64)
    family_account: str = Field(max_length=32)


class EcoOut(Schema):
    id: int
    person: str
    method_label: str
    reward: Decimal
    reward_rule: str
    status: str
    status_label: str

    @staticmethod
    def of(b):
        return EcoOut(id=b.pk, person=b.record.person.name, method_label=b.get_method_display(), reward=b.reward,
                      reward_rule=b.reward_rule, status=b.status, status_label=b.get_status_display())


class PayIn(Schema):
    paid_on: dt.date


class RatesOut(Schema):
    deaths: int
    cremated: int
    eco: int
    cremation_rate: float | None
    eco_rate: float | None


@router.post("/deaths", response={201: DeathOut, **ERR}, summary="死亡登记（次月起停发救助补贴）")
def death_create(request, payload: DeathIn):
    person = person_get(request.user, payload.person_id)
    r = services.death_record(actor=request.user, person=person,
                              death_date=_day(payload.death_date, "死亡日期") if payload.death_date else None,
                              source=payload.source, document=payload.document, today=local_date())
    return Status(201, DeathOut.of(r))


@router.get("/deaths/{record_id}", response={200: DeathOut, **ERR}, summary="死亡登记与身后事清单")
def death_get(request, record_id: RecordId):
    return DeathOut.of(selectors.death_record_get(request.user, record_id))


@router.post("/cremations", response={201: CremationOut, **ERR}, summary="火化登记（须已办理死亡登记）")
def cremation_create(request, payload: CremationIn):
    facility = selectors.facility_get(request.user, payload.facility_id)
    person = person_get(request.user, payload.person_id)
    c = services.cremation_record(actor=request.user, facility=facility, person=person,
                                  on=_day(payload.on, "火化日期"), today=local_date())
    return Status(201, CremationOut(id=c.pk, certificate_number=c.certificate_number, cremated_on=c.cremated_on))


@router.get("/facilities/{facility_id}/plots", response={200: list[PlotOut], **ERR}, summary="墓穴（格位）台账")
def plots(request, facility_id: RecordId):
    return [PlotOut(**{k: v for k, v in r.items() if k != "kind"}) for r in
            selectors.plot_ledger(request.user, facility_id)]


@router.post("/plots/{plot_id}/{action}", response={200: SaleOut, **ERR},
             summary="墓穴（格位）预订、售出或释放", description="action：reserve 预订 / sell 售出 / release 释放。"
                                                     "一个墓穴（格位）同一时间只能有一份有效的预订或销售。")
def plot_action(request, plot_id: RecordId, action: str, payload: PlotActionIn):
    plot = selectors.plot_get(request.user, plot_id)
    record = (selectors.death_record_get(request.user, payload.death_record_id)
              if payload.death_record_id else None)
    s = services.plot_change(actor=request.user, plot=plot, action=action, holder_name=payload.holder_name,
                             record=record, on=_day(payload.on, "办理日期"))
    return SaleOut(id=s.pk, status=s.status, status_label=s.get_status_display(), holder_name=s.holder_name,
                   certificate_number=s.certificate_number)


@router.post("/eco-burials", response={201: EcoOut, **ERR}, summary="登记节地生态安葬并核算奖补")
def eco_create(request, payload: EcoIn):
    record = selectors.death_record_get(request.user, payload.death_record_id)
    b = services.eco_burial_prepare(actor=request.user, record=record, method=payload.method,
                                    buried_on=_day(payload.buried_on, "安葬日期"), family_name=payload.family_name,
                                    family_account=payload.family_account, today=local_date())
    return Status(201, EcoOut.of(b))


@router.post("/eco-burials/{burial_id}/approve", response={200: EcoOut, **ERR}, summary="审核奖补（经办人以外的人员）")
def eco_approve(request, burial_id: RecordId):
    return EcoOut.of(services.eco_burial_approve(actor=request.user,
                                                 burial=selectors.eco_burial_get(request.user, burial_id)))


@router.post("/eco-burials/{burial_id}/pay", response={200: EcoOut, **ERR}, summary="登记奖补发放")
def eco_pay(request, burial_id: RecordId, payload: PayIn):
    return EcoOut.of(services.eco_burial_pay(actor=request.user,
                                             burial=selectors.eco_burial_get(request.user, burial_id),
                                             paid_on=_day(payload.paid_on, "发放日期")))


@router.get("/rates", response={200: RatesOut, **ERR}, summary="火化率、节地生态安葬率")
def rates(request, year: Year):
    require(request.user, Cap.FUNERAL_VIEW)
    return RatesOut(**selectors.rates(request.user, year=year))


class BasicClaimIn(Schema):
    death_record_id: RecordId
    facility_id: RecordId
    served_on: dt.date
    actual: dict[str, Decimal] = Field(description="项目代码 → 实际费用（元）：transport, disinfection, cremation, "
                                                   "ash_storage, body_storage, farewell_hall, urn")


class BasicClaimOut(Schema):
    id: int
    person: str
    total: Decimal
    status: str
    status_label: str

    @staticmethod
    def of(c):
        return BasicClaimOut(id=c.pk, person=c.record.person.name, total=c.total, status=c.status,
                             status_label=c.get_status_display())


class SettleIn(Schema):
    month: dt.date = Field(description="结算月份（某月1日）")


class SettlementOut(Schema):
    id: int
    month: dt.date
    claims: int
    total: Decimal


@router.post("/basic-claims", response={201: BasicClaimOut, **ERR}, summary="申报惠民殡葬基本服务减免（付殡仪馆）")
def basic_claim(request, payload: BasicClaimIn):
    if len(payload.actual) > 20:
        raise DomainError("服务项目过多", field="服务项目")
    record = selectors.death_record_get(request.user, payload.death_record_id)
    facility = selectors.facility_get(request.user, payload.facility_id)
    c = services.basic_claim_prepare(actor=request.user, record=record, facility=facility,
                                     served_on=_day(payload.served_on, "服务日期"), actual=dict(payload.actual),
                                     today=local_date())
    return Status(201, BasicClaimOut.of(c))


@router.post("/basic-claims/{claim_id}/approve", response={200: BasicClaimOut, **ERR},
             summary="审核减免申报（经办人以外的人员）")
def basic_claim_approve(request, claim_id: RecordId):
    return BasicClaimOut.of(services.basic_claim_approve(actor=request.user,
                                                         claim=selectors.basic_claim_get(request.user, claim_id)))


@router.post("/facilities/{facility_id}/settlements", response={201: SettlementOut, **ERR},
             summary="殡仪馆月度结算（每馆每月一次）")
def settle(request, facility_id: RecordId, payload: SettleIn):
    facility = selectors.facility_get(request.user, facility_id)
    s = services.basic_settle_month(actor=request.user, facility=facility, month=_day(payload.month, "结算月份"))
    return Status(201, SettlementOut(id=s.pk, month=s.month, claims=s.claims, total=s.total))
