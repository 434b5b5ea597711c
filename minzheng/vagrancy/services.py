"""Writes of 流浪乞讨人员救助: one function per state change, checked, atomic and audited.

The 救助管理站 (a county's or city's) takes a person in, establishes identity (a validated 身份证号, linked to the
registry when the registry holds it) or keeps an alias with a description, records daily care, medical referrals
and 寻亲 notices, and arranges a 接送返回, which the receiving town confirms in its own scope.
"""

import csv
import datetime as dt
import re

from django.conf import settings
from django.db import IntegrityError, transaction

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area, Level
from minzheng.areas.services import area_by_code
from minzheng.core import audit
from minzheng.core.dated_rules import rule_int
from minzheng.core.errors import Conflict, DomainError
from minzheng.core.idcard import mask, parse_id_number
from minzheng.core.periods import check_not_before_records
from minzheng.core.scope import ensure_can
from minzheng.registry.models import Person

from .models import CareRecord, Notice, Referral, Station, Stay, Transfer

DIR = settings.DATA_DIR / "vagrancy"
RULES = DIR / "rules.csv"
# an 18-character ID number (or its first 15 digits) must never reach a public notice
_ID_LIKE = re.compile(r"\d{15}|\d{17}[\dXx]")


def _day(value: dt.date | None, field: str, today: dt.date) -> dt.date:
    if value is None:
        raise DomainError(f"请填写{field}", field=field)
    check_not_before_records(value, field=field, label=field)
    if value > today:
        raise DomainError(f"{field}{value.isoformat()}晚于今天", field=field)
    return value


def _not_before(value: dt.date, field: str, earlier: dt.date, label: str) -> None:
    if value < earlier:
        raise DomainError(f"{field}{value.isoformat()}早于{label}{earlier.isoformat()}", field=field)


