"""The one place that decides which areas a user may see. Every read of personal data goes through here."""

from django.db.models import Q, QuerySet

from minzheng.core.errors import Forbidden, NotFound


def user_area_paths(user) -> list[str]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_mz_area_paths", None)
    if cached is None:
        cached = list(user.area_assignments.values_list("area__path", flat=True))
        user._mz_area_paths = cached
    return cached


def area_q(user, area_field: str) -> Q:
    """Q matching rows whose `area_field` (a FK to Area) lies inside the user's areas."""
    paths = user_area_paths(user)
    if not paths:
        return Q(pk__in=[])
    from django.apps import apps

    within = Q()
    for p in paths:
        within |= Q(path__startswith=p)
    # An id subquery rather than a join, so the planner can drive person lookups by area id.
    return Q(**{f"{area_field}__in": apps.get_model("areas", "Area").objects.filter(within).values("id")})


def scoped(qs: QuerySet, user, *, area_field: str, capability: str) -> QuerySet:
    """Rows of `qs` the user may read; empty when the role lacks the capability."""
    if not user.can(capability):
        return qs.none()
    return qs.filter(area_q(user, area_field))


def can_access_area(user, area) -> bool:
    return area is not None and any(area.path.startswith(p) for p in user_area_paths(user))


def ensure_can(user, area, capability: str) -> None:
    """Object-level check for writes: out of scope looks like absence; in scope without the right is refused."""
    if not can_access_area(user, area):
        raise NotFound()
    if not user.can(capability):
        from minzheng.accounts.roles import ACTION_LABELS

        raise Forbidden(f"您的角色无权{ACTION_LABELS.get(capability, capability)}")
