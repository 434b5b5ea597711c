"""Pages of 低收入人口动态监测 and 一门受理 (namespace "lowincome"): the alert list with the towns' KPIs and the
county's feed upload, one alert with its next step, the phone page for 主动发现, the window's referrals, and a
person's record."""

import datetime as dt
import tempfile
from pathlib import Path

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from minzheng.accounts.roles import Cap
from minzheng.assistance.programmes.base import get_programme
from minzheng.core.errors import DomainError, NotFound
from minzheng.core.idcard import normalize
from minzheng.core.periods import local_date, month_start
from minzheng.core.scope import area_q
from minzheng.registry.models import Person
from minzheng.registry.selectors import person_chosen, person_get
from minzheng.web.pages import page, paginate, write_message

from . import rules, selectors, services
from .models import AlertStatus
from .runs import alert_run, population_refresh

REFER_PROGRAMMES = ("temporary", "dibao", "tekun", "low_income")


def _person_by_number(user, number: str) -> Person:
    number = normalize(number)
    person = Person.objects.filter(area_q(user, "residence_area"), id_number=number).first() if number else None
    if person is None:
        raise DomainError("该身份证号未在本辖区人员库中登记，请先登记人员", field="身份证号")
    return person


def _person_chosen(request) -> Person:
    """The person the referral form names: the search's choice or (without JavaScript) the typed 身份证号; a forged
    or out-of-scope id is refused like an unknown number."""
    person = person_chosen(request.user, person_id=request.POST.get("person", ""),
                           id_number=request.POST.get("id_number", ""), capability=Cap.LOWINCOME_VIEW)
    if person is None:
        raise DomainError("该人员未在本辖区人员库中登记，请先登记人员", field="求助人")
    return person


@page(Cap.LOWINCOME_VIEW)
def index(request):
    today = local_date()
    status = request.GET.get("status", "")
    qs = selectors.alerts_for(request.user)
    if status in AlertStatus.values:
        qs = qs.filter(status=status)
    since = month_start(today).replace(month=1)
    error = None
    if request.method == "POST":
        def write():
            upload = request.FILES.get("file")
            if upload is None:
                raise DomainError("请选择部门数据文件", field="文件")
            suffix = Path(upload.name or "").suffix.lower()
            with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
                for chunk in upload.chunks():
                    tmp.write(chunk)
                tmp.flush()
                b = services.feed_import(actor=request.user, kind=request.POST.get("kind", ""), path=Path(tmp.name),
                                         file_format=suffix.lstrip("."), original_name=upload.name or "")
            messages.success(request, f"已导入{b.total_rows}行（新增事件{b.new_events}条），"
                                      f"产生预警{b.alerts_raised}条")

        error = write_message(write)
        if error is None:
            return redirect("lowincome:index")
    return render(request, "lowincome/index.html", {
        "page": paginate(request, qs), "statuses": AlertStatus.choices, "f": request.GET, "error": error,
        "kpis": selectors.kpis(request.user, since=since, until=today, today=today), "since": since,
        "groups": [(rules.group_label(g), n) for g, n in selectors.monitored_counts(request.user).items()],
        "kinds": rules.kinds().values(), "can_feed": request.user.can(Cap.LOWINCOME_FEED),
    }, status=400 if error else 200)


@require_POST
@page(Cap.LOWINCOME_FEED)
def run(request):
    population_refresh()
    n = alert_run(user=request.user)
    messages.success(request, f"已刷新监测人口并重新比对，新增预警{n}条")
    return redirect("lowincome:index")


@page(Cap.LOWINCOME_VIEW)
def alert_detail(request, pk):
    alert = selectors.alert_get(request.user, pk)
    return _detail(request, alert)


def _detail(request, alert, error=None):
    return render(request, "lowincome/alert_detail.html", {
        "a": alert, "kind_label": rules.kind_label(alert.kind), "steps": alert.steps.all(), "error": error,
        "programmes": [(c, get_programme(c).label) for c in REFER_PROGRAMMES], "f": request.POST,
        "can_verify": request.user.can(Cap.LOWINCOME_VERIFY), "can_decide": request.user.can(Cap.LOWINCOME_DECIDE),
    }, status=400 if error else 200)


