"""Reads of 地名, scoped by area (core.scope). Search matches the name, its toneless pinyin or its initials by
prefix (东莞 / dongguan / dg)."""

from django.apps import apps
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet

from minzheng.accounts.models import AreaAssignment, User
from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area, Succession, SuccessionLink
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


# --- 行政区划调整 ----------------------------------------------------------------------------------------------------

def successions_for(user: User) -> QuerySet[Succession]:
    """Re-divisions touching the user's areas (an old or a successor area inside them)."""
    if not user.can(Cap.PLACENAME_VIEW):
        return Succession.objects.none()
    mine = SuccessionLink.objects.filter(succession=OuterRef("pk")).filter(area_q(user, "old") | area_q(user, "new"))
    return Succession.objects.filter(Exists(mine)).select_related("recorded_by")


def succession_get(user: User, pk: int) -> Succession:
    s = successions_for(user).filter(pk=pk).first()
    if s is None:
        raise NotFound("行政区划调整记录不存在或不在您的管辖范围内")
    return s


def succession_areas(succession: Succession) -> tuple[list[Area], list[Area]]:
    links = list(succession.links.select_related("old", "new").order_by("old__code", "new__code"))
    olds = list({link.old_id: link.old for link in links}.values())
    news = list({link.new_id: link.new for link in links}.values())
    return olds, news


def succession_named_areas(succession: Succession) -> tuple[list[Area], list[Area]]:
    """The areas the approval names (old, successor), without the sub-areas carried along with them (a merged
    town's villages), from the prefetched links."""
    links = list(succession.links.all())
    old_ids = {link.old_id for link in links}
    named = [link for link in links if link.old.parent_id not in old_ids]
    olds = list({link.old_id: link.old for link in named}.values())
    news = list({link.new_id: link.new for link in named}.values())
    return olds, news


# Rows whose area is the tree's own bookkeeping, not a record a worker keeps: the areas themselves, the roll-up's
# figures (computed over the tree of their period), the gazetteer (re-named by the service) and user assignments
# (listed on their own).
_NOT_RECORDS = {"areas", "monitoring", "placenames", "accounts"}


def rows_left(succession: Succession) -> list[tuple[str, str, int]]:
    """The records still pointing at the old areas, per kind and field (counts only, no personal data). After a
    拆分 a worker moves them to one of the successors; after a 撤并/更名/改隶 they need nothing (scope and the
    roll-up resolve them through the succession)."""
    olds, _ = succession_areas(succession)
    ids = [a.pk for a in olds]
    out = []
    for model in apps.get_models():
        if model._meta.app_label in _NOT_RECORDS:
            continue
        for field in model._meta.get_fields():
            if getattr(field, "many_to_one", False) and field.related_model is Area and field.concrete:
                n = model._default_manager.filter(**{f"{field.name}__in": ids}).count()
                if n:
                    out.append((str(model._meta.verbose_name), str(field.verbose_name), n))
    return sorted(out)


def users_on_old_areas(succession: Succession) -> list[tuple[User, Area]]:
    """Staff still assigned to an old area: after a 撤并/更名/改隶 they work in its successor from the date; after a
    拆分 an administrator reassigns them."""
    olds, _ = succession_areas(succession)
    return [(a.user, a.area) for a in AreaAssignment.objects.filter(area__in=olds).select_related("user", "area")
            .order_by("area__code", "user__username")]
