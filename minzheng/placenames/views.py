"""地名 pages: gazetteer search (name, pinyin or initials), the naming officer's applications and each one's
detail with its 地名批准书 PDF. Scoped reads; writes go through the API and services."""

from django.http import HttpResponse
from django.shortcuts import render

from minzheng.accounts.roles import Cap
from minzheng.core.errors import Conflict
from minzheng.web.pages import page

from . import selectors, services
from .certificate import certificate_pdf


@page(Cap.PLACENAME_VIEW)
def index(request):
    q = (request.GET.get("q") or "").strip()[:40]
    category = (request.GET.get("category") or "").strip()[:4]
    return render(request, "placenames/index.html", {
        "q": q, "category": category, "categories": services.categories(),
        "places": selectors.place_search(request.user, q, category=category)[:100],
        "applications": selectors.applications_for(request.user)[:100],
    })


@page(Cap.PLACENAME_VIEW)
def application(request, pk):
    a = selectors.application_get(request.user, pk)
    return render(request, "placenames/application.html", {"a": a, "category": services.categories().get(a.category),
                                                           "history": a.result.history.all() if a.result else []})


@page(Cap.PLACENAME_VIEW)
def certificate(request, pk):
    a = selectors.application_get(request.user, pk)
    try:
        data = certificate_pdf(a)
    except Conflict as e:
        return render(request, "404.html", {"message": e.message}, status=404)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="dimingpizhunshu-{a.pk}.pdf"'
    return response
