"""社工站 REST API: coverage of a station and a 社工's service record. Thin: scoped reads, audited writes."""

import datetime as dt

from ninja import Field, Router, Schema, Status
from ninja.responses import codes_4xx

from minzheng.areas.services import area_by_code
from minzheng.core.api import ErrorOut
from minzheng.core.inputs import RecordId
from minzheng.core.periods import local_date
from minzheng.registry.selectors import person_get

from . import selectors, services

router = Router(tags=["社工站"])


class StationCoverageOut(Schema):
    station: str
    town: str
    on: dt.date
    targets: int
    served: int
    rate: float | None


class SocialWorkRecordIn(Schema):
    person_id: RecordId
    service: str = Field(max_length=16, description="care 人文关怀 / counselling 心理疏导 / linking 资源链接 / "
                                                    "integration 社会融入 / capacity 能力提升")
    served_on: dt.date
    note: str = Field(max_length=500)


class SocialWorkRecordOut(Schema):
    id: int
    person: str
    service: str
    served_on: dt.date


@router.get("/stations/{station_id}/coverage", response={200: StationCoverageOut, codes_4xx: ErrorOut},
            summary="社工站服务对象覆盖率（今年）")
def coverage(request, station_id: RecordId):
    st = selectors.station_get(request.user, station_id)
    c = selectors.coverage(st, local_date())
    return StationCoverageOut(station=st.name, town=st.town.name, on=c["on"], targets=c["targets"], served=c["served"],
                       rate=c["rate"])


@router.post("/records", response={201: SocialWorkRecordOut, codes_4xx: ErrorOut}, summary="登记社工服务记录")
def record(request, payload: SocialWorkRecordIn):
    person = person_get(request.user, payload.person_id)
    r = services.service_record(actor=request.user, person=person, service=payload.service,
                                served_on=payload.served_on, note=payload.note)
    return Status(201, SocialWorkRecordOut(id=r.pk, person=person.name, service=r.service, served_on=r.served_on))


class SwSupervisionIn(Schema):
    held_on: dt.date
    supervisor: str = Field(max_length=50)
    findings: str = Field(max_length=500)


class SwSupervisionOut(Schema):
    id: int
    held_on: dt.date
    supervisor: str
    findings: str


class SwPointIn(Schema):
    area_code: str = Field(max_length=12, description="村（居）区划代码")
    name: str = Field(max_length=100)
    opened_on: dt.date


class SwPointOut(Schema):
    id: int
    area_code: str
    area: str
    name: str
    opened_on: dt.date


class SwPointCoverageOut(Schema):
    villages: int
    covered: int
    rate: float | None
    points: list[SwPointOut]


def _p(p) -> SwPointOut:
    return SwPointOut(id=p.pk, area_code=p.area.code, area=p.area.name, name=p.name, opened_on=p.opened_on)


@router.get("/stations/{station_id}/supervisions", response={200: list[SwSupervisionOut], codes_4xx: ErrorOut},
            summary="社工站督导记录")
def supervisions(request, station_id: RecordId):
    st = selectors.station_get(request.user, station_id)
    return [SwSupervisionOut(id=s.pk, held_on=s.held_on, supervisor=s.supervisor, findings=s.findings)
            for s in selectors.supervisions_of(st)]


@router.post("/stations/{station_id}/supervisions", response={201: SwSupervisionOut, codes_4xx: ErrorOut},
             summary="登记督导")
def supervise(request, station_id: RecordId, payload: SwSupervisionIn):
    st = selectors.station_get(request.user, station_id)
    s = services.supervision_record(actor=request.user, station=st, held_on=payload.held_on,
                                    supervisor=payload.supervisor, findings=payload.findings)
    return Status(201, SwSupervisionOut(id=s.pk, held_on=s.held_on, supervisor=s.supervisor, findings=s.findings))


@router.get("/stations/{station_id}/points", response={200: SwPointCoverageOut, codes_4xx: ErrorOut},
            summary="社工服务点及村（居）覆盖")
def points(request, station_id: RecordId):
    st = selectors.station_get(request.user, station_id)
    c = selectors.point_coverage(st, local_date())
    return SwPointCoverageOut(villages=c["villages"], covered=c["covered"], rate=c["rate"],
                              points=[_p(p) for p in selectors.points_of(st)])


@router.post("/stations/{station_id}/points", response={201: SwPointOut, codes_4xx: ErrorOut},
             summary="设立社工服务点")
def open_point(request, station_id: RecordId, payload: SwPointIn):
    st = selectors.station_get(request.user, station_id)
    p = services.point_open(actor=request.user, station=st, area=area_by_code(payload.area_code, field="所在村（居）"),
                            name=payload.name, opened_on=payload.opened_on)
    return Status(201, _p(p))
