"""Reads of 精神障碍社区康复, scoped by area (core.scope)."""

from django.db.models import Exists, OuterRef, QuerySet

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
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
