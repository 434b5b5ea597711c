"""Reads of 流浪乞讨人员救助, scoped by area (core.scope): a station's stays for the staff of its county or city,
returns bound for a town for that town's staff, the station desk's lists, the rates the plans track, and the public
寻亲 notices (masked: no ID number, no name)."""

import datetime as dt

from django.db.models import Q, QuerySet

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.core.dated_rules import rule_int
from minzheng.core.errors import NotFound
from minzheng.core.scope import scoped

from .models import Notice, Referral, Station, Stay, Transfer
from .services import RULES


def stations_for(user: User) -> QuerySet[Station]:
    return scoped(Station.objects.select_related("area"), user, area_field="area", capability=Cap.VAGRANCY_VIEW)


def station_get(user: User, pk: int) -> Station:
    s = stations_for(user).filter(pk=pk).first()
    if s is None:
        raise NotFound("救助管理站不存在或不在您的管辖范围内")
    return s


def stays_for(user: User) -> QuerySet[Stay]:
    return scoped(Stay.objects.select_related("station__area", "home_area"), user, area_field="station__area",
                  capability=Cap.VAGRANCY_VIEW)


def stay_get(user: User, pk: int) -> Stay:
    s = stays_for(user).filter(pk=pk).first()
    if s is None:
        raise NotFound("救助记录不存在或不在您的管辖范围内")
    return s


def referral_get(user: User, pk: int) -> Referral:
    r = Referral.objects.select_related("stay__station__area").filter(pk=pk, stay__in=stays_for(user)).first()
    if r is None:
        raise NotFound("送医记录不存在或不在您的管辖范围内")
    return r


def incoming_for(user: User) -> QuerySet[Transfer]:
    """接送返回 bound for the user's areas: what the receiving town sees (the number is masked on its pages)."""
    return scoped(Transfer.objects.select_related("stay__station", "destination"), user, area_field="destination",
                  capability=Cap.VAGRANCY_VIEW)


def transfer_get(user: User, pk: int) -> Transfer:
    t = incoming_for(user).filter(pk=pk).first()
    if t is None:
        raise NotFound("接送返回记录不存在或不在您的管辖范围内")
    return t


def open_stays(user: User) -> QuerySet[Stay]:
    return stays_for(user).filter(status__in=Stay.OPEN)


def overdue_stays(user: User, *, today: dt.date) -> QuerySet[Stay]:
    """在站超过救助期限 (data/vagrancy/rules.csv stay_limit_days)."""
    limit = rule_int(RULES, "stay_limit_days", today)
    return open_stays(user).filter(admitted_on__lt=today - dt.timedelta(days=limit))


def notice_overdue(user: User, *, today: dt.date) -> QuerySet[Stay]:
    """Unidentified persons still without a 寻亲公告 after the deadline (rules.csv tracing_notice_days)."""
    days = rule_int(RULES, "tracing_notice_days", today)
    return open_stays(user).filter(id_number="", notices__isnull=True,
                                   admitted_on__lt=today - dt.timedelta(days=days))


def rates(user: User, *, year: int) -> dict:
    """The stations' year in the user's areas: 救助人次, 查明身份后离站, 接送返回（接收地确认）and the rate."""
    stays = stays_for(user)
    admitted = stays.filter(admitted_on__year=year).count()
    ended = identified_discharged(stays, year)
    returned = returned_confirmed(stays, year)
    reunited = stays.filter(identified_by_notice=True, identified_on__year=year).count()
    return {"year": year, "admitted": admitted, "identified_discharged": ended.count(),
            "returned": returned.count(), "reunited": reunited,
            "return_rate": round(100 * returned.count() / ended.count(), 1) if ended.count() else None}


def identified_discharged(stays: QuerySet[Stay], year: int) -> QuerySet[Stay]:
    """查明身份信息的受助人员 who left the station in `year` by return or placement (自行离站 not counted: the plans'
    rate measures the returns the station owes)."""
    return stays.exclude(id_number="").filter(ended_on__year=year).exclude(status=Stay.Status.LEFT)


def returned_confirmed(stays: QuerySet[Stay], year: int) -> QuerySet[Stay]:
    return stays.exclude(id_number="").filter(ended_on__year=year, transfer__status=Transfer.Status.CONFIRMED)


def long_stay(stays: QuerySet[Stay], on: dt.date) -> QuerySet[Stay]:
    """站内长期滞留 on `on`: in the station longer than rules.csv long_stay_days (东莞's “两个明显减少”)."""
    days = rule_int(RULES, "long_stay_days", on)
    return (stays.filter(admitted_on__lt=on - dt.timedelta(days=days))
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on)))


def public_notices() -> list[dict]:
    """Open 寻亲公告 for the public page: alias, sex, estimated age, where and when found, description, station —
    never a name or an ID number (an identified person has no open notice)."""
    rows = []
    qs = (Notice.objects.filter(closed_on__isnull=True, stay__id_number="", stay__status__in=Stay.OPEN)
          .select_related("stay__station").order_by("-published_on", "-id")[:200])
    for n in qs:
        s = n.stay
        # a name the person gave without papers is shown as surname + 某, masked as in a 公示
        alias = f"{s.name[0]}某" if s.name else s.alias
        rows.append({"id": n.pk, "alias": alias, "sex": {"M": "男", "F": "女"}.get(s.sex, "不详"),
                     "approx_age": s.approx_age, "admitted_on": s.admitted_on, "found_place": s.found_place,
                     "description": s.description, "text": n.text, "published_on": n.published_on,
                     "station": s.station.name})
    return rows
