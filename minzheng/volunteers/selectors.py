"""Reads of 志愿服务, scoped; the public certificate check shows only what the certificate itself states, with the
name masked."""

from typing import Any

from django.db.models import QuerySet

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.core.errors import NotFound
from minzheng.core.scope import scoped
from minzheng.socialorgs.models import SocialOrg
from minzheng.timebank.models import Volunteer

from .models import Activity, Certificate, Point, Signup, VolunteerOrg


def _id(pk: object) -> int:
    try:
        value = int(str(pk))
    except ValueError:
        raise NotFound() from None
    if not 0 < value < 2**63:
        raise NotFound()
    return value


def activities_for(user: User) -> QuerySet[Activity]:
    return scoped(Activity.objects.select_related("area", "organiser"), user, area_field="area",
                  capability=Cap.TIMEBANK_VIEW)


def activity_get(user: User, pk: object) -> Activity:
    a = activities_for(user).filter(pk=_id(pk)).first()
    if a is None:
        raise NotFound()
    return a


def signup_get(user: User, pk: object) -> Signup:
    s = (scoped(Signup.objects.select_related("activity", "volunteer__person"), user, area_field="activity__area",
                capability=Cap.TIMEBANK_VIEW).filter(pk=_id(pk)).first())
    if s is None:
        raise NotFound()
    return s


def volunteer_get(user: User, pk: object) -> Volunteer:
    v = scoped(Volunteer.objects.select_related("person"), user, area_field="area",
               capability=Cap.TIMEBANK_VIEW).filter(pk=_id(pk)).first()
    if v is None:
        raise NotFound()
    return v


def certificate_get(user: User, pk: object) -> Certificate:
    c = scoped(Certificate.objects.select_related("volunteer__person"), user, area_field="volunteer__area",
               capability=Cap.TIMEBANK_VIEW).filter(pk=_id(pk)).first()
    if c is None:
        raise NotFound()
    return c


def mask_name(name: str) -> str:
    return name[0] + "*" * (len(name) - 1) if len(name) > 1 else name


def verify(code: str) -> dict[str, Any] | None:
    """The public check of a certificate by its code: masked name, hours, period, issuer — or None."""
    code = (code or "").replace("\x00", "").strip().upper()[:16]
    c = Certificate.objects.select_related("volunteer__person").filter(code=code).first() if code else None
    if c is None:
        return None
    dates = [r["date"] for r in c.activities]
    return {"name": mask_name(c.volunteer.person.name), "total_hours": c.total_hours, "issued_on": c.issued_on,
            "issuer": c.issuer, "activities": len(c.activities), "first": min(dates), "last": max(dates)}


def volunteer_orgs_for(user: User) -> QuerySet[VolunteerOrg]:
    return scoped(VolunteerOrg.objects.select_related("org", "area"), user, area_field="area",
                  capability=Cap.TIMEBANK_VIEW).order_by("org__name")


def volunteer_org_get(user: User, pk: object) -> VolunteerOrg:
    v = volunteer_orgs_for(user).filter(pk=_id(pk)).first()
    if v is None:
        raise NotFound()
    return v


def volunteer_org_candidates(user: User) -> QuerySet[SocialOrg]:
    """Registered organisations of the user's areas in normal standing not yet identified as 志愿服务组织."""
    return (scoped(SocialOrg.objects.select_related("area"), user, area_field="area", capability=Cap.SOCIALORG_VIEW)
            .filter(status=SocialOrg.Status.ACTIVE)
            .exclude(pk__in=VolunteerOrg.objects.values("org_id")).order_by("name"))


def points_for(user: User) -> QuerySet[Point]:
    """志愿服务站点 of one's areas."""
    return scoped(Point.objects.select_related("area"), user, area_field="area",
                  capability=Cap.TIMEBANK_VIEW).order_by("area__code", "host")
