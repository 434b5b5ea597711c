"""流浪乞讨人员救助 REST API: the station's work on a stay (scoped to the station's county or city), the receiving
town's confirmation (scoped to the destination), the year's rates and the public 寻亲 notices (masked)."""

import datetime as dt

from ninja import Field, Router, Schema, Status
from ninja.responses import codes_4xx

from minzheng.accounts.roles import Cap
from minzheng.core.api import ErrorOut, require
from minzheng.core.idcard import mask
from minzheng.core.inputs import RecordId, Year
from minzheng.core.periods import local_date

from . import selectors, services

router = Router(tags=["流浪乞讨人员救助"])
ERR = {codes_4xx: ErrorOut}


class VagrancyStationOut(Schema):
    id: int
    code: str
    name: str
    area_code: str
    beds: int | None


class VagrancyAdmitIn(Schema):
    station_id: RecordId
    channel: str = Field(description="voluntary 自行求助 / police 公安机关护送 / city_management 城管部门护送")
    admitted_on: dt.date
    referrer: str = Field("", max_length=100, description="护送单位（公安、城管护送时必填）")
    found_place: str = Field("", max_length=200)
    id_number: str = Field("", max_length=32, description="身份证号；身份不明时留空")
    name: str = Field("", max_length=64)
    alias: str = Field("", max_length=64, description="临时称呼（身份不明时）")
    sex: str = Field("", max_length=1, description="M 男 / F 女")
    approx_age: int | None = Field(None, ge=0, le=120)
    description: str = Field("", max_length=300, description="体貌特征（身份不明时必填）")
    photo_ref: str = Field("", max_length=64, description="照片存档号")
    home_area_code: str = Field("", max_length=12, description="户籍地或居住地区划代码（人员库无此人时）")


class VagrancyStayOut(Schema):
    id: int
    number: str
    station: str
    channel_label: str
    admitted_on: dt.date
    identified: bool
    masked_id: str
    name: str
    alias: str
    status: str
    status_label: str
    repeat_flag: bool
    prior_visits: int
    home_area: str
    ended_on: dt.date | None

    @staticmethod
    def of(s):
        return VagrancyStayOut(id=s.pk, number=s.number, station=s.station.name, channel_label=s.get_channel_display(),
                       admitted_on=s.admitted_on, identified=s.identified,
                       masked_id=mask(s.id_number) if s.id_number else "", name=s.name, alias=s.alias, status=s.status,
                       status_label=s.get_status_display(), repeat_flag=s.repeat_flag, prior_visits=s.prior_visits,
                       home_area=s.home_area.name if s.home_area else "", ended_on=s.ended_on)


class VagrancyIdentifyIn(Schema):
    id_number: str = Field(max_length=32)
    name: str = Field(max_length=64)
    on: dt.date
    via_notice: bool = False
    home_area_code: str = Field("", max_length=12)


class VagrancyCareIn(Schema):
    day: dt.date
    meals: int = Field(ge=0, le=6)
    health: str = Field(max_length=200)
    note: str = Field("", max_length=300)


class VagrancyCareOut(Schema):
    id: int
    day: dt.date
    meals: int
    health: str


class VagrancyReferralIn(Schema):
    hospital: str = Field(max_length=100)
    reason: str = Field(max_length=200)
    referred_on: dt.date


class VagrancyReferralReturnIn(Schema):
    returned_on: dt.date
    outcome: str = Field(max_length=200)


class VagrancyReferralOut(Schema):
    id: int
    hospital: str
    referred_on: dt.date
    returned_on: dt.date | None


class VagrancyNoticeIn(Schema):
    text: str = Field(max_length=500)
    published_on: dt.date


class VagrancyNoticeOut(Schema):
    id: int
    published_on: dt.date


class VagrancyLeaveIn(Schema):
    kind: str = Field(description="left 自行离站 / placed 托养安置")
    ended_on: dt.date
    note: str = Field(max_length=200)


class VagrancyTransferIn(Schema):
    destination_code: str = Field(max_length=12, description="接收地镇街（或村居）区划代码")
    departed_on: dt.date
    escort: str = Field(max_length=100, description="接送方式，如“站内工作人员护送乘车”")


class VagrancyConfirmIn(Schema):
    arrived_on: dt.date
    receiver: str = Field(max_length=64, description="接收人（亲属或接收地工作人员）")


class VagrancyTransferOut(Schema):
    id: int
    stay_number: str
    station: str
    destination: str
    departed_on: dt.date
    status: str
    status_label: str
    arrived_on: dt.date | None

    @staticmethod
    def of(t):
        return VagrancyTransferOut(id=t.pk, stay_number=t.stay.number, station=t.stay.station.name,
                           destination=t.destination.name, departed_on=t.departed_on, status=t.status,
                           status_label=t.get_status_display(), arrived_on=t.arrived_on)


class VagrancyRatesOut(Schema):
    year: int
    admitted: int
    identified_discharged: int
    returned: int
    reunited: int
    return_rate: float | None


class VagrancyPublicNoticeOut(Schema):
    alias: str
    sex: str
    approx_age: int | None
    admitted_on: dt.date
    found_place: str
    description: str
    text: str
    published_on: dt.date
    station: str


@router.get("/stations", response={200: list[VagrancyStationOut], **ERR}, summary="救助管理站")
def stations(request):
    require(request.user, Cap.VAGRANCY_VIEW)
    return [VagrancyStationOut(id=s.pk, code=s.code, name=s.name, area_code=s.area.code, beds=s.beds)
            for s in selectors.stations_for(request.user)]


