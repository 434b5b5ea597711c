"""Reads of the payroll, every one scoped by the roster's area through core.scope."""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum

from minzheng.accounts.models import User
from minzheng.accounts.roles import CAPABILITIES, Cap, Role
from minzheng.areas.models import Area
from minzheng.core.errors import NotFound
from minzheng.core.money import fen
from minzheng.core.scope import area_q, scoped, users_covering_q

from .models import Anomaly, LineStatus, Roster, RosterLine, StaffRelative


def rosters_for(user: User, *, month: dt.date | None = None, programme: str | None = None) -> QuerySet[Roster]:
    qs = scoped(Roster.objects.select_related("area"), user, area_field="area", capability=Cap.PAYROLL_VIEW)
    if month:
        qs = qs.filter(month=month)
    if programme:
        qs = qs.filter(programme=programme)
    return qs


def roster_get(user: User, pk: int) -> Roster:
    roster = rosters_for(user).filter(pk=pk).first()
    if roster is None:
        raise NotFound("发放名单不存在或不在您的管辖范围内")
    return roster


def roster_lines(user: User, roster_pk: int, *, status: str | None = None) -> QuerySet[RosterLine]:
    """Lines of one roster the user may see (empty when the roster is out of scope)."""
    qs = scoped(RosterLine.objects.select_related("person", "area"), user, area_field="roster__area",
                capability=Cap.PAYROLL_VIEW).filter(roster_id=roster_pk)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("seq", "id")


def line_get(user: User, pk: int) -> RosterLine:
    line = scoped(RosterLine.objects.select_related("roster__area", "person"), user, area_field="roster__area",
                  capability=Cap.PAYROLL_VIEW).filter(pk=pk).first()
    if line is None:
        raise NotFound("发放明细不存在或不在您的管辖范围内")
    return line


def totals(user: User, *, month: dt.date, by: tuple[str, ...] = ("area", "programme", "fund")) -> list[dict]:
    """Money by area (the roster's), programme and fund for one month, counting every line that is or was meant
    to be paid (withheld lines excluded), with how much of it the bank has confirmed."""
    fields = {"area": ("roster__area__code", "roster__area__name"), "programme": ("roster__programme",),
              "fund": ("fund",)}
    keys = [f for b in by for f in fields[b]]
    base = (scoped(RosterLine.objects.all(), user, area_field="roster__area", capability=Cap.PAYROLL_VIEW)
            .filter(roster__month=month).exclude(status=LineStatus.WITHHELD))
    # Money by who pays it (中央/省/市/县 shares of each line, data/payroll/fund_shares.csv).
    qs = base.values(*keys).annotate(lines=Count("id"), amount=Sum("amount"), central=Sum("fund_central"),
                                     province=Sum("fund_province"), city=Sum("fund_city"),
                                     county=Sum("fund_county")).order_by(*keys)
    paid = {tuple(r[k] for k in keys): r["paid"] for r in
            base.filter(status=LineStatus.PAID).values(*keys).annotate(paid=Sum("amount")).order_by(*keys)}
    rename = {"roster__area__code": "area_code", "roster__area__name": "area_name", "roster__programme": "programme"}
    return [{**{rename.get(k, k): r[k] for k in keys}, "lines": r["lines"], "amount": fen(r["amount"] or 0),
             "paid_amount": fen(paid.get(tuple(r[k] for k in keys)) or 0),
             **{s: fen(r[s] or 0) for s in ("central", "province", "city", "county")}} for r in qs]




def anomalies_for(user: User, *, roster_pk: int | None = None, status: str | None = None,
                  rule: str | None = None) -> QuerySet[Anomaly]:
    qs = scoped(Anomaly.objects.select_related("roster__area", "line__person", "assignee"), user,
                area_field="roster__area", capability=Cap.ANOMALY_VIEW)
    if roster_pk:
        qs = qs.filter(roster_id=roster_pk)
    if status:
        qs = qs.filter(status=status)
    if rule:
        qs = qs.filter(rule=rule)
    return qs.order_by("roster_id", "line_id", "rule")


def anomaly_get(user: User, pk: int) -> Anomaly:
    anomaly = anomalies_for(user).filter(pk=pk).first()
    if anomaly is None:
        raise NotFound("疑点不存在或不在您的管辖范围内")
    return anomaly


def anomaly_summary(user: User, *, month: dt.date | None = None) -> list[Mapping[str, Any]]:
    qs = anomalies_for(user)
    if month:
        qs = qs.filter(roster__month=month)
    return list(qs.values("rule", "status").annotate(n=Count("id"), amount=Sum(F("line__amount")))
                .order_by("rule", "status"))


# --- 近亲属备案 ----------------------------------------------------------------------------------------

def staff_relatives_for(user: User, *, query: str = "") -> QuerySet[StaffRelative]:
    """Filed relatives living in the user's areas (scoped by the relative's residence)."""
    qs = scoped(StaffRelative.objects.select_related("staff", "person__residence_area"), user,
                area_field="person__residence_area", capability=Cap.ANOMALY_VIEW)
    q = (query or "").strip()
    if q:
        qs = qs.filter(Q(person__name__startswith=q) | Q(staff__display_name__startswith=q)
                       | Q(staff_name__startswith=q)
                       | Q(staff__username=q) | Q(person__id_number=q.upper()))
    return qs.order_by("-registered_at", "-id")


def staff_relative_get(user: User, pk: int) -> StaffRelative:
    rel = staff_relatives_for(user).filter(pk=pk).first()
    if rel is None:
        raise NotFound("近亲属备案不存在或不在您的管辖范围内")
    return rel


def staff_candidates(user: User) -> QuerySet[User]:
    """Officials working inside the user's areas: the staff a relative may be filed against."""
    return (User.objects.filter(is_active=True).exclude(role__in=[Role.RESIDENT, Role.PROVIDER])
            .filter(area_q(user, "area_assignments__area")).distinct().order_by("username"))


def anomaly_handlers(area: Area) -> list[User]:
    """Who an anomaly of a roster for `area` may be assigned to: active staff whose role handles anomalies and
    whose areas include the roster's area (nobody from another jurisdiction is offered)."""
    roles = [role for role, caps in CAPABILITIES.items() if Cap.ANOMALY_HANDLE in caps]
    return list(User.objects.filter(users_covering_q(area), is_active=True, role__in=roles).distinct()
                .order_by("username"))


def person_lines(user: User, person_id: int) -> QuerySet[RosterLine]:
    """一人一档: every roster line paid to one person that the user may see, the latest month first."""
    return (scoped(RosterLine.objects.select_related("roster", "roster__area"), user, area_field="roster__area",
                   capability=Cap.PAYROLL_VIEW).filter(person_id=person_id).order_by("-roster__month", "-id"))
