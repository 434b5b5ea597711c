"""Reads of accounts for the administration pages and API: an administrator sees only accounts whose every assigned
area lies inside their own (a county admin sees the county's accounts, never the city's or a neighbour's)."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from minzheng.areas.models import Area
from minzheng.core.errors import NotFound
from minzheng.core.scope import area_q, require

from .models import AreaAssignment, LoginThrottle, User
from .roles import Cap


def managed_users(actor: User) -> QuerySet[User]:
    """Accounts the administrator may manage: with at least one area, and none outside the administrator's."""
    require(actor, Cap.ACCOUNT_MANAGE)
    outside = AreaAssignment.objects.filter(user=OuterRef("pk")).exclude(area_q(actor, "area"))
    return (User.objects.filter(area_assignments__isnull=False).exclude(Exists(outside)).distinct()
            .prefetch_related("area_assignments__area").order_by("username"))


def managed_user(actor: User, pk: int) -> User:
    user = managed_users(actor).filter(pk=pk).first()
    if user is None:
        raise NotFound("账号不存在或不在您的管辖范围内")
    return user


def assignable_areas(actor: User) -> QuerySet[Area]:
    """Areas the administrator may give an account: their own and those below."""
    require(actor, Cap.ACCOUNT_MANAGE)
    return Area.objects.filter(area_q(actor, "pk"))


def locked_out(user: User) -> bool:
    """Whether a lockout of this account (from any address) is in force now."""
    from django.utils import timezone

    return LoginThrottle.objects.filter(Q(key__startswith="acct:") & Q(key__endswith=f"|{user.username}"),
                                        locked_until__gt=timezone.now()).exists()
