"""大救助 pages: intake, the resident's online application (一证一书), lists per role (overdue, 先救助后说明),
the application file with the actions the user's role may take at the current step, approval with the computed
amounts, refusal with its notice letter, the public 公示 page (no login, masked data only), 复核 tasks and the
enrolled case with its month-by-month history and exit, and the 低保调标测算 (what-if).

Thin: reads through assistance.selectors (scoped), writes through assistance.services (checked, atomic, audited).
A user of another area gets 404, a role without the capability 403 (both from web.pages.page); a service's
DomainError is shown next to the field it names, a Conflict (wrong step) above the file with status 409.
"""

import dataclasses
import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area
from minzheng.core.errors import Conflict, DomainError, Forbidden, NotFound
from minzheng.core.idcard import normalize
from minzheng.core.periods import month_plus, next_month_start
from minzheng.registry.models import Membership
from minzheng.registry.selectors import households_for, persons_for
from minzheng.web.pages import page, paginate, require

from . import rechecks, selectors, services
from .facts import build_facts
from .forms import (
    ApprovalForm,
    AttachForm,
    CaseExitForm,
    IntakeForm,
    InvestigationForm,
    NoteForm,
    ObjectionForm,
    OnlineApplicationForm,
    OpinionForm,
    PayFirstForm,
    RecheckForm,
    RefuseForm,
    ReviewForm,
    VerificationResultForm,
    WhatIfForm,
    programme_choices,
    variant_label,
)
from .letters import refusal_letter_pdf, refusal_letter_text
from .models import OPEN_STATUSES, Application, ApplicationStatus, Case, CaseChange, Entitlement, Publicity
from .programmes.base import get_programme

S = ApplicationStatus
COMPONENTS = {"basic": "基本生活", "care": "照料护理", "top_up": "分类施保", "living": "生活补贴",
              "care_subsidy": "护理补贴", "one_off": "一次性救助", "allowance": "高龄津贴"}


def _save(form, write):
    """Run a service write; a domain error lands on the form field it names (or above the form). Scope and
    permission errors propagate to the 404/403 pages; a Conflict is returned for the caller to show."""
    try:
        return write(), None
    except (NotFound, Forbidden):
        raise
    except Conflict as e:
        if form is not None and e.field and any(f.label == e.field for f in form.fields.values()):
            form.attach(e)
            return None, None
        return None, e
    except DomainError as e:
        if form is None:
            return None, e
        form.attach(e)
        return None, None


# --- lists -----------------------------------------------------------------------------------------


def _filters(request):
    status = request.GET.get("status", "")
    status = status if status in S.values else ""
    programme = request.GET.get("programme", "")
    programme = programme if programme in dict(programme_choices()) else ""
    overdue = request.GET.get("overdue") == "1"
    return status, programme, overdue


@page(Cap.ASSIST_VIEW)
def application_list(request):
    status, programme, overdue = _filters(request)
    if overdue:
        qs = selectors.overdue(request.user)
        qs = qs.filter(status=status) if status else qs
        qs = qs.filter(programme=programme) if programme else qs
    else:
        qs = selectors.application_list(request.user, status=status or None, programme=programme or None)
    return render(request, "assistance/application_list.html", {
        "page": paginate(request, qs), "status": status, "programme": programme, "overdue": overdue,
        "statuses": S.choices, "programmes": programme_choices(), "labels": dict(programme_choices()),
        "today": timezone.localdate(), "open_statuses": OPEN_STATUSES})


@page(Cap.ASSIST_VIEW)
def overdue_list(request):
    today = timezone.localdate()
    rows = paginate(request, selectors.overdue(request.user, today=today))
    return render(request, "assistance/overdue.html", {"page": rows, "today": today,
                                                       "labels": dict(programme_choices())})


@page(Cap.ASSIST_VIEW)
def paid_first_list(request):
    rows = paginate(request, selectors.paid_first_pending(request.user))
    return render(request, "assistance/paid_first.html", {"page": rows, "today": timezone.localdate(),
                                                          "labels": dict(programme_choices())})


# --- 申请 -------------------------------------------------------------------------------------------


