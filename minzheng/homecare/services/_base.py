"""Shared by the workflow stages of 居家养老服务: who is who, the order lock, status checks and the audit entry."""

import datetime as dt

from django.db.models import Exists, ForeignKey, OuterRef, Q
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap, Role
from minzheng.areas.models import Area
from minzheng.core import audit, rows
from minzheng.core.errors import Conflict, Forbidden, NotFound
from minzheng.core.scope import ensure_can
from minzheng.registry.models import Person

from ..models import (
    ORDER_RELATED,
    ElderContact,
    Order,
    OrderStatus,
    Provider,
    ProviderMember,
    Worker,
)

S = OrderStatus


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _aware(at: dt.datetime | None) -> dt.datetime | None:
    return timezone.make_aware(at) if at is not None and timezone.is_naive(at) else at


def _local_date(at: dt.datetime) -> dt.date:
    return timezone.localdate(at)


def _label(status: str) -> str:
    return S(status).label


# --- who is who -------------------------------------------------------------------------------------------------

def user_provider(user: User) -> Provider | None:
    """The provider a 服务机构 account works for (as a member, or as one of its workers)."""
    if not getattr(user, "is_authenticated", False) or not user.can(Cap.HOMECARE_SERVE):
        return None
    cached = vars(user).get("_hc_provider", False)  # per-request cache on the user object
    if cached is not False:
        return cached
    # One query: the provider the account is a member of, else the one it is an active worker of.
    member = Exists(ProviderMember.objects.filter(user=user, provider=OuterRef("pk")))
    worker = Exists(Worker.objects.filter(user=user, active=True, provider=OuterRef("pk")))
    provider = (Provider.objects.annotate(is_member=member).filter(Q(is_member=True) | worker)
                .order_by("-is_member", "pk").first())
    vars(user)["_hc_provider"] = provider
    return provider


def contact_of(user: User, person: Person) -> ElderContact | None:
    if not getattr(user, "is_authenticated", False) or user.role != Role.RESIDENT:
        return None
    return ElderContact.objects.filter(user=user, person=person).first()


def _ensure_elder_side(actor: User, order_or_person: Order | Person, *, area: Area) -> ElderContact | None:
    """The actor may act for this elder: a bound resident, or staff with homecare.order in the elder's area."""
    person = order_or_person if isinstance(order_or_person, Person) else order_or_person.person
    if actor.role == Role.RESIDENT:
        contact = contact_of(actor, person)
        if contact is None:
            raise NotFound()
        if not actor.can(Cap.HOMECARE_ORDER):
            raise Forbidden("您的账号无权办理居家养老服务")
        return contact
    ensure_can(actor, area, Cap.HOMECARE_ORDER)
    return None


def _ensure_provider_side(actor: User, order: Order) -> Provider:
    """Another provider's order looks absent; staff who can read the order are told it is the provider's work
    (403, as on the pages), not that a visible order does not exist."""
    provider = user_provider(actor)
    if provider is None:
        raise Forbidden("派工、签到、签退和登记老人爽约须由承接订单的服务机构办理")
    if order.provider_id != provider.pk:
        raise NotFound()
    return provider


def _provider(order: Order) -> Provider:
    assert order.provider is not None  # callers checked the status: the order was dispatched
    return order.provider


def _worker(order: Order) -> Worker:
    assert order.worker is not None  # callers checked the status: a worker was assigned
    return order.worker


def _audit(actor: User, action: str, order: Order, before: dict | None, after: dict) -> None:
    audit.record(actor=actor, action=action, object_type="homecare.order", object_id=order.pk,
                 object_repr=order.number, area_code=order.area.code, before=before, after=after)


def _locked(order: Order) -> Order:
    """The order re-read under a row lock. Only its own row: a relation whose key is unchanged keeps the row the
    caller read (as refresh_from_db() keeps it; none of them is locked either way), a changed one is read anew."""
    locked = rows.one(Order, "t.id = %s", [order.pk], lock=True)
    if locked is None:
        raise Order.DoesNotExist(order.pk)
    for name in ORDER_RELATED:
        field = Order._meta.get_field(name)
        assert isinstance(field, ForeignKey)
        if field.is_cached(order) and getattr(order, field.attname) == getattr(locked, field.attname):
            field.set_cached_value(locked, field.get_cached_value(order))
    return locked


def _require_status(order: Order, allowed: tuple, doing: str) -> None:
    if order.status not in allowed:
        if order.status == S.COMPLETED and doing == "完成":
            raise Conflict(f"订单{order.number}已完成，不能重复完成", code="already_completed", field="状态")
        raise Conflict(f"订单{order.number}当前状态为“{_label(order.status)}”，不能{doing}", code="bad_status",
                       field="状态")

