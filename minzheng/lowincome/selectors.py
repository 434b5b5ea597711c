"""Reads of 低收入人口动态监测 and 一门受理, scoped by area (core.scope). KPIs are counted in SQL per village and
summed per town."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area, Level
from minzheng.core.errors import NotFound
from minzheng.core.scope import scoped

from .models import Alert, AlertStatus, FeedBatch, MonitoredPerson, Referral

DONE = (AlertStatus.REFERRED, AlertStatus.CLOSED)


def alerts_for(user: User) -> QuerySet[Alert]:
    return scoped(Alert.objects.select_related("area", "person", "household", "event", "rule", "application"), user,
                  area_field="area", capability=Cap.LOWINCOME_VIEW)


def alert_get(user: User, pk: int) -> Alert:
    alert = alerts_for(user).filter(pk=pk).first()
    if alert is None:
        raise NotFound()
    return alert


def referrals_for(user: User) -> QuerySet[Referral]:
    return scoped(Referral.objects.select_related("area", "person", "household"), user, area_field="area",
                  capability=Cap.LOWINCOME_VIEW)


def referral_get(user: User, pk: int) -> Referral:
    r = referrals_for(user).filter(pk=pk).first()
    if r is None:
        raise NotFound()
    return r


def person_alerts(user: User, person_id: int) -> QuerySet[Alert]:
    return alerts_for(user).filter(person_id=person_id)


def person_referrals(user: User, person_id: int) -> QuerySet[Referral]:
    """一人一档: a person's referrals, and those of the household they live in."""
    return referrals_for(user).filter(Q(person_id=person_id) | Q(household__memberships__person_id=person_id,
                                                                  household__memberships__end_date__isnull=True)
                                      ).distinct()


def batches_for(user: User) -> QuerySet[FeedBatch]:
    return scoped(FeedBatch.objects.all(), user, area_field="area", capability=Cap.LOWINCOME_FEED)


def monitored_counts(user: User) -> dict[str, int]:
    qs = scoped(MonitoredPerson.objects.all(), user, area_field="area", capability=Cap.LOWINCOME_VIEW)
    return dict(qs.values_list("group").annotate(n=Count("id")).values_list("group", "n"))


@dataclass
class TownKpi:
    town: str
    code: str
    alerts: int = 0
    due: int = 0            # alerts whose 核实 deadline has passed or that were verified
    on_time: int = 0        # verified by the deadline
    overdue_open: int = 0   # not verified, deadline passed
    finished: int = 0       # referred or closed
    assisted: int = 0       # referred, and the application approved
    referrals: int = 0      # 一门受理 referrals to other departments
    referrals_open: int = 0
    referrals_overdue: int = 0
    extra: dict = field(default_factory=dict)

    @staticmethod
    def rate(num: int, den: int) -> str:
        return f"{num * 100 / den:.1f}%" if den else "—"

    @property
    def on_time_rate(self) -> str:
        return self.rate(self.on_time, self.due)

    @property
    def assistance_share(self) -> str:
        return self.rate(self.assisted, self.finished)


def kpis(user: User, *, since: dt.date, until: dt.date, today: dt.date) -> list[TownKpi]:
    """Per town: alerts raised in [since, until], on-time 核实 rate (verified by the deadline ÷ alerts due), share
    ending in assistance (referred with the application approved ÷ alerts finished), and the window's referrals."""
    alerts = alerts_for(user).filter(raised_on__gte=since, raised_on__lte=until)
    verified = Q(verified_on__isnull=False)
    rows = alerts.values("area_id").annotate(
        alerts=Count("id"),
        due=Count("id", filter=verified | Q(verify_due__lt=today)),
        on_time=Count("id", filter=verified & Q(verified_on__lte=F("verify_due"))),
        overdue_open=Count("id", filter=Q(verified_on__isnull=True, verify_due__lt=today,
                                          status=AlertStatus.NEW)),
        finished=Count("id", filter=Q(status__in=DONE)),
        assisted=Count("id", filter=Q(status=AlertStatus.REFERRED, application__status="approved")),
    )
    refs = referrals_for(user).filter(sent_on__gte=since, sent_on__lte=until).values("area_id").annotate(
        referrals=Count("id"),
        referrals_open=Count("id", filter=Q(status__in=(Referral.Status.SENT, Referral.Status.ACCEPTED))),
        referrals_overdue=Count("id", filter=Q(status__in=(Referral.Status.SENT, Referral.Status.ACCEPTED),
                                               outcome_due__lt=today)))
    per_area: dict[int, dict] = {}
    for r in [*rows, *refs]:
        per_area.setdefault(r["area_id"], {}).update({k: v for k, v in r.items() if k != "area_id"})
    areas = {a.pk: a for a in Area.objects.filter(pk__in=per_area).select_related("parent")}
    towns: dict[int, TownKpi] = {}
    for area_id, counts in per_area.items():
        a = areas[area_id]
        town = a.parent if a.level == Level.VILLAGE and a.parent else a
        k = towns.setdefault(town.pk, TownKpi(town=town.name, code=town.code))
        for name, value in counts.items():
            setattr(k, name, getattr(k, name) + value)
    return sorted(towns.values(), key=lambda k: k.code)

