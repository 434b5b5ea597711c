"""The one place that decides which areas a user may see. Every read of personal data goes through here."""

import re

from django.apps import apps
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
    within = Q()
    for p in paths:
        within |= Q(path__startswith=p)
    # An id subquery rather than a join, so the planner can drive person lookups by area id.
    return Q(**{f"{area_field}__in": apps.get_model("areas", "Area").objects.filter(within).values("id")})


def path_in_scope(user, path: str) -> bool:
    """Whether an area's materialised path lies inside the user's areas."""
    return any(path.startswith(p) for p in user_area_paths(user))


def path_q(user, path_field: str) -> Q:
    """Q matching rows whose `path_field` (an area path reached through a join, e.g. "area__path") lies inside the
    user's areas: for querysets that already join the area."""
    within = Q(pk__in=[])
    for p in user_area_paths(user):
        within |= Q(**{f"{path_field}__startswith": p})
    return within


def assigned_areas_q(user) -> Q:
    """Q on Area matching exactly the areas assigned to the user (not those below)."""
    return Q(path__in=user_area_paths(user)) if user_area_paths(user) else Q(pk__in=[])


def path_sql(user, column: str) -> tuple[str, list[str]]:
    """The scope rule for raw SQL: a fragment `(column LIKE %s OR …)` over an area-path column and its parameters;
    `(1 = 0)` (matching nothing) for a user without areas."""
    paths = user_area_paths(user)
    if not paths:
        return "(1 = 0)", []
    return "(" + " OR ".join([f"{column} LIKE %s"] * len(paths)) + ")", [f"{p}%" for p in paths]


_PATH = re.compile(r"^/(\d+/)+$")


def subtree_sql(column: str, path: str) -> str:
    """`column LIKE '<path>%'` with the path inlined as a constant, so the planner can estimate it from the path
    statistics (payroll's roster map). Only a materialised path of ids is accepted, never free text."""
    if not _PATH.match(path):
        raise ValueError(f"not an area path: {path!r}")
    return f"{column} LIKE '{path}%%'"


def area_code_q(user, code_field: str) -> Q:
    """Q matching rows that name their area by code (the audit trail outlives areas, so it keeps the code, not a
    key): codes nest (440704 ⊃ 440704003 ⊃ 440704003001), so the user's area codes are prefixes."""
    codes = user_area_codes(user)
    within = Q(pk__in=[])
    for c in codes:
        within |= Q(**{f"{code_field}__startswith": c})
    return within


def user_area_codes(user) -> list[str]:
    if not user_area_paths(user):
        return []
    cached = getattr(user, "_mz_area_codes", None)
    if cached is None:
        cached = list(user.area_assignments.values_list("area__code", flat=True))
        user._mz_area_codes = cached
    return cached


def users_covering_q(area, assignment_field: str = "area_assignments__area") -> Q:
    """Q on users assigned to `area` or to an area above it: the staff whose scope includes `area`."""
    ids = [int(x) for x in area.path.strip("/").split("/")]
    return Q(**{f"{assignment_field}__in": ids})


def subtree_q(area, path_field: str) -> Q:
    """Q matching rows whose `path_field` lies in `area` or below (an area's own scope, not a user's)."""
    return Q(**{f"{path_field}__startswith": area.path})


def works_within(user, other) -> bool:
    """Whether `other` (a user) works inside `user`'s areas: one of other's areas lies inside user's."""
    return other is not None and any(path_in_scope(user, p) for p in user_area_paths(other))


def scoped(qs: QuerySet, user, *, area_field: str, capability: str) -> QuerySet:
    """Rows of `qs` the user may read; empty when the role lacks the capability."""
    if not user.can(capability):
        return qs.none()
    return qs.filter(area_q(user, area_field))


def can_access_area(user, area) -> bool:
    return area is not None and path_in_scope(user, area.path)


def ensure_can(user, area, capability: str) -> None:
    """Object-level check for writes: out of scope looks like absence; in scope without the right is refused."""
    if not can_access_area(user, area):
        raise NotFound()
    require(user, capability)


def require(user, capability: str) -> None:
    """Role check: refuse in Chinese, naming what the capability lets one do (the user model knows the labels)."""
    if not user.can(capability):
        raise Forbidden(f"您的角色无权{user.capability_label(capability)}")
