"""Shared plumbing for the HTML pages: login, capability gate, and domain errors as 403/404 pages."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from minzheng.core.errors import DomainError, Forbidden, NotFound
from minzheng.core.scope import require


def page(capability: str | None = None):
    """Login required; optional role capability; NotFound → 404 page, Forbidden → 403 page (both in Chinese)."""

    def deco(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                if capability:
                    require(request.user, capability)
                return view(request, *args, **kwargs)
            except NotFound as e:
                return render(request, "404.html", {"message": e.message}, status=404)
            except Forbidden as e:
                return render(request, "403.html", {"message": e.message}, status=403)

        return wrapped

    return deco


def paginate(request, qs, per_page: int = 20):
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def save_form(form, write):
    """Run a service write; its domain error lands on the named form field. Scope/permission errors propagate."""
    try:
        return write()
    except (NotFound, Forbidden):
        raise
    except DomainError as e:
        form.attach(e)
        return None


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"
