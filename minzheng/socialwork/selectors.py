"""Reads of the 社工站 app, scoped; target groups are read from the registry categories on the day."""

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area, Level
from minzheng.core.errors import NotFound
from minzheng.core.scope import scoped, subtree_q
from minzheng.registry.models import Person, PersonCategory

from .models import ServicePoint, ServiceRecord, Station, Supervision
from .rules import target_groups


def stations_for(user: User) -> QuerySet[Station]:
    return scoped(Station.objects.select_related("town"), user, area_field="town",
                  capability=Cap.SOCIALWORK_VIEW).order_by("town__code")


def station_get(user: User, pk: object) -> Station:
    try:
        value = int(str(pk))
    except ValueError:
        raise NotFound() from None
    station = stations_for(user).filter(pk=value).first() if 0 < value < 2**63 else None
    if station is None:
        raise NotFound()
    return station


def in_target_group(on: dt.date) -> Exists:
    """Exists-filter on Person: an open target-group category on `on`."""
    return Exists(PersonCategory.objects.filter(person=OuterRef("pk"), category__in=list(target_groups()),
                                                valid_from__lte=on).filter(Q(valid_to__isnull=True) |
                                                                           Q(valid_to__gte=on)))


def target_persons(station: Station, on: dt.date) -> QuerySet[Person]:
    """The living residents of the station's town in a target group on `on`."""
    return (Person.objects.filter(subtree_q(station.town, "residence_area__path"))
            .filter(Q(death_date__isnull=True) | Q(death_date__gt=on)).filter(in_target_group(on)))


def coverage(station: Station, on: dt.date) -> dict[str, Any]:
    """Share of the town's target-group persons served by the station this year (1 January to `on`)."""
    targets = target_persons(station, on)
    served_q = Exists(ServiceRecord.objects.filter(station=station, person=OuterRef("pk"),
                                                   served_on__gte=dt.date(on.year, 1, 1), served_on__lte=on))
    total = targets.count()
    served = targets.filter(served_q).count()
    return {"on": on, "targets": total, "served": served,
            "rate": round(100 * served / total, 1) if total else None,
            "unserved": list(targets.exclude(served_q).order_by("name").values("id", "name")[:200])}


def groups_of(person: Person, on: dt.date) -> list[str]:
    cats = (PersonCategory.objects.filter(person=person, category__in=list(target_groups()), valid_from__lte=on)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on)).values_list("category", flat=True))
    return [target_groups()[c] for c in cats]


def records_of(station: Station, limit: int = 100) -> QuerySet[ServiceRecord]:
    return station.records.select_related("person", "worker__user")[:limit]


def points_of(station: Station) -> QuerySet[ServicePoint]:
    return station.points.select_related("area").order_by("area__code")


def supervisions_of(station: Station, limit: int = 100) -> QuerySet[Supervision]:
    return station.supervisions.select_related("recorded_by")[:limit]


def point_coverage(station: Station, on: dt.date) -> dict[str, Any]:
    """The villages of the station's town and how many have a 社工服务点 opened by `on`."""
    villages = Area.objects.current(on).filter(level=Level.VILLAGE).filter(subtree_q(station.town, "path"))
    with_point = villages.filter(Exists(ServicePoint.objects.filter(area=OuterRef("pk"), opened_on__lte=on)))
    total, covered = villages.count(), with_point.count()
    return {"villages": total, "covered": covered, "rate": round(100 * covered / total, 1) if total else None,
            "uncovered": list(villages.exclude(pk__in=with_point.values("pk")).order_by("code").values("code", "name"))}
