"""城乡社区治理 REST API: 议事协商, the bodies with members and terms, the 社区工作者 roster and ratio, and the
公共服务目录 / 印章使用范围清单 of a village. Thin: scoped reads, audited writes."""

import datetime as dt

from django.db.models import prefetch_related_objects
from ninja import Field, Router, Schema, Status
from ninja.responses import codes_4xx

from minzheng.areas.services import area_by_code
from minzheng.core.api import ErrorOut
from minzheng.core.inputs import RecordId
from minzheng.core.periods import local_date
from minzheng.registry.selectors import person_get

from . import selectors, services
from .rules import participant_kinds
from .services import grades

router = Router(tags=["城乡社区治理"])


class CmConsultationIn(Schema):
    area_code: str = Field(max_length=12, description="村（居）区划代码")
    topic: str = Field(max_length=100)
    held_on: dt.date
    participants: dict[str, int] = Field(default_factory=dict, description="类别 → 人数：villager_reps 村（居）民代表、"
                                         "party_members 党员、resident_units 驻村（社区）单位 …")
    person_ids: list[RecordId] = Field(default_factory=list, max_length=50, description="具名参加人（人员库）")
    outcome: str = Field(max_length=2000)
    follow_up: str = Field("", max_length=500)
    follow_up_due: dt.date | None = None


class CmConsultationOut(Schema):
    id: int
    area: str
    topic: str
    held_on: dt.date
    participants: dict[str, int]
    persons: list[str]
    outcome: str
    follow_up: str
    follow_up_due: dt.date | None
    follow_up_done_on: dt.date | None
    follow_up_result: str
    published_on: dt.date | None


class CmFollowUpIn(Schema):
    done_on: dt.date
    result: str = Field(max_length=500)


class CmMemberIn(Schema):
    person_id: RecordId
    post: str = Field(max_length=20)
    one_shoulder: bool = False


class CmMemberOut(Schema):
    name: str
    post: str
    one_shoulder: bool


class CmBodyIn(Schema):
    area_code: str = Field(max_length=12)
    kind: str = Field(max_length=20, description="village_committee 村民委员会 / residents_committee 居民委员会 / "
                                                 "supervision 村（居）务监督委员会")
    term_start: dt.date
    term_end: dt.date
    members: list[CmMemberIn] = Field(max_length=50)


class CmBodyOut(Schema):
    id: int
    area: str
    kind: str
    term_start: dt.date
    term_end: dt.date
    status: str = Field(description="任期内 / 届满待换届 / 已换届")
    election_id: int | None = Field(description="产生本届的换届选举")
    previous_id: int | None = Field(description="上一届")
    members: list[CmMemberOut]


class CmBodyRenewIn(Schema):
    election_id: RecordId
    members: list[CmMemberIn] = Field(min_length=1, max_length=50)


class CmWorkerIn(Schema):
    person_id: RecordId
    area_code: str = Field(max_length=12)
    grade: str = Field(max_length=20, description="岗位等级序列代码，如 3-1")
    since: dt.date
    certificate: str = Field("", max_length=30)
    training_hours: int = Field(0, ge=0, le=2000)
    pay_band: str = Field("", max_length=20)


class CmWorkerOut(Schema):
    id: int
    name: str
    area: str
    grade: str
    certificate: str
    training_hours: int
    pay_band: str
    since: dt.date
    left_on: dt.date | None
    leave_kind: str
    leave_reason: str


class CmWorkerLeaveIn(Schema):
    left_on: dt.date
    kind: str = Field(max_length=10, description="resigned 离职 / dismissed 解聘")
    reason: str = Field(max_length=200)


class CmTownRatioOut(Schema):
    town_code: str
    town: str
    workers: int
    residents: int
    per_10k: float | None


class CmCatalogueItemOut(Schema):
    category: str
    item: str
    demo: bool


class CmCatalogueListOut(Schema):
    list: str
    document: str
    declared: int | None
    effective_from: str
    citation: str
    items: list[CmCatalogueItemOut]


