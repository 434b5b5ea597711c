"""Reads of the 时间银行, scoped: staff by area (core.scope), a volunteer to their own account and reports."""

from minzheng.accounts.roles import Cap, Role
from minzheng.core.errors import NotFound
from minzheng.core.scope import scoped

from .models import Account, Entry, HourReport, Volunteer


def volunteers_for(user):
    qs = Volunteer.objects.select_related("person", "account", "area")
    if getattr(user, "role", None) == Role.RESIDENT:
        return qs.filter(user=user)
    return scoped(qs, user, area_field="area", capability=Cap.TIMEBANK_VIEW)


def volunteer_get(user, pk) -> Volunteer:
    v = volunteers_for(user).filter(pk=pk).first()
    if v is None:
        raise NotFound()
    return v


def reports_for(user, *, status: str | None = None):
    qs = HourReport.objects.select_related("volunteer__person", "area", "reported_by", "first_reviewer")
    if getattr(user, "role", None) == Role.RESIDENT:
        qs = qs.filter(volunteer__user=user)
    else:
        qs = scoped(qs, user, area_field="area", capability=Cap.TIMEBANK_VIEW)
    return qs.filter(status=status) if status else qs


def report_get(user, pk) -> HourReport:
    r = reports_for(user).filter(pk=pk).first()
    if r is None:
        raise NotFound()
    return r


def accounts_for(user):
    qs = Account.objects.select_related("person", "area")
    if getattr(user, "role", None) == Role.RESIDENT:
        return qs.filter(volunteer__user=user)
    return scoped(qs, user, area_field="area", capability=Cap.TIMEBANK_VIEW)


def account_get(user, pk) -> Account:
    a = accounts_for(user).filter(pk=pk).first()
    if a is None:
        raise NotFound()
    return a


def entries_of(account: Account, limit: int = 100):
    return (Entry.objects.filter(account=account).select_related("transfer")
            .order_by("-transfer__created_at", "-id")[:limit])
