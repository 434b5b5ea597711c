"""婚姻登记 REST API. The public part (no login) lists offices and open days, books, and checks a certificate number —
it never shows who booked or who holds a certificate. The desk part is scoped to the offices in the user's areas.
Under 全国通办 the parties present their 居民身份证, so the desk names them by ID number, not by a registry id."""

import datetime as dt

from ninja import Field, Router, Schema, Status
from ninja.responses import codes_4xx

from minzheng.accounts.roles import Cap
from minzheng.core.api import ChallengeOut, ErrorOut, require
from minzheng.core.errors import DomainError
from minzheng.core.idcard import normalize
from minzheng.core.inputs import BureauDate, RecordId, Year
from minzheng.core.periods import check_not_before_records, local_date
from minzheng.registry.models import Person

from . import public, selectors, services
from .models import Kind

router = Router(tags=["婚姻登记"])
ERR = {codes_4xx: ErrorOut}


def _day(value: dt.date, *, field: str, ahead: int = 0) -> dt.date:
    """A date a desk may act on: not before the platform's records, not after today (+ `ahead` days)."""
    check_not_before_records(value, field=field, label=field)
    latest = local_date() + dt.timedelta(days=ahead)
    if value > latest:
        raise DomainError(f"{field}{value.isoformat()}晚于{latest.isoformat()}", field=field)
    return value


def _person(user, id_number: str, field: str) -> Person:
    """The party by the number on the ID card presented at the desk (全国通办: from any area)."""
    require(user, Cap.MARRIAGE_REGISTER)
    p = Person.objects.select_related("residence_area").filter(id_number=normalize(id_number or "")[:18]).first()
    if p is None:
        raise DomainError("人员库中没有身份证号为所填号码的人员，请先核验身份证并登记人员信息", code="unknown_person",
                          field=field)
    return p


class OfficeOut(Schema):
    id: int
    name: str
    address: str
    area: str

    @staticmethod
    def of(o):
        return OfficeOut(id=o.pk, name=o.name, address=o.address, area=o.area.name)


class DayOut(Schema):
    date: dt.date
    weekday: str
    capacity: int
    left: int
    bookable: bool
    reason: str


class BookingIn(Schema):
    office_id: RecordId
    date: dt.date
    kind: str = Field(description="marriage 结婚 / divorce 离婚 / reissue 补领")
    name_a: str = Field(max_length=64)
    id_number_a: str = Field(max_length=18)
    name_b: str = Field("", max_length=64)
    id_number_b: str = Field("", max_length=18)
    phone: str = Field(max_length=20)
    challenge_id: str = Field(max_length=64, description="验证题编号（先获取验证题）")
    challenge_answer: str = Field(max_length=8, description="验证题答案（阿拉伯数字）")


class BookingOut(Schema):
    reference: str
    office: str
    date: dt.date
    kind_label: str


class VerifyOut(Schema):
    number: str
    found: bool
    valid: bool
    type_label: str = ""
    office: str = ""
    issued_on: dt.date | None = None


class MarriageIn(Schema):
    office_id: RecordId
    man_id_number: str = Field(max_length=18)
    woman_id_number: str = Field(max_length=18)
    on: dt.date
    declaration_signed: bool
    appointment_id: RecordId | None = None


class ReissueIn(Schema):
    office_id: RecordId
    id_number: str = Field(max_length=18)
    on: dt.date


class RegistrationOut(Schema):
    id: int
    kind: str
    kind_label: str
    office: str
    registered_on: dt.date
    parties: list[str]
    certificates: list[str]

    @staticmethod
    def of(r):
        return RegistrationOut(id=r.pk, kind=r.kind, kind_label=r.get_kind_display(), office=r.office.name,
                               registered_on=r.registered_on,
                               parties=[p.name for p in (r.party_a, r.party_b) if p is not None],
                               certificates=[c.number for c in r.certificates.order_by("serial")])


class DivorceIn(Schema):
    office_id: RecordId
    party_a_id_number: str = Field(max_length=18)
    party_b_id_number: str = Field(max_length=18)
    on: dt.date


class DivorceOut(Schema):
    id: int
    status: str
    status_label: str
    parties: list[str]
    received_on: dt.date
    cooling_ends: dt.date
    confirm_by: dt.date

    @staticmethod
    def of(a):
        return DivorceOut(id=a.pk, status=a.status, status_label=a.get_status_display(),
                          parties=[a.party_a.name, a.party_b.name], received_on=a.received_on,
                          cooling_ends=a.cooling_ends, confirm_by=a.confirm_by)


