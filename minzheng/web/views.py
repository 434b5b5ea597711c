from django.conf import settings
from django.contrib.auth import login, logout
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from minzheng.accounts.roles import Cap
from minzheng.accounts.services import login_attempt
from minzheng.areas.models import Area
from minzheng.areas.selectors import top_areas
from minzheng.core.errors import DomainError
from minzheng.core.models import AuditEntry
from minzheng.core.scope import user_area_paths
from minzheng.registry.models import Category, PersonCategory
from minzheng.registry.selectors import households_for, persons_for

from .pages import page, paginate


def login_view(request):
    error, username = None, ""
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        try:
            user = login_attempt(request=request, username=username, password=request.POST.get("password", ""))
        except DomainError as e:
            error = e.message
        else:
            login(request, user)
            nxt = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
                nxt = ""
            return redirect(nxt or "web:home")
    ctx = {"error": error, "username": username, "max_failures": settings.LOGIN_MAX_FAILURES,
           "lockout_minutes": settings.LOGIN_LOCKOUT_MINUTES}
    return render(request, "web/login.html", ctx, status=400 if error else 200)


@require_POST
def logout_view(request):
    logout(request)
    return redirect("web:login")


def _areas_below(user) -> list[Area]:
    """The areas one level below the user's own (or the user's own areas when they have none below)."""
    tops = top_areas(user)
    below = list(Area.objects.current().filter(parent__in=tops).order_by("path"))
    return below or tops


@page()
def home(request):
    user = request.user
    ctx = {"tops": top_areas(user)}
    if user.can(Cap.REGISTRY_VIEW):
        persons, households = persons_for(user), households_for(user).filter(dissolved_on__isnull=True)
        below = _areas_below(user)
        # One aggregate query per table for all the areas below.
        p_counts = persons.aggregate(**{f"a{a.pk}": Count("id", filter=Q(residence_area__path__startswith=a.path))
                                        for a in below}) if below else {}
        h_counts = households.aggregate(**{f"a{a.pk}": Count("id", filter=Q(area__path__startswith=a.path))
                                           for a in below}) if below else {}
        by_cat = dict(PersonCategory.objects.filter(valid_to__isnull=True, person__in=persons)
                      .values_list("category").annotate(n=Count("person_id", distinct=True)).order_by())
        ctx |= {
            "person_count": persons.count(),
            "household_count": households.count(),
            "categories": [(c.value, c.label, by_cat.get(c.value, 0)) for c in Category],
            "below": [(a, p_counts.get(f"a{a.pk}", 0), h_counts.get(f"a{a.pk}", 0)) for a in below],
        }
    return render(request, "web/home.html", ctx)


def _audit_scope(user):
    """Audit entries of the user's areas, by area-code prefix (codes nest: 440704 ⊃ 440704003 ⊃ 440704003001)."""
    codes = [a.code for a in top_areas(user)]
    if not codes or not user_area_paths(user):
        return AuditEntry.objects.none()
    q = Q()
    for c in codes:
        q |= Q(area_code__startswith=c)
    return AuditEntry.objects.filter(q)


@page(Cap.AUDIT_VIEW)
def audit_log(request):
    qs = _audit_scope(request.user).order_by("-seq")
    action = request.GET.get("action", "").strip()
    actor = request.GET.get("actor", "").strip()
    if action:
        qs = qs.filter(action__startswith=action)
    if actor:
        qs = qs.filter(actor_name__startswith=actor)
    actions = _audit_scope(request.user).values_list("action", flat=True).distinct().order_by("action")
    return render(request, "web/audit_log.html",
                  {"page": paginate(request, qs, 50), "action": action, "actor": actor, "actions": actions})
