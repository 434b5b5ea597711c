"""Reads of the 社会组织 app, scoped to the user's areas; the public credit-list query shows only what
《社会组织信用信息管理办法》 makes public (name, code, list, ground with citation, dates)."""

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area
from minzheng.core.errors import DomainError, NotFound
from minzheng.core.periods import same_day_months_later
from minzheng.core.scope import scoped, subtree_q
from minzheng.registry.models import Person
from minzheng.registry.selectors import persons_for

from .models import AnnualReport, Application, Check, CheckDraw, CreditListing, Form, Rating, SocialOrg
from .rules import grounds


def orgs_for(user: User) -> QuerySet[SocialOrg]:
    return scoped(SocialOrg.objects.select_related("area", "registrar"), user, area_field="area",
                  capability=Cap.SOCIALORG_VIEW).order_by("name")


def org_get(user: User, pk: object) -> SocialOrg:
    org = orgs_for(user).select_related("legal_rep").filter(pk=_id(pk)).first()
    if org is None:
        raise NotFound()
    return org


def applications_for(user: User) -> QuerySet[Application]:
    return scoped(Application.objects.select_related("area", "org"), user, area_field="area",
                  capability=Cap.SOCIALORG_VIEW)


def application_get(user: User, pk: object) -> Application:
    app = applications_for(user).filter(pk=_id(pk)).first()
    if app is None:
        raise NotFound()
    return app


def listings_for(user: User) -> QuerySet[CreditListing]:
    return scoped(CreditListing.objects.select_related("org"), user, area_field="org__area",
                  capability=Cap.SOCIALORG_VIEW)


def listing_get(user: User, pk: object) -> CreditListing:
    item = listings_for(user).select_related("org__area").filter(pk=_id(pk)).first()
    if item is None:
        raise NotFound()
    return item


def _id(pk: object) -> int:
    try:
        value = int(str(pk))
    except ValueError:
        raise NotFound() from None
    if not 0 < value < 2**63:
        raise NotFound()
    return value


def person_by_id_number(user: User, id_number: str) -> Person:
    """The legal representative named by 身份证号, within the user's areas."""
    person = persons_for(user).filter(id_number=(id_number or "").replace("\x00", "").strip().upper()).first()
    if person is None:
        raise DomainError("法定代表人的身份证号未在人员库中登记（或不在您的管辖范围内）", field="法定代表人")
    return person


def public_credit_query(q: str, limit: int = 50) -> list[dict[str, Any]]:
    """The public query: organisations on a list now, by name fragment or exact credit code."""
    q = (q or "").replace("\x00", "").strip()[:100]
    qs = CreditListing.objects.filter(removed_on__isnull=True).select_related("org", "org__registrar")
    if q:
        qs = qs.filter(org__credit_code=q.upper()) if len(q) == 18 and q.isalnum() else qs.filter(
            org__name__contains=q)
    rows = []
    table = grounds()
    for item in qs.order_by("-listed_on", "org__name")[:limit]:
        g = table.get(item.escalation_ground or item.ground)
        first = table.get(item.ground)
        rows.append({
            "name": item.org.name, "credit_code": item.org.credit_code or "", "list": item.get_list_kind_display(),
            "list_kind": item.list_kind, "registrar": item.org.registrar.name,
            "ground": g.label if g else "", "citation": g.citation if g else "",
            "first_ground": first.label if first and item.escalation_ground else "",
            "listed_on": item.listed_on, "escalated_on": item.escalated_on,
        })
    return rows


def report_rate(area: Area, year: int) -> dict[str, Any]:
    """年报 rate of the registered organisations in `area` that had to report for `year`."""
    due = SocialOrg.objects.filter(subtree_q(area, "area__path"), established_on__lt=dt.date(year, 1, 1)).exclude(
        form=Form.COMMUNITY).exclude(ended_on__lt=dt.date(year + 1, 1, 1))
    filed = AnnualReport.objects.filter(org__in=due, year=year).count()
    total = due.count()
    return {"year": year, "due": total, "filed": filed, "rate": round(100 * filed / total, 1) if total else None}


def zombie_candidates(user: User, on: dt.date) -> QuerySet[SocialOrg]:
    """僵尸组织 candidates: active registered organisations that filed no 年报 for the last two years they had to
    and show no activity recorded here since (no rating, no 变更/注销 application in two years)."""
    y1, y2 = on.year - 1, on.year - 2
    since = same_day_months_later(on, -24)
    return (orgs_for(user).filter(status=SocialOrg.Status.ACTIVE, established_on__lt=dt.date(y2, 1, 1))
            .exclude(form=Form.COMMUNITY)
            .exclude(Exists(AnnualReport.objects.filter(org=OuterRef("pk"), year__in=[y1, y2])))
            .exclude(Exists(Rating.objects.filter(org=OuterRef("pk"), awarded_on__gte=since)))
            .exclude(Exists(Application.objects.filter(org=OuterRef("pk"), submitted_at__date__gte=since)
                            .exclude(kind=Application.Kind.ESTABLISH))))


def rating_current(org: SocialOrg, on: dt.date) -> Rating | None:
    return org.ratings.filter(awarded_on__lte=on, valid_to__gte=on).order_by("-awarded_on").first()


def draws_for(user: User) -> QuerySet[CheckDraw]:
    """双随机 draws over an area inside the user's areas (a county officer sees the county's draws)."""
    return scoped(CheckDraw.objects.select_related("area", "drawn_by"), user, area_field="area",
                  capability=Cap.SOCIALORG_VIEW)


def draw_get(user: User, pk: object) -> CheckDraw:
    draw = draws_for(user).filter(pk=_id(pk)).first()
    if draw is None:
        raise NotFound()
    return draw


def draw_checks(draw: CheckDraw) -> QuerySet[Check]:
    return draw.checks.select_related("org").prefetch_related("inspectors").order_by("id")


def check_get(user: User, pk: object) -> Check:
    check = (scoped(Check.objects.select_related("org__area", "draw"), user, area_field="org__area",
                    capability=Cap.SOCIALORG_VIEW).filter(pk=_id(pk)).first())
    if check is None:
        raise NotFound()
    return check


def public_check_results(q: str = "", limit: int = 200) -> list[dict[str, Any]]:
    """结果公开 (双随机、一公开: the results are public): for each check with a result,
    only the organisation's name and credit code, the result and its date — never the inspectors, the findings'
    wording or anyone's personal data."""
    q = (q or "").replace("\x00", "").strip()[:100]
    qs = Check.objects.exclude(result=Check.Result.PENDING).filter(checked_on__isnull=False).select_related(
        "org", "org__registrar")
    if q:
        qs = qs.filter(org__credit_code=q.upper()) if len(q) == 18 and q.isalnum() else qs.filter(
            org__name__contains=q)
    return [{"name": c.org.name, "credit_code": c.org.credit_code or "", "result": c.get_result_display(),
             "checked_on": c.checked_on, "drawn_on": c.drawn_on, "registrar": c.org.registrar.name}
            for c in qs.order_by("-checked_on", "-id")[:limit]]


def draw_area(user: User, code: str) -> Area:
    """The area a 双随机 draw covers, named by code: another jurisdiction's code gets exactly the answer of a code
    that does not exist."""
    from minzheng.areas.selectors import areas_for

    code = (code or "").replace("\x00", "").strip()[:12]
    area = areas_for(user).filter(code=code).first() if code else None
    if area is None:
        raise DomainError(f"抽取范围“{code}”不存在或不在您的管辖范围内", field="抽取范围")
    return area