class CmCatalogueOut(Schema):
    area_code: str
    area: str
    services: CmCatalogueListOut
    seals: CmCatalogueListOut


def _c(c) -> CmConsultationOut:
    return CmConsultationOut(id=c.pk, area=c.area.name, topic=c.topic, held_on=c.held_on,
                             participants=c.participants, persons=[p.name for p in c.persons.all()],
                             outcome=c.outcome, follow_up=c.follow_up, follow_up_due=c.follow_up_due,
                             follow_up_done_on=c.follow_up_done_on, follow_up_result=c.follow_up_result,
                             published_on=c.disclosure.published_on if c.disclosure_id else None)


def _b(b) -> CmBodyOut:
    prefetch_related_objects([b], selectors.MEMBERS_IN_ORDER)
    return CmBodyOut(id=b.pk, area=b.area.name, kind=b.kind, term_start=b.term_start, term_end=b.term_end,
                     status=selectors.term_status(b, local_date()), election_id=b.election_id,
                     previous_id=b.previous_id,
                     members=[CmMemberOut(name=m.person.name, post=m.post, one_shoulder=m.also_party_secretary)
                              for m in b.members.all()])


def _w(w) -> CmWorkerOut:
    return CmWorkerOut(id=w.pk, name=w.person.name, area=w.area.name, grade=grades().get(w.grade, w.grade),
                       certificate=w.certificate, training_hours=w.training_hours, pay_band=w.pay_band,
                       since=w.since, left_on=w.left_on, leave_kind=w.get_leave_kind_display(),
                       leave_reason=w.leave_reason)


@router.get("/consultations", response={200: list[CmConsultationOut], codes_4xx: ErrorOut}, summary="议事协商记录")
def list_consultations(request):
    return [_c(c) for c in selectors.consultations_for(request.user).prefetch_related("persons")[:200]]


@router.post("/consultations", response={201: CmConsultationOut, codes_4xx: ErrorOut}, summary="登记议事协商")
def create_consultation(request, payload: CmConsultationIn):
    area = area_by_code(payload.area_code, field="村（居）")
    persons = [person_get(request.user, pid) for pid in payload.person_ids]
    c = services.consultation_record(actor=request.user, area=area, topic=payload.topic, held_on=payload.held_on,
                                     participants=payload.participants, persons=persons, outcome=payload.outcome,
                                     follow_up=payload.follow_up, follow_up_due=payload.follow_up_due)
    return Status(201, _c(c))


@router.get("/consultations/{consultation_id}", response={200: CmConsultationOut, codes_4xx: ErrorOut},
            summary="一次议事协商")
def get_consultation(request, consultation_id: RecordId):
    return _c(selectors.consultation_get(request.user, consultation_id))


@router.post("/consultations/{consultation_id}/follow-up", response={200: CmConsultationOut, codes_4xx: ErrorOut},
             summary="登记协商结果落实情况")
def follow_up(request, consultation_id: RecordId, payload: CmFollowUpIn):
    c = selectors.consultation_get(request.user, consultation_id)
    return _c(services.consultation_follow_up(actor=request.user, item=c, done_on=payload.done_on,
                                              result=payload.result))


@router.post("/consultations/{consultation_id}/publish", response={200: CmConsultationOut, codes_4xx: ErrorOut},
             summary="在村（居）务公开栏公开协商结果")
def publish(request, consultation_id: RecordId):
    c = selectors.consultation_get(request.user, consultation_id)
    services.consultation_publish(actor=request.user, item=c)
    return _c(c)


@router.get("/participant-kinds", response={200: dict[str, str]}, summary="议事协商参加人员类别")
def kinds(request):
    return participant_kinds()


@router.get("/bodies", response={200: list[CmBodyOut], codes_4xx: ErrorOut}, summary="村（居）委会与村务监督委员会")
def list_bodies(request):
    return [_b(b) for b in selectors.bodies_for(request.user).prefetch_related(selectors.MEMBERS_IN_ORDER)[:200]]


