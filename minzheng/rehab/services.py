"""Writes of 精神障碍社区康复: register a centre, enrol a person with a 精神 or 智力 disability recorded in the
registry (with a service plan), record a service, end an enrolment. Checked, atomic and audited."""

import datetime as dt

from django.db import IntegrityError, transaction

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area, Level
from minzheng.core import audit
from minzheng.core.errors import Conflict, DomainError
from minzheng.core.scope import ensure_can
from minzheng.registry.models import DisabilityCategory, Person

from .models import Centre, Enrolment, ServiceRecord

ELIGIBLE = (DisabilityCategory.MENTAL, DisabilityCategory.INTELLECTUAL)


def centre_register(*, actor: User, name: str, kind: str, area: Area, opened_on: dt.date) -> Centre:
    ensure_can(actor, area, Cap.REHAB_MANAGE)
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise DomainError("请填写机构名称（不超过100字）", field="名称")
    if kind not in Centre.Kind.values:
        raise DomainError("请选择机构类型（社区康园中心或其他社区康复服务机构）", field="类型")
    if area.level not in (Level.TOWN, Level.VILLAGE):
        raise DomainError("社区康复服务机构应登记在镇街或村居", field="所在镇街/村居")
    try:
        with transaction.atomic():
            c = Centre.objects.create(name=name, kind=kind, area=area, opened_on=opened_on, registered_by=actor)
            audit.record(actor=actor, action="rehab.centre_register", object_type="rehab.centre", object_id=c.pk,
                         object_repr=name, area_code=area.code, after={"kind": kind, "opened_on": opened_on})
    except IntegrityError:
        raise Conflict(f"已有名为“{name}”的机构", field="名称") from None
    return c


def enrol(*, actor: User, centre: Centre, person: Person, since: dt.date, plan: str) -> Enrolment:
    """A person the registry records with a 精神 or 智力 disability, served under a written plan."""
    ensure_can(actor, centre.area, Cap.REHAB_MANAGE)
    ensure_can(actor, person.residence_area, Cap.REHAB_MANAGE)
    if person.disability_category not in ELIGIBLE:
        raise DomainError(f"人员库中{person.name}没有精神或智力残疾记录，不能纳入精神障碍社区康复服务",
                          code="not_eligible", field="服务对象")
    if person.death_date is not None:
        raise DomainError(f"{person.name}已登记死亡", field="服务对象")
    plan = (plan or "").strip()
    if len(plan) < 4 or len(plan) > 4000:
        raise DomainError("请填写个案服务计划（4至4000字）", field="个案服务计划")
    try:
        with transaction.atomic():
            e = Enrolment.objects.create(centre=centre, person=person, since=since, plan=plan, created_by=actor)
            audit.record(actor=actor, action="rehab.enrol", object_type="rehab.enrolment", object_id=e.pk,
                         object_repr=person.name, area_code=centre.area.code,
                         after={"centre": centre.name, "person": person.masked_id, "since": since})
    except IntegrityError:
        raise Conflict(f"{person.name}已在接受社区康复服务", field="服务对象") from None
    return e


def service_record(*, actor: User, enrolment: Enrolment, served_on: dt.date, content: str) -> ServiceRecord:
    ensure_can(actor, enrolment.centre.area, Cap.REHAB_MANAGE)
    content = (content or "").strip()
    if not content or len(content) > 200:
        raise DomainError("请填写服务内容（不超过200字）", field="服务内容")
    if enrolment.until is not None or served_on < enrolment.since:
        raise DomainError("服务日期不在该对象的服务期内", field="服务日期")
    with transaction.atomic():
        r = ServiceRecord.objects.create(enrolment=enrolment, served_on=served_on, content=content,
                                         recorded_by=actor)
        audit.record(actor=actor, action="rehab.service", object_type="rehab.enrolment", object_id=enrolment.pk,
                     object_repr=enrolment.person.name, area_code=enrolment.centre.area.code,
                     after={"on": served_on, "content": content})
    return r