def _find_applicant(request, form):
    """The applicant (and household) chosen by 身份证号 or household number, from the user's scoped registry."""
    d = form.cleaned_data
    number, hh_number = normalize(d.get("id_number") or ""), (d.get("household_number") or "").strip()
    household = applicant = None
    if hh_number:
        household = households_for(request.user).filter(number=hh_number, dissolved_on__isnull=True) \
            .select_related("head").first()
        if household is None:
            form.add_error("household_number", f"未找到家庭编号“{hh_number}”，或其不在您的管辖范围内")
            return None, None
    if number:
        applicant = persons_for(request.user).filter(id_number=number).first()
        if applicant is None:
            form.add_error("id_number", f"未找到身份证号为“{d['id_number']}”的人员，或其不在您的管辖范围内；"
                                        "请先在人员登记中登记")
            return None, None
    elif household is not None:
        applicant = household.head
        if applicant is None:
            form.add_error("household_number", f"家庭{household.number}没有户主，请填写申请人身份证号")
            return None, None
    return applicant, household


@page(Cap.ASSIST_APPLY)
def application_new(request):
    form = IntakeForm(request.POST or None, request.FILES or None)
    conflict = None
    if request.method == "POST" and form.is_valid():
        applicant, household = _find_applicant(request, form)
        if applicant is not None:
            d = form.cleaned_data
            app, conflict = _save(form, lambda: services.application_submit(
                actor=request.user, programme=d["programme"], applicant=applicant, household=household,
                variant=d["variant"], requested_amount=d["requested_amount"] or None,
                related_to_staff=d["related_to_staff"], authorisation=d["authorisation"], note=d["note"]))
            if app:
                messages.success(request, f"已提交申请{app.number}")
                return redirect("assistance:detail", pk=app.pk)
    status = 409 if conflict else (400 if form.errors else 200)
    return render(request, "assistance/application_new.html", {"form": form, "conflict": conflict}, status=status)


@page(Cap.ASSIST_APPLY_ONLINE)
def apply_online(request):
    form = OnlineApplicationForm(request.POST or None, request.FILES or None)
    conflict = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        app, conflict = _save(form, lambda: services.application_submit(
            actor=request.user, programme=d["programme"], id_number=d["id_number"], variant=d["variant"],
            requested_amount=d["requested_amount"] or None, authorisation=d["authorisation"], note=d["note"]))
        if app:
            messages.success(request, f"申请已提交，编号{app.number}。镇街将在规定时限内受理，请留意办理进度。")
            return redirect("assistance:apply")
    status = 409 if conflict else (400 if form.errors else 200)
    mine = selectors.my_applications(request.user)
    return render(request, "assistance/apply_online.html",
                  {"form": form, "conflict": conflict, "mine": mine, "labels": dict(programme_choices())},
                  status=status)


# --- the application file --------------------------------------------------------------------------


def _actions(user, app: Application) -> dict[str, bool]:
    """Which actions this user's role may take at the application's current step."""
    st, open_ = app.status, app.status in OPEN_STATUSES
    can = user.can
    return {
        "attach": open_ and can(Cap.ASSIST_APPLY),
        "accept": st == S.SUBMITTED and can(Cap.ASSIST_ACCEPT),
        "start_verification": st == S.ACCEPTED and can(Cap.ASSIST_ACCEPT),
        "record_verification": st == S.VERIFYING and can(Cap.ASSIST_ACCEPT),
        "investigate": (st == S.INVESTIGATING and can(Cap.ASSIST_ACCEPT))
        or (st == S.REVIEWING and can(Cap.ASSIST_REVIEW)),
        "submit_review": st == S.INVESTIGATING and can(Cap.ASSIST_ACCEPT),
        "review": st == S.REVIEWING and can(Cap.ASSIST_REVIEW),
        "close_publicity": st == S.PUBLICIZING and can(Cap.ASSIST_REVIEW),
        "objection": st == S.PUBLICIZING and can(Cap.ASSIST_OBJECTION),
        "approve": st == S.APPROVING and can(Cap.ASSIST_APPROVE),
        "refuse": st in (S.REVIEWING, S.APPROVING) and can(Cap.ASSIST_APPROVE),
        "pay_first": open_ and app.variant == "emergency" and not app.paid_first and can(Cap.ASSIST_ACCEPT),
        "complete_file": app.paid_first and app.file_completed_at is None and can(Cap.ASSIST_ACCEPT),
    }


