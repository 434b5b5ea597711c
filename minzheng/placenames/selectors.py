"""Reads of 地名, scoped by area (core.scope). Search matches the name, its toneless pinyin or its initials by
prefix (东莞 / dongguan / dg)."""

from django.db.models import Count, Max, Q, QuerySet

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.core.errors import DomainError, NotFound
from minzheng.core.scope import area_q, scoped

from .models import BoundarySection, NamingApplication, PlaceName, Sign


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


def signs_for(user: User) -> QuerySet[Sign]:
    """地名标志 of the standard names in the user's areas."""
    return scoped(Sign.objects.select_related("place__area"), user, area_field="place__area",
                  capability=Cap.PLACENAME_VIEW)


def sign_get(user: User, pk: int) -> Sign:
    s = signs_for(user).filter(pk=pk).first()
    if s is None:
        raise NotFound("地名标志不存在或不在您的管辖范围内")
    return s


def place_by_name(user: User, name: str, *, category: str = "") -> PlaceName:
    """The standard name typed on a form, in the user's areas: none, or several without a category to tell them
    apart, is a clear refusal naming the field."""
    name = (name or "").strip()[:40]
    if not name:
        raise DomainError("请填写标准地名", field="标准地名")
    qs = places_for(user).filter(name=name, status=PlaceName.Status.STANDARD)
    if category:
        qs = qs.filter(category=category)
    found = list(qs[:2])
    if not found:
        raise DomainError(f"本辖区没有名为“{name}”的标准地名", field="标准地名")
    if len(found) > 1:
        raise DomainError(f"本辖区有多个名为“{name}”的标准地名，请同时选择地名类别", field="地名类别")
    return found[0]


def boundaries_for(user: User) -> QuerySet[BoundarySection]:
    """界线 sections with either side in the user's areas (both sides inspect them jointly)."""
    qs = BoundarySection.objects.select_related("left_area", "right_area")
    if not user.can(Cap.PLACENAME_VIEW):
        return qs.none()
    return qs.filter(area_q(user, "left_area") | area_q(user, "right_area"))


def boundary_get(user: User, pk: int) -> BoundarySection:
    b = boundaries_for(user).filter(pk=pk).first()
    if b is None:
        raise NotFound("界线不存在或不在您的管辖范围内")
    return b


def boundaries_with_status(user: User) -> QuerySet[BoundarySection]:
    """The user's sections, each with its last joint inspection date and the disputes still open."""
    return boundaries_for(user).annotate(
        last_inspected=Max("inspections__inspected_on"),
        open_disputes=Count("inspections", filter=~Q(inspections__dispute="")
                            & Q(inspections__dispute_resolved_on__isnull=True)))
