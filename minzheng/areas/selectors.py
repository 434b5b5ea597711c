import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from minzheng.core.errors import NotFound
from minzheng.core.scope import path_in_scope, path_q, user_area_paths

from .models import Area, Level, SuccessionLink

if TYPE_CHECKING:  # accounts sits above areas; the type alone is needed here
    from minzheng.accounts.models import User


def areas_for(user: "User", *, parent_code: str | None = None) -> QuerySet[Area]:
    """Areas the user works in and below (current ones). Area names are not personal data, but scope them too."""
    if not user_area_paths(user):
        return Area.objects.none()
    qs = Area.objects.current().filter(path_q(user, "path"))
    if parent_code:
        qs = qs.filter(parent__code=parent_code)
    return qs.order_by("path")


def area_get(user: "User", code: str) -> Area:
    area = areas_for(user).filter(code=code).first()
    if area is None:
        raise NotFound(f"行政区划“{code}”不存在或不在您的管辖范围内")
    return area


def top_areas(user: "User") -> list[Area]:
    """The areas assigned to the user. Kept on the user object, like its scope's paths (core.scope): a page asks
    for them more than once (its header, its filters), and a request has a user object of its own."""
    cached = vars(user).get("_mz_top_areas")
    if cached is None:
        cached = [a.area for a in user.area_assignments.select_related("area").order_by("area__path")]
        vars(user)["_mz_top_areas"] = cached
    return list(cached)


def _ancestor_ids(user: "User") -> set[int]:
    """The areas above the user's own (江门市 and 江海区 for a 礼乐街道 officer): shown in a picker so the cascade reads
    市 → 县区 → 镇街 → 村居, never chosen."""
    return {int(x) for p in user_area_paths(user) for x in p.strip("/").split("/")}


def picker_children(user: "User | None", *, parent_code: str | None, public: bool = False) -> list[tuple[Area, bool]]:
    """One level of the area picker: the current children of `parent_code` (the cities when None), each with whether
    the user may choose it. Staff see the areas they work in and below (choosable) and the areas above their own
    (to reach them); the public pages use the whole current tree. An area outside both is never listed."""
    qs = Area.objects.current()
    qs = qs.filter(parent__code=parent_code) if parent_code else qs.filter(level=Level.CITY)
    if public:
        return [(a, True) for a in qs.order_by("code")]
    if user is None or not user_area_paths(user):
        return []
    qs = qs.filter(path_q(user, "path") | Q(id__in=_ancestor_ids(user)))
    return [(a, path_in_scope(user, a.path)) for a in qs.order_by("code")]


def picker_chain(user: "User | None", code: str, *, public: bool = False) -> list[str]:
    """The codes from the city down to `code`, to reopen a picker on a value already chosen; empty when the area is
    not one the user may choose (public: any current area)."""
    area = Area.objects.current().filter(code=code).first()
    if area is None or not (public or (user is not None and path_in_scope(user, area.path))):
        return []
    return [a.code for a in area.ancestors().current() if a.level != Level.PROVINCE]


def retired_area_ancestors(on: dt.date, current: dict[int, Area]) -> dict[int, list[int]]:
    """For the roll-up on `on`: each area retired by a recorded re-division in force on `on`, with the current areas
    its rows count towards — its sole successor's chain (撤并/更名/改隶), or, for a 拆分, only its current ancestors
    until a worker moves its rows. Periods before the date use the tree as it was and never reach here."""
    links = list(SuccessionLink.objects.filter(effective_on__lte=on).values_list("old_id", "old__path", "new_id",
                                                                                 "sole"))
    forward = {old: new for old, _, new, sole in links if sole}
    out: dict[int, list[int]] = {}
    for old, path, _, _ in links:
        target = old
        for _ in range(len(links)):
            if target not in forward:
                break
            target = forward[target]
        chain = current[target].path if target in current else path
        out[old] = [int(x) for x in chain.strip("/").split("/") if int(x) in current]
    return out
