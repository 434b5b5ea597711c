"""Reads of 城乡社区治理, scoped; the public 村务公开 page shows published items only."""

import datetime as dt
from typing import Any

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area, Level
from minzheng.core.errors import NotFound
from minzheng.core.scope import area_q, can_access_area, scoped, subtree_q
from minzheng.registry.models import Person

from .models import Body, CommunityWorker, Consultation, Disclosure, Election, Member
from .rules import catalogue


def elections_for(user: User) -> QuerySet[Election]:
    return scoped(Election.objects.select_related("area"), user, area_field="area", capability=Cap.COMMUNITY_VIEW)


def disclosures_for(user: User) -> QuerySet[Disclosure]:
    return scoped(Disclosure.objects.select_related("area"), user, area_field="area", capability=Cap.COMMUNITY_VIEW)


def _id(pk: object) -> int:
    try:
        value = int(str(pk))
    except ValueError:
        raise NotFound() from None
    if not 0 < value < 2**63:
        raise NotFound()
    return value


def disclosure_get(user: User, pk: object) -> Disclosure:
    d = disclosures_for(user).filter(pk=_id(pk)).first()
    if d is None:
        raise NotFound()
    return d


def consultations_for(user: User) -> QuerySet[Consultation]:
    return scoped(Consultation.objects.select_related("area", "disclosure"), user, area_field="area",
                  capability=Cap.COMMUNITY_VIEW)


def consultation_get(user: User, pk: object) -> Consultation:
    c = consultations_for(user).filter(pk=_id(pk)).first()
    if c is None:
        raise NotFound()
    return c


# A body's members in the order they were entered, with their person (a list prefetches them in one query).
MEMBERS_IN_ORDER = Prefetch("members", queryset=Member.objects.select_related("person").order_by("id"))


def bodies_for(user: User) -> QuerySet[Body]:
    """The bodies of the user's villages, each annotated `renewed` (a next term exists), so a list reads every
    status in the same query."""
    renewed = Exists(Body.objects.filter(previous=OuterRef("pk")))
    return scoped(Body.objects.select_related("area", "election").annotate(renewed=renewed), user,
                  area_field="area", capability=Cap.COMMUNITY_VIEW).order_by("area__code", "kind", "-term_start")


def term_status(body: Body, on: dt.date) -> str:
    """任期内, 届满待换届 (the 任期届满 date has passed and no 换届选举 has started a next term) or 已换届. Reads the
    `renewed` annotation of `bodies_for` when present, else asks."""
    renewed = getattr(body, "renewed", None)
    if renewed is None:
        renewed = Body.objects.filter(previous=body).exists()
    if renewed:
        return "已换届"
    return "届满待换届" if on > body.term_end else "任期内"


def bodies_awaiting_election(user: User, on: dt.date) -> QuerySet[Body]:
    """Bodies of the user's villages whose term has ended with no next term yet (届满待换届)."""
    return bodies_for(user).filter(term_end__lt=on, successor__isnull=True)


def election_get(user: User, pk: object) -> Election:
    e = elections_for(user).filter(pk=_id(pk)).first()
    if e is None:
        raise NotFound()
    return e


def body_get(user: User, pk: object) -> Body:
    b = bodies_for(user).filter(pk=_id(pk)).first()
    if b is None:
        raise NotFound()
    return b


def workers_for(user: User) -> QuerySet[CommunityWorker]:
    return scoped(CommunityWorker.objects.select_related("area", "person"), user, area_field="area",
                  capability=Cap.COMMUNITY_VIEW).order_by(F("left_on").desc(nulls_first=True), "area__code",
                                                          "person__name", "-since")


def worker_get(user: User, pk: object) -> CommunityWorker:
    w = workers_for(user).filter(pk=_id(pk)).first()
    if w is None:
        raise NotFound()
    return w


def ratios_by_town(user: User, on: dt.date) -> list[tuple[Area, dict[str, Any]]]:
    """社区工作者 per 10,000 residents for each town the user oversees (their own town, or the towns of their
    county/city); a village worker sees none."""
    if not user.can(Cap.COMMUNITY_VIEW):
        return []
    towns = Area.objects.current(on).filter(level=Level.TOWN).filter(area_q(user, "id")).order_by("code")[:200]
    return [(t, workers_ratio(t, on)) for t in towns]


def catalogue_for(user: User, code: str) -> tuple[Area, dict[str, Any], dict[str, Any]]:
    """The 公共服务目录 and 印章使用范围清单 that apply to a village of the user's areas."""
    area = Area.objects.current().filter(code=(code or "").replace("\x00", "")[:32], level=Level.VILLAGE).first()
    if area is None or not user.can(Cap.COMMUNITY_VIEW) or not can_access_area(user, area):
        raise NotFound("该村（居）不存在或不在您的管辖范围内")
    return area, catalogue(area, "services"), catalogue(area, "seals")


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
