"""城乡社区治理 pages: a village worker's phone-sized 村务公开 page (record, publish) and the public 村务公开 page of
a village (no login, published items only)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from minzheng.accounts.roles import Cap
from minzheng.areas.services import area_by_code
from minzheng.core.errors import DomainError, Forbidden, NotFound
from minzheng.web.pages import page

from . import selectors, services
from .models import STEPS, Disclosure


@page(Cap.COMMUNITY_VIEW)
def index(request):
    return render(request, "community/index.html", {
        "disclosures": selectors.disclosures_for(request.user)[:100],
        "elections": selectors.elections_for(request.user)[:100],
        "can_edit": request.user.can(Cap.COMMUNITY_EDIT), "steps": STEPS,
        "categories": Disclosure.Category.choices})


def _date(text: str, field: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(text or "")
    except ValueError:
        raise DomainError(f"请填写{field}", field=field) from None


def _int(text: str, field: str) -> int:
    try:
        return int(text or "")
    except ValueError:
        raise DomainError(f"{field}应为整数", field=field) from None


@require_POST
@page(Cap.COMMUNITY_EDIT)
def disclose(request):
    """A village worker records a 村务公开 item with the 四议 dates filled in so far (phone-sized form)."""
    try:
        area = area_by_code(request.POST.get("area_code", ""), field="村（居）")
        steps = {k: _date(request.POST[k], label) for k, label in STEPS if request.POST.get(k)}
        services.disclosure_create(actor=request.user, area=area, category=request.POST.get("category", ""),
                                   title=request.POST.get("title", ""), content=request.POST.get("content", ""),
                                   steps=steps)
        messages.success(request, "公开事项已登记，待公开")
    except DomainError as e:
        if e.status in (403, 404):
            raise
        messages.error(request, e.message)
    return redirect("community:index")


@require_POST
@page(Cap.COMMUNITY_EDIT)
def election(request):
    try:
        area = area_by_code(request.POST.get("area_code", ""), field="村（居）")
        held_on = _date(request.POST.get("held_on", ""), "选举日期")
        services.election_record(actor=request.user, area=area, held_on=held_on,
                                 voters=_int(request.POST.get("voters", ""), "登记选民数"),
                                 votes=_int(request.POST.get("votes", ""), "参加投票人数"),
                                 non_hukou_voters=_int(request.POST.get("non_hukou_voters") or "0", "非户籍选民数"),
                                 first_round=request.POST.get("first_round") == "1",
                                 one_shoulder=request.POST.get("one_shoulder") == "1")
        messages.success(request, "选举结果已登记")
    except DomainError as e:
        if e.status in (403, 404):
            raise
        messages.error(request, e.message)
    return redirect("community:index")


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