FORMS = {
    "attach": AttachForm, "accept": NoteForm, "start_verification": NoteForm,
    "record_verification": VerificationResultForm, "investigate": InvestigationForm,
    "submit_review": lambda *a, **k: OpinionForm(*a, label="初审意见", **k), "review": ReviewForm,
    "close_publicity": NoteForm, "objection": ObjectionForm, "refuse": RefuseForm, "pay_first": PayFirstForm,
    "complete_file": NoteForm,
}


def _verifications(app: Application) -> list:
    """The 核对 records, each with the id of its stored 核对报告 (for the link) when it names one."""
    from minzheng.verification.models import VerificationReport

    rows = list(app.verifications.order_by("id"))
    refs = {r.report_ref for r in rows if r.report_ref}
    ids = dict(VerificationReport.objects.filter(number__in=refs, application=app).values_list("number", "pk")) \
        if refs else {}
    for r in rows:
        r.report_pk = ids.get(r.report_ref)
    return rows


def _detail(request, app: Application, *, bound: tuple[str, object] | None = None, conflict=None, status=200):
    user = request.user
    forms = {name: make() for name, make in FORMS.items()}
    if bound:
        forms[bound[0]] = bound[1]
    publicities = list(app.publicities.order_by("id").prefetch_related("objections"))
    cases = list(app.cases.all())
    entitlements = list(Entitlement.objects.filter(case__in=cases).select_related("person").order_by("case", "id"))
    for e in entitlements:
        e.component_label = COMPONENTS.get(e.component, e.component)
    steps = list(selectors.application_steps(app))
    for s in steps:
        s.from_label = S(s.from_status).label if s.from_status else ""
        s.to_label = S(s.to_status).label
    ctx = {
        "app": app, "programme": get_programme(app.programme), "variant": variant_label(app.programme, app.variant),
        "steps": steps, "attachments": selectors.application_attachments(app),
        "verifications": _verifications(app),
        "investigations": app.investigations.order_by("recorded_at", "id").prefetch_related("photos"),
        "reviews": app.reviews.order_by("id"), "publicities": publicities,
        "pay_first": getattr(app, "pay_first", None) if app.paid_first else None,
        "cases": cases, "entitlements": entitlements,
        "members": Membership.objects.filter(household=app.household, end_date__isnull=True)
        .select_related("person").order_by("id") if app.household_id else [],
        "can": _actions(user, app), "forms": forms, "open_op": bound[0] if bound else "", "conflict": conflict,
        "today": timezone.localdate(), "overdue": app.status in OPEN_STATUSES and app.step_due
        and app.step_due < timezone.localdate(),
        "letter": refusal_letter_text(app) if app.status == S.REFUSED else None,
    }
    return render(request, "assistance/application_detail.html", ctx, status=status)


@page(Cap.ASSIST_VIEW)
def application_detail(request, pk):
    return _detail(request, selectors.application_get(request.user, pk))


def _do_attach(request, app, d):
    return services.application_attach(actor=request.user, application=app, kind=d["kind"], upload=d["upload"])


def _do_record_verification(request, app, d):
    return services.application_record_verification(
        actor=request.user, application=app, outcome=d["outcome"], summary=d["summary"],
        per_capita_income=d["per_capita_income"] or None, assets=d["assets"] or None, report_ref=d["report_ref"])


def _do_investigate(request, app, d):
    return services.investigation_record(actor=request.user, application=app, visit_date=d["visit_date"],
                                         visitors=d["visitors"], findings=d["findings"],
                                         conclusion=d["conclusion"], photos=d["photos"])


def _do_objection(request, app, d):
    pub = app.publicities.filter(status=Publicity.Status.OPEN).order_by("-id").first()
    if pub is None:
        raise Conflict(f"申请{app.number}当前没有正在进行的公示", code="wrong_step")
    return services.objection_file(actor=request.user, publicity=pub, reason=d["reason"],
                                   objector_name=d["objector_name"], contact=d["contact"])


