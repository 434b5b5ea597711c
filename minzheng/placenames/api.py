"""地名 REST API, scoped by area: gazetteer search (by name, pinyin or initials), pinyin correction, and naming /
renaming applications from submission to the 地名批准书 PDF."""

import datetime as dt

from django.http import HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.responses import codes_4xx

from minzheng.accounts.roles import Cap
from minzheng.areas.services import area_by_code
from minzheng.core.api import ErrorOut, require
from minzheng.core.errors import DomainError
from minzheng.core.inputs import RecordId
from minzheng.core.periods import local_date

from . import selectors, services
from .certificate import certificate_pdf

router = Router(tags=["地名管理"])
ERR = {codes_4xx: ErrorOut}


class PlaceOut(Schema):
    id: int
    name: str
    pinyin: str
    category: str
    category_label: str
    area: str
    geometry: str
    coordinates: list[list[float]]
    origin: str
    meaning: str
    status_label: str

    @staticmethod
    def of(p):
        return PlaceOut(id=p.pk, name=p.name, pinyin=p.pinyin, category=p.category,
                        category_label=services.categories().get(p.category, p.category), area=p.area.name,
                        geometry=p.geometry, coordinates=p.coordinates, origin=p.origin, meaning=p.meaning,
                        status_label=p.get_status_display())


class PinyinIn(Schema):
    pinyin: str = Field(max_length=200)


class ApplicationIn(Schema):
    kind: str = Field(description="name 命名 / rename 更名")
    proposed_name: str = Field(max_length=40)
    category: str = Field("", max_length=4, description="GB/T 18521 类别代码（更名时取原地名的类别）")
    area_code: str = Field("", max_length=12, description="所在行政区代码（更名时取原地名的行政区）")
    place_id: RecordId | None = Field(None, description="更名时的原地名")
    applicant: str = Field(max_length=100)
    reason: str = Field(max_length=2000)
    origin: str = Field("", max_length=2000)
    meaning: str = Field("", max_length=2000)
    geometry: str = Field("point", description="point 点 / line 线")
    coordinates: list[list[float]] = Field(max_length=500, description="[[经度, 纬度], …]")


class ApplicationOut(Schema):
    id: int
    kind_label: str
    proposed_name: str
    former_name: str
    status: str
    status_label: str
    comment_to: dt.date | None
    certificate_number: str | None

    @staticmethod
    def of(a):
        return ApplicationOut(id=a.pk, kind_label=a.get_kind_display(), proposed_name=a.proposed_name,
                              former_name=a.place.name if a.place_id and a.kind == "rename" else "",
                              status=a.status, status_label=a.get_status_display(), comment_to=a.comment_to,
                              certificate_number=a.certificate_number)


class StepIn(Schema):
    comments: str = Field("", max_length=4000)
    opinion: str = Field("", max_length=4000)
    approve: bool = True
    reason: str = Field("", max_length=500)


@router.get("/places", response={200: list[PlaceOut], **ERR}, summary="地名检索（名称、拼音或首字母）")
def places(request, q: str = "", category: str = ""):
    require(request.user, Cap.PLACENAME_VIEW)
    return [PlaceOut.of(p) for p in selectors.place_search(request.user, q[:40], category=category[:4])[:200]]


@router.get("/places/{place_id}", response={200: PlaceOut, **ERR}, summary="地名详情")
def place(request, place_id: RecordId):
    return PlaceOut.of(selectors.place_get(request.user, place_id))


@router.post("/places/{place_id}/pinyin", response={200: PlaceOut, **ERR}, summary="更正汉语拼音")
def place_pinyin(request, place_id: RecordId, payload: PinyinIn):
    p = selectors.place_get(request.user, place_id)
    return PlaceOut.of(services.pinyin_edit(actor=request.user, place=p, pinyin=payload.pinyin, today=local_date()))


@router.post("/applications", response={201: ApplicationOut, **ERR}, summary="受理地名命名、更名申请")
def application_create(request, payload: ApplicationIn):
    place_ = selectors.place_get(request.user, payload.place_id) if payload.place_id else None
    if place_ is not None:
        area, category = place_.area, place_.category
    else:
        if not payload.area_code.strip():
            raise DomainError("请填写所在行政区代码", field="所在行政区")
        area, category = area_by_code(payload.area_code.strip(), field="所在行政区"), payload.category
    a = services.application_submit(actor=request.user, kind=payload.kind, proposed_name=payload.proposed_name,
                                    category=category, area=area, applicant=payload.applicant,
                                    reason=payload.reason, today=local_date(), geometry=payload.geometry,
                                    coordinates=payload.coordinates, origin=payload.origin, meaning=payload.meaning,
                                    place=place_)
    return Status(201, ApplicationOut.of(a))


