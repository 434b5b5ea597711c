"""Writes of the 社工站 app: stations, 驻站社工, service records, 督导. Each validates, writes and audits in one
transaction. A 社工 serves only the target-group residents of the station's own town."""

import datetime as dt

from django.db import transaction

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area, Level
from minzheng.core import audit
from minzheng.core.errors import Conflict, DomainError, Forbidden
from minzheng.core.periods import local_date
from minzheng.core.scope import ensure_can, works_within
from minzheng.registry.models import Person

from .models import ServicePoint, ServiceRecord, SocialWorker, Station, Supervision
from .rules import service_kinds, target_groups
from .selectors import groups_of


def _text(value: object, field: str, limit: int) -> str:
    text = (str(value) if value is not None else "").strip()
    if not text:
        raise DomainError(f"请填写{field}", code="required", field=field)
    if len(text) > limit or "\x00" in text:
        raise DomainError(f"{field}不超过{limit}字且不含不可见字符", field=field)
    return text


def station_open(*, actor: User, town: Area, name: str, opened_on: dt.date) -> Station:
    ensure_can(actor, town, Cap.SOCIALWORK_MANAGE)
    if town.level != Level.TOWN:
        raise DomainError("社工站设在乡镇（街道）", field="所在镇街")
    if Station.objects.filter(town=town).exists():
        raise Conflict(f"{town.name}已建有社工站", field="所在镇街")
    with transaction.atomic():
        s = Station.objects.create(town=town, name=_text(name, "站名", 100), opened_on=opened_on, created_by=actor)
        audit.record(actor=actor, action="socialwork.station.open", object_type="socialwork.station",
                     object_id=s.pk, object_repr=s.name, area_code=town.code, after={"opened_on": opened_on})
    return s


def worker_add(*, actor: User, station: Station, user: User, since: dt.date, certificate: str = "") -> SocialWorker:
    """Register a directly employed 社工 at the station; their account must work in the station's town."""
    ensure_can(actor, station.town, Cap.SOCIALWORK_MANAGE)
    if not user.can(Cap.SOCIALWORK_RECORD) or not works_within(actor, user) or not any(
            p.startswith(station.town.path) for p in user.area_assignments.values_list("area__path", flat=True)):
        raise DomainError(f"账号{user}不是{station.town.name}的社工站工作人员账号", field="社工")
    if SocialWorker.objects.filter(user=user).exists():
        raise Conflict(f"{user}已是驻站社工", field="社工")
    with transaction.atomic():
        w = SocialWorker.objects.create(station=station, user=user, since=since, certificate=certificate[:30])
        audit.record(actor=actor, action="socialwork.worker.add", object_type="socialwork.worker", object_id=w.pk,
                     object_repr=str(user), area_code=station.town.code, after={"station": station.pk})
    return w


def service_record(*, actor: User, person: Person, service: str, served_on: dt.date, note: str,
                   today: dt.date | None = None) -> ServiceRecord:
    """A 社工 records a service given to a target-group resident of the station's town."""
    worker = SocialWorker.objects.select_related("station__town").filter(user=actor).first()
    if worker is None:
        raise Forbidden("只有驻站社工可以登记服务记录")
    station = worker.station
    ensure_can(actor, station.town, Cap.SOCIALWORK_RECORD)
    today = today or local_date()
    if not person.residence_area.path.startswith(station.town.path):
        raise DomainError(f"{person.name}不住在{station.town.name}，不属于{station.name}的服务范围",
                          code="outside_town", field="服务对象")
    if service not in service_kinds():
        raise DomainError("服务内容应为" + "、".join(service_kinds().values()) + "之一", field="服务内容")
    if not isinstance(served_on, dt.date) or served_on > today or served_on < station.opened_on:
        raise DomainError(f"服务日期应在建站日期{station.opened_on}至今天之间", field="服务日期")
    if person.death_date and person.death_date <= served_on:
        raise DomainError(f"{person.name}已登记死亡", field="服务对象")
    groups = groups_of(person, served_on)
    if not groups:
        names = "、".join(dict.fromkeys(g.split("（")[0] for g in target_groups().values()))
        raise DomainError(f"{person.name}在服务日期不属于社工站服务对象（{names}）", code="not_target",
                          field="服务对象")
    note = _text(note, "服务记录", 500)
    with transaction.atomic():
        r = ServiceRecord.objects.create(station=station, worker=worker, person=person, area=person.residence_area,
                                         service=service, served_on=served_on, note=note)
        audit.record(actor=actor, action="socialwork.record", object_type="socialwork.record", object_id=r.pk,
                     object_repr=person.name, area_code=person.residence_area.code,
                     after={"service": service, "served_on": served_on, "groups": groups})
    return r


def supervision_record(*, actor: User, station: Station, held_on: dt.date, supervisor: str,
                       findings: str) -> Supervision:
    ensure_can(actor, station.town, Cap.SOCIALWORK_MANAGE)
    if not isinstance(held_on, dt.date) or held_on > local_date() or held_on < station.opened_on:
        raise DomainError(f"督导日期应在建站日期{station.opened_on}至今天之间", field="督导日期")
    with transaction.atomic():
        s = Supervision.objects.create(station=station, held_on=held_on, supervisor=_text(supervisor, "督导人", 50),
                                       findings=_text(findings, "督导意见", 500), recorded_by=actor)
        audit.record(actor=actor, action="socialwork.supervision", object_type="socialwork.station",
                     object_id=station.pk, object_repr=station.name, area_code=station.town.code,
                     after={"held_on": held_on, "supervisor": s.supervisor})
    return s


def point_open(*, actor: User, station: Station, area: Area, name: str, opened_on: dt.date) -> ServicePoint:
    """设立 a 社工服务点 in a village of the station's town (one per village)."""
    ensure_can(actor, area, Cap.SOCIALWORK_MANAGE)
    ensure_can(actor, station.town, Cap.SOCIALWORK_MANAGE)
    if area.level != Level.VILLAGE:
        raise DomainError("社工服务点设在村（居）", field="所在村（居）")
    if not area.path.startswith(station.town.path):
        raise DomainError(f"{area.name}不在{station.town.name}，不能设为{station.name}的服务点", field="所在村（居）")
    if ServicePoint.objects.filter(area=area).exists():
        raise Conflict(f"{area.name}已设有社工服务点", field="所在村（居）")
    if not isinstance(opened_on, dt.date) or opened_on > local_date() or opened_on < station.opened_on:
        raise DomainError(f"设立日期应在建站日期{station.opened_on}至今天之间", field="设立日期")
    with transaction.atomic():
        p = ServicePoint.objects.create(station=station, area=area, name=_text(name, "服务点名称", 100),
                                        opened_on=opened_on, created_by=actor)
        audit.record(actor=actor, action="socialwork.point.open", object_type="socialwork.point", object_id=p.pk,
                     object_repr=p.name, area_code=area.code, after={"station": station.pk, "opened_on": opened_on})
    return p
