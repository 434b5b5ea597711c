"""审批 page, the refusal letter and attachment downloads."""

import dataclasses
from urllib.parse import quote

from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from minzheng.accounts.roles import Cap
from minzheng.core.errors import Conflict, NotFound
from minzheng.core.periods import next_month_start
from minzheng.registry.models import Membership
from minzheng.verification.models import VerificationReport
from minzheng.web.pages import page, require

from .. import selectors, services
from ..facts import build_facts
from ..forms import (
    ApprovalForm,
)
from ..letters import authorisation_form_pdf, refusal_letter_pdf
from ..programmes.base import get_programme
from .base import COMPONENTS, S, _save

# --- 审批 -------------------------------------------------------------------------------------------


def _members(app):
    if app.household_id is None:
        return [app.applicant]
    return [m.person for m in Membership.objects.filter(household=app.household, end_date__isnull=True)
            .select_related("person").order_by("id")]


def _report_initial(report, members) -> dict:
    """The figures of a stored 核对报告 as form defaults: each member's counted monthly income (after the
    disregards), the household's money assets and 刚性支出 deduction, and its 城乡."""
    incomes = {int(m["person_id"]): m.get("monthly_income") for m in report.members}
    initial = {"urban_rural": report.urban_rural, "assets": report.money_assets}
    if report.rigid_deduction:
        initial["rigid_expenses"] = report.rigid_deduction
    initial |= {f"income_{p.pk}": incomes[p.pk] for p in members if incomes.get(p.pk) not in (None, "")}
    return initial


def latest_report(app) -> VerificationReport | None:
    """The 核对报告 behind the application: the one its 核对 result names, else the latest run for it."""
    v = app.verifications.exclude(outcome="pending").order_by("-id").first()
    if v and v.report_ref and app.household_id:
        named = VerificationReport.objects.filter(number=v.report_ref, household_id=app.household_id).first()
        if named is not None:
            return named
    return VerificationReport.objects.filter(application=app).order_by("-on", "-id").first()


def latest_visit(app):
    return app.investigations.order_by("-visit_date", "-id").first()


def _opinion(report, visit) -> str:
    """A default 审批意见 citing what the approver relies on; they confirm or rewrite it."""
    parts = []
    if report is not None:
        parts.append(f"经济状况核对（报告{report.number}）：{report.get_conclusion_display()}")
    if visit is not None:
        parts.append(f"入户调查（{visit.visit_date:%Y-%m-%d}）：{visit.get_conclusion_display()}")
    return "；".join(parts) + ("。" if parts else "")


def _approval_initial(app, members) -> dict:
    report, visit = latest_report(app), latest_visit(app)
    opinion = {"opinion": _opinion(report, visit)}
    if report is not None:  # the 核对报告 holds each member's income: use it rather than the per-capita figure
        return _report_initial(report, members) | opinion
    v = app.verifications.exclude(outcome="pending").order_by("-id").first()
    # a default only (街道/社区 → 城镇, else 农村); the approver confirms it
    urban = app.area.name.endswith("社区") or any(a.name.endswith("街道") for a in app.area.ancestors())
    initial = {"urban_rural": "urban" if urban else "rural",
               "assets": v.assets if v and v.assets is not None else ""} | opinion
    if v and v.per_capita_income is not None:
        initial |= {f"income_{p.pk}": v.per_capita_income for p in members}
    return initial


@page(Cap.ASSIST_VIEW)
def application_approve(request, pk):
    """审批: enter or confirm the figures, 测算 shows each amount with its explanation; 批准 enrols the household."""
    app = selectors.application_get(request.user, pk)
    require(request.user, Cap.ASSIST_APPROVE)
    members = _members(app)
    form = ApprovalForm(request.POST or None, members=members, initial=_approval_initial(app, members),
                        inputs=get_programme(app.programme).approval_inputs)
    decision = conflict = None
    confirming = False
    start = next_month_start(timezone.localdate())
    if request.method == "POST" and form.is_valid():
        if app.household_id is None:
            form.add_error(None, "申请人未登记共同生活家庭，无法按家庭测算；请先在人员登记中建立家庭")
        else:
            def facts():
                return build_facts(user=request.user, household=app.household, on=start, variant=app.variant,
                                   **form.facts_kwargs())

            if request.POST.get("do") == "confirm":  # the second click: 批准 asks first, 确认批准 enrols
                case, conflict = _save(form, lambda: services.application_approve(
                    actor=request.user, application=app, facts=facts(), opinion=form.cleaned_data["opinion"]))
                if case:
                    prog, since = get_programme(case.programme), f"{case.start_month:%Y年%m月}"
                    messages.success(request, f"已批准，自{since}起发放" if prog.pays_cash
                                     else f"已批准，自{since}起纳入{prog.label}（不发放按月救助金）")
                    return redirect("assistance:detail", pk=app.pk)
                app.refresh_from_db()
            else:  # 测算, or 批准 — which shows the amounts and asks to confirm
                decision, conflict = _save(form, lambda: get_programme(app.programme).assess(
                    dataclasses.replace(facts(), on=start)))
                confirming = request.POST.get("do") == "approve" and decision is not None
    names = {p.pk: p.name for p in members}
    amounts = [{"name": names.get(a.person_id, ""), "component": COMPONENTS.get(a.component, a.component),
                "amount": f"{a.monthly_amount:.2f}", "explanation": a.explanation, "rule_version": a.rule_version}
               for a in (decision.amounts if decision else ())]
    status = 409 if conflict else (400 if form.errors else 200)
    if request.method == "GET" and app.status != S.APPROVING:
        conflict = Conflict(f"申请{app.number}当前状态为“{app.get_status_display()}”，尚未到审批环节")
    return render(request, "assistance/approve.html",
                  {"app": app, "form": form, "rows": form.member_rows(), "decision": decision, "amounts": amounts,
                   "total": f"{decision.total:.2f}" if decision else "",
                   "conflict": conflict, "confirming": confirming,
                   "report": latest_report(app), "visit": latest_visit(app),
                   "start": start, "programme": get_programme(app.programme)}, status=status)


@page(Cap.ASSIST_VIEW)
def refusal_letter(request, pk):
    app = selectors.application_get(request.user, pk)
    if app.status != S.REFUSED:
        raise NotFound(f"申请{app.number}未作出不予批准决定，没有不予批准通知书")
    response = HttpResponse(refusal_letter_pdf(app), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{app.number}-refusal.pdf"'
    return response


@page()
def authorisation_form(request):
    """The blank 授权书 (一证一书): the same sheet for everyone, no personal data, so any signed-in user."""
    response = HttpResponse(authorisation_form_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('家庭经济状况核对授权书.pdf')}"
    return response


@page(Cap.ASSIST_VIEW)
def attachment_download(request, pk, attachment_pk):
    att = selectors.attachment_get(request.user, pk, attachment_pk)
    return FileResponse(att.file.open("rb"), content_type=att.content_type, filename=att.original_name)
