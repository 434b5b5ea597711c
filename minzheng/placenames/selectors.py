"""Reads of 地名, scoped by area (core.scope). Search matches the name, its toneless pinyin or its initials by
prefix (东莞 / dongguan / dg)."""

from django.db.models import Q, QuerySet

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.core.errors import NotFound
from minzheng.core.scope import scoped

from .models import NamingApplication, PlaceName


def places_for(user: User) -> QuerySet[PlaceName]:
    return scoped(PlaceName.objects.select_related("area"), user, area_field="area", capability=Cap.PLACENAME_VIEW)


def place_search(user: User, query: str = "", *, category: str = "") -> QuerySet[PlaceName]:
    qs = places_for(user)
    q = (query or "").strip()[:40]
    if q:
        key = q.lower().replace(" ", "").replace("'", "")
        qs = qs.filter(Q(name__startswith=q) | Q(pinyin_search__startswith=key) | Q(initials__startswith=key))
    if category:
        qs = qs.filter(category=category)
    return qs


def place_get(user: User, pk: int) -> PlaceName:
    p = places_for(user).filter(pk=pk).first()
    if p is None:
        raise NotFound("地名不存在或不在您的管辖范围内")
    return p


def applications_for(user: User) -> QuerySet[NamingApplication]:
    return scoped(NamingApplication.objects.select_related("area", "place", "result"), user, area_field="area",
                  capability=Cap.PLACENAME_VIEW)


def application_get(user: User, pk: int) -> NamingApplication:
    a = applications_for(user).filter(pk=pk).first()
    if a is None:
        raise NotFound("申请不存在或不在您的管辖范围内")
    return a
