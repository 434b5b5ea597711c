"""Reads of 殡葬, scoped by area (core.scope): death records and their checklist, the plot ledger, the 无人认领 and
超期存放 lists, eco-burials, and the rates the plans track."""

import datetime as dt

from django.conf import settings
from django.db.models import Q, QuerySet

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.core.dated_rules import rule_int
from minzheng.core.errors import NotFound
from minzheng.core.scope import scoped

from .models import (
    BasicServiceClaim,
    BasicServiceSettlement,
    BodyReception,
    DeathRecord,
    EcoBurial,
    Facility,
    Plot,
    PlotSale,
)

RULES = settings.DATA_DIR / "funeral" / "rules.csv"


def death_records_for(user: User) -> QuerySet[DeathRecord]:
    return scoped(DeathRecord.objects.select_related("person", "area"), user, area_field="area",
                  capability=Cap.FUNERAL_VIEW)


def death_record_get(user: User, pk: int) -> DeathRecord:
    r = death_records_for(user).filter(pk=pk).first()
    if r is None:
        raise NotFound("死亡登记不存在或不在您的管辖范围内")
    return r


def facilities_for(user: User) -> QuerySet[Facility]:
    return scoped(Facility.objects.select_related("area"), user, area_field="area", capability=Cap.FUNERAL_VIEW)


def facility_get(user: User, pk: int) -> Facility:
    f = facilities_for(user).filter(pk=pk).first()
    if f is None:
        raise NotFound("殡葬设施不存在或不在您的管辖范围内")
    return f


def plot_get(user: User, pk: int) -> Plot:
    p = (Plot.objects.select_related("facility__area").filter(pk=pk, facility__in=facilities_for(user)).first())
    if p is None:
        raise NotFound("墓穴（格位）不存在或不在您的管辖范围内")
    return p


def plot_ledger(user: User, facility_id: int, *, limit: int = 500) -> list[dict]:
    """Every plot of a facility with its live sale (or 可售)."""
    facility = facility_get(user, facility_id)
    live = {s.plot_id: s for s in PlotSale.objects.filter(plot__facility=facility,
                                                          status__in=[PlotSale.Status.RESERVED, PlotSale.Status.SOLD])}
    rows = []
    for p in Plot.objects.filter(facility=facility).order_by("number")[:limit]:
        s = live.get(p.pk)
        rows.append({"id": p.pk, "number": p.number, "kind": p.kind, "kind_label": p.get_kind_display(),
                     "status": s.status if s else "available", "status_label": s.get_status_display() if s else "可售",
                     "holder": s.holder_name if s else "", "certificate": (s.certificate_number or "") if s else ""})
    return rows


def eco_burials_for(user: User) -> QuerySet[EcoBurial]:
    return scoped(EcoBurial.objects.select_related("record__person", "record__area"), user,
                  area_field="record__area", capability=Cap.FUNERAL_VIEW)


def eco_burial_get(user: User, pk: int) -> EcoBurial:
    b = eco_burials_for(user).filter(pk=pk).first()
    if b is None:
        raise NotFound("节地生态安葬记录不存在或不在您的管辖范围内")
    return b


def receptions_for(user: User) -> QuerySet[BodyReception]:
    return scoped(BodyReception.objects.select_related("facility", "person"), user, area_field="facility__area",
                  capability=Cap.FUNERAL_VIEW)


def unclaimed(user: User) -> QuerySet[BodyReception]:
    """无人认领遗体: received without an identified person and still held."""
    return receptions_for(user).filter(person__isnull=True, released_on__isnull=True)


def overdue_storage(user: User, *, today: dt.date) -> QuerySet[BodyReception]:
    """超期存放: held longer than the limit in data/funeral/rules.csv."""
    limit = today - dt.timedelta(days=rule_int(RULES, "overdue_storage_days", today))
    return receptions_for(user).filter(released_on__isnull=True, received_on__lt=limit)


def rates(user: User, *, year: int) -> dict:
    """节地生态安葬率 and 火化率 of the deaths recorded in `year` in the user's areas (percent, 1 decimal)."""
    deaths = death_records_for(user).filter(death_date__year=year)
    n = deaths.count()
    cremated = deaths.filter(cremation__isnull=False).count()
    eco = deaths.filter(Q(eco_burial__isnull=False)).count()

    def pct(x: int) -> float | None:
        return round(100 * x / n, 1) if n else None

    return {"deaths": n, "cremated": cremated, "eco": eco, "cremation_rate": pct(cremated), "eco_rate": pct(eco)}


def basic_claims_for(user: User) -> QuerySet[BasicServiceClaim]:
    """惠民殡葬 claims of the funeral homes in the user's areas."""
    return scoped(BasicServiceClaim.objects.select_related("record__person", "facility__area", "prepared_by",
                                                           "approved_by", "settlement"), user,
                  area_field="facility__area", capability=Cap.FUNERAL_VIEW)


def basic_claim_get(user: User, pk: int) -> BasicServiceClaim:
    c = basic_claims_for(user).filter(pk=pk).first()
    if c is None:
        raise NotFound("减免申报不存在或不在您的管辖范围内")
    return c


def funeral_homes_for(user: User) -> QuerySet[Facility]:
    return facilities_for(user).filter(kind=Facility.Kind.FUNERAL_HOME)


def deaths_without_basic_claim(user: User) -> QuerySet[DeathRecord]:
    """Deaths in the user's areas whose free basic services have not been claimed yet."""
    return death_records_for(user).filter(basic_claim__isnull=True)


def settlements_for(user: User) -> QuerySet[BasicServiceSettlement]:
    return scoped(BasicServiceSettlement.objects.select_related("facility"), user, area_field="facility__area",
                  capability=Cap.FUNERAL_VIEW)
