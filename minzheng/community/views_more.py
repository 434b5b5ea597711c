"""城乡社区治理 pages beyond 村务公开: 议事协商 (phone-sized, for the village committee), the bodies with members and
terms, the 社区工作者 roster with the ratio per 10,000 by town, and the 公共服务目录 / 印章使用范围清单 of a village.
Thin: scoped reads, audited writes; a bad field comes back as a Chinese message and nothing is written."""

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from minzheng.accounts.roles import Cap
from minzheng.areas.services import area_by_code
from minzheng.core.errors import DomainError, NotFound
from minzheng.core.periods import local_date
from minzheng.core.scope import user_area_codes
from minzheng.registry.selectors import person_chosen
from minzheng.web.pages import page

from . import selectors, services
from .models import Body, CommunityWorker
from .rules import participant_counts, participant_kinds
from .services import grades


def _date(text: str, field: str, required: bool = True) -> dt.date | None:
    if not (text or "").strip() and not required:
        return None
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        raise DomainError(f"请填写{field}（年-月-日）", field=field) from None


def _int(text: str, field: str) -> int:
    t = (text or "").strip() or "0"
    if not t.isdigit() or len(t) > 9:
        raise DomainError(f"{field}应为不小于0的整数", field=field)
    return int(t)


def _person(request, field: str, required: bool):
    pid, number = request.POST.get("person", ""), request.POST.get("id_number", "")
    if not pid.strip() and not number.strip():
        if required:
            raise DomainError(f"请选择{field}", field=field)
        return None
    person = person_chosen(request.user, person_id=pid, id_number=number, capability=Cap.COMMUNITY_VIEW)
    if person is None:
        raise DomainError(f"{field}不在人员库中或不在您的管辖范围内", field=field)
    return person


def _fail(request, e: DomainError) -> None:
    if e.status in (403, 404):
        raise e
    messages.error(request, e.message)


@page(Cap.COMMUNITY_VIEW)
def consultations(request):
    return render(request, "community/consultations.html", {
        "items": selectors.consultations_for(request.user).prefetch_related("persons")[:100],
        "kinds": participant_kinds().items(), "can_edit": request.user.can(Cap.COMMUNITY_EDIT),
        "today": local_date()})


@require_POST
@page(Cap.COMMUNITY_EDIT)
def consultation_create(request):
    try:
        area = area_by_code(request.POST.get("area_code", ""), field="村（居）")
        counts = {k: _int(request.POST.get(f"p_{k}", ""), f"{label}人数") for k, label in participant_kinds().items()}
        person = _person(request, "具名参加人", required=False)
        c = services.consultation_record(
            actor=request.user, area=area, topic=request.POST.get("topic", ""),
            held_on=_date(request.POST.get("held_on", ""), "协商日期"),
            participants={k: n for k, n in counts.items() if n}, persons=[person] if person else [],
            outcome=request.POST.get("outcome", ""), follow_up=request.POST.get("follow_up", ""),
            follow_up_due=_date(request.POST.get("follow_up_due", ""), "落实期限", required=False))
        messages.success(request, f"已登记议事协商“{c.topic}”")
        return redirect("community:consultation", c.pk)
    except DomainError as e:
        _fail(request, e)
    return redirect("community:consultations")


@page(Cap.COMMUNITY_VIEW)
def consultation(request, pk):
    c = selectors.consultation_get(request.user, pk)
    return render(request, "community/consultation.html", {
        "c": c, "counts": participant_counts(c.participants),
        "persons": c.persons.all(), "can_edit": request.user.can(Cap.COMMUNITY_EDIT), "today": local_date()})


@require_POST
@page(Cap.COMMUNITY_EDIT)
def consultation_act(request, pk, action):
    c = selectors.consultation_get(request.user, pk)
    try:
        if action == "follow-up":
            services.consultation_follow_up(actor=request.user, item=c,
                                            done_on=_date(request.POST.get("done_on", ""), "落实日期"),
                                            result=request.POST.get("result", ""))
            messages.success(request, "已登记落实情况")
        elif action == "publish":
            services.consultation_publish(actor=request.user, item=c)
            messages.success(request, "协商结果已在村（居）务公开栏公开")
        else:
            raise NotFound()
    except DomainError as e:
        _fail(request, e)
    return redirect("community:consultation", c.pk)


@page(Cap.COMMUNITY_VIEW)
def bodies(request):
    """The bodies with members and terms; `?status=awaiting` keeps those 届满待换届 (the 工作台's link)."""
    today = local_date()
    awaiting_only = request.GET.get("status") == "awaiting"
    qs = (selectors.bodies_awaiting_election(request.user, today) if awaiting_only
          else selectors.bodies_for(request.user))
    rows = list(qs.prefetch_related(selectors.MEMBERS_IN_ORDER)[:100])
    elections: dict[int, list] = {}
    for e in selectors.elections_for(request.user).filter(area_id__in={b.area_id for b in rows})[:500]:
        elections.setdefault(e.area_id, []).append(e)
    listed = [(b, selectors.term_status(b, today),
               [e for e in elections.get(b.area_id, []) if e.held_on > b.term_start]) for b in rows]
    return render(request, "community/bodies.html", {
        "bodies": listed, "awaiting": sum(1 for _, status, _ in listed if status == "届满待换届"),
        "kinds": Body.Kind.choices, "can_edit": request.user.can(Cap.COMMUNITY_EDIT), "today": today,
        "awaiting_only": awaiting_only})