ACTIONS = {
    # name: (capability needed, write, message on success)
    "attach": (Cap.ASSIST_APPLY, _do_attach, "已上传材料"),
    "accept": (Cap.ASSIST_ACCEPT, lambda r, a, d: services.application_accept(
        actor=r.user, application=a, note=d["note"]), "已受理"),
    "start_verification": (Cap.ASSIST_ACCEPT, lambda r, a, d: services.application_start_verification(
        actor=r.user, application=a), lambda rec: (
        f"核对完成：{rec.get_outcome_display()}（核对报告{rec.report_ref}），已转入户调查" if rec.report_ref
        else f"已发起家庭经济状况核对。{rec.summary}")),
    "record_verification": (Cap.ASSIST_ACCEPT, _do_record_verification, "已录入核对结果，转入户调查"),
    "investigate": (None, _do_investigate, "已录入入户调查记录"),
    "submit_review": (Cap.ASSIST_ACCEPT, lambda r, a, d: services.application_submit_review(
        actor=r.user, application=a, opinion=d["opinion"]), "已提交县级审核"),
    "review": (Cap.ASSIST_REVIEW, lambda r, a, d: services.application_review(
        actor=r.user, application=a, opinion=d["opinion"], full_review=d["full_review"]), "审核通过，已开始公示"),
    "close_publicity": (Cap.ASSIST_REVIEW, lambda r, a, d: services.application_close_publicity(
        actor=r.user, application=a), "公示期满无异议，已转审批"),
    "objection": (Cap.ASSIST_OBJECTION, _do_objection, "已登记公示异议，申请退回入户调查复查"),
    "refuse": (Cap.ASSIST_APPROVE, lambda r, a, d: services.application_refuse(
        actor=r.user, application=a, reason=d["reason"]), "已作出不予批准决定，可下载通知书"),
    "pay_first": (Cap.ASSIST_ACCEPT, lambda r, a, d: services.application_pay_first(
        actor=r.user, application=a, amount=d["amount"], reason=d["reason"]), "已先行救助，请在期限内补齐手续"),
    "complete_file": (Cap.ASSIST_ACCEPT, lambda r, a, d: services.application_complete_file(
        actor=r.user, application=a, note=d["note"]), "已补齐手续"),
}


@require_POST
@page(Cap.ASSIST_VIEW)
def application_action(request, pk, action):
    app = selectors.application_get(request.user, pk)
    if action not in ACTIONS:
        raise NotFound("不支持的操作")
    cap, write, done = ACTIONS[action]
    # 入户调查 is the town's during 调查 and the county's own re-visit during 审核
    require(request.user, cap or (Cap.ASSIST_REVIEW if app.status == S.REVIEWING else Cap.ASSIST_ACCEPT))
    form = FORMS[action](request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, app, bound=(action, form), status=400)
    result, conflict = _save(form, lambda: write(request, app, form.cleaned_data))
    if result is None:
        app.refresh_from_db()
        return _detail(request, app, bound=(action, form), conflict=conflict, status=409 if conflict else 400)
    messages.success(request, done(result) if callable(done) else done)
    return redirect("assistance:detail", pk=app.pk)


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


def _approval_initial(app, members) -> dict:
    from minzheng.verification.models import VerificationReport

    v = app.verifications.exclude(outcome="pending").order_by("-id").first()
    report = (VerificationReport.objects.filter(number=v.report_ref, household_id=app.household_id).first()
              if v and v.report_ref and app.household_id else None)
    if report is not None:  # the 核对报告 holds each member's income: use it rather than the per-capita figure
        return _report_initial(report, members)
    # a default only (街道/社区 → 城镇, else 农村); the approver confirms it
    urban = app.area.name.endswith("社区") or any(a.name.endswith("街道") for a in app.area.ancestors())
    initial = {"urban_rural": "urban" if urban else "rural",
               "assets": v.assets if v and v.assets is not None else ""}
    if v and v.per_capita_income is not None:
        initial |= {f"income_{p.pk}": v.per_capita_income for p in members}
    return initial


