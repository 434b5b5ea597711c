from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from minzheng.accounts.services import login_attempt
from minzheng.core.errors import DomainError


def login_view(request):
    error = None
    if request.method == "POST":
        try:
            user = login_attempt(request=request, username=request.POST.get("username", ""),
                                 password=request.POST.get("password", ""))
        except DomainError as e:
            error = e.message
        else:
            login(request, user)
            return redirect(request.GET.get("next") or "web:home")
    return render(request, "web/login.html", {"error": error}, status=400 if error else 200)


def logout_view(request):
    logout(request)
    return redirect("web:login")


@login_required
def home(request):
    return render(request, "web/home.html", {})
