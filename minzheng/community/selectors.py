"""Reads of 城乡社区治理, scoped; the public 村务公开 page shows published items only."""

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area, Level
from minzheng.core.errors import NotFound
from minzheng.core.scope import scoped, subtree_q
from minzheng.registry.models import Person

from .models import CommunityWorker, Disclosure, Election


def elections_for(user: User) -> QuerySet[Election]:
    return scoped(Election.objects.select_related("area"), user, area_field="area", capability=Cap.COMMUNITY_VIEW)


def disclosures_for(user: User) -> QuerySet[Disclosure]:
    return scoped(Disclosure.objects.select_related("area"), user, area_field="area", capability=Cap.COMMUNITY_VIEW)


def disclosure_get(user: User, pk: object) -> Disclosure:
    try:
        value = int(str(pk))
    except ValueError:
        raise NotFound() from None
    d = disclosures_for(user).filter(pk=value).first() if 0 < value < 2**63 else None
    if d is None:
        raise NotFound()
    return d


def public_disclosures(code: str) -> tuple[Area, list[Disclosure]]:
    """The published items of one village (by code), for residents without login."""
    area = Area.objects.current().filter(code=(code or "").replace("\x00", "")[:32], level=Level.VILLAGE).first()
    if area is None:
        raise NotFound("该村（居）不存在")
    return area, list(Disclosure.objects.filter(area=area, published_on__isnull=False).order_by("-published_on"))


def workers_ratio(town: Area, on: dt.date) -> dict[str, Any]:
    """社区工作者 per 10,000 residents of the town (registered population; the registry does not mark 城镇常住)."""
    workers = CommunityWorker.objects.filter(subtree_q(town, "area__path"), since__lte=on).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=on)).count()
    residents = Person.objects.filter(subtree_q(town, "residence_area__path")).filter(
        Q(death_date__isnull=True) | Q(death_date__gt=on)).count()
    return {"workers": workers, "residents": residents,
            "per_10k": round(10000 * workers / residents, 1) if residents else None}
