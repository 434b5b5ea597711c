"""复核 tasks and the enrolled case: history, recheck decisions, exit."""


from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from minzheng.accounts.roles import Cap
from minzheng.core.errors import Conflict
from minzheng.core.periods import next_month_start
from minzheng.verification.selectors import reports_for
from minzheng.web.pages import page, paginate, require

from .. import rechecks, selectors
from ..forms import (
    CaseExitForm,
    RecheckForm,
    programme_choices,
)
from ..models import Case, CaseChange
from ..programmes.base import get_programme
from .approval import _report_initial
from .base import COMPONENTS, _save

# --- 复核 and the enrolled case -----------------------------------------------------------------------


def _component_rows(ents):
    for e in ents:
        e.component_label = COMPONENTS.get(e.component, e.component)
    return ents


@page(Cap.ASSIST_VIEW)
def recheck_list(request):
    status = request.GET.get("status", "open")
    status = status if status in ("open", "done", "all") else "open"
    rows = paginate(request, selectors.recheck_tasks(request.user, status=None if status == "all" else status))
    rows.object_list = list(rows.object_list)
    for t in rows.object_list:
        t.outcome_label = CaseChange.Kind(t.outcome).label if t.outcome in CaseChange.Kind.values else t.outcome
    return render(request, "assistance/recheck_list.html",
                  {"page": rows, "status": status, "today": timezone.localdate(), "labels": dict(programme_choices())})


def _latest_report(user, case: Case):

    if case.household_id is None or not user.can(Cap.VERIFY_VIEW):
        return None
    return reports_for(user).filter(household_id=case.household_id).order_by("-on", "-id").first()


@page(Cap.ASSIST_VIEW)
def recheck_task(request, pk):
    """复核: enter the figures found afresh, 测算 previews the new amounts (nothing written), 作出复核决定 applies
    them from next month (增发/减发), or ends the case (停发) when it no longer qualifies."""
    task = selectors.recheck_task_get(request.user, pk)
    case = task.case
    members = selectors.case_members(case)
    report = _latest_report(request.user, case)
    initial = _report_initial(report, members) if report else {"urban_rural": case.urban_rural}
    form = RecheckForm(request.POST or None, members=members, initial=initial,
                       inputs=get_programme(case.programme).approval_inputs)
    decision = outcome = conflict = None
    today = timezone.localdate()
    if request.method == "POST":
        require(request.user, Cap.ASSIST_APPROVE)
        if form.is_valid():
            def facts():
                return rechecks.recheck_facts(request.user, case, today, **form.facts_kwargs())

            if request.POST.get("do") == "decide":
                change, conflict = _save(form, lambda: rechecks.recheck_complete(
                    actor=request.user, task=task, facts=facts(), note=form.cleaned_data["opinion"]))
                if change:
                    messages.success(request, f"复核完成：{change.get_kind_display()}，自{change.from_month:%Y年%m月}起"
                                              f"月合计{change.new_total}元")
                    return redirect("assistance:case", pk=case.pk)
                task.refresh_from_db()
            else:
                def preview():
                    f = facts()
                    d = get_programme(case.programme).assess(f)
                    return d, rechecks.recheck_outcome(case, d, f.on)

                got, conflict = _save(form, preview)
                if got:
                    decision, outcome = got
    names = {p.pk: p.name for p in members}
    amounts = [{"name": names.get(a.person_id, ""), "component": COMPONENTS.get(a.component, a.component),
                "amount": f"{a.monthly_amount:.2f}", "explanation": a.explanation, "rule_version": a.rule_version}
               for a in (decision.amounts if decision and decision.eligible else ())]
    status = 409 if conflict else (400 if form.errors else 200)
    if request.method == "GET" and task.status != "open":
        conflict = Conflict("该复核任务已办结")
    return render(request, "assistance/recheck_task.html", {
        "task": task, "case": case, "form": form, "rows": form.member_rows(), "decision": decision,
        "outcome": outcome, "amounts": amounts, "conflict": conflict, "report": report,
        "outcome_label": CaseChange.Kind(task.outcome).label if task.outcome in CaseChange.Kind.values else "",
        "programme": get_programme(case.programme), "current": rechecks.monthly_total(case, today),
        "start": next_month_start(today), "can_decide": request.user.can(Cap.ASSIST_APPROVE)}, status=status)


def _case_page(request, case: Case, *, form=None, conflict=None, status=200):
    today = timezone.localdate()
    ents = _component_rows(list(case.entitlements.select_related("person").order_by("-from_month", "id")))
    return render(request, "assistance/case_detail.html", {
        "case": case, "programme": get_programme(case.programme), "history": selectors.case_history(case, today=today),
        "changes": case.changes.select_related("created_by").order_by("-from_month", "-id"),
        "entitlements": ents, "tasks": case.rechecks.order_by("-due_date", "-id"),
        "current": rechecks.monthly_total(case, today), "today": today,
        "exit_form": form or CaseExitForm(initial={"from_month": next_month_start(today)}),
        "can_exit": case.status != Case.Status.EXITED and request.user.can(Cap.ASSIST_APPROVE),
        "conflict": conflict}, status=status)


@page(Cap.ASSIST_VIEW)
def case_detail(request, pk):
    return _case_page(request, selectors.case_get(request.user, pk))


@require_POST
@page(Cap.ASSIST_VIEW)
def case_exit(request, pk):
    case = selectors.case_get(request.user, pk)
    require(request.user, Cap.ASSIST_APPROVE)
    form = CaseExitForm(request.POST)
    if not form.is_valid():
        return _case_page(request, case, form=form, status=400)
    d = form.cleaned_data
    change, conflict = _save(form, lambda: rechecks.case_exit(actor=request.user, case=case,
                                                                from_month=d["from_month"], reason=d["reason"]))
    if change is None:
        case.refresh_from_db()
        return _case_page(request, case, form=form, conflict=conflict, status=409 if conflict else 400)
    messages.success(request, f"已办理退出，自{change.from_month:%Y年%m月}起停发")
    return redirect("assistance:case", pk=case.pk)
