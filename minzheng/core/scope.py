"""The one place that decides which areas a user may see. Every read of personal data goes through here."""

import re

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Exists, Q, QuerySet

from minzheng.core.errors import Forbidden, NotFound
from minzheng.core.periods import local_date


def user_area_paths(user) -> list[str]:
    """The area paths the user sees rows under: their assigned areas resolved through the re-divisions in force
    (see `_through_successions`)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_mz_area_paths", None)
    if cached is None:
        Link = apps.get_model("areas", "SuccessionLink")
        rows = list(user.area_assignments.annotate(redivided=Exists(Link.objects.all()))
                    .values_list("area__path", "redivided"))
        own = [p for p, _ in rows]
        user._mz_own_paths, cached, user._mz_moved_out = own, own, []
        if any(r for _, r in rows):
            user._mz_own_paths, cached, user._mz_moved_out = _through_successions(own)
        user._mz_area_paths = cached
    return cached


def _moved_out(user) -> list[str]:
    """Old areas under the user's own that a 改隶 (or a merge into another parent) took out of them: their rows
    belong to the successor's side from the date, so they are cut out of the user's prefixes."""
    user_area_paths(user)
    return getattr(user, "_mz_moved_out", [])


def _links_in_force() -> list[tuple[str, str]]:
    """(old path, new path) of the sole successions in force today."""
    Link = apps.get_model("areas", "SuccessionLink")
    return list(Link.objects.filter(sole=True, effective_on__lte=local_date()).values_list("old__path", "new__path"))


def _through_successions(assigned: list[str], links: list[tuple[str, str]] | None = None
                         ) -> tuple[list[str], list[str], list[str]]:
    """行政区划调整 without moving rows: after a 撤并/更名/改隶 has taken effect (today ≥ its date), a user still
    assigned to an old area works in its sole successor (forward), and whoever works in a successor also sees the
    rows that still point at its old areas (backward) — so the village worker of a merged village sees the persons
    of both old villages. A 拆分 is not resolved (an old area's rows are not divisible by rule): its rows stay under
    the old area, visible from the parent, until a worker moves them. An old area moved to another parent is cut
    out of the old parent's scope. Returns (own paths, all paths, moved-out paths)."""
    links = _links_in_force() if links is None else links
    forward = dict(links)
    own = []
    for p in assigned:
        for _ in range(len(links)):
            if p not in forward:
                break
            p = forward[p]
        own.append(p)
    seen = set(own)
    changed = True
    while changed:
        changed = False
        for old, new in links:
            if old not in seen and any(new.startswith(p) for p in seen):
                seen.add(old)
                changed = True
    own = sorted(set(own))
    moved_out = sorted({old for old, new in links if any(old.startswith(p) for p in own)
                        and not any(new.startswith(p) for p in own)} - seen)
    return own, own + sorted(seen - set(own)), moved_out


def areas_q(user) -> Q:
    """Q on Area matching the areas inside the user's areas (every level)."""
    paths = user_area_paths(user)
    if not paths:
        return Q(pk__in=[])
    within = Q()
    for p in paths:
        within |= Q(path__startswith=p)
    for p in _moved_out(user):
        within &= ~Q(path__startswith=p)
    return within


def area_q(user, area_field: str) -> Q:
    """Q matching rows whose `area_field` (a FK to Area) lies inside the user's areas."""
    if not user_area_paths(user):
        return Q(pk__in=[])
    # An id subquery rather than a join, so the planner can drive person lookups by area id.
    return Q(**{f"{area_field}__in": apps.get_model("areas", "Area").objects.filter(areas_q(user)).values("id")})


def path_in_scope(user, path: str) -> bool:
    """Whether an area's materialised path lies inside the user's areas."""
    return any(path.startswith(p) for p in user_area_paths(user)) and not any(
        path.startswith(p) for p in _moved_out(user))


def path_q(user, path_field: str) -> Q:
    """Q matching rows whose `path_field` (an area path reached through a join, e.g. "area__path") lies inside the
    user's areas: for querysets that already join the area."""
    within = Q(pk__in=[])
    for p in user_area_paths(user):
        within |= Q(**{f"{path_field}__startswith": p})
    for p in _moved_out(user):
        within &= ~Q(**{f"{path_field}__startswith": p})
    return within


def assigned_areas_q(user) -> Q:
    """Q on Area matching exactly the areas assigned to the user (not those below; after a re-division, the
    successor of an old area assigned)."""
    if not user_area_paths(user):
        return Q(pk__in=[])
    return Q(path__in=getattr(user, "_mz_own_paths", None) or user_area_paths(user))


def path_sql(user, column: str) -> tuple[str, list[str]]:
    """The scope rule for raw SQL: a fragment `(column LIKE %s OR …)` over an area-path column and its parameters;
    `(1 = 0)` (matching nothing) for a user without areas."""
    paths = user_area_paths(user)
    if not paths:
        return "(1 = 0)", []
    sql, params = "(" + " OR ".join([f"{column} LIKE %s"] * len(paths)) + ")", [f"{p}%" for p in paths]
    out = _moved_out(user)
    if out:
        sql = f"({sql} AND NOT (" + " OR ".join([f"{column} LIKE %s"] * len(out)) + "))"
        params += [f"{p}%" for p in out]
    return sql, params


_PATH = re.compile(r"^/(\d+/)+$")


def subtree_sql(column: str, path: str) -> str:
    """`column LIKE '<path>%'` with the path inlined as a constant, so the planner can estimate it from the path
    statistics (payroll's roster map). Only a materialised path of ids is accepted, never free text."""
    if not _PATH.match(path):
        raise ValueError(f"not an area path: {path!r}")
    return f"{column} LIKE '{path}%%'"


def code_stem(code: str) -> str:
    """What the codes inside an area start with: a province's or city's six-digit GB/T 2260 code pads its own
    digits with zeros (江门市 440700 holds 江海区 440704), a county's or town's code is the stem itself
    (440704 ⊃ 440704003). No county code ends in 00, so the rule needs only the code."""
    stem = code
    while len(code) == 6 and stem.endswith("00") and len(stem) > 2:
        stem = stem[:-2]
    return stem


def area_code_q(user, code_field: str) -> Q:
    """Q matching rows that name their area by code (the audit trail outlives areas, so it keeps the code, not a
    key): codes nest (440704 ⊃ 440704003 ⊃ 440704003001), so the user's area codes are prefixes. After a
    re-division the codes follow the same successions as the paths: a successor's staff match the old areas'
    codes, and an old area moved to another parent (改隶) is cut out of the old parent's."""
    codes = user_area_codes(user)
    within = Q(pk__in=[])
    for c in codes:
        within |= Q(**{f"{code_field}__startswith": code_stem(c)})
    out = _moved_out(user)
    if out:
        for c in apps.get_model("areas", "Area").objects.filter(path__in=out).values_list("code", flat=True):
            within &= ~Q(**{f"{code_field}__startswith": code_stem(c)})
    return within


def user_area_codes(user) -> list[str]:
    if not user_area_paths(user):
        return []
    cached = getattr(user, "_mz_area_codes", None)
    if cached is None:
        cached = list(apps.get_model("areas", "Area").objects.filter(path__in=user_area_paths(user))
                      .values_list("code", flat=True))
        user._mz_area_codes = cached
    return cached


_ASSIGNMENT = "area_assignments__area"


def users_covering_q(area, assignment_field: str = _ASSIGNMENT) -> Q:
    """Q on users whose scope includes `area`: those assigned to it or to an area above it — and, once a
    re-division is in force, decided by the same rule as their own scope (`path_in_scope`): the staff of a
    successor cover the old area's records, the staff of an old parent no longer cover an area moved away (改隶)."""
    ids = [int(x) for x in area.path.strip("/").split("/")]
    links = _links_in_force()
    if not links:
        return Q(**{f"{assignment_field}__in": ids})
    if not assignment_field.endswith(_ASSIGNMENT):
        raise ValueError(f"not an area-assignment field: {assignment_field!r}")
    # Candidates: staff assigned above `area` or on or above any re-divided area (a path is its ids), then the rule.
    candidates = set(ids) | {int(x) for pair in links for path in pair for x in path.strip("/").split("/")}
    users = get_user_model().objects.filter(area_assignments__area__in=candidates, is_active=True).distinct()
    covering = [u.pk for u in users if path_in_scope(u, area.path)]
    return Q(**{f"{assignment_field.removesuffix(_ASSIGNMENT)}pk__in": covering})


def users_within_q(area, assignment_field: str = _ASSIGNMENT) -> Q:
    """Q on users who work at or below `area` (assigned to it or to an area inside it) — the opposite question to
    `users_covering_q`. Once a re-division is in force, a user's areas are resolved as for their own scope (one
    still assigned to an old area works in its successor) and `area` reaches as far as the scope of a user assigned
    to it (the old areas merged into it, less those moved away by 改隶)."""
    links = _links_in_force()
    if not links:
        return Q(**{f"{assignment_field}__path__startswith": area.path})
    if not assignment_field.endswith(_ASSIGNMENT):
        raise ValueError(f"not an area-assignment field: {assignment_field!r}")
    _, reach, out = _through_successions([area.path], links)
    # Candidates: staff assigned inside the area's reach or on a re-divided area, then the rule on their own areas.
    near = Q(area__path__in=[old for old, _ in links])
    for p in reach:
        near |= Q(area__path__startswith=p)
    assigned: dict[int, list[str]] = {}
    Assignment = apps.get_model("accounts", "AreaAssignment")
    for user_id, path in Assignment.objects.filter(near, user__is_active=True).values_list("user_id", "area__path"):
        assigned.setdefault(user_id, []).append(path)
    within = [pk for pk, paths in assigned.items()
              if any(any(p.startswith(r) for r in reach) and not any(p.startswith(o) for o in out)
                     for p in _through_successions(paths, links)[0])]
    return Q(**{f"{assignment_field.removesuffix(_ASSIGNMENT)}pk__in": within})


def subtree_q(area, path_field: str) -> Q:
    """Q matching rows whose `path_field` lies in `area` or below (an area's own scope, not a user's) — once a
    re-division is in force, as far as the scope of a user assigned to it reaches: a successor holds the rows still
    on its old areas, and an area moved away (改隶) leaves its old parent."""
    links = _links_in_force()
    if not links:
        return Q(**{f"{path_field}__startswith": area.path})
    _, reach, out = _through_successions([area.path], links)
    within = Q(pk__in=[])
    for p in reach:
        within |= Q(**{f"{path_field}__startswith": p})
    for p in out:
        within &= ~Q(**{f"{path_field}__startswith": p})
    return within


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
