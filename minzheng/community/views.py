"""城乡社区治理 pages: a village worker's phone-sized 村务公开 page (record, publish) and the public 村务公开 page of
a village (no login, published items only)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from minzheng.accounts.roles import Cap
from minzheng.core.errors import DomainError, Forbidden, NotFound
from minzheng.web.pages import page

from . import selectors, services


@page(Cap.COMMUNITY_VIEW)
def index(request):
    return render(request, "community/index.html", {
        "disclosures": selectors.disclosures_for(request.user)[:100],
        "elections": selectors.elections_for(request.user)[:100],
        "can_edit": request.user.can(Cap.COMMUNITY_EDIT)})


@require_POST
@page(Cap.COMMUNITY_EDIT)
def publish(request, pk):
    d = selectors.disclosure_get(request.user, pk)
    try:
        services.disclosure_publish(actor=request.user, item=d)
        messages.success(request, f"“{d.title}”已公开")
    except DomainError as e:
        if e.status in (403, 404):
            raise
        messages.error(request, e.message)
    return redirect("community:index")


def public(request, code):
    """村（居）务公开 for residents: published items of one village only."""
    if request.method != "GET":
        raise Forbidden()
    try:
        area, items = selectors.public_disclosures(code)
    except NotFound as e:
        return render(request, "404.html", {"message": e.message}, status=404)
    return render(request, "community/public.html", {"area": area, "items": items})
