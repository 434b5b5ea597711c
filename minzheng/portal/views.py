"""居民掌上办: phone-sized pages for a resident, logged in with a one-time code. Thin: reads through selectors,
writes through services; a refusal is shown in Chinese above the form with nothing written."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from minzheng.assistance.models import OPEN_STATUSES
from minzheng.assistance.programmes.base import get_programme
from minzheng.core.errors import DomainError, Forbidden, NotFound
from minzheng.core.throttle import throttle
from minzheng.homecare.selectors import bound_elders

from . import pdf, selectors, services

TOO_MANY = "获取验证码过于频繁，请稍后再试"


def resident_page(view):
    """A resident's page: not logged in → the code login; NotFound → 404, Forbidden → 403 (both in Chinese)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('portal:login')}?next={request.path}")
        try:
            selectors.account_for(request.user)
            return view(request, *args, **kwargs)
        except NotFound as e:
            return render(request, "404.html", {"message": e.message}, status=404)
        except Forbidden as e:
            return render(request, "403.html", {"message": e.message}, status=403)

    return wrapped


def _programmes():
    return [(code, get_programme(code).label) for code in services.PROGRAMMES]


def login_view(request):
    """Step 1: the phone number → a code is sent (the same answer for any number). Step 2: the code → logged in."""
    phone = (request.POST.get("phone") or "").strip()
    error, sent, status = "", False, 200
    if request.method == "POST":
        try:
            if request.POST.get("step") == "verify":
                sent = True
                user = services.code_verify(phone=phone, code=request.POST.get("code", ""))
                login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
                nxt = request.GET.get("next", "")
                return redirect(nxt if nxt.startswith("/portal/") else reverse("portal:home"))
            throttle(request, group="portal.code", rate=settings.PORTAL_CODE_RATE_PER_IP, message=TOO_MANY)
            services.code_request(phone=phone)
            sent = True
        except DomainError as e:
            error, status = e.message, e.status
    return render(request, "portal/login.html", {"phone": phone, "sent": sent, "error": error}, status=status)


@resident_page
def home(request):
    account = selectors.account_for(request.user)
    today = timezone.localdate()
    apps = [(a, get_programme(a.programme).label) for a in selectors.applications_for(request.user)[:10]]
    return render(request, "portal/home.html", {
        "account": account, "apps": apps,
        "notices": selectors.notices(request.user)[:3],
        "publicities": selectors.open_publicities(request.user, today)[:5],
        "elders": bound_elders(request.user), "appointments": selectors.marriage_appointments(request.user)[:3]})


@resident_page
def apply(request):
    account = selectors.account_for(request.user)
    today = timezone.localdate()
    adults = selectors.adults_of(account.person, today)
    error, status = "", 200
    d = request.POST
    if request.method == "POST":
        signatures = {p.pk: d.get(f"sig_{p.pk}", "") for p in adults}
        try:
            app = services.portal_apply(actor=request.user, programme=d.get("programme", ""),
                                        variant=d.get("variant", ""),
                                        requested_amount=d.get("requested_amount") or None,
                                        signatures=signatures, declared=d.get("declared") == "on",
                                        note=d.get("note", ""), today=today)
            messages.success(request, f"申请已提交，编号{app.number}。镇街将在规定时限内受理，请留意办理进度和通知。")
            return redirect("portal:application", pk=app.pk)
        except DomainError as e:
            if isinstance(e, (NotFound, Forbidden)):
                raise
            error, status = e.message, e.status
    return render(request, "portal/apply.html", {
        "account": account, "adults": adults, "programmes": _programmes(), "error": error, "form": d},
        status=status)


@resident_page
def authorisation_template(request):
    account = selectors.account_for(request.user)
    data = pdf.template_pdf(selectors.adults_of(account.person, timezone.localdate()))
    resp = HttpResponse(data, content_type="application/pdf")
    resp["Content-Disposition"] = "attachment; filename*=UTF-8''%E6%A0%B8%E5%AF%B9%E6%8E%88%E6%9D%83%E4%B9%A6.pdf"
    return resp


def _detail(request, app, *, error="", status=200):
    return render(request, "portal/application.html", {
        "app": app, "label": get_programme(app.programme).label, "stages": selectors.timeline(app),
        "files": selectors.attachments(app), "can_upload": app.created_by_id == request.user.pk and app.status in
        OPEN_STATUSES, "error": error,
        "notices": [n for n in selectors.notices(request.user) if n.application_id == app.pk]}, status=status)


@resident_page
def application(request, pk):
    return _detail(request, selectors.application_get(request.user, pk))


@require_POST
@resident_page
def application_upload(request, pk):
    app = selectors.application_get(request.user, pk)
    upload = request.FILES.get("file")
    if upload is None:
        return _detail(request, app, error="请选择要上传的证明材料（图片或PDF）", status=400)
    try:
        services.portal_attach(actor=request.user, application=app, upload=upload)
    except DomainError as e:
        if isinstance(e, (NotFound, Forbidden)):
            raise
        return _detail(request, app, error=e.message, status=e.status)
    messages.success(request, f"已上传“{upload.name}”")
    return redirect("portal:application", pk=app.pk)


@resident_page
def notices(request):
    return render(request, "portal/notices.html", {"notices": selectors.notices(request.user)})


@resident_page
def gongshi(request):
    today = timezone.localdate()
    return render(request, "portal/gongshi.html", {"publicities": selectors.open_publicities(request.user, today)})


@resident_page
def objection(request, pk):
    pub = selectors.publicity_get(request.user, pk)
    error, status = "", 200
    if request.method == "POST":
        try:
            services.portal_object(actor=request.user, publicity_id=pub.pk, reason=request.POST.get("reason", ""))
            messages.success(request, "异议已提交，所在镇（街道）民政部门将核实处理；核实期间公示照常进行")
            return redirect("portal:gongshi")
        except DomainError as e:
            if isinstance(e, (NotFound, Forbidden)):
                raise
            error, status = e.message, e.status
    return render(request, "portal/objection.html", {"pub": pub, "error": error,
                                                     "reason": request.POST.get("reason", "")}, status=status)