@router.post("/bodies", response={201: CmBodyOut, codes_4xx: ErrorOut}, summary="登记组织及任期")
def create_body(request, payload: CmBodyIn):
    area = area_by_code(payload.area_code, field="村（居）")
    members = [(person_get(request.user, m.person_id), m.post, m.one_shoulder) for m in payload.members]
    b = services.body_create(actor=request.user, area=area, kind=payload.kind, term_start=payload.term_start,
                             term_end=payload.term_end, members=members)
    return Status(201, _b(b))


@router.get("/bodies/{body_id}", response={200: CmBodyOut, codes_4xx: ErrorOut}, summary="一个组织及其成员")
def get_body(request, body_id: RecordId):
    return _b(selectors.body_get(request.user, body_id))


@router.post("/bodies/{body_id}/members", response={201: CmBodyOut, codes_4xx: ErrorOut}, summary="增加成员")
def add_member(request, body_id: RecordId, payload: CmMemberIn):
    b = selectors.body_get(request.user, body_id)
    services.member_add(actor=request.user, body=b, person=person_get(request.user, payload.person_id),
                        post=payload.post, one_shoulder=payload.one_shoulder)
    return Status(201, _b(b))


@router.post("/bodies/{body_id}/renew", response={201: CmBodyOut, codes_4xx: ErrorOut},
             summary="换届：以换届选举产生新一届组织")
def renew_body(request, body_id: RecordId, payload: CmBodyRenewIn):
    b = selectors.body_get(request.user, body_id)
    election = selectors.election_get(request.user, payload.election_id)
    members = [(person_get(request.user, m.person_id), m.post, m.one_shoulder) for m in payload.members]
    return Status(201, _b(services.body_renew(actor=request.user, body=b, election=election, members=members)))


@router.get("/workers", response={200: list[CmWorkerOut], codes_4xx: ErrorOut}, summary="社区工作者名册")
def list_workers(request):
    return [_w(w) for w in selectors.workers_for(request.user)[:500]]


@router.post("/workers", response={201: CmWorkerOut, codes_4xx: ErrorOut}, summary="列入社区工作者名册")
def add_worker(request, payload: CmWorkerIn):
    w = services.worker_add(actor=request.user, person=person_get(request.user, payload.person_id),
                            area=area_by_code(payload.area_code, field="所在社区（村）"), grade=payload.grade,
                            since=payload.since, certificate=payload.certificate,
                            training_hours=payload.training_hours, pay_band=payload.pay_band)
    return Status(201, _w(w))


@router.post("/workers/{worker_id}/leave", response={200: CmWorkerOut, codes_4xx: ErrorOut},
             summary="社区工作者离职或解聘（名册保留记录）")
def leave_worker(request, worker_id: RecordId, payload: CmWorkerLeaveIn):
    w = services.worker_leave(actor=request.user, worker=selectors.worker_get(request.user, worker_id),
                              left_on=payload.left_on, kind=payload.kind, reason=payload.reason)
    return _w(w)


@router.get("/workers/ratios", response={200: list[CmTownRatioOut], codes_4xx: ErrorOut},
            summary="各镇街每万名居民社区工作者数")
def ratios(request):
    return [CmTownRatioOut(town_code=t.code, town=t.name, **r)
            for t, r in selectors.ratios_by_town(request.user, local_date())]


@router.get("/catalogue", response={200: CmCatalogueOut, codes_4xx: ErrorOut},
            summary="村（社区）基本公共服务目录与印章使用范围清单")
def catalogue(request, area_code: str = ""):
    area, svc, seals = selectors.catalogue_for(request.user, area_code)
    def out(d):
        return CmCatalogueListOut(**{k: d[k] for k in CmCatalogueListOut.model_fields if k != "items"},
                                  items=[CmCatalogueItemOut(**i) for i in d["items"]])
    return CmCatalogueOut(area_code=area.code, area=area.name, services=out(svc), seals=out(seals))
