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
from minzheng.areas.selectors import top_areas
from minzheng.core.errors import DomainError
from minzheng.core.periods import check_payroll_month, local_date, next_month_start
from minzheng.registry.selectors import person_chosen
from minzheng.registry.services import mask_account
from minzheng.web.pages import is_htmx, page, paginate, require

from . import bankfiles, reference, selectors, services


def _month(request) -> dt.date | None:
    text = request.GET.get("month", "")
    try:
        return dt.date.fromisoformat(text + "-01") if text else None
    except ValueError:
        return None


def _refused(request, e: DomainError, to):
    if e.status in (403, 404) and e.code != "four_eyes":  # a four-eyes refusal is shown on the page it came from
        raise e
    messages.error(request, e.message)
    return to


@page(Cap.PAYROLL_VIEW)
def roster_list(request):
    month = _month(request)
    rosters = selectors.rosters_for(request.user, month=month)
    totals = selectors.totals(request.user, month=month) if month else []
    for t in totals:
        t["programme_label"] = reference.programme_label(t["programme"])
    can_generate = request.user.can(Cap.PAYROLL_RUN)
    return render(request, "payroll/roster_list.html", {
        "rosters": paginate(request, rosters), "month": month, "totals": totals, "can_generate": can_generate,
        "programmes": reference.programme_choices() if can_generate else [],
        "generate_areas": top_areas(request.user) if can_generate else [],
        "next_month": next_month_start(local_date())})