@router.get("/applications/{application_id}", response={200: ApplicationOut, **ERR}, summary="申请详情")
def application(request, application_id: RecordId):
    return ApplicationOut.of(selectors.application_get(request.user, application_id))


STEPS = ("comment-open", "comment-close", "expert", "decide")


@router.post("/applications/{application_id}/steps/{step}", response={200: ApplicationOut, **ERR},
             summary="办理环节", description="step：comment-open 公开征求意见 / comment-close 汇总意见 / "
                                            "expert 专家论证意见 / decide 审批（approve、reason）")
def application_step(request, application_id: RecordId, step: str, payload: StepIn):
    a = selectors.application_get(request.user, application_id)
    today = local_date()
    if step == "comment-open":
        a = services.application_open_comment(actor=request.user, application=a, today=today)
    elif step == "comment-close":
        a = services.application_close_comment(actor=request.user, application=a, comments=payload.comments,
                                               today=today)
    elif step == "expert":
        a = services.application_expert_review(actor=request.user, application=a, opinion=payload.opinion)
    elif step == "decide":
        a = services.application_decide(actor=request.user, application=a, approve=payload.approve, today=today,
                                        reason=payload.reason)
    else:
        raise DomainError("办理环节应为公开征求意见、汇总意见、专家论证或审批", field="办理环节")
    return ApplicationOut.of(a)


@router.get("/applications/{application_id}/certificate.pdf", response={200: None, **ERR}, summary="地名批准书（PDF）")
def application_certificate(request, application_id: RecordId):
    a = selectors.application_get(request.user, application_id)
    response = HttpResponse(certificate_pdf(a), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="dimingpizhunshu-{a.pk}.pdf"'
    return response


# --- 行政区划调整 ----------------------------------------------------------------------------------------------------

class SuccessorIn(Schema):
    code: str = Field(max_length=32, description="新区划代码（以上级区划代码开头）")
    name: str = Field(max_length=40)
    parent_code: str = Field("", max_length=32, description="上级区划代码；留空为第一个原区划的上级（改隶时必填）")


class RedivisionIn(Schema):
    kind: str = Field(description="merge 撤并 / split 拆分 / rename 更名 / reparent 改隶")
    old_codes: list[str] = Field(max_length=20, description="原区划代码")
    successors: list[SuccessorIn] = Field(max_length=20)
    effective_on: dt.date
    document: str = Field(max_length=100, description="批准文号")
    authority: str = Field(max_length=100, description="批准机关")
    note: str = Field("", max_length=255)


class RedivisionAreaOut(Schema):
    code: str
    name: str
    parent_code: str


class RedivisionOut(Schema):
    id: int
    kind: str
    kind_label: str
    effective_on: dt.date
    document: str
    authority: str
    old_areas: list[RedivisionAreaOut]
    new_areas: list[RedivisionAreaOut]

    @staticmethod
    def of(s):
        olds, news = selectors.succession_areas(s)

        def out(a):
            return RedivisionAreaOut(code=a.code, name=a.name, parent_code=a.parent.code if a.parent else "")

        return RedivisionOut(id=s.pk, kind=s.kind, kind_label=s.get_kind_display(), effective_on=s.effective_on,
                             document=s.document, authority=s.authority, old_areas=[out(a) for a in olds],
                             new_areas=[out(a) for a in news])


@router.get("/redivisions", response={200: list[RedivisionOut], **ERR}, summary="行政区划调整记录")
def redivisions(request):
    require(request.user, Cap.PLACENAME_VIEW)
    return [RedivisionOut.of(s) for s in selectors.successions_for(request.user)[:200]]


@router.get("/redivisions/{succession_id}", response={200: RedivisionOut, **ERR}, summary="行政区划调整详情")
def redivision(request, succession_id: RecordId):
    return RedivisionOut.of(selectors.succession_get(request.user, succession_id))


@router.post("/redivisions", response={201: RedivisionOut, **ERR}, summary="登记行政区划调整（撤并、拆分、更名、改隶）")
def redivision_create(request, payload: RedivisionIn):
    require(request.user, Cap.PLACENAME_APPROVE)
    olds = [area_by_code(c, field="原区划") for c in payload.old_codes]
    if not olds:
        raise DomainError("请填写原区划", field="原区划")
    successors = []
    for s in payload.successors:
        parent = area_by_code(s.parent_code, field="上级区划") if s.parent_code.strip() else olds[0].parent
        if parent is None:
            raise DomainError("请填写新区划的上级区划", field="上级区划")
        successors.append(services.Successor(code=s.code, name=s.name, parent=parent))
    s = services.area_redivide(actor=request.user, kind=payload.kind, old_areas=olds, successors=successors,
                               effective_on=payload.effective_on, document=payload.document,
                               authority=payload.authority, note=payload.note)
    return Status(201, RedivisionOut.of(s))
