"""Shared plumbing for the HTML pages: login, capability gate, and domain errors as 403/404 pages."""

import datetime as dt
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.functional import cached_property

from minzheng.core.errors import DomainError, Forbidden, NotFound
from minzheng.core.periods import check_not_before_records
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


class CappedPaginator(Paginator):
    """Counts at most `cap` + 1 rows. Over a million persons the exact COUNT is most of a page's time, and nobody
    pages through more than `cap` rows: past it the page says "超过 N 条" and asks for a search or a filter."""

    def __init__(self, object_list, per_page: int, *, cap: int, first_rows=None):
        super().__init__(object_list, per_page)
        self.cap = cap
        # first_rows(n): a cheaper query whose first n rows are those of object_list, or None (then object_list)
        self.first_rows = first_rows

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.first_rows(top) if self.first_rows else None
        return self._get_page((self.object_list if rows is None else rows)[bottom:top], number, self)

    @cached_property
    def _counted(self) -> int:
        # COUNT over a LIMIT subquery of ids, unordered: an ORDER BY there would make the database sort every
        # row in scope before it may stop at cap + 1 (0.4 s for a town of 238,000 persons).
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        return self._counted > self.cap

    @property
    def cap_text(self) -> str:
        return f"{self.cap:,}"


def paginate(request, qs, per_page: int = 20, *, count_cap: int | None = None, first_rows=None):
    paginator = (Paginator(qs, per_page) if count_cap is None
                 else CappedPaginator(qs, per_page, cap=count_cap, first_rows=first_rows))
    return paginator.get_page(request.GET.get("page"))


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


def write_message(fn) -> str | None:
    """Run a service write for a form; a DomainError (not scope or right, which propagate) comes back as the message
    to show, with the rows of a refused file listed after it."""
    try:
        fn()
        return None
    except (NotFound, Forbidden):
        raise
    except DomainError as e:
        if isinstance(e.details, list):
            rows = "；".join(f"第{d['row']}行 {d['field']}：{d['message']}" for d in e.details[:50])
            return f"{e.message}。{rows}"
        return e.message


def form_date(value: str, label: str, *, latest: dt.date | None = None) -> dt.date:
    """A date typed into a page's form (YYYY-MM-DD): a blank or malformed one, one before the platform's records or
    one after `latest` is a DomainError naming the field."""
    text = (value or "").strip()
    if not text:
        raise DomainError(f"请填写{label}", field=label)
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise DomainError(f"{label}格式应为YYYY-MM-DD", field=label) from None
    check_not_before_records(day, field=label, label=label)
    if latest is not None and day > latest:
        raise DomainError(f"{label}{day.isoformat()}晚于{latest.isoformat()}", field=label)
    return day


def form_pick(qs, value: str, label: str):
    """The object a form's <select> named, looked up in the user's scoped queryset `qs`: an empty choice asks for
    one; an id outside `qs` (another area's, or none) is the same 404 as an absent one."""
    text = (value or "").strip()
    if not text:
        raise DomainError(f"请选择{label}", field=label)
    obj = qs.filter(pk=int(text)).first() if text.isdigit() else None
    if obj is None:
        raise NotFound(f"所选{label}不存在或不在您的管辖范围内")
    return obj