@page(Cap.ASSIST_VIEW)
def application_approve(request, pk):
    """审批: enter or confirm the figures, 测算 shows each amount with its explanation; 批准 enrols the household."""
    app = selectors.application_get(request.user, pk)
    require(request.user, Cap.ASSIST_APPROVE)
    members = _members(app)
    form = ApprovalForm(request.POST or None, members=members, initial=_approval_initial(app, members))
    decision = conflict = None
    start = next_month_start(timezone.localdate())
    if request.method == "POST" and form.is_valid():
        if app.household_id is None:
            form.add_error(None, "申请人未登记共同生活家庭，无法按家庭测算；请先在人员登记中建立家庭")
        else:
            def facts():
                return build_facts(user=request.user, household=app.household, on=start, variant=app.variant,
                                   **form.facts_kwargs())

            if request.POST.get("do") == "approve":
                case, conflict = _save(form, lambda: services.application_approve(
                    actor=request.user, application=app, facts=facts(), opinion=form.cleaned_data["opinion"]))
                if case:
                    prog, since = get_programme(case.programme), f"{case.start_month:%Y年%m月}"
                    messages.success(request, f"已批准，自{since}起发放" if prog.pays_cash
                                     else f"已批准，自{since}起纳入{prog.label}（不发放按月救助金）")
                    return redirect("assistance:detail", pk=app.pk)
                app.refresh_from_db()
            else:
                decision, conflict = _save(form, lambda: get_programme(app.programme).assess(
                    dataclasses.replace(facts(), on=start)))
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
                   "conflict": conflict,
                   "start": start, "programme": get_programme(app.programme)}, status=status)


