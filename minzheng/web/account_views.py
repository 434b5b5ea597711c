"""Administration pages: an administrator manages the accounts of their areas (accounts/services.py does the work,
accounts/selectors.py decides which accounts they see). Also every user's own password change."""

from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from minzheng.accounts import selectors
from minzheng.accounts import services as accounts
from minzheng.accounts.roles import Cap, Role
from minzheng.core.errors import DomainError

from .pages import page, paginate

ACTIONS = ("role", "areas", "reset-password", "deactivate", "reactivate", "unlock")
_DONE = {"role": "角色已修改", "areas": "管辖区域已修改", "reset-password": "密码已重置，用户下次登录须修改密码",
         "deactivate": "账号已停用", "reactivate": "账号已启用", "unlock": "登录锁定已解除"}


def _codes(text: str) -> list[str]:
    return [c for c in text.replace("，", ",").replace(" ", ",").split(",") if c.strip()]


@page(Cap.ACCOUNT_MANAGE)
def user_list(request):
    qs = selectors.managed_users(request.user)
    q = request.GET.get("q", "").strip()[:64]
    if q:
        qs = qs.filter(username__icontains=q) | qs.filter(display_name__icontains=q)
    return render(request, "web/accounts/list.html", {"page": paginate(request, qs, 50), "q": q})


@page(Cap.ACCOUNT_MANAGE)
def user_new(request):
    error, form = None, {}
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in ("username", "display_name", "role", "areas")}
        try:
            user = accounts.account_create(actor=request.user, username=form["username"],
                                           display_name=form["display_name"], role=form["role"],
                                           area_codes=_codes(form["areas"]), password=request.POST.get("password", ""))
        except DomainError as e:
            error = e.message
        else:
            return redirect("accounts:detail", pk=user.pk)
    return render(request, "web/accounts/new.html",
                  {"error": error, "form": form, "roles": Role.choices,
                   "areas": selectors.assignable_areas(request.user).order_by("path")[:500]},
                  status=400 if error else 200)


@page(Cap.ACCOUNT_MANAGE)
def user_detail(request, pk: int):
    target = selectors.managed_user(request.user, pk)
    return _detail(request, target)


def _detail(request, target, *, error=None, done=None):
    ctx = {"target": target, "roles": Role.choices, "error": error, "done": done,
           "locked": selectors.locked_out(target),
           "area_codes": ",".join(a.area.code for a in target.area_assignments.all())}
    return render(request, "web/accounts/detail.html", ctx, status=400 if error else 200)


@page(Cap.ACCOUNT_MANAGE)
def user_action(request, pk: int, action: str):
    target = selectors.managed_user(request.user, pk)
    if request.method != "POST" or action not in ACTIONS:
        return redirect("accounts:detail", pk=target.pk)
    actor, post = request.user, request.POST
    try:
        if action == "role":
            accounts.account_set_role(actor=actor, user=target, role=post.get("role", ""))
        elif action == "areas":
            accounts.account_set_areas(actor=actor, user=target, area_codes=_codes(post.get("areas", "")))
        elif action == "reset-password":
            accounts.account_reset_password(actor=actor, user=target, password=post.get("password", ""))
        elif action == "deactivate":
            accounts.account_deactivate(actor=actor, user=target, reason=post.get("reason", ""))
        elif action == "reactivate":
            accounts.account_reactivate(actor=actor, user=target)
        else:
            accounts.account_unlock(actor=actor, user=target)
    except DomainError as e:
        target.refresh_from_db()
        return _detail(request, target, error=e.message)
    target = selectors.managed_user(actor, pk)
    return _detail(request, target, done=_DONE[action])


@login_required
def password_change(request):
    error, done = None, False
    if request.method == "POST":
        try:
            accounts.password_change(user=request.user, old_password=request.POST.get("old_password", ""),
                                     new_password=request.POST.get("new_password", ""))
        except DomainError as e:
            error = e.message
        else:
            update_session_auth_hash(request, request.user)  # stay logged in with the new password
            done = True
    return render(request, "web/accounts/password.html", {"error": error, "done": done},
                  status=400 if error else 200)
