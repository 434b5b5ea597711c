"""社工站 REST API: coverage of a station and a 社工's service record. Thin: scoped reads, audited writes."""

import datetime as dt

from ninja import Field, Router, Schema, Status
from ninja.responses import codes_4xx

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