@page(Cap.ASSIST_VIEW)
def refusal_letter(request, pk):
    app = selectors.application_get(request.user, pk)
    if app.status != S.REFUSED:
        raise NotFound(f"申请{app.number}未作出不予批准决定，没有不予批准通知书")
    response = HttpResponse(refusal_letter_pdf(app), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{app.number}-refusal.pdf"'
    return response


@page(Cap.ASSIST_VIEW)
def attachment_download(request, pk, attachment_pk):
    att = selectors.attachment_get(request.user, pk, attachment_pk)
    return FileResponse(att.file.open("rb"), content_type=att.content_type, filename=att.original_name)


# --- 复核 and the enrolled case -----------------------------------------------------------------------


def case_members(case: Case):
    if case.household_id is None:
        return [case.head]
    return [m.person for m in Membership.objects.filter(household=case.household, end_date__isnull=True)
            .select_related("person").order_by("id")]


def recheck_facts(user, case: Case, on: dt.date, **kwargs):
    """The household's facts for a 复核 decided on `on` (the figures found afresh)."""
    if case.household_id is None:
        raise DomainError("该救助对象未登记共同生活家庭，无法按家庭复核测算", code="no_household", field="家庭")
    return dataclasses.replace(build_facts(user=user, household=case.household, on=on, **kwargs), on=on)


def recheck_outcome(case: Case, decision, on: dt.date) -> dict:
    """What deciding now would do (nothing written): from which month, the total before and after, and whether
    it is 增发, 减发, 停发 or unchanged — the same rule recheck_complete applies."""
    from_month = next_month_start(on)
    old = rechecks.monthly_total(case, from_month)
    new = decision.total.quantize(Decimal("0.01")) if decision.eligible else Decimal("0.00")
    kind = (CaseChange.Kind.STOP if not decision.eligible else CaseChange.Kind.INCREASE if new > old
            else CaseChange.Kind.DECREASE if new < old else CaseChange.Kind.UNCHANGED)
    return {"from_month": from_month, "old_total": old, "new_total": new, "kind": kind,
            "kind_label": CaseChange.Kind(kind).label}


MAX_HISTORY_MONTHS = 60


def case_history(case: Case, *, today: dt.date | None = None) -> list[dict]:
    """The monthly total paid for each month of the case, latest first, with the change that starts in it.
    Runs from the first month to the last month paid (or the later of next month and the last change)."""
    today = today or timezone.localdate()
    ents = list(case.entitlements.all())
    changes = {c.from_month: c for c in case.changes.order_by("id")}
    if case.end_month:
        last = case.end_month
    else:
        last = max([next_month_start(today), *changes, *(e.from_month for e in ents)], default=case.start_month)
    rows, month = [], case.start_month
    while month <= last:
        total = sum((e.monthly_amount for e in ents if e.from_month <= month and (e.to_month is None
                                                                                   or e.to_month > month)),
                    Decimal("0.00"))
        rows.append({"month": month, "total": total, "change": changes.get(month)})
        month = month_plus(month, 1)
    if case.end_month and (stop := changes.get(month_plus(case.end_month, 1))):
        rows.append({"month": stop.from_month, "total": Decimal("0.00"), "change": stop})
    return rows[::-1][:MAX_HISTORY_MONTHS]


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
    from minzheng.verification.selectors import reports_for

    if case.household_id is None or not user.can(Cap.VERIFY_VIEW):
        return None
    return reports_for(user).filter(household_id=case.household_id).order_by("-on", "-id").first()


@page(Cap.ASSIST_VIEW)
def recheck_task(request, pk):
    """复核: enter the figures found afresh, 测算 previews the new amounts (nothing written), 作出复核决定 applies
    them from next month (增发/减发), or ends the case (停发) when it no longer qualifies."""
    task = selectors.recheck_task_get(request.user, pk)
    case = task.case
    members = case_members(case)
    report = _latest_report(request.user, case)
    initial = _report_initial(report, members) if report else {"urban_rural": case.urban_rural}
    form = RecheckForm(request.POST or None, members=members, initial=initial)
    decision = outcome = conflict = None
    today = timezone.localdate()
    if request.method == "POST":
        require(request.user, Cap.ASSIST_APPROVE)
        if form.is_valid():
            def facts():
                return recheck_facts(request.user, case, today, **form.facts_kwargs())

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
                    return d, recheck_outcome(case, d, f.on)

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
        "case": case, "programme": get_programme(case.programme), "history": case_history(case, today=today),
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


# --- 低保调标测算 -------------------------------------------------------------------------------------


def what_if_areas(user):
    from minzheng.areas.models import Level
    from minzheng.areas.selectors import areas_for

    return areas_for(user).exclude(level=Level.VILLAGE)


@page(Cap.ASSIST_PLAN)
def what_if(request):
    """If 低保 rose to X: households, eligible now and then, newly eligible, monthly cost (nothing written)."""
    from minzheng.areas.selectors import area_get

    from .whatif import dibao_what_if

    areas = list(what_if_areas(request.user))
    form = WhatIfForm(request.GET or None, areas=areas, initial={"area": areas[0].code if areas else ""})
    result = conflict = None
    if request.GET and form.is_valid():
        d = form.cleaned_data
        result, conflict = _save(form, lambda: dibao_what_if(
            user=request.user, area=area_get(request.user, d["area"]), urban_rural=d["urban_rural"],
            new_standard=d["new_standard"], on=d["on"] or timezone.localdate()))
    status = 409 if conflict else (400 if form.errors else 200)
    return render(request, "assistance/what_if.html", {"form": form, "result": result, "conflict": conflict},
                  status=status)


# --- public 公示 (no login) --------------------------------------------------------------------------


def public_notices(request):
    code = request.GET.get("area", "").strip()[:12]
    area = Area.objects.current().filter(code=code).first() if code else None
    return render(request, "assistance/public_list.html",
                  {"notices": selectors.public_notices(area=area), "area": area, "code": code})


def public_notice(request, pk):
    try:
        pub = selectors.public_notice_get(pk)
    except NotFound as e:
        return render(request, "404.html", {"message": e.message}, status=404)
    form = ObjectionForm(request.POST or None)
    status, conflict = 200, None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            obj, conflict = _save(form, lambda: services.objection_file(
                actor=None, publicity=pub, reason=d["reason"], objector_name=d["objector_name"], contact=d["contact"]))
        except NotFound as e:
            return render(request, "404.html", {"message": e.message}, status=404)
        if obj:
            return render(request, "assistance/public_objection_done.html", {"area": pub.area})
    if request.method == "POST":
        status = 409 if conflict else 400
    notice = {f: getattr(pub, f) for f in ("pk", "programme_label", "masked_name", "masked_id", "household_size",
                                           "start_date", "end_date")}
    return render(request, "assistance/public_notice.html",
                  {"n": notice, "area_name": pub.area.full_name(), "form": form, "conflict": conflict}, status=status)
