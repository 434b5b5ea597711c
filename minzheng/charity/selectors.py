"""Reads of 大慈善, scoped to the user's areas; the public reads (plans, open wishes, receipt check, annual 公益金
report) show only what the law makes public — never a person in difficulty's name, ID number or address."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.core.errors import NotFound
from minzheng.core.money import FEN, Mode, amount, round_to
from minzheng.core.periods import month_end
from minzheng.core.scope import area_q, scoped, user_area_paths

from .models import (
    Account,
    Charity,
    DemoSite,
    Disclosure,
    Donation,
    Expenditure,
    Fund,
    FundraisingPlan,
    Project,
    Receipt,
    Referral,
    Resource,
    Space,
    Transfer,
    Trust,
    Wish,
)
from .rules import rule


def _id(pk: object) -> int:
    try:
        value = int(str(pk))
    except ValueError:
        raise NotFound() from None
    if not 0 < value < 2**63:
        raise NotFound()
    return value


def _one(qs: QuerySet, pk: object) -> Any:
    obj = qs.filter(pk=_id(pk)).first()
    if obj is None:
        raise NotFound()
    return obj


def charities_for(user: User) -> QuerySet[Charity]:
    return scoped(Charity.objects.select_related("org", "area"), user, area_field="area",
                  capability=Cap.CHARITY_VIEW).order_by("org__name")


def charity_get(user: User, pk: object) -> Charity:
    return _one(charities_for(user), pk)


def charities_to_refer_to(user: User) -> QuerySet[Charity]:
    """The charities a village or town worker may refer a household to: those of their areas and those of the town,
    county or city above them, which serve their areas too (a charity's name is public; its books stay scoped)."""
    if not user.can(Cap.CHARITY_WISH):
        return Charity.objects.none()
    above = {int(x) for p in user_area_paths(user) for x in p.strip("/").split("/") if x}
    return (Charity.objects.filter(area_q(user, "area") | Q(area_id__in=above)).select_related("org", "area")
            .order_by("org__name"))


def plans_for(user: User) -> QuerySet[FundraisingPlan]:
    return scoped(FundraisingPlan.objects.select_related("charity__org", "fund"), user, area_field="charity__area",
                  capability=Cap.CHARITY_VIEW)


def donations_for(user: User) -> QuerySet[Donation]:
    return scoped(Donation.objects.select_related("charity__org", "charity__area", "fund", "plan"), user,
                  area_field="charity__area", capability=Cap.CHARITY_VIEW)


def donation_get(user: User, pk: object) -> Donation:
    return _one(donations_for(user), pk)


def expenditures_for(user: User) -> QuerySet[Expenditure]:
    return scoped(Expenditure.objects.select_related("charity__org", "charity__area", "fund", "project"), user,
                  area_field="charity__area", capability=Cap.CHARITY_VIEW)


def expenditure_get(user: User, pk: object) -> Expenditure:
    return _one(expenditures_for(user), pk)


def funds_for(user: User) -> QuerySet[Fund]:
    return scoped(Fund.objects.select_related("charity__org"), user, area_field="charity__area",
                  capability=Cap.CHARITY_VIEW).order_by("charity__org__name", "id")


def projects_for(user: User) -> QuerySet[Project]:
    return scoped(Project.objects.select_related("charity__org", "fund", "area"), user, area_field="charity__area",
                  capability=Cap.CHARITY_VIEW).order_by("-id")


def space_get(user: User, pk: object) -> Space:
    return _one(spaces_for(user), pk)


def demo_site_get(user: User, pk: object) -> DemoSite:
    return _one(demo_sites_for(user), pk)


def annual_reports_due(user: User, today: dt.date) -> list[dict[str, Any]]:
    """年度工作报告 each charity of the user's areas owes: every year from its recognition to last year without a
    published report, due by the end of the month data/charity/law.csv gives (annual_report_due_month) of the next
    year; "逾期" once that day has passed, the most overdue first."""
    r = rule("annual_report_due_month")
    month = int(r.value)
    charities = list(charities_for(user)[:1000])
    filed = set(Disclosure.objects.filter(charity__in=charities, kind=Disclosure.Kind.ANNUAL_REPORT)
                .values_list("charity_id", "year"))
    rows = []
    for c in charities:
        for year in range(c.recognised_on.year, today.year):
            if (c.pk, year) in filed:
                continue
            due = month_end(dt.date(year + 1, month, 1))
            if due < r.effective_from:
                continue
            rows.append({"charity": c, "year": year, "due": due, "overdue": today > due,
                         "days_over": (today - due).days if today > due else 0,
                         "note": f"应于{due:%Y年%m月%d日}前报送并公开（{r.citation}）"})
    return sorted(rows, key=lambda x: (x["due"], str(x["charity"])))


def trusts_for(user: User) -> QuerySet[Trust]:
    return scoped(Trust.objects.select_related("area"), user, area_field="area", capability=Cap.CHARITY_VIEW)


def trust_get(user: User, pk: object) -> Trust:
    return _one(trusts_for(user), pk)


def wishes_for(user: User) -> QuerySet[Wish]:
    return scoped(Wish.objects.select_related("area", "person"), user, area_field="area",
                  capability=Cap.CHARITY_VIEW)


def wish_get(user: User, pk: object) -> Wish:
    return _one(wishes_for(user), pk)


def resources_for(user: User) -> QuerySet[Resource]:
    return scoped(Resource.objects.select_related("area"), user, area_field="area", capability=Cap.CHARITY_VIEW)


def spaces_for(user: User) -> QuerySet[Space]:
    return scoped(Space.objects.select_related("area"), user, area_field="area", capability=Cap.CHARITY_VIEW)


def demo_sites_for(user: User) -> QuerySet[DemoSite]:
    return scoped(DemoSite.objects.select_related("area"), user, area_field="area", capability=Cap.CHARITY_VIEW)


def referrals_for(user: User) -> QuerySet[Referral]:
    return scoped(Referral.objects.select_related("household", "person", "charity__org", "project"), user,
                  area_field="area", capability=Cap.CHARITY_VIEW)


def referral_get(user: User, pk: object) -> Referral:
    return _one(referrals_for(user), pk)


def household_referrals(user: User, household_id: int) -> list[Referral]:
    """The referrals shown on a household's record."""
    return list(referrals_for(user).filter(household_id=household_id).order_by("-referred_on", "-id"))


# --- ledger reads -------------------------------------------------------------------------------------------------

def fund_balances(charity: Charity) -> list[dict[str, Any]]:
    """Each fund's available balance (the cached account balance, kept in the transaction of every entry)."""
    rows = (Account.objects.filter(charity=charity, kind=Account.Kind.FUND)
            .values("fund_id", "fund__name", "fund__kind", "fund__restricted", "balance").order_by("fund_id"))
    return [{"fund_id": r["fund_id"], "name": r["fund__name"], "kind": r["fund__kind"],
             "restricted": r["fund__restricted"], "balance": r["balance"]} for r in rows]


def annual_totals(charity: Charity, year: int) -> dict[str, Any]:
    """The 年度工作报告's figures from the ledger: income, charitable spending, management cost and its share of
    total spending against the limit of 慈善法 (data/charity/law.csv)."""
    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    sums = dict(Transfer.objects.filter(charity=charity, on__gte=start, on__lt=end).values("kind")
                .annotate(total=Sum("amount")).values_list("kind", "total"))
    # SQLite sums decimals as floats: back to exact 分 (core.money), as PostgreSQL gives them.
    income, spend, admin = (round_to(amount(sums.get(k) or 0), unit=FEN, mode=Mode.HALF_UP)
                            for k in (Transfer.Kind.DONATION, Transfer.Kind.SPEND, Transfer.Kind.ADMIN))
    total_out = spend + admin
    share = (admin / total_out).quantize(Decimal("0.0001")) if total_out else Decimal("0")
    limit, warn = rule("management_cost_max_share"), rule("management_cost_warn_share")
    if share > limit.value:
        level = "over"
        note = f"管理费用占总支出{share * 100:.2f}%，超过{limit.value * 100:.0f}%的上限（{limit.citation}）"
    elif share >= warn.value:
        level = "warn"
        note = f"管理费用占总支出{share * 100:.2f}%，接近{limit.value * 100:.0f}%的上限（{limit.citation}）"
    else:
        level, note = "ok", f"管理费用占总支出{share * 100:.2f}%，未超过{limit.value * 100:.0f}%的上限"
    return {"year": year, "income": income, "charitable_spending": spend, "management_cost": admin,
            "total_spending": total_out, "management_share": share, "management_level": level,
            "management_note": note} | _spending_against_last_year(charity, year, spend)


def _spending_against_last_year(charity: Charity, year: int, spend: Decimal) -> dict[str, Any]:
    """慈善法 第六十一条: a foundation with 公开募捐资格 spends on charitable activities each year at least the share of
    the previous year's total income that data/charity/law.csv gives. Other charities are not held to it."""
    r = rule("charity_spending_min_share")
    qualified = charity.public_fundraising_on is not None and charity.public_fundraising_on.year <= year
    if charity.org.form != "foundation" or not qualified or dt.date(year, 12, 31) < r.effective_from:
        return {"last_year_income": None, "spending_share": None, "spending_level": "n/a",
                "spending_note": "不适用年度慈善活动支出比例要求（仅适用于具有公开募捐资格的基金会）"}
    last = Transfer.objects.filter(charity=charity, kind=Transfer.Kind.DONATION, on__gte=dt.date(year - 1, 1, 1),
                                   on__lt=dt.date(year, 1, 1)).aggregate(s=Sum("amount"))["s"]
    last_income = round_to(amount(last or 0), unit=FEN, mode=Mode.HALF_UP)
    if not last_income:
        return {"last_year_income": last_income, "spending_share": None, "spending_level": "n/a",
                "spending_note": f"{year - 1}年无收入，不计算年度慈善活动支出比例"}
    share = (spend / last_income).quantize(Decimal("0.0001"))
    text = (f"慈善活动支出{spend}元，为{year - 1}年总收入{last_income}元的{share * 100:.2f}%，"
            f"{{}}{r.value * 100:.0f}%的要求（{r.citation}）")
    below = share < r.value
    return {"last_year_income": last_income, "spending_share": share, "spending_level": "below" if below else "ok",
            "spending_note": text.format("低于" if below else "不低于")}


# --- public reads -------------------------------------------------------------------------------------------------

def public_plans(on: dt.date) -> QuerySet[FundraisingPlan]:
    """募捐方案 in progress or coming up (慈善法: 公开募捐 information is public)."""
    return (FundraisingPlan.objects.filter(ends_on__gte=on).select_related("charity__org")
            .order_by("starts_on", "id"))


def public_wishes(kind: str = "") -> list[dict[str, Any]]:
    """Open wishes and small projects: title, need, budget, village and town — no person at all."""
    qs = Wish.objects.filter(status=Wish.Status.OPEN).select_related("area", "area__parent").order_by(
        "-raised_on", "-id")
    if kind in Wish.Kind.values:
        qs = qs.filter(kind=kind)
    return [{"id": w.pk, "kind": w.kind, "kind_label": w.get_kind_display(), "title": w.title, "need": w.need,
             "budget": w.budget, "village": w.area.name,
             "town": w.area.parent.name if w.area.parent else "", "raised_on": w.raised_on} for w in qs[:200]]


def public_wish(pk: object) -> Wish:
    return _one(Wish.objects.filter(Q(status=Wish.Status.OPEN)).select_related("area"), pk)


def receipt_check(number: str, code: str) -> dict[str, Any] | None:
    """The public receipt check: a number and its code match, or nothing is said."""
    number = (number or "").replace("\x00", "").strip()[:30]
    code = (code or "").replace("\x00", "").strip().upper()[:12]
    r = Receipt.objects.filter(number=number, code=code).select_related("donation__charity__org").first()
    if r is None or not code:
        return None
    d = r.donation
    donor = d.donor_name if len(d.donor_name) > 4 else d.donor_name[:1] + "*" * (len(d.donor_name) - 1)
    return {"number": r.number, "charity": str(d.charity), "donor": donor, "amount": d.amount,
            "kind": d.get_kind_display(), "received_on": d.received_on, "issued_on": r.issued_on}


def public_annual_reports(year: int) -> QuerySet[Disclosure]:
    return Disclosure.objects.filter(kind=Disclosure.Kind.ANNUAL_REPORT, year=year).select_related("charity__org")


def public_disclosures(kind: str = "", year: int | None = None) -> QuerySet[Disclosure]:
    """信息公开 items anyone may read: 募捐情况 and 项目实施情况, newest first (annual reports: their own list)."""
    kinds = [kind] if kind in (Disclosure.Kind.FUNDRAISING, Disclosure.Kind.PROJECT) else [
        Disclosure.Kind.FUNDRAISING, Disclosure.Kind.PROJECT]
    qs = Disclosure.objects.filter(kind__in=kinds).select_related("charity__org").order_by("-published_on", "-id")
    return qs.filter(year=year) if year else qs