class WithdrawIn(Schema):
    id_number: str = Field(max_length=18, description="撤回一方的身份证号")
    on: dt.date


class ConfirmIn(Schema):
    on: dt.date


class AppointmentOut(Schema):
    id: int
    reference: str
    office: str
    date: dt.date
    kind_label: str
    names: str
    status_label: str


class MonthOut(Schema):
    month: int
    marriage: int
    divorce: int
    reissue: int


# --- public ---------------------------------------------------------------------------------------------------

@router.get("/public/offices", auth=None, response={200: list[OfficeOut], **ERR}, summary="婚姻登记处（公开）")
def public_offices(request):
    return [OfficeOut.of(o) for o in selectors.public_offices()[:500]]


@router.get("/public/offices/{office_id}/days", auth=None, response={200: list[DayOut], **ERR},
            summary="可预约日期与余量（公开）", description="只含每日可预约数与剩余数，不含任何预约人信息。")
def public_days(request, office_id: RecordId):
    office = selectors.public_office(office_id)
    return [DayOut(**d) for d in selectors.open_days(office, today=local_date())]


@router.get("/public/challenge", auth=None, response={200: ChallengeOut, **ERR}, summary="获取预约验证题（公开）",
            description="每题只能作答一次，十分钟内有效。")
def public_challenge(request):
    return ChallengeOut(**public.public_challenge(request))


@router.post("/public/appointments", auth=None, response={201: BookingOut, **ERR}, summary="在线预约婚姻登记（公开）",
             description="全国通办：任一登记处均可预约；办理时只需携带居民身份证。须先获取并回答验证题；"
                         "每个网络地址的预约次数有限制。")
def public_book(request, payload: BookingIn):
    office = selectors.public_office(payload.office_id)
    a = public.public_book(request, office, day=payload.date, kind=payload.kind, name_a=payload.name_a,
                           id_number_a=payload.id_number_a, name_b=payload.name_b, id_number_b=payload.id_number_b,
                           phone=payload.phone, challenge_id=payload.challenge_id,
                           challenge_answer=payload.challenge_answer, today=local_date())
    return Status(201, BookingOut(reference=a.reference, office=office.name, date=a.date,
                                  kind_label=a.get_kind_display()))


@router.get("/public/certificates/{number}", auth=None, response={200: VerifyOut, **ERR},
            summary="婚姻登记证真伪查验（公开）", description="只答复编号是否存在、是否有效，不含持证人信息。")
def public_verify(request, number: str):
    number = number[:32]
    c = selectors.certificate_verify(number)
    if c is None:
        return VerifyOut(number=number, found=False, valid=False)
    return VerifyOut(number=c.number, found=True, valid=not c.void, type_label=c.get_type_display(),
                     office=c.office.name, issued_on=c.issued_on)


# --- the registry office's desk ---------------------------------------------------------------------------------

@router.get("/offices", response={200: list[OfficeOut], **ERR}, summary="本辖区婚姻登记处")
def offices(request):
    return [OfficeOut.of(o) for o in selectors.offices_for(request.user)[:500]]


@router.get("/appointments", response={200: list[AppointmentOut], **ERR}, summary="预约名单")
def appointments(request, date: BureauDate):
    return [AppointmentOut(id=a.pk, reference=a.reference, office=a.office.name, date=a.date,
                           kind_label=a.get_kind_display(), names="、".join(n for n in (a.name_a, a.name_b) if n),
                           status_label=a.get_status_display())
            for a in selectors.appointments_for(request.user, day=date)[:1000]]


@router.post("/registrations/marriage", response={201: RegistrationOut, **ERR}, summary="结婚登记")
def register_marriage(request, payload: MarriageIn):
    office = selectors.office_get(request.user, payload.office_id)
    appt = selectors.appointment_get(request.user, payload.appointment_id) if payload.appointment_id else None
    r = services.marriage_register(actor=request.user, office=office,
                                   man=_person(request.user, payload.man_id_number, "男方身份证号"),
                                   woman=_person(request.user, payload.woman_id_number, "女方身份证号"),
                                   on=_day(payload.on, field="登记日期"),
                                   declaration_signed=payload.declaration_signed, appointment=appt)
    return Status(201, RegistrationOut.of(r))


