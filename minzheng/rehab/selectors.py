"""Reads of 精神障碍社区康复, scoped by area (core.scope)."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area, Level
from minzheng.areas.selectors import areas_for
from minzheng.core.errors import NotFound
from minzheng.core.scope import scoped
from minzheng.registry.models import Person

from .models import Centre, Enrolment
from .services import ELIGIBLE


def centres_for(user: User) -> QuerySet[Centre]:
    return scoped(Centre.objects.select_related("area"), user, area_field="area", capability=Cap.REHAB_VIEW)


def not_yet_served(user: User) -> QuerySet[Person]:
    """People of the user's areas with a 精神/智力 disability record and no open enrolment: the outreach list."""
    open_ = Enrolment.objects.filter(person=OuterRef("pk"), until__isnull=True)
    return scoped(Person.objects.filter(disability_category__in=ELIGIBLE, death_date__isnull=True), user,
                  area_field="residence_area", capability=Cap.REHAB_VIEW).exclude(Exists(open_))


def centre_get(user: User, pk: int) -> Centre:
    c = centres_for(user).filter(pk=pk).first()
    if c is None:
        raise NotFound("康复服务机构不存在或不在您的管辖范围内")
    return c


def centres_with_counts(user: User) -> QuerySet[Centre]:
    """The user's centres, each with the number of people it serves now."""
    return centres_for(user).annotate(serving=Count("enrolments", filter=Q(enrolments__until__isnull=True)))


def open_enrolments(centre: Centre) -> QuerySet[Enrolment]:
    """Who the centre serves now (the centre was read through centres_for), with their service records."""
    return (Enrolment.objects.filter(centre=centre, until__isnull=True).select_related("person")
            .prefetch_related("records").order_by("since", "id"))


def service_areas(user: User) -> QuerySet[Area]:
    """Towns and villages of the user's areas, where a centre may be registered."""
    return areas_for(user).filter(level__in=[Level.TOWN, Level.VILLAGE])
