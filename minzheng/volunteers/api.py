"""志愿服务 REST API. Thin: scoped reads, audited writes; certificate verification is public."""

import datetime as dt
from decimal import Decimal

from django.http import HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.responses import codes_4xx

from minzheng.areas.services import area_by_code
from minzheng.core.api import ErrorOut
from minzheng.core.errors import NotFound
from minzheng.core.inputs import RecordId
from minzheng.socialorgs import selectors as socialorg_selectors

from . import selectors, services
from .documents import certificate_pdf

router = Router(tags=["志愿服务"])


class VolActivityIn(Schema):
    volunteer_org_id: RecordId = Field(description="发起活动的志愿服务组织（须已标识）")
    area_code: str = Field(max_length=12)
    title: str = Field(max_length=100)
    held_on: dt.date
    content: str = Field(max_length=300)
    feeds_timebank: bool = False


class VolActivityOut(Schema):
    id: int
    title: str
    held_on: dt.date
    feeds_timebank: bool


class VolSignupIn(Schema):
    volunteer_id: RecordId


class VolSignupOut(Schema):
    id: int
    volunteer: str
    status: str
    hours: Decimal | None


class VolHoursConfirmIn(Schema):
    hours: Decimal = Field(ge=0, le=1000)


class VolCertificateIn(Schema):
    issuer: str = Field(max_length=100, description="出具单位（志愿服务组织）")


class VolCertificateOut(Schema):
    id: int
    code: str
    total_hours: Decimal
    issued_on: dt.date


class VolCertificateCheckOut(Schema):
    name: str
    total_hours: Decimal
    issued_on: dt.date
    issuer: str
    activities: int


def _s(s) -> VolSignupOut:
    return VolSignupOut(id=s.pk, volunteer=s.volunteer.person.name, status=s.status, hours=s.hours)


@router.post("/activities", response={201: VolActivityOut, codes_4xx: ErrorOut}, summary="发布志愿服务活动")
def create_activity(request, payload: VolActivityIn):
    vo = selectors.volunteer_org_get(request.user, payload.volunteer_org_id)
    a = services.activity_create(actor=request.user, area=area_by_code(payload.area_code, field="活动地点"),
                                 org=vo.org, title=payload.title, held_on=payload.held_on, content=payload.content,
                                 feeds_timebank=payload.feeds_timebank)
    return Status(201, VolActivityOut(id=a.pk, title=a.title, held_on=a.held_on, feeds_timebank=a.feeds_timebank))


@router.post("/activities/{activity_id}/signups", response={201: VolSignupOut, codes_4xx: ErrorOut}, summary="报名")
def create_signup(request, activity_id: RecordId, payload: VolSignupIn):
    a = selectors.activity_get(request.user, activity_id)
    v = selectors.volunteer_get(request.user, payload.volunteer_id)
    return Status(201, _s(services.signup(actor=request.user, activity=a, volunteer=v)))


@router.post("/signups/{signup_id}/confirm", response={200: VolSignupOut, codes_4xx: ErrorOut},
             summary="组织人确认服务时长")
def confirm(request, signup_id: RecordId, payload: VolHoursConfirmIn):
    s = selectors.signup_get(request.user, signup_id)
    return _s(services.hours_confirm(actor=request.user, signup=s, hours=payload.hours))


@router.post("/volunteers/{volunteer_id}/certificates", response={201: VolCertificateOut, codes_4xx: ErrorOut},
             summary="出具志愿服务记录证明")
def issue(request, volunteer_id: RecordId, payload: VolCertificateIn):
    v = selectors.volunteer_get(request.user, volunteer_id)
    c = services.certificate_issue(actor=request.user, volunteer=v, issuer=payload.issuer)
    return Status(201, VolCertificateOut(id=c.pk, code=c.code, total_hours=c.total_hours, issued_on=c.issued_on))