ACTIONS = ("verify", "recognise", "refer", "close")


@require_POST
@page(Cap.LOWINCOME_VIEW)
def alert_action(request, pk, action):
    alert = selectors.alert_get(request.user, pk)
    if action not in ACTIONS:
        raise NotFound()
    p = request.POST

    def write():
        if action == "verify":
            on = p.get("verified_on", "")
            try:
                day = dt.date.fromisoformat(on) if on else None
            except ValueError:
                raise DomainError("核实日期格式应为YYYY-MM-DD", field="核实日期") from None
            services.alert_verify(actor=request.user, alert=alert, finding=p.get("finding", ""), verified_on=day)
        elif action == "recognise":
            services.alert_recognise(actor=request.user, alert=alert, opinion=p.get("opinion", ""))
        elif action == "refer":
            services.alert_refer(actor=request.user, alert=alert, programme=p.get("programme", ""),
                                 variant=p.get("variant", ""), requested_amount=p.get("requested_amount") or None,
                                 note=p.get("note", ""), authorisation=request.FILES.get("authorisation"))
        else:
            services.alert_close(actor=request.user, alert=alert, reason=p.get("reason", ""))

    error = write_message(write)
    if error:
        alert.refresh_from_db()
        return _detail(request, alert, error)
    messages.success(request, "已保存")
    return redirect("lowincome:alert", pk=alert.pk)


@page(Cap.LOWINCOME_REPORT)
def mobile(request):
    """主动发现 on a phone: report a household in difficulty; below, the village's alerts waiting for 核实."""
    error = None
    if request.method == "POST":
        def write():
            person = _person_by_number(request.user, request.POST.get("id_number", ""))
            a = services.discovery_report(actor=request.user, person=person,
                                          description=request.POST.get("description", ""))
            messages.success(request, f"已报告{a.person.name}家的困难情况，请在{a.verify_due:%Y-%m-%d}前入户核实")

        error = write_message(write)
        if error is None:
            return redirect("lowincome:mobile")
    waiting = selectors.alerts_for(request.user).filter(status=AlertStatus.NEW).order_by("verify_due")[:50]
    return render(request, "lowincome/mobile.html", {"waiting": waiting, "error": error, "f": request.POST,
                                                     "today": local_date()}, status=400 if error else 200)


@page(Cap.LOWINCOME_VIEW)
def referrals(request):
    """一门受理: the town window's referrals to other departments, and the form to send one."""
    error = None
    if request.method == "POST":
        def write():
            person = _person_chosen(request)
            r = services.referral_create(actor=request.user, person=person, need=request.POST.get("need", ""),
                                         request=request.POST.get("request", ""))
            messages.success(request, f"已转{r.department}办理（{r.number}），受理期限{r.accept_due:%Y-%m-%d}")

        error = write_message(write)
        if error is None:
            return redirect("lowincome:referrals")
    return render(request, "lowincome/referrals.html", {
        "page": paginate(request, selectors.referrals_for(request.user)), "needs": rules.needs().values(),
        "error": error, "f": request.POST, "today": local_date(), "chosen": _kept_choice(request),
        "can_decide": request.user.can(Cap.LOWINCOME_DECIDE)}, status=400 if error else 200)


def _kept_choice(request) -> Person | None:
    """The form shown again after an error keeps the person chosen (one the user may choose)."""
    pid = request.POST.get("person", "")
    return person_chosen(request.user, person_id=pid, capability=Cap.LOWINCOME_VIEW) if pid else None


@require_POST
@page(Cap.LOWINCOME_VIEW)
def referral_action(request, pk, action):
    referral = selectors.referral_get(request.user, pk)
    error = write_message(lambda: services.referral_update(actor=request.user, referral=referral, action=action,
                                                             note=request.POST.get("note", "")))
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "已保存")
    return redirect("lowincome:referrals")


@page(Cap.LOWINCOME_VIEW)
def person_record(request, pk):
    """一人一档: a person's alerts and the referrals of them or their household."""
    person = person_get(request.user, pk)
    return render(request, "lowincome/person.html", {
        "person": person, "alerts": selectors.person_alerts(request.user, person.pk),
        "referrals": selectors.person_referrals(request.user, person.pk), "needs": rules.needs()})
