"""Payroll and 资金监管 pages. Thin: reads through payroll.selectors (scoped by the roster's area, out of scope is
404), writes through payroll.services / bankfiles (checked and audited); a refused action is shown as a message
and writes nothing."""

import datetime as dt

from django.contrib import messages
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from minzheng.accounts.models import User
from minzheng.accounts.roles import Cap
from minzheng.core.errors import DomainError
from minzheng.registry.services import mask_account
from minzheng.web.pages import page, paginate

from . import bankfiles, selectors, services


def _month(request) -> dt.date | None:
    text = request.GET.get("month", "")
    try:
        return dt.date.fromisoformat(text + "-01") if text else None
    except ValueError:
        return None


def _refused(request, e: DomainError, to):
    if e.status in (403, 404):
        raise e
    messages.error(request, e.message)
    return to


@page(Cap.PAYROLL_VIEW)
def roster_list(request):
    month = _month(request)
    rosters = selectors.rosters_for(request.user, month=month)
    totals = selectors.totals(request.user, month=month) if month else []
    return render(request, "payroll/roster_list.html",
                  {"rosters": paginate(request, rosters), "month": month, "totals": totals})


@page(Cap.PAYROLL_VIEW)
def roster_detail(request, pk):
    roster = selectors.roster_get(request.user, pk)
    lines = paginate(request, selectors.roster_lines(request.user, roster.pk, status=request.GET.get("status")), 50)
    for line in lines:
        line.account_masked = mask_account(line.bank_account)
    return render(request, "payroll/roster_detail.html", {
        "roster": roster, "lines": lines, "recon": bankfiles.reconcile(roster),
        "anomalies": services.anomaly_counts(roster),
        "can_run": request.user.can(Cap.PAYROLL_RUN),
    })


@require_POST
@page(Cap.PAYROLL_RUN)
def roster_action(request, pk, action):
    roster = selectors.roster_get(request.user, pk)
    back = redirect("payroll:roster", pk=roster.pk)
    try:
        if action == "generate":
            services.roster_generate(actor=request.user, programme=roster.programme, area=roster.area,
                                     month=roster.month)
            messages.success(request, "名单已重新生成（只补充缺少的明细）")
        elif action == "check":
            found = services.roster_check(actor=request.user, roster=roster)
            messages.success(request, f"资金监管校验完成，新发现疑点{sum(found.values())}条")
        elif action == "release":
            services.roster_release(actor=request.user, roster=roster)
            messages.success(request, "名单已发布，可下载银行代发文件")
        else:
            raise DomainError("未知操作")
    except DomainError as e:
        return _refused(request, e, back)
    return back


@page(Cap.PAYROLL_RUN)
def bank_file(request, pk):
    roster = selectors.roster_get(request.user, pk)
    try:
        name, rows = bankfiles.bank_file_export(actor=request.user, roster=roster)
    except DomainError as e:
        return _refused(request, e, redirect("payroll:roster", pk=roster.pk))
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@page(Cap.PAYROLL_RUN)
def bank_result(request, pk):
    roster = selectors.roster_get(request.user, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择银行回盘文件")
        return redirect("payroll:roster", pk=roster.pk)
    try:
        summary = bankfiles.bank_result_import(actor=request.user, roster=roster, data=upload.read(),
                                               filename=upload.name)
    except DomainError as e:
        if e.status in (403, 404):
            raise
        roster.refresh_from_db()
        return render(request, "payroll/bank_result.html",
                      {"roster": roster, "error": e.message, "errors": e.details or []}, status=400)
    return render(request, "payroll/bank_result.html", {"roster": roster, "summary": summary})


@page(Cap.ANOMALY_VIEW)
def anomaly_list(request):
    qs = selectors.anomalies_for(request.user, roster_pk=request.GET.get("roster") or None,
                                 status=request.GET.get("status") or None)
    handlers = []
    if request.user.can(Cap.ANOMALY_HANDLE):
        handlers = [u for u in User.objects.filter(is_active=True).order_by("username")
                    if u.can(Cap.ANOMALY_HANDLE)]
    return render(request, "payroll/anomaly_list.html",
                  {"anomalies": paginate(request, qs, 50), "handlers": handlers,
                   "can_handle": request.user.can(Cap.ANOMALY_HANDLE), "status": request.GET.get("status", "")})


@require_POST
@page(Cap.ANOMALY_HANDLE)
def anomaly_action(request, pk, action):
    anomaly = selectors.anomaly_get(request.user, pk)
    back = redirect(f"{reverse('payroll:anomalies')}?roster={anomaly.roster_id}")
    try:
        if action == "assign":
            assignee = User.objects.filter(pk=request.POST.get("assignee") or 0, is_active=True).first()
            services.anomaly_assign(actor=request.user, anomaly=anomaly, assignee=assignee)
            messages.success(request, "已分派承办人")
        elif action == "dispose":
            services.anomaly_dispose(actor=request.user, anomaly=anomaly,
                                     disposition=request.POST.get("disposition", ""),
                                     withhold_line=request.POST.get("withhold") == "1")
            messages.success(request, "处置意见已记录")
        elif action == "close":
            services.anomaly_close(actor=request.user, anomaly=anomaly)
            messages.success(request, "疑点已办结")
        else:
            raise DomainError("未知操作")
    except DomainError as e:
        return _refused(request, e, back)
    return back
