"""Reads of the 时间银行, scoped: staff by area (core.scope), a volunteer to their own account and reports."""

from django.db.models import QuerySet

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap, Role
from minzheng.core.errors import NotFound
from minzheng.core.idcard import normalize
from minzheng.core.scope import area_q, scoped, subtree_q
from minzheng.registry.models import Person

from . import services
from .models import Account, DonationOffer, Entry, HourReport, Volunteer


def volunteers_for(user: User) -> QuerySet[Volunteer]:
    qs = Volunteer.objects.select_related("person", "account", "area")
    if getattr(user, "role", None) == Role.RESIDENT:
        return qs.filter(user=user)
    return scoped(qs, user, area_field="area", capability=Cap.TIMEBANK_VIEW)


def volunteer_get(user: User, pk: int) -> Volunteer:
    v = volunteers_for(user).filter(pk=pk).first()
    if v is None:
        raise NotFound()
    return v


def reports_for(user: User, *, status: str | None = None) -> QuerySet[HourReport]:
    qs = HourReport.objects.select_related("volunteer__person", "area", "reported_by", "first_reviewer")
    if getattr(user, "role", None) == Role.RESIDENT:
        qs = qs.filter(volunteer__user=user)
    else:
        qs = scoped(qs, user, area_field="area", capability=Cap.TIMEBANK_VIEW)
    return qs.filter(status=status) if status else qs


def report_get(user: User, pk: int) -> HourReport:
    r = reports_for(user).filter(pk=pk).first()
    if r is None:
        raise NotFound()
    return r


def accounts_for(user: User) -> QuerySet[Account]:
    qs = Account.objects.select_related("person", "area")
    if getattr(user, "role", None) == Role.RESIDENT:
        return qs.filter(volunteer__user=user)
    return scoped(qs, user, area_field="area", capability=Cap.TIMEBANK_VIEW)


def account_get(user: User, pk: int) -> Account:
    a = accounts_for(user).filter(pk=pk).first()
    if a is None:
        raise NotFound()
    return a


def entries_of(account: Account, limit: int = 100) -> QuerySet[Entry]:
    return (Entry.objects.filter(account=account).select_related("transfer")
            .order_by("-transfer__created_at", "-id")[:limit])


def donation_recipient(volunteer: Volunteer, *, pk: int | None = None, id_number: str | None = None) -> Person:
    """The 孤寡/失独 elder a volunteer names by person id or 身份证号, looked up only among the people of the
    volunteer's own jurisdiction (core.scope's path rule). Anyone else — elsewhere, unknown, not eligible, dead —
    gets the same answer as no one at all, so the look-up never tells a volunteer anything about a person outside
    their area, nor whose id or number it is."""
    home = services.jurisdiction_of(volunteer.area)
    qs = Person.objects.select_related("residence_area").filter(subtree_q(home, "residence_area__path"))
    p = qs.filter(pk=pk).first() if pk is not None else qs.filter(id_number=normalize(id_number or "")).first()
    if p is None or p.death_date or services.donation_eligible(p) is None:
        raise services.not_a_recipient()
    return p


def donation_offers_for(user: User) -> QuerySet[DonationOffer]:
    """Cross-jurisdiction offers: a volunteer's own; staff see those to or from their areas."""
    qs = DonationOffer.objects.select_related("volunteer__person", "from_area", "to_area")
    if getattr(user, "role", None) == Role.RESIDENT:
        return qs.filter(volunteer__user=user)
    if not user.can(Cap.TIMEBANK_VIEW):
        return qs.none()
    return qs.filter(area_q(user, "to_area") | area_q(user, "volunteer__area"))


def donation_offer_get(user: User, pk: int) -> DonationOffer:
    o = donation_offers_for(user).filter(pk=pk).first()
    if o is None:
        raise NotFound("捐赠记录不存在或不在您的管辖范围内")
    return o