@require_POST
@page(Cap.PAYROLL_RUN)
def roster_new(request):
    """The 生成发放名单 button: a roster for a (new) month, programme and area, through the one service."""
    back = redirect("payroll:list")
    area = next((a for a in top_areas(request.user) if a.code == request.POST.get("area", "")), None)
    codes = dict(reference.programme_choices())
    programme = request.POST.get("programme", "")
    try:
        month = dt.date.fromisoformat(request.POST.get("month", "") + "-01")
    except ValueError:
        messages.error(request, "发放月份格式不正确，请选择年月")
        return back
    if area is None:
        messages.error(request, "发放区域不在您的管辖范围内")
        return back
    if programme not in codes:
        messages.error(request, "请选择救助项目")
        return back
    try:
        check_payroll_month(month)
        roster = services.roster_generate(actor=request.user, programme=programme, area=area, month=month)
    except DomainError as e:
        return _refused(request, e, back)
    messages.success(request, f"已生成{roster}，共{roster.line_count}笔")
    return redirect("payroll:roster", pk=roster.pk)


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
        "can_adjust": request.user.can(Cap.PAYROLL_RUN) and not roster.is_released,
        "can_approve": request.user.can(Cap.PAYROLL_APPROVE) and not roster.is_released,
        "awaiting_approval": set() if roster.is_released else set(services.lines_awaiting_approval(roster)),
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
    anomalies = paginate(request, qs, 50)
    if request.user.can(Cap.ANOMALY_HANDLE):  # each anomaly offers only the handlers of its roster's area
        by_area: dict[int, list] = {}
        for a in anomalies:
            if a.roster.area_id not in by_area:
                by_area[a.roster.area_id] = selectors.anomaly_handlers(a.roster.area)
            a.handlers = by_area[a.roster.area_id]
    return render(request, "payroll/anomaly_list.html",
                  {"anomalies": anomalies,
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


# --- line adjustment before release --------------------------------------------------------------------------

@require_POST
@page(Cap.PAYROLL_RUN)
def line_action(request, pk, action):
    """Before release: correct one line's amount (adjust), take it out (hold, 暂停发放) or put it back (resume),
    each with a reason; a released roster refuses all three."""
    line = selectors.line_get(request.user, pk)
    back = redirect("payroll:roster", pk=line.roster_id)
    reason = request.POST.get("reason", "")
    try:
        if action == "adjust":
            services.roster_line_adjust(actor=request.user, line=line, amount=request.POST.get("amount", ""),
                                        reason=reason)
            messages.success(request, f"已调整{line.person.name}的发放金额，请重新进行资金监管校验后发布")
        elif action == "hold":
            services.roster_line_hold(actor=request.user, line=line, reason=reason)
            messages.success(request, f"已暂停{line.person.name}本月的发放")
        elif action == "resume":
            services.roster_line_resume(actor=request.user, line=line, reason=reason)
            messages.success(request, f"已恢复{line.person.name}的发放，请重新进行资金监管校验后发布")
        elif action == "approve":
            services.roster_line_approve(actor=request.user, line=line)
            messages.success(request, f"已复核{line.person.name}调整后的发放金额{line.amount}元")
        else:
            raise DomainError("未知操作")
    except DomainError as e:
        return _refused(request, e, back)
    return back


# --- 近亲属备案 ------------------------------------------------------------------------------------------------

def _relative_form_errors(request, staff, person, d) -> dict:
    errors = {}
    if staff is None:
        errors["staff"] = "请选择本辖区的工作人员"
    if not d["id_number"] and not d["person"]:
        errors["id_number"] = "请选择近亲属（输入姓名或身份证号查找）"
    elif person is None and d["person"]:
        errors["id_number"] = "未找到所选近亲属，或其不在您的管辖范围内；请先在人员登记中登记"
    elif person is None:
        errors["id_number"] = f"未找到身份证号为“{d['id_number']}”的人员，或其不在您的管辖范围内；请先在人员登记中登记"
    return errors


@page(Cap.ANOMALY_VIEW)
def staff_relatives(request):
    """近亲属备案: the filed relatives of staff living in the user's areas; county staff file and withdraw them.
    Their payments are flagged by the 资金监管 rule staff_relative."""
    can_handle = request.user.can(Cap.ANOMALY_HANDLE)
    candidates = selectors.staff_candidates(request.user) if can_handle else []
    d = {"staff": request.POST.get("staff", ""), "id_number": request.POST.get("id_number", "").strip(),
         "person": request.POST.get("person", "").strip(),
         "relation": request.POST.get("relation", "").strip()}
    errors, status = {}, 200
    if request.method == "POST":
        require(request.user, Cap.ANOMALY_HANDLE)
        staff = candidates.filter(pk=d["staff"]).first() if d["staff"].isdigit() else None
        person = person_chosen(request.user, person_id=d["person"], id_number=d["id_number"])
        errors = _relative_form_errors(request, staff, person, d)
        if not errors:
            try:
                services.staff_relative_register(actor=request.user, staff=staff, person=person,
                                                 relation=d["relation"])
                messages.success(request, f"已备案：{person.name}为{staff}的{d['relation']}")
                return redirect("payroll:relatives")
            except DomainError as e:
                if e.status in (403, 404):
                    raise
                errors["form"], status = e.message, e.status
        status = status if status != 200 else 400
    q = request.GET.get("q", "")
    rows = paginate(request, selectors.staff_relatives_for(request.user, query=q), 50)
    chosen = person_chosen(request.user, person_id=d["person"]) if d["person"] and request.method == "POST" else None
    ctx = {"rows": rows, "q": q, "can_handle": can_handle, "candidates": candidates, "d": d, "errors": errors,
           "chosen": chosen}
    if is_htmx(request) and request.method == "GET":
        return render(request, "payroll/_relative_rows.html", ctx)
    return render(request, "payroll/staff_relatives.html", ctx, status=status)


@require_POST
@page(Cap.ANOMALY_HANDLE)
def staff_relative_remove(request, pk):
    rel = selectors.staff_relative_get(request.user, pk)
    try:
        services.staff_relative_remove(actor=request.user, relative=rel, reason=request.POST.get("reason", ""))
        messages.success(request, f"已撤销{rel.person.name}的近亲属备案")
    except DomainError as e:
        return _refused(request, e, redirect("payroll:relatives"))
    return redirect("payroll:relatives")