def _text(value: str | None, field: str, limit: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(f"请填写{field}", field=field)
    if len(value) > limit:
        raise DomainError(f"{field}不能超过{limit}个字", field=field)
    return value


def _open(stay: Stay, what: str) -> None:
    if stay.status not in Stay.OPEN:
        raise Conflict(f"救助记录{stay.number}已{stay.get_status_display()}，不能再{what}", code="stay_closed")


def _audit(actor: User, action: str, stay: Stay, **after: object) -> None:
    audit.record(actor=actor, action=f"vagrancy.{action}", object_type="vagrancy.stay", object_id=stay.pk,
                 object_repr=stay.number, area_code=stay.station.area.code, after=after)


def _home_area(code: str | None, on: dt.date) -> Area | None:
    """A receiving or home area named by code: an unknown code is a clear refusal, never a guess."""
    if not (code or "").strip():
        return None
    return area_by_code(code or "", field="户籍地或居住地区划代码", on=on)


# --- stations (data) ---------------------------------------------------------------------------------------------

def stations_load(*, actor: User | None = None) -> int:
    """Create or update the stations of data/vagrancy/stations.csv (a rerun changes nothing); returns rows read.
    Rows for jurisdictions not loaded in this deployment are skipped."""
    with open(DIR / "stations.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    with transaction.atomic():
        for r in rows:
            area = Area.objects.filter(code=r["area_code"]).first()
            if area is None:
                continue
            values = {"name": r["name"], "area": area, "beds": int(r["beds"]) if r["beds"] else None,
                      "source": r["source"]}
            station, created = Station.objects.get_or_create(code=r["code"], defaults=values)
            changed = {k: v for k, v in values.items() if getattr(station, k) != v}
            if changed and not created:
                for k, v in changed.items():
                    setattr(station, k, v)
                station.save()
            if created or changed:
                audit.record(actor=actor, action="vagrancy.station_load", object_type="vagrancy.station",
                             object_id=station.pk, object_repr=station.name, area_code=area.code,
                             after={"name": station.name, "beds": station.beds})
    return len(rows)


# --- identity and the 反复流浪 flag ---------------------------------------------------------------------------------

def _repeat(stay: Stay) -> tuple[int, bool]:
    """Earlier stays of the same person within the window (data/vagrancy/rules.csv) and whether, with this one,
    they reach the 反复流浪 threshold."""
    if not stay.id_number:
        return 0, False
    window = rule_int(RULES, "repeat_window_days", stay.admitted_on)
    threshold = rule_int(RULES, "repeat_visits", stay.admitted_on)
    prior = (Stay.objects.filter(id_number=stay.id_number,
                                 admitted_on__gte=stay.admitted_on - dt.timedelta(days=window),
                                 admitted_on__lte=stay.admitted_on)
             .exclude(pk=stay.pk).count())
    return prior, prior + 1 >= threshold


def _identity(id_number: str, name: str, today: dt.date) -> tuple[str, Person | None]:
    info = parse_id_number(id_number, today=today)
    # The station must recognise a person from anywhere, so this one lookup is by number across areas; it only links
    # the record and checks the stated name, never shows the registry's data to the station.
    person = Person.objects.filter(id_number=info.number).first()
    if person is not None and person.name != name:
        raise DomainError("姓名与身份证号在人员库中的登记不符，请核实", field="姓名", code="id_mismatch")
    return info.number, person


def stay_admit(*, actor: User, station: Station, channel: str, admitted_on: dt.date, today: dt.date,
               referrer: str = "", found_place: str = "", id_number: str = "", name: str = "", alias: str = "",
               sex: str = "", approx_age: int | None = None, description: str = "", photo_ref: str = "",
               home_area_code: str = "") -> Stay:
    """Take a person in. With a 身份证号 the identity is established now (and the 反复流浪 flag computed); without,
    the stay keeps an alias, a description and a photo reference for 寻亲."""
    ensure_can(actor, station.area, Cap.VAGRANCY_WORK)
    if channel not in Stay.Channel.values:
        raise DomainError("请选择来站方式（自行求助、公安机关护送或城管部门护送）", field="来站方式")
    referrer = _text(referrer, "护送单位", 100, required=channel != Stay.Channel.VOLUNTARY)
    _day(admitted_on, "入站日期", today)
    name = _text(name, "姓名", 64, required=bool((id_number or "").strip()))
    number, person = ("", None)
    if (id_number or "").strip():
        number, person = _identity(id_number, name, today)
    if sex and sex not in ("M", "F"):
        raise DomainError("性别应为男或女", field="性别")
    if approx_age is not None and not 0 <= approx_age <= 120:
        raise DomainError("估计年龄应在0至120岁之间", field="估计年龄")
    if not number and not (description or "").strip():
        raise DomainError("身份不明的受助人员须登记体貌特征，以便寻亲", field="体貌特征")
    home = person.hukou_area if person else _home_area(home_area_code, admitted_on)
    with transaction.atomic():
        seq = Stay.objects.filter(station=station, admitted_on__year=admitted_on.year).count() + 1
        stay_number = f"{station.code}-{admitted_on.year}-{seq:05d}"
        stay = Stay(station=station, number=stay_number, channel=channel, referrer=referrer,
                    admitted_on=admitted_on, found_place=_text(found_place, "发现地点", 200, required=False),
                    person=person, id_number=number, name=name, sex=sex or "",
                    alias=_text(alias, "临时称呼", 64, required=False) or f"无名氏{stay_number}",
                    approx_age=approx_age, description=_text(description, "体貌特征", 300, required=False),
                    photo_ref=_text(photo_ref, "照片存档号", 64, required=False),
                    identified_on=admitted_on if number else None, home_area=home, recorded_by=actor)
        stay.prior_visits, stay.repeat_flag = _repeat(stay)
        try:
            with transaction.atomic():
                stay.save()
        except IntegrityError:
            raise Conflict("救助编号已被同时登记的记录占用，请重试", code="stay_number_taken") from None
        _audit(actor, "stay_admit", stay, channel=channel, admitted_on=admitted_on,
               id_number=mask(number) if number else "", repeat=stay.repeat_flag)
    return stay


def stay_identify(*, actor: User, stay: Stay, id_number: str, name: str, on: dt.date, today: dt.date,
                  via_notice: bool = False, home_area_code: str = "") -> Stay:
    """查明身份: the number is validated, linked to the registry when it holds the person; open notices are taken down
    and the 反复流浪 flag recomputed."""
    ensure_can(actor, stay.station.area, Cap.VAGRANCY_WORK)
    _open(stay, "查明身份")
    if stay.id_number:
        raise Conflict(f"救助记录{stay.number}的身份已查明", code="already_identified")
    _day(on, "查明身份日期", today)
    _not_before(on, "查明身份日期", stay.admitted_on, "入站日期")
    name = _text(name, "姓名", 64)
    number, person = _identity(id_number, name, today)
    home = person.hukou_area if person else _home_area(home_area_code, on)
    with transaction.atomic():
        stay.id_number, stay.person, stay.name, stay.identified_on = number, person, name, on
        stay.identified_by_notice = via_notice and stay.notices.exists()
        stay.home_area = home or stay.home_area
        stay.prior_visits, stay.repeat_flag = _repeat(stay)
        stay.save()
        stay.notices.filter(closed_on__isnull=True).update(closed_on=on)
        _audit(actor, "stay_identify", stay, id_number=mask(number), via_notice=stay.identified_by_notice,
               repeat=stay.repeat_flag)
    return stay


# --- care, medical referral, 寻亲 -----------------------------------------------------------------------------------

def care_record(*, actor: User, stay: Stay, day: dt.date, meals: int, health: str, note: str = "",
                today: dt.date) -> CareRecord:
    ensure_can(actor, stay.station.area, Cap.VAGRANCY_WORK)
    _open(stay, "登记照料")
    _day(day, "照料日期", today)
    _not_before(day, "照料日期", stay.admitted_on, "入站日期")
    if not 0 <= meals <= 6:
        raise DomainError("供餐次数应在0至6次之间", field="供餐次数")
    health = _text(health, "身体状况", 200)
    with transaction.atomic():
        if CareRecord.objects.filter(stay=stay, day=day).exists():
            raise Conflict(f"{day.isoformat()}的照料记录已登记", code="care_recorded", field="照料日期")
        rec = CareRecord.objects.create(stay=stay, day=day, meals=meals, health=health,
                                        note=_text(note, "照料情况", 300, required=False), recorded_by=actor)
        _audit(actor, "care_record", stay, day=day, meals=meals)
    return rec


def referral_create(*, actor: User, stay: Stay, hospital: str, reason: str, referred_on: dt.date,
                    today: dt.date) -> Referral:
    ensure_can(actor, stay.station.area, Cap.VAGRANCY_WORK)
    if stay.status != Stay.Status.IN_STATION:
        raise Conflict(f"救助记录{stay.number}当前为“{stay.get_status_display()}”，不能送医", code="not_in_station")
    _day(referred_on, "送医日期", today)
    _not_before(referred_on, "送医日期", stay.admitted_on, "入站日期")
    hospital, reason = _text(hospital, "医疗机构", 100), _text(reason, "送医原因", 200)
    with transaction.atomic():
        ref = Referral.objects.create(stay=stay, hospital=hospital, reason=reason, referred_on=referred_on)
        stay.status = Stay.Status.IN_HOSPITAL
        stay.save(update_fields=["status"])
        _audit(actor, "referral_create", stay, hospital=hospital, referred_on=referred_on)
    return ref


def referral_return(*, actor: User, referral: Referral, returned_on: dt.date, outcome: str,
                    today: dt.date) -> Referral:
    stay = referral.stay
    ensure_can(actor, stay.station.area, Cap.VAGRANCY_WORK)
    if referral.returned_on is not None or stay.status != Stay.Status.IN_HOSPITAL:
        raise Conflict("该次送医已登记返站", code="referral_closed")
    _day(returned_on, "返站日期", today)
    _not_before(returned_on, "返站日期", referral.referred_on, "送医日期")
    outcome = _text(outcome, "诊疗结果", 200)
    with transaction.atomic():
        referral.returned_on, referral.outcome = returned_on, outcome
        referral.save(update_fields=["returned_on", "outcome"])
        stay.status = Stay.Status.IN_STATION
        stay.save(update_fields=["status"])
        _audit(actor, "referral_return", stay, returned_on=returned_on)
    return referral


def notice_publish(*, actor: User, stay: Stay, text: str, published_on: dt.date, today: dt.date) -> Notice:
    """寻亲公告 for a person whose identity is not established; the public text may carry no ID number."""
    ensure_can(actor, stay.station.area, Cap.VAGRANCY_WORK)
    _open(stay, "发布寻亲公告")
    if stay.id_number:
        raise Conflict("身份已查明的受助人员不发布寻亲公告", code="already_identified")
    _day(published_on, "发布日期", today)
    _not_before(published_on, "发布日期", stay.admitted_on, "入站日期")
    text = _text(text, "公告内容", 500)
    if _ID_LIKE.search(text):
        raise DomainError("公告内容不得包含身份证号或其他长串号码", field="公告内容", code="id_in_notice")
    with transaction.atomic():
        notice = Notice.objects.create(stay=stay, published_on=published_on, text=text)
        _audit(actor, "notice_publish", stay, published_on=published_on)
    return notice


# --- leaving: on one's own, placement, 接送返回 ------------------------------------------------------------------

def stay_leave(*, actor: User, stay: Stay, kind: str, ended_on: dt.date, note: str, today: dt.date) -> Stay:
    """自行离站 or 托养安置."""
    ensure_can(actor, stay.station.area, Cap.VAGRANCY_WORK)
    _open(stay, "办理离站")
    if kind not in (Stay.Status.LEFT, Stay.Status.PLACED):
        raise DomainError("离站方式应为自行离站或托养安置", field="离站方式")
    _day(ended_on, "离站日期", today)
    _not_before(ended_on, "离站日期", stay.admitted_on, "入站日期")
    with transaction.atomic():
        stay.status, stay.ended_on, stay.end_note = kind, ended_on, _text(note, "离站说明", 200)
        stay.save(update_fields=["status", "ended_on", "end_note"])
        stay.notices.filter(closed_on__isnull=True).update(closed_on=ended_on)
        _audit(actor, "stay_leave", stay, kind=kind, ended_on=ended_on)
    return stay


def transfer_arrange(*, actor: User, stay: Stay, destination_code: str, departed_on: dt.date, escort: str,
                     today: dt.date) -> Transfer:
    """接送返回 to a town (or a village, whose town confirms): the station's side. The receiving area must exist."""
    ensure_can(actor, stay.station.area, Cap.VAGRANCY_WORK)
    _open(stay, "安排接送返回")
    if not stay.id_number:
        raise DomainError("受助人员身份尚未查明，不能安排接送返回；请先查明身份，或办理托养安置", field="身份证号",
                          code="not_identified")
    _day(departed_on, "启程日期", today)
    _not_before(departed_on, "启程日期", stay.admitted_on, "入站日期")
    code = (destination_code or "").strip()
    if not code:
        raise DomainError("请填写接收地的区划代码", field="接收地")
    destination = Area.objects.current(departed_on).filter(code=code).first()
    if destination is None:
        raise DomainError(f"接收地区划代码“{code}”不存在或已失效，请填写接收地镇街的区划代码", field="接收地",
                          code="unknown_area")
    if destination.level not in (Level.TOWN, Level.VILLAGE):
        raise DomainError(f"接收地应为镇街或村居，“{destination.name}”是{destination.get_level_display()}，"
                          "请填写具体镇街", field="接收地", code="area_level")
    escort = _text(escort, "接送方式", 100)
    with transaction.atomic():
        transfer = Transfer.objects.create(stay=stay, destination=destination, departed_on=departed_on,
                                           escort=escort, arranged_by=actor)
        stay.status, stay.ended_on = Stay.Status.IN_TRANSIT, departed_on
        stay.save(update_fields=["status", "ended_on"])
        _audit(actor, "transfer_arrange", stay, destination=destination.code, departed_on=departed_on)
    return transfer


def transfer_confirm(*, actor: User, transfer: Transfer, arrived_on: dt.date, receiver: str,
                     today: dt.date) -> Transfer:
    """The receiving area's confirmation, by its own staff in their own scope: the return counts from now on."""
    ensure_can(actor, transfer.destination, Cap.VAGRANCY_RECEIVE)
    if transfer.status != Transfer.Status.PENDING:
        raise Conflict("该次接送返回已确认", code="transfer_confirmed")
    if actor.pk == transfer.arranged_by_id:
        raise DomainError("接送返回须由接收地工作人员确认，安排接送的人不能自行确认", code="own_transfer")
    _day(arrived_on, "到达日期", today)
    _not_before(arrived_on, "到达日期", transfer.departed_on, "启程日期")
    receiver = _text(receiver, "接收人", 64)
    stay = transfer.stay
    with transaction.atomic():
        transfer.status, transfer.arrived_on, transfer.receiver = Transfer.Status.CONFIRMED, arrived_on, receiver
        transfer.confirmed_by = actor
        transfer.save(update_fields=["status", "arrived_on", "receiver", "confirmed_by"])
        stay.status = Stay.Status.RETURNED
        stay.save(update_fields=["status"])
        # filed under the station's area, where the stay is counted, so 规划监测's incremental refresh sees it
        _audit(actor, "transfer_confirm", stay, destination=transfer.destination.code, arrived_on=arrived_on,
               receiver=receiver)
    return transfer