@require_POST
@page(Cap.COMMUNITY_EDIT)
def body_renew(request, pk):
    body = selectors.body_get(request.user, pk)
    try:
        election = selectors.election_get(request.user, request.POST.get("election", "")) \
            if request.POST.get("election", "").strip() else None
        if election is None:
            raise DomainError("请选择换届选举记录", field="换届选举")
        person = _person(request, "新一届第一名成员", required=True)
        new = services.body_renew(actor=request.user, body=body, election=election,
                                  members=[(person, request.POST.get("post", ""),
                                            request.POST.get("one_shoulder") == "1")])
        messages.success(request, f"已换届：新一届任期{new.term_start}至{new.term_end}")
    except DomainError as e:
        _fail(request, e)
    return redirect("community:bodies")


@require_POST
@page(Cap.COMMUNITY_EDIT)
def body_create(request):
    try:
        area = area_by_code(request.POST.get("area_code", ""), field="村（居）")
        person = _person(request, "第一名成员", required=True)
        services.body_create(actor=request.user, area=area, kind=request.POST.get("kind", ""),
                             term_start=_date(request.POST.get("term_start", ""), "任期开始"),
                             term_end=_date(request.POST.get("term_end", ""), "任期届满"),
                             members=[(person, request.POST.get("post", ""), request.POST.get("one_shoulder") == "1")])
        messages.success(request, "已登记组织及任期")
    except DomainError as e:
        _fail(request, e)
    return redirect("community:bodies")


@require_POST
@page(Cap.COMMUNITY_EDIT)
def member_add(request, pk):
    body = selectors.body_get(request.user, pk)
    try:
        person = _person(request, "成员", required=True)
        services.member_add(actor=request.user, body=body, person=person, post=request.POST.get("post", ""),
                            one_shoulder=request.POST.get("one_shoulder") == "1")
        messages.success(request, f"已增加成员{person.name}")
    except DomainError as e:
        _fail(request, e)
    return redirect("community:bodies")


@page(Cap.COMMUNITY_VIEW)
def workers(request):
    today = local_date()
    return render(request, "community/workers.html", {
        "workers": [(w, grades().get(w.grade, w.grade)) for w in selectors.workers_for(request.user)[:200]],
        "ratios": selectors.ratios_by_town(request.user, today), "grade_choices": grades().items(),
        "leave_kinds": CommunityWorker.LeaveKind.choices,
        "can_edit": request.user.can(Cap.COMMUNITY_EDIT),
        "today": today})


@require_POST
@page(Cap.COMMUNITY_EDIT)
def worker_add(request):
    try:
        area = area_by_code(request.POST.get("area_code", ""), field="所在社区（村）")
        person = _person(request, "社区工作者", required=True)
        services.worker_add(actor=request.user, person=person, area=area, grade=request.POST.get("grade", ""),
                            since=_date(request.POST.get("since", ""), "入职日期"),
                            certificate=request.POST.get("certificate", ""),
                            training_hours=_int(request.POST.get("training_hours", ""), "年度培训学时"),
                            pay_band=request.POST.get("pay_band", ""))
        messages.success(request, f"已将{person.name}列入社区工作者名册")
    except DomainError as e:
        _fail(request, e)
    return redirect("community:workers")


@require_POST
@page(Cap.COMMUNITY_EDIT)
def worker_leave(request, pk):
    w = selectors.worker_get(request.user, pk)
    try:
        services.worker_leave(actor=request.user, worker=w, left_on=_date(request.POST.get("left_on", ""), "离岗日期"),
                              kind=request.POST.get("kind", ""), reason=request.POST.get("reason", ""))
        messages.success(request, f"已登记{w.person.name}{w.get_leave_kind_display()}，名册保留其任职记录")
    except DomainError as e:
        _fail(request, e)
    return redirect("community:workers")


@page(Cap.COMMUNITY_VIEW)
def catalogue(request):
    code = request.GET.get("area_code", "").strip()[:12]
    own = user_area_codes(request.user)
    if not code and len(own) == 1 and len(own[0]) == 12:
        code = own[0]  # a village worker sees their own village's lists at once
    found = None
    if code:
        try:
            found = selectors.catalogue_for(request.user, code)
        except NotFound as e:
            messages.error(request, e.message)
    return render(request, "community/catalogue.html", {"code": code, "found": found})
