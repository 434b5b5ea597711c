"""大养老 pages: the elderly list with filters, the elder's record, assessment entry and result, the town's monthly
visit list with 月探访率, and the emergency call desk with response times.

Thin: reads through eldercare.selectors (scoped), writes through eldercare.services (checked, atomic, audited).
Another area's elder is a 404 page, a role without the capability a 403 page (web.pages.page); a service's
DomainError is shown next to the field it names.
"""

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from minzheng.accounts.roles import Cap
from minzheng.areas.selectors import area_get, areas_for, top_areas
from minzheng.core.errors import Conflict, DomainError, Forbidden, NotFound
from minzheng.core.periods import age_on
from minzheng.web.pages import page, paginate, require, save_form

from . import rules, selectors, services
from .forms import AssessmentForm, CallIntakeForm, CallStepForm, CategoryForm, VisitForm, person_by_id_number
from .models import Assessment
from .ruleset import ruleset_by_key, ruleset_on, rulesets


def _area_param(request):
    code = request.GET.get("area", "")
    return area_get(request.user, code) if code else None


def _root(request):
    area = _area_param(request)
    return area or top_areas(request.user)[0]


def _month(request) -> dt.date:
    value = request.GET.get("month", "")
    try:
        y, m = value.split("-")[:2]
        return dt.date(int(y), int(m), 1)
    except ValueError:
        return timezone.localdate().replace(day=1)


def _level_labels():
    return {lv.level: lv.short for lv in rulesets()[-1].levels}


@page(Cap.ELDER_VIEW)
def elder_list(request):
    on = timezone.localdate()
    area = _area_param(request)
    level = request.GET.get("level", "")
    category = request.GET.get("category", "")
    qs = selectors.elder_search(request.user, on=on, query=request.GET.get("q", ""), area=area,
                                category=category if category in rules.category_labels() else "",
                                special=bool(request.GET.get("special")),
                                level=int(level) if level.isdigit() else None)
    pg = paginate(request, qs)
    for p in pg:
        p.current = selectors.current_categories(p, on)
        p.age = age_on(p.birth_date, on)
    return render(request, "eldercare/elder_list.html", {
        "page": pg, "areas": areas_for(request.user).exclude(level="village"), "categories": rules.categories(),
        "levels": _level_labels(), "f": request.GET, "on": on})


@page(Cap.ELDER_VIEW)
def elder_detail(request, pk):
    on = timezone.localdate()
    person = selectors.elder_get(request.user, pk, on=on)
    cat_form, visit_form = CategoryForm(prefix="cat"), VisitForm(prefix="visit")
    if request.method == "POST":
        if request.POST.get("form") == "category":
            cat_form = CategoryForm(request.POST, prefix="cat")
            if cat_form.is_valid() and save_form(cat_form, lambda: services.elder_category_add(
                    actor=request.user, person=person, category=cat_form.cleaned_data["category"],
                    valid_from=cat_form.cleaned_data["valid_from"], note=cat_form.cleaned_data["note"])):
                messages.success(request, "已登记类别")
                return redirect("eldercare:elder", pk=pk)
        elif request.POST.get("form") == "visit":
            visit_form = VisitForm(request.POST, prefix="visit")
            if visit_form.is_valid() and save_form(visit_form, lambda: services.visit_record(
                    actor=request.user, person=person, **visit_form.cleaned_data)):
                messages.success(request, "已登记探访")
                return redirect("eldercare:elder", pk=pk)
    periods = [{"p": p, "current": p.covers(on)} for p in selectors.category_periods(person)]
    return render(request, "eldercare/elder_detail.html", {
        "person": person, "age": age_on(person.birth_date, on),
        "current": selectors.current_categories(person, on), "periods": periods,
        "assessments": selectors.person_assessments(person), "levels": _level_labels(),
        "visits": selectors.person_visits(person)[:24],
        "calls": selectors.calls_for(request.user).filter(person=person).order_by("-received_at")[:20],
        "modes": {m.code: m.label for m in rules.visit_modes()}, "cat_form": cat_form, "visit_form": visit_form,
        "kinds": rules.call_kinds()})