@router.get("/certificates/{certificate_id}/pdf", response={codes_4xx: ErrorOut}, summary="志愿服务记录证明（PDF）")
def certificate(request, certificate_id: RecordId):
    return HttpResponse(certificate_pdf(selectors.certificate_get(request.user, certificate_id)),
                        content_type="application/pdf")


@router.get("/public/verify", auth=None, response={200: VolCertificateCheckOut, codes_4xx: ErrorOut},
            summary="公开查验志愿服务记录证明")
def verify(request, code: str = ""):
    found = selectors.verify(code)
    if found is None:
        raise NotFound("未查到该验证码对应的志愿服务记录证明")
    return VolCertificateCheckOut(**{k: found[k] for k in VolCertificateCheckOut.model_fields})


class VolOrgIn(Schema):
    org_id: RecordId = Field(description="已登记（或在枢纽型组织备案）的社会组织编号")
    service_fields: str = Field(max_length=200, description="志愿服务领域")


class VolOrgOut(Schema):
    id: int
    org_id: int
    name: str
    credit_code: str | None
    service_fields: str
    identified_on: dt.date
    revoked_on: dt.date | None
    revoke_reason: str

    @staticmethod
    def of(v):
        return VolOrgOut(id=v.pk, org_id=v.org_id, name=v.org.name, credit_code=v.org.credit_code,
                         service_fields=v.service_fields, identified_on=v.identified_on, revoked_on=v.revoked_on,
                         revoke_reason=v.revoke_reason)


class VolOrgRevokeIn(Schema):
    reason: str = Field(max_length=200, description="撤销原因")


@router.get("/orgs", response={200: list[VolOrgOut], codes_4xx: ErrorOut}, summary="志愿服务组织")
def list_orgs(request):
    return [VolOrgOut.of(v) for v in selectors.volunteer_orgs_for(request.user)[:500]]


@router.post("/orgs", response={201: VolOrgOut, codes_4xx: ErrorOut}, summary="标识志愿服务组织（登记管理机关）")
def register_org(request, payload: VolOrgIn):
    org = socialorg_selectors.org_get(request.user, payload.org_id)
    v = services.volunteer_org_register(actor=request.user, org=org, service_fields=payload.service_fields)
    return Status(201, VolOrgOut.of(v))


@router.post("/orgs/{vorg_id}/revoke", response={200: VolOrgOut, codes_4xx: ErrorOut},
             summary="撤销志愿服务组织标识（登记管理机关）")
def revoke_org(request, vorg_id: RecordId, payload: VolOrgRevokeIn):
    v = services.volunteer_org_revoke(actor=request.user, vorg=selectors.volunteer_org_get(request.user, vorg_id),
                                      reason=payload.reason)
    return VolOrgOut.of(v)


class VolPointIn(Schema):
    area_code: str = Field(max_length=12, description="村（居）区划代码")
    host: str = Field(max_length=20, description="community_centre 社区（村）综合服务设施 / "
                                                 "social_work_station 社工站（点）")
    name: str = Field(max_length=100)
    opened_on: dt.date


class VolPointOut(Schema):
    id: int
    area_code: str
    area: str
    host: str
    name: str
    opened_on: dt.date


def _pt(p) -> VolPointOut:
    return VolPointOut(id=p.pk, area_code=p.area.code, area=p.area.name, host=p.host, name=p.name,
                       opened_on=p.opened_on)


@router.get("/points", response={200: list[VolPointOut], codes_4xx: ErrorOut}, summary="志愿服务站点")
def list_points(request):
    return [_pt(p) for p in selectors.points_for(request.user)[:500]]


@router.post("/points", response={201: VolPointOut, codes_4xx: ErrorOut}, summary="设立志愿服务站点")
def open_point(request, payload: VolPointIn):
    p = services.point_open(actor=request.user, area=area_by_code(payload.area_code, field="所在村（居）"),
                            host=payload.host, name=payload.name, opened_on=payload.opened_on)
    return Status(201, _pt(p))
