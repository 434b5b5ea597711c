"""Reads of 婚姻登记, scoped to the offices in the user's areas (core.scope); the public booking page reads only
offices, open days and places left — never who booked."""

import datetime as dt

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.core.errors import NotFound
from minzheng.core.scope import scoped

from . import services
from .models import Appointment, Ceremony, Certificate, Counselling, DivorceApplication, Kind, Office, Registration


def offices_for(user: User) -> QuerySet[Office]:
    return scoped(Office.objects.select_related("area"), user, area_field="area", capability=Cap.MARRIAGE_VIEW)


def office_get(user: User, pk: int) -> Office:
    o = offices_for(user).filter(pk=pk).first()
    if o is None:
        raise NotFound("登记处不存在或不在您的管辖范围内")
    return o


def public_offices() -> QuerySet[Office]:
    return Office.objects.select_related("area").order_by("area__code", "name")


def public_office(pk: int) -> Office:
    o = public_offices().filter(pk=pk).first()
    if o is None:
        raise NotFound("登记处不存在")
    return o


def open_days(office: Office, *, today: dt.date) -> list[dict]:
    """The bookable window day by day: capacity, places left, and why a day is closed."""
    first = today + dt.timedelta(days=services._rule("booking_min_lead_days", today))
    last = today + dt.timedelta(days=services._rule("booking_horizon_days", today))
    booked = dict(Appointment.objects.filter(office=office, date__range=(first, last),
                                             status=Appointment.Status.BOOKED)
                  .values("date").annotate(n=Count("id")).values_list("date", "n"))
    days, day = [], first
    while day <= last:
        capacity, reason = services.day_capacity(office, day)
        left = max(capacity - booked.get(day, 0), 0)
        days.append({"date": day, "weekday": "一二三四五六日"[day.weekday()], "capacity": capacity,
                     "left": left, "reason": reason,
                     "bookable": capacity > 0 and left > 0})
        day += dt.timedelta(days=1)
    return days


def appointments_for(user: User, *, day: dt.date | None = None) -> QuerySet[Appointment]:
    qs = scoped(Appointment.objects.select_related("office"), user, area_field="office__area",
                capability=Cap.MARRIAGE_VIEW)
    return qs.filter(date=day) if day else qs


def appointment_get(user: User, pk: int) -> Appointment:
    a = appointments_for(user).filter(pk=pk).first()
    if a is None:
        raise NotFound("预约不存在或不在您的管辖范围内")
    return a


def appointment_by_reference(reference: str) -> Appointment:
    a = Appointment.objects.select_related("office").filter(reference=(reference or "").strip().upper()[:16]).first()
    if a is None:
        raise NotFound("预约号不存在")
    return a


def registrations_for(user: User) -> QuerySet[Registration]:
    return scoped(Registration.objects.select_related("office", "party_a", "party_b"), user,
                  area_field="office__area", capability=Cap.MARRIAGE_VIEW)


def registration_get(user: User, pk: int) -> Registration:
    r = registrations_for(user).filter(pk=pk).first()
    if r is None:
        raise NotFound("登记记录不存在或不在您的管辖范围内")
    return r


def divorce_applications_for(user: User) -> QuerySet[DivorceApplication]:
    return scoped(DivorceApplication.objects.select_related("office", "party_a", "party_b"), user,
                  area_field="office__area", capability=Cap.MARRIAGE_VIEW)


def divorce_application_get(user: User, pk: int) -> DivorceApplication:
    a = divorce_applications_for(user).filter(pk=pk).first()
    if a is None:
        raise NotFound("离婚申请不存在或不在您的管辖范围内")
    return a


def certificate_verify(number: str) -> Certificate | None:
    """The public check of a certificate number: whether it exists and is valid — nothing about the holder."""
    return Certificate.objects.select_related("office").filter(number=(number or "").strip().upper()[:32]).first()


def monthly_statistics(user: User, *, year: int) -> list[dict]:
    """Registrations per month and kind in the user's offices."""
    rows = (registrations_for(user).filter(registered_on__year=year)
            .annotate(month=TruncMonth("registered_on")).values("month", "kind").annotate(n=Count("id"))
            .order_by("month", "kind"))
    table: dict[int, dict[str, int]] = {m: {"marriage": 0, "divorce": 0, "reissue": 0} for m in range(1, 13)}
    for r in rows:
        table[r["month"].month][r["kind"]] = r["n"]
    return [{"month": m, **counts} for m, counts in table.items()]


def ceremonies_for(user: User) -> QuerySet[Ceremony]:
    return scoped(Ceremony.objects.select_related("office", "registration__party_a", "registration__party_b"), user,
                  area_field="office__area", capability=Cap.MARRIAGE_VIEW)


def marriages_awaiting_ceremony(user: User, *, since: dt.date) -> QuerySet[Registration]:
    """Marriages registered since `since` in the user's offices with no 颁证仪式 booked yet."""
    return registrations_for(user).filter(kind=Kind.MARRIAGE, registered_on__gte=since, ceremony__isnull=True)


def counselling_for(user: User) -> QuerySet[Counselling]:
    return scoped(Counselling.objects.select_related("office", "divorce_application__party_a",
                                                     "divorce_application__party_b"), user,
                  area_field="office__area", capability=Cap.MARRIAGE_VIEW)
