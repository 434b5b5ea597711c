"""The application file: its detail page and every workflow action taken from it."""


from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from minzheng.accounts.roles import Cap
from minzheng.core.errors import Conflict, NotFound
from minzheng.registry.models import Membership
from minzheng.verification.models import VerificationReport
from minzheng.web.pages import page, require

from .. import selectors, services
from ..forms import (
    AttachForm,
    InvestigationForm,
    NoteForm,
    ObjectionForm,
    OpinionForm,
    PayFirstForm,
    RefuseForm,
    ReviewForm,
    VerificationResultForm,
    variant_label,
)
from ..letters import refusal_letter_text
from ..models import OPEN_STATUSES, Application, Entitlement, Publicity
from ..programmes.base import get_programme
from .base import COMPONENTS, S, _save

# --- the application file --------------------------------------------------------------------------


FORMS = {
    "attach": AttachForm, "accept": NoteForm, "start_verification": NoteForm,
    "record_verification": VerificationResultForm, "investigate": InvestigationForm,
    "submit_review": lambda *a, **k: OpinionForm(*a, label="初审意见", **k), "review": ReviewForm,
    "close_publicity": NoteForm, "objection": ObjectionForm, "refuse": RefuseForm, "pay_first": PayFirstForm,
    "complete_file": NoteForm,
}


def _verifications(app: Application) -> list:
    """The 核对 records, each with the id of its stored 核对报告 (for the link) when it names one."""

    rows = list(app.verifications.order_by("id"))
    refs = {r.report_ref for r in rows if r.report_ref}
    ids = dict(VerificationReport.objects.filter(number__in=refs, application=app).values_list("number", "pk")) \
        if refs else {}
    for r in rows:
        r.report_pk = ids.get(r.report_ref)
    return rows


# A report's conclusion → the 核对结论 it suggests; 无数据 sends the file to be verified at the home visit.
OUTCOME_OF_CONCLUSION = {"meets": "pass", "no_data": "review"}


def _verification_initial(app: Application) -> dict:
    """录入核对结果 carries the figures of the 核对报告 run for this application (or for its household since the
    核对 was started), so nobody retypes them; the officer confirms or corrects."""
    if app.household_id is None:
        return {}
    pending = app.verifications.filter(outcome="pending").order_by("-id").first()
    reports = VerificationReport.objects.filter(household_id=app.household_id)
    report = reports.filter(application=app).order_by("-on", "-id").first()
    if report is None and pending is not None:
        report = reports.filter(created_at__gte=pending.requested_at).order_by("-on", "-id").first()
    if report is None:
        return {}
    return {"outcome": OUTCOME_OF_CONCLUSION.get(report.conclusion, "fail"),
            "summary": f"核对报告{report.number}：{report.conclusion_text}",
            "per_capita_income": report.per_capita_income, "assets": report.money_assets, "report_ref": report.number}


def _detail(request, app: Application, *, bound: tuple[str, object] | None = None, conflict=None, status=200):
    user = request.user
    forms = {name: make() for name, make in FORMS.items()}
    if app.status == S.VERIFYING and not bound:
        forms["record_verification"] = VerificationResultForm(initial=_verification_initial(app))
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
        "can": selectors.available_actions(user, app), "can_decide_objections": user.can(Cap.ASSIST_ACCEPT),
        "forms": forms, "open_op": bound[0] if bound else "",
        "conflict": conflict,
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


@require_POST
@page(Cap.ASSIST_ACCEPT)
def objection_decide(request, pk, objection_pk):
    """A town/county officer's decision on an objection the public filed: uphold (back to 入户调查) or dismiss."""
    app = selectors.application_get(request.user, pk)
    obj = app.objections.filter(pk=objection_pk).first()
    if obj is None:
        raise NotFound("异议不存在")
    decision = request.POST.get("decision")
    if decision not in ("uphold", "dismiss"):
        messages.error(request, "请选择“采纳”或“不予采纳”")
        return redirect("assistance:detail", pk=app.pk)
    _, error = _save(None, lambda: services.objection_decide(
        actor=request.user, objection=obj, uphold=decision == "uphold", note=request.POST.get("note", "")))
    if error:
        messages.error(request, error.message)
    else:
        messages.success(request, "已采纳异议，申请退回入户调查复查" if decision == "uphold"
                         else "已决定不予采纳，公示继续")
    return redirect("assistance:detail", pk=app.pk)