@router.get("/stays", response={200: list[VagrancyStayOut], **ERR}, summary="在站受助人员")
def stays(request):
    require(request.user, Cap.VAGRANCY_VIEW)
    return [VagrancyStayOut.of(s) for s in selectors.open_stays(request.user)[:500]]


@router.post("/stays", response={201: VagrancyStayOut, **ERR}, summary="入站登记（自行求助、公安或城管护送）")
def stay_admit(request, payload: VagrancyAdmitIn):
    station = selectors.station_get(request.user, payload.station_id)
    data = payload.dict(exclude={"station_id"})
    s = services.stay_admit(actor=request.user, station=station, today=local_date(), **data)
    return Status(201, VagrancyStayOut.of(s))


@router.get("/stays/{stay_id}", response={200: VagrancyStayOut, **ERR}, summary="救助记录")
def stay_get(request, stay_id: RecordId):
    return VagrancyStayOut.of(selectors.stay_get(request.user, stay_id))


@router.post("/stays/{stay_id}/identify", response={200: VagrancyStayOut, **ERR},
             summary="查明身份（经人员库核验身份证号）")
def stay_identify(request, stay_id: RecordId, payload: VagrancyIdentifyIn):
    s = services.stay_identify(actor=request.user, stay=selectors.stay_get(request.user, stay_id),
                               today=local_date(), **payload.dict())
    return VagrancyStayOut.of(s)


@router.post("/stays/{stay_id}/care", response={201: VagrancyCareOut, **ERR}, summary="站内照料日记录")
def care_create(request, stay_id: RecordId, payload: VagrancyCareIn):
    r = services.care_record(actor=request.user, stay=selectors.stay_get(request.user, stay_id), today=local_date(),
                             **payload.dict())
    return Status(201, VagrancyCareOut(id=r.pk, day=r.day, meals=r.meals, health=r.health))


@router.post("/stays/{stay_id}/referrals", response={201: VagrancyReferralOut, **ERR}, summary="送医")
def referral_create(request, stay_id: RecordId, payload: VagrancyReferralIn):
    r = services.referral_create(actor=request.user, stay=selectors.stay_get(request.user, stay_id),
                                 today=local_date(), **payload.dict())
    return Status(201, VagrancyReferralOut(id=r.pk, hospital=r.hospital, referred_on=r.referred_on,
                                   returned_on=r.returned_on))


@router.post("/referrals/{referral_id}/return", response={200: VagrancyReferralOut, **ERR}, summary="送医返站")
def referral_return(request, referral_id: RecordId, payload: VagrancyReferralReturnIn):
    r = services.referral_return(actor=request.user, referral=selectors.referral_get(request.user, referral_id),
                                 today=local_date(), **payload.dict())
    return VagrancyReferralOut(id=r.pk, hospital=r.hospital, referred_on=r.referred_on, returned_on=r.returned_on)


@router.post("/stays/{stay_id}/notices", response={201: VagrancyNoticeOut, **ERR}, summary="发布寻亲公告（身份不明者）")
def notice_publish(request, stay_id: RecordId, payload: VagrancyNoticeIn):
    n = services.notice_publish(actor=request.user, stay=selectors.stay_get(request.user, stay_id),
                                today=local_date(), **payload.dict())
    return Status(201, VagrancyNoticeOut(id=n.pk, published_on=n.published_on))


@router.post("/stays/{stay_id}/leave", response={200: VagrancyStayOut, **ERR}, summary="自行离站或托养安置")
def stay_leave(request, stay_id: RecordId, payload: VagrancyLeaveIn):
    s = services.stay_leave(actor=request.user, stay=selectors.stay_get(request.user, stay_id), today=local_date(),
                            **payload.dict())
    return VagrancyStayOut.of(s)


@router.post("/stays/{stay_id}/transfer", response={201: VagrancyTransferOut, **ERR}, summary="安排接送返回")
def transfer_arrange(request, stay_id: RecordId, payload: VagrancyTransferIn):
    t = services.transfer_arrange(actor=request.user, stay=selectors.stay_get(request.user, stay_id),
                                  today=local_date(), **payload.dict())
    return Status(201, VagrancyTransferOut.of(t))


@router.get("/transfers", response={200: list[VagrancyTransferOut], **ERR}, summary="接收地：待确认和已确认的接送返回")
def transfers(request):
    require(request.user, Cap.VAGRANCY_VIEW)
    return [VagrancyTransferOut.of(t) for t in selectors.incoming_for(request.user)[:500]]


@router.post("/transfers/{transfer_id}/confirm", response={200: VagrancyTransferOut, **ERR},
             summary="接收地确认接送返回（接收地工作人员）")
def transfer_confirm(request, transfer_id: RecordId, payload: VagrancyConfirmIn):
    t = services.transfer_confirm(actor=request.user, transfer=selectors.transfer_get(request.user, transfer_id),
                                  today=local_date(), **payload.dict())
    return VagrancyTransferOut.of(t)


@router.get("/rates", response={200: VagrancyRatesOut, **ERR}, summary="救助人次、查明身份人员接送返回率")
def rates(request, year: Year):
    require(request.user, Cap.VAGRANCY_VIEW)
    return VagrancyRatesOut(**selectors.rates(request.user, year=year))


@router.get("/public/notices", auth=None, response={200: list[VagrancyPublicNoticeOut]}, summary="公开：寻亲公告")
def public_notices(request):
    fields = VagrancyPublicNoticeOut.model_fields
    return [VagrancyPublicNoticeOut(**{k: r[k] for k in fields}) for r in selectors.public_notices()]