@page(Cap.ELDER_ASSESS)
def assessment_new(request, pk):
    today = timezone.localdate()
    person = selectors.elder_get(request.user, pk, on=today)
    rs = ruleset_on(today)
    has_previous = Assessment.objects.filter(person=person, status=Assessment.Status.VALID).exists()
    initial = {"assessed_on": today, "reason": "routine" if has_previous else "initial",
               "assessor_1": request.user.pk if request.user.can(Cap.ELDER_ASSESSOR) else None}
    form = AssessmentForm(request.POST or None, person=person, ruleset=rs, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        a = save_form(form, lambda: services.assessment_record(
            actor=request.user, person=person, reason=d["reason"], assessed_on=d["assessed_on"],
            assessor_1=d["assessor_1"], assessor_2=d["assessor_2"], answers=form.answers(), coma=d["coma"],
            diagnosis=d["diagnosis"], diagnosis_note=d["diagnosis_note"], risk_events=d["risk_events"] or 0))
        if a:
            messages.success(request, f"评估{a.number}已保存：{a.explanation}")
            return redirect("eldercare:assessment", pk=a.pk)
    return render(request, "eldercare/assessment_form.html", {"person": person, "form": form, "ruleset": rs},
                  status=400 if request.method == "POST" else 200)


@page(Cap.ELDER_VIEW)
def assessment_detail(request, pk):
    a = selectors.assessment_get(request.user, pk)
    rs = ruleset_by_key(a.ruleset)
    error = None
    if request.method == "POST":
        require(request.user, Cap.ELDER_ASSESS)
        try:
            services.assessment_void(actor=request.user, assessment=a, reason=request.POST.get("reason", ""))
            messages.success(request, "评估记录已作废")
            return redirect("eldercare:assessment", pk=pk)
        except (NotFound, Forbidden):
            raise
        except DomainError as e:
            error = e.message
    parts = [(p, [(i, a.answers.get(i.code), i.options.get(a.answers.get(i.code), "")) for i in p.items],
              a.part_scores.get(p.code)) for p in rs.parts]
    return render(request, "eldercare/assessment_detail.html", {
        "a": a, "rs": rs, "parts": parts, "initial": rs.level(a.initial_level), "final": rs.level(a.final_level),
        "adjustments": [x for x in rs.adjustments if x.code in a.adjustments], "error": error})


@page(Cap.ELDER_VIEW)
def visit_list(request):
    month = _month(request)
    root = _root(request)
    if request.method == "POST":
        require(request.user, Cap.ELDER_VISIT)
        added = services.visit_plan_month(actor=request.user, area=root, month=month)
        messages.success(request, f"{month:%Y年%m月}探访计划已生成：新增{added}人")
        return redirect(f"{request.path}?area={root.code}&month={month:%Y-%m}")
    pending = bool(request.GET.get("pending"))
    dues = selectors.visit_due_list(request.user, month=month, area=root, pending_only=pending)
    target = rules.param_latest("visit_rate_target", root)
    return render(request, "eldercare/visit_list.html", {
        "month": month, "root": root, "rates": selectors.visit_rate(request.user, root=root, month=month),
        "page": paginate(request, dues, per_page=50), "pending": pending, "target": target,
        "areas": areas_for(request.user).exclude(level="village"), "visit_form": VisitForm(prefix="visit")})


@page(Cap.ELDER_VIEW)
def call_desk(request):
    chosen = request.GET.get("person", "")
    chosen = selectors.elder_get(request.user, int(chosen), on=timezone.localdate()) if chosen.isdigit() else None
    form = CallIntakeForm(request.POST or None, initial={"person": chosen.pk if chosen else None})
    if request.method == "POST":
        require(request.user, Cap.ELDER_CALL)
        if form.is_valid():
            d = form.cleaned_data
            elders = selectors.elders_for(request.user, on=timezone.localdate())
            person = (elders.filter(pk=d["person"]).first() if d["person"]
                      else person_by_id_number(elders, d["id_number"]))
            if person is None:
                form.add_error("id_number", "管辖范围内没有该身份证号的60周岁以上老年人")
            else:
                call = save_form(form, lambda: services.call_intake(
                    actor=request.user, person=person, channel=d["channel"], kind=d["kind"],
                    description=d["description"], received_at=d["received_at"]))
                if call:
                    messages.success(request, f"已接警：{call.number}")
                    return redirect("eldercare:call", pk=call.pk)
    calls = selectors.call_list(request.user, open_only=not request.GET.get("all"))
    return render(request, "eldercare/call_desk.html", {
        "form": form, "page": paginate(request, calls), "kinds": rules.call_kinds(), "chosen": chosen,
        "show_all": bool(request.GET.get("all"))}, status=400 if request.method == "POST" else 200)


_STEPS = {"dispatch": (services.call_dispatch, "dispatched_to", "派单", "派往"),
          "arrive": (services.call_arrive, "responder", "登记到达", "到场人员"),
          "close": (services.call_close, "outcome", "结案", "处置结果")}


@page(Cap.ELDER_VIEW)
def call_detail(request, pk):
    call = selectors.call_get(request.user, pk)
    forms_ = {k: CallStepForm(prefix=k) for k in _STEPS}
    conflict = None
    if request.method == "POST":
        require(request.user, Cap.ELDER_CALL)
        step = request.POST.get("step", "")
        if step in _STEPS:
            fn, arg, doing, _ = _STEPS[step]
            form = forms_[step] = CallStepForm(request.POST, prefix=step)
            if form.is_valid():
                try:
                    fn(actor=request.user, call=call, at=form.cleaned_data["at"], **{arg: form.cleaned_data["text"]})
                    messages.success(request, f"已{doing}")
                    return redirect("eldercare:call", pk=pk)
                except Conflict as e:
                    conflict = e.message
                except (NotFound, Forbidden):
                    raise
                except DomainError as e:
                    form.add_error("at" if "时间" in (e.field or "") else "text", e.message)
    allowed = {"received": ["dispatch", "close"], "dispatched": ["arrive", "close"], "arrived": ["close"]}
    steps = [(k, _STEPS[k][2], _STEPS[k][3], forms_[k]) for k in allowed.get(call.status, [])]
    return render(request, "eldercare/call_detail.html", {
        "call": call, "kind": rules.call_kinds().get(call.kind, call.kind), "steps": steps, "conflict": conflict,
        "can_act": request.user.can(Cap.ELDER_CALL)}, status=409 if conflict else 200)


@page(Cap.ELDER_VIEW)
def call_stats(request):
    root = _root(request)
    end = _month(request)
    start = dt.date(end.year - (end.month <= 5), (end.month - 6) % 12 + 1, 1)  # six months up to `end`
    rows = [{"area": r.area, "month": r.month, "calls": r.calls, "responded": r.responded,
             "median": None if r.median_seconds is None else round(r.median_seconds / 60, 1),
             "p90": None if r.p90_seconds is None else round(r.p90_seconds / 60, 1)}
            for r in selectors.response_stats(request.user, root=root, start=start, end=end) if r.calls]
    return render(request, "eldercare/call_stats.html", {
        "rows": rows, "root": root, "start": start, "end": end,
        "areas": areas_for(request.user).exclude(level="village")})
