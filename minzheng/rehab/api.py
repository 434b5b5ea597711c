"""精神障碍社区康复 REST API, scoped by area: centres, enrolment of people with a 精神/智力 disability record, and
the outreach list of those not yet served (ID numbers masked)."""

import datetime as dt

from ninja import Field, Router, Schema, Status
from ninja.responses import codes_4xx

from minzheng.accounts.roles import Cap
from minzheng.areas.services import area_by_code
from minzheng.core.api import ErrorOut, require
from minzheng.core.errors import DomainError, NotFound
from minzheng.core.inputs import RecordId
from minzheng.core.periods import check_not_before_records, local_date
from minzheng.registry.selectors import person_get

from . import selectors, services

router = Router(tags=["精神障碍社区康复"])
ERR = {codes_4xx: ErrorOut}


def _day(value: dt.date, field: str) -> dt.date:
    check_not_before_records(value, field=field, label=field)
    if value > local_date():
        raise DomainError(f"{field}{value.isoformat()}晚于今天", field=field)
    return value


class CentreIn(Schema):
    name: str = Field(max_length=100)
    kind: str = Field(description="kangyuan 社区康园中心 / other 其他")
    area_code: str = Field(max_length=12)
    opened_on: dt.date


class CentreOut(Schema):
    id: int
    name: str
    kind_label: str
    area: str
    serving: int


class EnrolIn(Schema):
    centre_id: RecordId
    person_id: RecordId
    since: dt.date
    plan: str = Field(max_length=4000)


class PersonOut(Schema):
    id: int
    name: str
    id_number: str
    disability: str


def _centre_out(c) -> CentreOut:
    return CentreOut(id=c.pk, name=c.name, kind_label=c.get_kind_display(), area=c.area.name,
                     serving=c.enrolments.filter(until__isnull=True).count())


@router.get("/centres", response={200: list[CentreOut], **ERR}, summary="社区康复服务机构")
def centres(request):
    require(request.user, Cap.REHAB_VIEW)
    return [_centre_out(c) for c in selectors.centres_for(request.user)[:500]]


@router.post("/centres", response={201: CentreOut, **ERR}, summary="登记社区康园中心等机构")
def centre_create(request, payload: CentreIn):
    area = area_by_code(payload.area_code.strip(), field="所在镇街/村居")
    c = services.centre_register(actor=request.user, name=payload.name, kind=payload.kind, area=area,
                                 opened_on=_day(payload.opened_on, "启用日期"))
    return Status(201, _centre_out(c))


@router.post("/enrolments", response={201: CentreOut, **ERR}, summary="纳入社区康复服务（须有精神或智力残疾记录）")
def enrol(request, payload: EnrolIn):
    centre = selectors.centres_for(request.user).filter(pk=payload.centre_id).first()
    if centre is None:
        raise NotFound("机构不存在或不在您的管辖范围内")
    person = person_get(request.user, payload.person_id)
    services.enrol(actor=request.user, centre=centre, person=person, since=_day(payload.since, "开始服务日期"),
                   plan=payload.plan)
    return Status(201, _centre_out(centre))


@router.get("/outreach", response={200: list[PersonOut], **ERR}, summary="尚未接受服务的精神、智力残疾人")
def outreach(request):
    require(request.user, Cap.REHAB_VIEW)
    return [PersonOut(id=p.pk, name=p.name, id_number=p.masked_id, disability=p.get_disability_category_display())
            for p in selectors.not_yet_served(request.user)[:500]]
