"""大慈善 pages: the charity desk and the bureau's supervision view (staff), and the public pages — fund-raising
plans, wishes to claim, the receipt check. Thin: scoped reads, audited writes."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from minzheng.accounts.roles import Cap
from minzheng.core.errors import DomainError, NotFound
from minzheng.core.periods import local_date
from minzheng.web.pages import page

from . import selectors, services


@page(Cap.CHARITY_VIEW)
def index(request):
    """The desk and supervision view: each charity's fund balances and this year's management-cost share."""
    year = local_date().year
    rows = [{"charity": c, "funds": selectors.fund_balances(c), "totals": selectors.annual_totals(c, year)}
            for c in selectors.charities_for(request.user)[:100]]
    return render(request, "charity/index.html", {
        "rows": rows, "year": year,
        "pending": selectors.expenditures_for(request.user).filter(status="prepared")[:100],
        "wishes": selectors.wishes_for(request.user).exclude(status="closed")[:100],
        "referrals": selectors.referrals_for(request.user)[:100],
        "trusts": selectors.trusts_for(request.user)[:100],
        "demo_sites": selectors.demo_sites_for(request.user).filter(revoked_on__isnull=True)[:200],
    })


def public_wishes(request):
    return render(request, "charity/public_wishes.html", {"wishes": selectors.public_wishes(),
                                                          "plans": selectors.public_plans(local_date())[:100]})


@require_POST
def public_claim(request):
    try:
        wish = selectors.public_wish(request.POST.get("wish", ""))
    except NotFound:
        messages.error(request, "该心愿已被认领或已不在待认领名单中，请选择其他心愿")
        return redirect("charity:public_wishes")
    try:
        services.wish_claim(actor=None, wish=wish, claimant=request.POST.get("claimant", ""))
        messages.success(request, f"感谢认领“{wish.title}”，村（居）工作人员将与您联系")
    except DomainError as e:
        messages.error(request, e.message)
    return redirect("charity:public_wishes")


def public_disclosures(request):
    kind = request.GET.get("kind", "")[:20]
    return render(request, "charity/public_disclosures.html", {
        "items": selectors.public_disclosures(kind)[:200], "kind": kind,
        "kinds": [("", "全部"), ("fundraising", "募捐情况"), ("project", "项目实施情况")]})


def receipt_check(request):
    number, code = request.GET.get("number", "")[:30], request.GET.get("code", "")[:12]
    found = selectors.receipt_check(number, code) if number else None
    return render(request, "charity/receipt_check.html", {"number": number, "found": found, "asked": bool(number)})