@router.post("/registrations/reissue", response={201: RegistrationOut, **ERR}, summary="补领婚姻登记证")
def reissue(request, payload: ReissueIn):
    office = selectors.office_get(request.user, payload.office_id)
    cert = services.certificate_reissue(actor=request.user, office=office,
                                        person=_person(request.user, payload.id_number, "身份证号"),
                                        on=_day(payload.on, field="补领日期"))
    return Status(201, RegistrationOut.of(cert.registration))


@router.get("/registrations/{registration_id}", response={200: RegistrationOut, **ERR}, summary="登记记录")
def registration(request, registration_id: RecordId):
    return RegistrationOut.of(selectors.registration_get(request.user, registration_id))


@router.post("/divorce-applications", response={201: DivorceOut, **ERR}, summary="受理协议离婚申请（进入冷静期）")
def divorce_apply(request, payload: DivorceIn):
    office = selectors.office_get(request.user, payload.office_id)
    a = services.divorce_apply(actor=request.user, office=office,
                               party_a=_person(request.user, payload.party_a_id_number, "当事人甲身份证号"),
                               party_b=_person(request.user, payload.party_b_id_number, "当事人乙身份证号"),
                               on=_day(payload.on, field="受理日期"))
    return Status(201, DivorceOut.of(a))


@router.get("/divorce-applications/{application_id}", response={200: DivorceOut, **ERR}, summary="离婚申请")
def divorce_get(request, application_id: RecordId):
    return DivorceOut.of(selectors.divorce_application_get(request.user, application_id))


@router.post("/divorce-applications/{application_id}/withdraw", response={200: DivorceOut, **ERR},
             summary="冷静期内一方撤回离婚申请")
def divorce_withdraw(request, application_id: RecordId, payload: WithdrawIn):
    app = selectors.divorce_application_get(request.user, application_id)
    party = _person(request.user, payload.id_number, "身份证号")
    return DivorceOut.of(services.divorce_withdraw(actor=request.user, application=app, party=party,
                                                   on=_day(payload.on, field="撤回日期")))


@router.post("/divorce-applications/{application_id}/confirm", response={201: RegistrationOut, **ERR},
             summary="冷静期届满后双方申请发给离婚证")
def divorce_confirm(request, application_id: RecordId, payload: ConfirmIn):
    app = selectors.divorce_application_get(request.user, application_id)
    reg = services.divorce_confirm(actor=request.user, application=app, on=_day(payload.on, field="申请发证日期"))
    return Status(201, RegistrationOut.of(reg))


@router.get("/statistics", response={200: list[MonthOut], **ERR}, summary="婚姻登记月度统计")
def statistics(request, year: Year):
    require(request.user, Cap.MARRIAGE_VIEW)
    return [MonthOut(**m) for m in selectors.monthly_statistics(request.user, year=year)]


__all__ = ["router", "Kind"]


class CeremonyIn(Schema):
    date: dt.date
    officiant: str = Field("", max_length=64)


class CeremonyOut(Schema):
    id: int
    date: dt.date
    officiant: str


class CounsellingIn(Schema):
    office_id: RecordId
    kind: str = Field(description="premarital 婚前辅导 / cooling 离婚冷静期辅导 / family 家庭关系辅导")
    held_on: dt.date
    counsellor: str = Field(max_length=64)
    summary: str = Field(max_length=4000)
    divorce_application_id: RecordId | None = None


class CounsellingOut(Schema):
    id: int
    kind_label: str
    held_on: dt.date


@router.post("/registrations/{registration_id}/ceremony", response={201: CeremonyOut, **ERR},
             summary="预约颁证仪式（免费）")
def ceremony(request, registration_id: RecordId, payload: CeremonyIn):
    reg = selectors.registration_get(request.user, registration_id)
    day = _day(payload.date, field="颁证日期", ahead=366)
    c = services.ceremony_book(actor=request.user, registration=reg, day=day, officiant=payload.officiant)
    return Status(201, CeremonyOut(id=c.pk, date=c.date, officiant=c.officiant))


@router.post("/counselling", response={201: CounsellingOut, **ERR}, summary="登记婚姻家庭辅导")
def counselling(request, payload: CounsellingIn):
    office = selectors.office_get(request.user, payload.office_id)
    app = (selectors.divorce_application_get(request.user, payload.divorce_application_id)
           if payload.divorce_application_id else None)
    c = services.counselling_record(actor=request.user, office=office, kind=payload.kind,
                                    held_on=_day(payload.held_on, field="辅导日期"), counsellor=payload.counsellor,
                                    summary=payload.summary, divorce_application=app)
    return Status(201, CounsellingOut(id=c.pk, kind_label=c.get_kind_display(), held_on=c.held_on))
