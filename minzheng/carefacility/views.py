"""养老服务设施 pages: the county's supervision list, a facility's beds and residents with the admission desk,
the 双随机 inspections with the overdue list, and 适老化改造. Thin: every write is one service call."""

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from minzheng.accounts.roles import Cap
from minzheng.areas.models import Area
from minzheng.areas.selectors import areas_for
from minzheng.core.errors import DomainError, NotFound
from minzheng.core.models import AuditEntry
from minzheng.core.scope import can_access_area
from minzheng.web.pages import page, paginate, require

from . import rules, selectors, services
from .models import Facility, Kind, Ownership, Retrofit


def _date(value: str, label: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as e:
        raise DomainError(f"{label}格式应为YYYY-MM-DD", field=label) from e


def _int(value: str, label: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as e:
        raise DomainError(f"{label}应为整数", field=label) from e


def _flash(request, fn, ok: str):
    """Run one service call; a Chinese error goes back to the page as a message, scope errors stay 403/404."""
    try:
        fn()
        messages.success(request, ok)
    except DomainError as e:
        if e.status in (403, 404) and e.field is None:
            raise
        messages.error(request, e.message)


@page(Cap.FACILITY_VIEW)
def facility_list(request):
    user = request.user
    if request.method == "POST":
        def register():
            code = request.POST.get("area_code", "").strip()
            if not code:
                raise DomainError("请选择所在镇街/村居", field="所在镇街/村居")
            area = Area.objects.current().filter(code=code).first()
            if area is None or not can_access_area(user, area):
                raise DomainError(f"行政区划“{code}”不存在或不在您的管辖范围内", field="area_code")
            services.facility_register(
                actor=user, name=request.POST.get("name", ""), kind=request.POST.get("kind", ""),
                ownership=request.POST.get("ownership", ""), area=area, operator=request.POST.get("operator", ""),
                capacity=_int(request.POST.get("capacity"), "核定床位"),
                filing_number=request.POST.get("filing_number", ""), address=request.POST.get("address", ""),
                medical_integration=request.POST.get("medical_integration") == "on")
        _flash(request, register, "机构已备案")
        return redirect("carefacility:list")
    qs = selectors.facilities_for(user)
    kind = request.GET.get("kind", "")
    if kind:
        qs = qs.filter(kind=kind)
    facilities = paginate(request, qs)
    rows = [(f, selectors.occupancy(f)) for f in facilities]
    return render(request, "carefacility/list.html", {
        "facilities": facilities, "rows": rows, "kinds": Kind.choices, "ownerships": Ownership.choices,
        "kind": kind, "overdue": selectors.overdue_findings(user, timezone.localdate()).count()})


@page(Cap.FACILITY_VIEW)
def facility_detail(request, pk):
    facility = selectors.facility_get(request.user, pk)
    today = timezone.localdate()
    return render(request, "carefacility/detail.html", {
        "facility": facility, "occ": selectors.occupancy(facility), "beds": selectors.beds_of(facility),
        "residents": selectors.residents(facility), "risk_rules": rules.risk_ruleset(today),
        "star_rules": rules.star_ruleset(today), "evaluations": facility.evaluations.all()[:10],
        "assessments": facility.risk_assessments.select_related("person")[:10],
        "inspections": facility.inspections.select_related("draw")[:10],
        "statuses": Facility.Status.choices})


def _op_bed(request, facility):
    services.bed_add(actor=request.user, facility=facility, number=request.POST.get("number", ""),
                     registration_code=request.POST.get("registration_code", ""),
                     nursing=request.POST.get("nursing") == "on")


def _chosen_elder(request, capability: str = Cap.FACILITY_VIEW):
    return selectors.person_by_id_number(request.user, request.POST.get("id_number", ""), capability,
                                         person_id=request.POST.get("person", ""))


def _op_assess(request, facility):
    person = _chosen_elder(request)
    ruleset = rules.risk_ruleset(timezone.localdate())
    items = {code: request.POST.get(f"item_{code}", "") for code in ruleset.items}
    services.risk_assess(actor=request.user, facility=facility, person=person, items=items,
                         assessors=request.POST.get("assessors", ""),
                         assessed_on=_date(request.POST.get("assessed_on", ""), "评估日期"))


def _op_admit(request, facility):
    person = _chosen_elder(request)
    bed = selectors.bed_in(facility, _int(request.POST.get("bed_id"), "床位"))
    services.admit(actor=request.user, facility=facility, person=person, bed=bed,
                   admitted_on=_date(request.POST.get("admitted_on", ""), "入住日期"))


def _op_discharge(request, facility):
    person = selectors.person_get(request.user, _int(request.POST.get("person_id"), "人员"))
    services.discharge(actor=request.user, facility=facility, person=person, reason=request.POST.get("reason", ""),
                       discharged_on=_date(request.POST.get("discharged_on", ""), "退住日期"))


def _op_evaluate(request, facility):
    ruleset = rules.star_ruleset(timezone.localdate())
    scores = {code: request.POST.get(f"score_{code}", "") for code in ruleset.parts}
    services.star_evaluate(actor=request.user, facility=facility, scores=scores,
                           evaluators=request.POST.get("evaluators", ""),
                           prerequisites_met=request.POST.get("prerequisites_met") == "on")


def _op_status(request, facility):
    services.facility_set_status(actor=request.user, facility=facility, status=request.POST.get("status", ""),
                                 reason=request.POST.get("reason", ""))


FACILITY_OPS = {
    "bed": (_op_bed, Cap.FACILITY_MANAGE, "床位已登记"),
    "assess": (_op_assess, Cap.FACILITY_ADMIT, "服务安全风险评估已记录"),
    "admit": (_op_admit, Cap.FACILITY_ADMIT, "已办理入住"),
    "discharge": (_op_discharge, Cap.FACILITY_ADMIT, "已办理退住，床位已空出"),
    "evaluate": (_op_evaluate, Cap.FACILITY_RATE, "等级评定已记录"),
    "status": (_op_status, Cap.FACILITY_MANAGE, "机构状态已变更"),
}


@require_POST
@page(Cap.FACILITY_VIEW)
def facility_op(request, pk, op):
    facility = selectors.facility_get(request.user, pk)
    if op not in FACILITY_OPS:
        raise NotFound("办理事项不存在")
    fn, cap, ok = FACILITY_OPS[op]
    require(request.user, cap)
    _flash(request, lambda: fn(request, facility), ok)
    return redirect("carefacility:detail", pk=facility.pk)


@page(Cap.FACILITY_VIEW)
def inspection_list(request):
    user = request.user
    if request.method == "POST":
        require(user, Cap.FACILITY_INSPECT)

        def draw():
            code = request.POST.get("area_code", "").strip()
            area = Area.objects.current().filter(code=code).first()
            if area is None or not can_access_area(user, area):
                raise DomainError(f"行政区划“{code}”不存在或不在您的管辖范围内", field="area_code")
            # The seed is drawn by the service and recorded with the draw (audit, reproducibility); never asked.
            services.inspection_draw(actor=user, area=area, sample_size=_int(request.POST.get("sample_size"),
                                                                              "抽取机构数"),
                                     note=request.POST.get("note", ""))
        _flash(request, draw, "已完成双随机抽取")
        return redirect("carefacility:inspections")
    today = timezone.localdate()
    return render(request, "carefacility/inspections.html", {
        "draws": selectors.draws_for(user).select_related("area")[:20],
        "inspections": selectors.inspections_for(user).prefetch_related("inspectors")[:100],
        "overdue": [(f, (today - f.deadline).days) for f in selectors.overdue_findings(user, today)[:200]],
        "today": today,
        # The 双随机 scope is picked, not typed: the user's counties and towns (villages hold no homes to draw).
        "draw_areas": areas_for(user).filter(level__in=["city", "county", "town"])})


@page(Cap.FACILITY_VIEW)
def inspection_detail(request, pk):
    inspection = selectors.inspection_get(request.user, pk)
    if request.method == "POST":
        require(request.user, Cap.FACILITY_INSPECT)

        def record():
            findings = [{"description": d, "deadline": _date(dl, "整改期限")}
                        for d, dl in zip(request.POST.getlist("description"), request.POST.getlist("deadline"),
                                         strict=False) if d.strip() or dl.strip()]
            services.inspection_record(actor=request.user, inspection=inspection, findings=findings,
                                       summary=request.POST.get("summary", ""),
                                       inspected_on=_date(request.POST.get("inspected_on", ""), "检查日期"))
        _flash(request, record, "检查结果已录入")
        return redirect("carefacility:inspection", pk=inspection.pk)
    return render(request, "carefacility/inspection.html", {
        "inspection": inspection, "findings": inspection.findings.all(), "today": timezone.localdate()})


@require_POST
@page(Cap.FACILITY_VIEW)
def finding_rectify(request, pk):
    finding = selectors.finding_get(request.user, pk)
    require(request.user, Cap.FACILITY_INSPECT)
    _flash(request, lambda: services.finding_rectify(actor=request.user, finding=finding,
                                                     note=request.POST.get("note", "")), "已确认整改完成")
    return redirect("carefacility:inspection", pk=finding.inspection_id)


@page(Cap.FACILITY_VIEW)
def retrofit_list(request):
    user = request.user
    if request.method == "POST":
        require(user, Cap.RETROFIT_APPLY)

        def apply():
            person = _chosen_elder(request, Cap.RETROFIT_APPLY)
            services.retrofit_apply(actor=user, person=person, needs=request.POST.get("needs", ""),
                                    address=request.POST.get("address", ""))
        _flash(request, apply, "适老化改造申请已提交")
        return redirect("carefacility:retrofits")
    qs = selectors.retrofits_for(user)
    status = request.GET.get("status", "")
    return render(request, "carefacility/retrofits.html", {
        "retrofits": paginate(request, qs.filter(status=status) if status else qs),
        "statuses": Retrofit.Status.choices, "status": status})


@page(Cap.FACILITY_VIEW)
def retrofit_detail(request, pk):
    retrofit = selectors.retrofit_get(request.user, pk)

    trail = AuditEntry.objects.filter(object_type="retrofit", object_id=str(retrofit.pk)).order_by("seq")
    return render(request, "carefacility/retrofit.html", {
        "retrofit": retrofit, "steps": services.RETROFIT_STEPS, "trail": trail})


@require_POST
@page(Cap.FACILITY_VIEW)
def retrofit_step(request, pk, action):
    retrofit = selectors.retrofit_get(request.user, pk)
    require(request.user, Cap.RETROFIT_HANDLE)
    label = services.RETROFIT_STEPS.get(action, (None, None, "办理"))[2]
    _flash(request, lambda: services.retrofit_step(
        actor=request.user, retrofit=retrofit, action=action, note=request.POST.get("note", ""),
        planned_items=request.POST.get("planned_items", ""), contractor=request.POST.get("contractor", "")),
        f"已办理：{label}")
    return redirect("carefacility:retrofit", pk=retrofit.pk)


@page(Cap.FACILITY_VIEW)
def training_list(request):
    """养老服务人员培训: sessions held in one's areas, and the form to record one (its 人次 feed 规划监测)."""
    user = request.user
    if request.method == "POST":
        require(user, Cap.FACILITY_MANAGE)

        def record():
            area = Area.objects.current().filter(code=request.POST.get("area", "")).first()
            if area is None or not can_access_area(user, area):
                raise DomainError("请选择您管辖范围内的举办地区", field="area")
            try:
                held_on = dt.date.fromisoformat(request.POST.get("held_on", ""))
            except ValueError as e:
                raise DomainError("培训日期格式应为YYYY-MM-DD", field="held_on") from e
            services.training_record(actor=user, area=area, title=request.POST.get("title", ""),
                                     organiser=request.POST.get("organiser", ""), held_on=held_on,
                                     trainees=request.POST.get("trainees", ""), hours=request.POST.get("hours", ""))
        _flash(request, record, "培训已登记")
        return redirect("carefacility:trainings")
    return render(request, "carefacility/trainings.html", {
        "trainings": paginate(request, selectors.trainings_for(user)),
        "areas": [a.area for a in user.area_assignments.select_related("area")]})
