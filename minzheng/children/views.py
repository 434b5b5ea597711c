"""大儿童保障 pages: the phone-sized pages of the 儿童主任 (due visits, a visit, a 强制报告), the child register and
file, the case list with overdue cases by town, the case page (each opening logged, steps recorded there), the
workforce with its gap list, and adoption records.

Thin: reads through children.selectors (area scope and need-to-know), writes through children.services. A case the
user may not know is the same 404 page as an id that does not exist; a service's DomainError is shown in Chinese.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from minzheng.accounts.roles import Cap
from minzheng.areas.selectors import area_get
from minzheng.core.errors import DomainError, NotFound
from minzheng.core.periods import age_on, local_date
from minzheng.web.pages import page, paginate, write_message

from . import letters, rules, selectors, services
from .models import CaseAccess, EventKind, Guardian, Referral


def _date(value: str, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        raise DomainError(f"{label}格式应为YYYY-MM-DD", field=label) from None


def child_list(request):
    on = local_date()
    code = request.GET.get("area", "")
    area = area_get(request.user, code) if code else None
    category = request.GET.get("category", "")
    qs = selectors.child_search(request.user, on=on, query=request.GET.get("q", ""), area=area,
                                category=category if category in rules.category_labels() else "")
    pg = paginate(request, qs, count_cap=10_000)
    for p in pg:
        p.current = selectors.current_categories(p, on)
        p.age = age_on(p.birth_date, on)
    return render(request, "children/child_list.html", {
        "page": pg, "categories": rules.categories_on(on), "f": request.GET, "on": on,
        "worker": selectors.is_child_worker(request.user, on)})


@page(Cap.CHILD_VIEW)
def child_export(request):
    from django.http import FileResponse

    from .exports import children_export

    code = request.GET.get("area", "")
    category = request.GET.get("category", "")
    out, _rows = children_export(actor=request.user, on=local_date(), query=request.GET.get("q", ""),
                                 area=area_get(request.user, code) if code else None,
                                 category=category if category in rules.category_labels() else "")
    return FileResponse(out, as_attachment=True, filename="儿童名单.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@page(Cap.CHILD_VIEW)
def child_detail(request, pk):
    on = local_date()
    child = selectors.child_get(request.user, pk, on=on)
    return render(request, "children/child_detail.html", {
        "child": child, "age": age_on(child.birth_date, on), "categories": selectors.current_categories(child, on),
        "file": getattr(child, "child_file", None), "guardians": selectors.guardians_of(child),
        "allowances": selectors.allowances_of(child), "visits": selectors.visits_of(child)[:20], "on": on})


# --- phone pages of the 儿童主任 -------------------------------------------------------------------------------

@page(Cap.CHILD_VIEW)
def mobile_home(request):
    on = local_date()
    due = selectors.visits_due(request.user, on=on)
    done, total = selectors.visit_rate(request.user, on=on)
    return render(request, "children/mobile_home.html", {
        "due": due[:100], "done": done, "total": total, "rate": round(100 * done / total, 1) if total else None,
        "on": on, "worker": selectors.is_child_worker(request.user, on)})


@page(Cap.CHILD_WORK)
def mobile_visit(request, pk):
    on = local_date()
    child = selectors.child_get(request.user, pk, on=on)
    error = None
    if request.method == "POST":
        error = write_message(lambda: services.visit_record(
            actor=request.user, child=child, visited_on=_date(request.POST.get("visited_on", ""), "走访日期"),
            mode=request.POST.get("mode", ""), findings=request.POST.get("findings", ""),
            concern=bool(request.POST.get("concern"))))
        if error is None:
            messages.success(request, f"已登记对{child.name}的走访")
            return redirect("children:mobile")
    return render(request, "children/mobile_visit.html", {
        "child": child, "age": age_on(child.birth_date, on), "categories": selectors.current_categories(child, on),
        "modes": services.VISIT_MODES, "error": error, "f": request.POST, "on": on}, status=400 if error else 200)


@page(Cap.CHILD_WORK)
def mobile_report(request):
    on = local_date()
    children = selectors.children_for(request.user, on=on).order_by("name")[:300]
    error = None
    if request.method == "POST":
        def write():
            raw = request.POST.get("child", "")
            child = selectors.child_get(request.user, int(raw), on=on) if raw.isdigit() else None
            if child is None:
                raise DomainError("请选择被报告的儿童", field="儿童")
            r = services.report_file(actor=request.user, child=child, source=request.POST.get("source", ""),
                                     priority=request.POST.get("priority", ""), what=request.POST.get("what", ""),
                                     location=request.POST.get("location", ""),
                                     anonymous=bool(request.POST.get("anonymous")),
                                     reporter_name=request.POST.get("reporter_name", ""),
                                     reporter_org=request.POST.get("reporter_org", ""),
                                     reporter_phone=request.POST.get("reporter_phone", ""))
            messages.success(request, f"已受理强制报告{r.number}，个案{r.case.number}"
                             + ("（与已有报告合并）" if r.duplicate_of_id else ""))

        error = write_message(write)
        if error is None:
            return redirect("children:mobile")
    return render(request, "children/mobile_report.html", {
        "children": children, "sources": rules.report_sources(), "priorities": rules.priorities(),
        "error": error, "f": request.POST or request.GET}, status=400 if error else 200)


# --- cases --------------------------------------------------------------------------------------------------

@page(Cap.CHILD_VIEW)
def case_list(request):
    on = local_date()
    return render(request, "children/case_list.html", {
        "rows": selectors.case_list(request.user, on=on, open_only=request.GET.get("all") != "1"),
        "overdue": selectors.overdue_by_town(request.user, on=on), "on": on, "f": request.GET})


def _post_step(request, case, on):
    p = request.POST
    step = p.get("step", "")

    def day() -> dt.date:
        return _date(p.get("happened_on", ""), "日期")

    if step == "verify":
        services.case_verify(actor=request.user, case=case, happened_on=day(), finding=p.get("note", ""),
                             substantiated=bool(p.get("substantiated")))
    elif step == "emergency":
        services.case_emergency(actor=request.user, case=case, happened_on=day(), actions=p.get("note", ""),
                                safety_plan=p.get("safety_plan", ""))
    elif step == "assess":
        form = rules.form_on(on)
        answers = {i.code: p.get(f"item_{i.code}", "") for i in form.items}
        services.case_assess(actor=request.user, case=case, assessed_on=day(), answers=answers)
    elif step == "plan":
        services.case_plan(actor=request.user, case=case, happened_on=day(), goals=p.get("goals", "").splitlines(),
                           services=p.get("services", "").splitlines())
    elif step == "refer":
        org = p.get("org", "")
        services.referral_create(actor=request.user, case=case, org_id=int(org) if org.isdigit() else 0,
                                 service=p.get("service", ""), consent=p.get("consent", ""), requested_on=day())
    elif step in ("accept", "reject", "done"):
        rid = p.get("referral", "")
        r = Referral.objects.filter(pk=int(rid) if rid.isdigit() else 0, case=case).first()
        if r is None:
            raise DomainError("转介记录不存在", field="转介")
        if step == "done":
            services.referral_done(actor=request.user, referral=r, feedback=p.get("feedback", ""))
        else:
            services.referral_respond(actor=request.user, referral=r, accepted=step == "accept",
                                      feedback=p.get("feedback", ""))
    elif step == "follow_up":
        services.case_follow_up(actor=request.user, case=case, happened_on=day(), note=p.get("note", ""))
    elif step == "intervention":
        gid = p.get("guardian", "")
        g = Guardian.objects.filter(pk=int(gid), child_id=case.child_id).first() if gid.isdigit() else None
        services.intervention_record(actor=request.user, case=case, kind=p.get("kind", ""), happened_on=day(),
                                     note=p.get("note", ""), guardian=g, outcome=p.get("outcome", ""))
    elif step == "revocation":
        gid = p.get("guardian", "")
        g = Guardian.objects.filter(pk=int(gid), child_id=case.child_id).first() if gid.isdigit() else None
        if g is None:
            raise DomainError("请选择被申请撤销资格的监护人", field="监护人")
        services.revocation_apply(actor=request.user, case=case, guardian=g, grounds=p.get("note", ""),
                                  court=p.get("court", ""), happened_on=day())
    elif step == "close":
        services.case_close(actor=request.user, case=case, happened_on=day(), reason=p.get("reason", ""),
                            note=p.get("note", ""))
    elif step == "reopen":
        services.case_reopen(actor=request.user, case=case, happened_on=day(), reason=p.get("note", ""))
    else:
        raise DomainError("请选择要登记的步骤", field="步骤")


@page(Cap.CHILD_VIEW)
def case_detail(request, pk):
    on = local_date()
    case = selectors.case_get(request.user, pk, on=on)
    error = None
    if request.method == "POST":
        error = write_message(lambda: _post_step(request, case, on))
        if error is None:
            messages.success(request, "已登记")
            return redirect("children:case", pk=case.pk)
    else:
        purpose = request.GET.get("purpose", CaseAccess.Purpose.CASE_WORK)
        services.case_access(actor=request.user, case=case,
                             purpose=purpose if purpose in CaseAccess.Purpose.values else CaseAccess.Purpose.CASE_WORK)
    form = rules.form_on(on)
    return render(request, "children/case_detail.html", {
        "case": case, "state": selectors.case_state(case, on=on), "on": on, "error": error,
        "reports": case.reports.select_related("duplicate_of").order_by("id"),
        "show_reporter": selectors.sees_reporter(request.user, case, on), "sources": rules.report_sources(),
        "events": case.events.all(), "assessments": [(a, rules.form_by_key(a.form_key)) for a in
                                                     case.assessments.order_by("assessed_on", "id")],
        "referrals": case.referrals.select_related("org").order_by("id"),
        "workers": case.workers.filter(until__isnull=True).select_related("user"),
        "guardians": selectors.guardians_of(case.child), "orgs": selectors.orgs_for(request.user).filter(
            closed_on__isnull=True).order_by("kind", "name"),
        "form": form, "close_reasons": services.CLOSE_REASONS, "interventions": services.INTERVENTIONS,
        "outcomes": services.GUARDIAN_OUTCOMES, "access": selectors.access_log(case)[:50],
        "revocations": case.events.filter(kind=EventKind.REVOCATION)}, status=400 if error else 200)


@page(Cap.CHILD_VIEW)
def revocation_pdf(request, pk, event_pk):
    case = selectors.case_get(request.user, pk, on=local_date())
    event = case.events.filter(pk=event_pk, kind=EventKind.REVOCATION).first()
    if event is None:
        raise NotFound()
    services.case_access(actor=request.user, case=case, purpose=CaseAccess.Purpose.CASE_WORK, channel="pdf")
    response = HttpResponse(letters.revocation_pdf(event), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{case.number}-revocation.pdf"'
    return response


# --- workforce and adoption -----------------------------------------------------------------------------------

@page(Cap.CHILD_VIEW)
def workforce(request):
    on = local_date()
    posts = list(selectors.appointments_in(request.user, on=on).order_by("area__path", "post"))
    load = selectors.caseload(posts)
    for a in posts:
        a.caseload = load.get(a.user_id, 0) if a.user_id else None
        a.trained = a.trainings.exists()
    return render(request, "children/workforce.html", {"posts": posts, "gaps": selectors.gap_list(request.user, on=on),
                                                       "on": on})


@page(Cap.CHILD_VIEW)
def adoptions(request):
    on = local_date()
    return render(request, "children/adoptions.html", {
        "rows": selectors.adoptions_for(request.user, on=on).order_by("-registered_on")[:200],
        "stats": selectors.adoption_stats(request.user, on=on)})
