from django.conf import settings
from django.contrib.auth import login, logout
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from minzheng.accounts.roles import Cap
from minzheng.accounts.services import login_attempt
from minzheng.core.errors import DomainError
from minzheng.core.models import AuditEntry
from minzheng.core.scope import area_code_q

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


def _audit_scope(user):
    """Audit entries of the user's areas (by area code: core.scope)."""
    return AuditEntry.objects.filter(area_code_q(user, "area_code"))


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
