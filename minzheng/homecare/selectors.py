"""Reads of 居家养老服务, scoped: staff through core.scope (the elder's area), a provider's accounts to their own
provider's orders, a resident to the elders bound to them. Out of reach looks absent."""

import datetime as dt
from typing import Any

from django.db.models import Avg, Count, QuerySet, Sum

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap, Role
from minzheng.areas.models import Area
from minzheng.core import rows
from minzheng.core.errors import NotFound
from minzheng.core.scope import area_q, path_sql, scoped
from minzheng.registry.models import Person

from .models import ORDER_RELATED, Canteen, Complaint, ElderContact, Meal, Order, OrderStatus, Provider, Worker
from .services import user_provider

S = OrderStatus


def orders_for(user: User) -> QuerySet[Order]:
    qs = Order.objects.select_related("person", "item", "provider", "worker", "area")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    provider = user_provider(user)
    if provider is not None:
        return qs.filter(provider=provider)
    if user.role == Role.RESIDENT:
        if not user.can(Cap.HOMECARE_ORDER):
            return qs.none()
        return qs.filter(person__in=ElderContact.objects.filter(user=user).values("person_id"))
    return scoped(qs, user, area_field="area", capability=Cap.HOMECARE_VIEW)


def _reach_sql(user: User) -> tuple[str, list]:
    """orders_for's rule as SQL over the order ("t") and its area ("area"), for the one-order read of every step."""
    if not getattr(user, "is_authenticated", False):
        return "1 = 0", []
    provider = user_provider(user)
    if provider is not None:
        return "t.provider_id = %s", [provider.pk]
    if user.role == Role.RESIDENT:
        if not user.can(Cap.HOMECARE_ORDER):
            return "1 = 0", []
        return "t.person_id IN (SELECT person_id FROM homecare_eldercontact WHERE user_id = %s)", [user.pk]
    if not user.can(Cap.HOMECARE_VIEW):
        return "1 = 0", []
    return path_sql(user, '"area".path')


def order_get(user: User, pk: int) -> Order:
    """One order in the user's reach, with its relations (as orders_for reads it); out of reach looks absent. Read
    through core.rows: this read precedes every step of an order, and the ORM's compilation was most of its cost."""
    if not rows.key_fits(Order, pk):
        raise NotFound()
    where, params = _reach_sql(user)
    order = rows.one(Order, f"t.id = %s AND {where}", [pk, *params], related=ORDER_RELATED)
    if order is None:
        raise NotFound()
    return order


def bound_elders(user: User) -> list[ElderContact]:
    if getattr(user, "role", None) != Role.RESIDENT:
        return []
    return list(ElderContact.objects.filter(user=user).select_related("person__residence_area")
                .order_by("relation", "person__name"))


def elder_for(user: User, person_pk: int | str | None) -> Person:
    c = next((c for c in bound_elders(user) if c.person_id == int(person_pk or 0)), None)
    if c is None:
        raise NotFound()
    return c.person


def worklist(user: User, *, status: str | None = None, mine_only: bool = False) -> QuerySet[Order]:
    """The provider's work list: open orders first, earliest appointment first."""
    provider = user_provider(user)
    if provider is None:
        return Order.objects.none()
    qs = orders_for(user)
    if status == "open":
        qs = qs.filter(status__in=[S.DISPATCHED, S.ASSIGNED, S.IN_SERVICE])
    elif status:
        qs = qs.filter(status=status)
    if mine_only:
        qs = qs.filter(worker__user=user)
    return qs.order_by("scheduled_at", "id")


def workers_of(user: User) -> QuerySet[Worker]:
    provider = user_provider(user)
    return Worker.objects.filter(provider=provider, active=True) if provider else Worker.objects.none()


def providers_for_area(area: Area) -> QuerySet[Provider]:
    """Providers that serve an area (their service area contains it)."""
    ids = [int(x) for x in area.path.strip("/").split("/")]
    return Provider.objects.filter(active=True, area_id__in=ids).order_by("name")


def complaints_for(user: User, *, status: str | None = None) -> QuerySet[Complaint]:
    qs = Complaint.objects.select_related("order", "provider", "area")
    provider = user_provider(user)
    if provider is not None:
        qs = qs.filter(provider=provider)
    else:
        qs = scoped(qs, user, area_field="area", capability=Cap.HOMECARE_VIEW)
    return qs.filter(status=status) if status else qs


def canteens_for(user: User) -> QuerySet[Canteen]:
    provider = user_provider(user)
    if provider is not None:
        return Canteen.objects.filter(provider=provider)
    return scoped(Canteen.objects.select_related("provider", "area"), user, area_field="area",
                  capability=Cap.HOMECARE_VIEW)


def overview(user: User, *, month: dt.date) -> dict[str, Any]:
    """The town's (or county's) view of a month: orders by status, money, ratings, complaints, meals, providers."""
    end = dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    orders = scoped(Order.objects.all(), user, area_field="area", capability=Cap.HOMECARE_VIEW)
    in_month = orders.filter(scheduled_at__date__gte=month, scheduled_at__date__lt=end)
    by_status = dict(in_month.values_list("status").annotate(n=Count("id")).order_by())
    done = orders.filter(status=S.COMPLETED, service_date__gte=month, service_date__lt=end)
    money = done.aggregate(a=Sum("amount"), s=Sum("subsidy"), p=Sum("self_pay"), n=Count("id"),
                           elders=Count("person_id", distinct=True))
    rating = done.aggregate(avg=Avg("rating__score"), n=Count("rating"))
    meals = scoped(Meal.objects.all(), user, area_field="canteen__area", capability=Cap.HOMECARE_VIEW).filter(
        date__gte=month, date__lt=end).aggregate(n=Count("id"), s=Sum("subsidy"), p=Sum("self_pay"),
                                                 elders=Count("person_id", distinct=True))
    per_provider = (done.values("provider__name").annotate(n=Count("id"), s=Sum("subsidy"), p=Sum("self_pay"),
                                                           avg=Avg("rating__score"))
                    .order_by("provider__name"))
    complaints = complaints_for(user)
    return {
        "month": month,
        "statuses": [(s.value, s.label, by_status.get(s.value, 0)) for s in S],
        "placed_total": sum(by_status.values()),
        "completed": money["n"] or 0,
        "elders_served": money["elders"] or 0,
        "amount": money["a"] or 0, "subsidy": money["s"] or 0, "self_pay": money["p"] or 0,
        "rating_avg": rating["avg"], "rating_count": rating["n"],
        "open_complaints": complaints.filter(status=Complaint.Status.OPEN).count(),
        "provider_no_show": by_status.get(S.PROVIDER_NO_SHOW, 0),
        "meals": meals["n"] or 0, "meal_subsidy": meals["s"] or 0, "meal_elders": meals["elders"] or 0,
        "per_provider": list(per_provider),
        "waiting_dispatch": orders.filter(status=S.PLACED).count(),
    }


def providers_in_scope(user: User) -> QuerySet[Provider]:
    return Provider.objects.filter(area_q(user, "area")).order_by("name") if user.can(Cap.HOMECARE_VIEW) else \
        Provider.objects.none()

