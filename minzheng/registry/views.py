"""Registry pages: thin views over selectors (reads, scoped) and services (writes, audited)."""

import secrets
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from minzheng.accounts.roles import Cap
from minzheng.areas.models import Level
from minzheng.areas.selectors import area_get, areas_for, top_areas
from minzheng.core.errors import DomainError, Forbidden, NotFound
from minzheng.core.models import AuditEntry
from minzheng.core.periods import local_date
from minzheng.web.pages import is_htmx, page, paginate, require, save_form
from minzheng.web.widgets import keep_person
from minzheng.web.workbench import tasks_for

from . import services
from .dossier import sections_for
from .exports import persons_export
from .forms import (
    AddMemberForm,
    CategoryAddForm,
    CategoryEndForm,
    ChangeHeadForm,
    DuplicateReviewForm,
    HouseholdCreateForm,
    MergeForm,
    PersonCreateForm,
    PersonEditForm,
    RemoveMemberForm,
    SplitForm,
)
from .models import Category, Membership, PersonCategory
from .selectors import (
    PICK_PURPOSES,
    current_household,
    duplicate_candidates,
    first_rows_by_area,
    full_record_views,
    household_get,
    household_members,
    households_for,
    is_id_query,
    person_chosen,
    person_get,
    person_search,
    registry_overview,
    with_list_details,
)


@page()
def home(request):
    """The start page: the user's 工作台 (what to do today, from every app's list selectors), their areas and, for
    registry readers, the registry's figures for them."""
    ctx = {"tops": top_areas(request.user), "tasks": tasks_for(request.user, local_date())}
    if request.user.can(Cap.REGISTRY_VIEW):
        ctx |= registry_overview(request.user)
    return render(request, "web/home.html", ctx)


# --- person list, search and export ----------------------------------------------------------

# A search by 身份证号 is posted, and the page's address carries a random token for it (kept in the session), so
# full numbers never reach server logs, proxies or the browser history.
ID_SEARCHES = "registry.id_searches"
ID_SEARCHES_KEPT = 20


def _remember_id_search(request, q: str) -> str:
    token = secrets.token_urlsafe(9)
    kept = list(request.session.get(ID_SEARCHES, {}).items())[-(ID_SEARCHES_KEPT - 1):]
    request.session[ID_SEARCHES] = dict(kept) | {token: q}
    return token


def _list_filters(request, data=None):
    """(q, area, category) from the query string, or from a posted search/export form."""
    data = request.GET if data is None else data
    user = request.user
    q = data.get("q", "").strip()[:64]
    if data.get("s"):
        q = request.session.get(ID_SEARCHES, {}).get(data["s"], "")
    code = data.get("area", "").strip()
    area = area_get(user, code) if code else None
    category = data.get("category", "")
    category = category if category in Category.values else ""
    return q, area, category


def _list_address(request, q, area, category) -> str:
    params = {"area": area.code if area else "", "category": category}
    if q and is_id_query(q):
        params["s"] = _remember_id_search(request, q)
    elif q:
        params["q"] = q
    params = {k: v for k, v in params.items() if v}
    return reverse("web:person_list") + (f"?{urlencode(params)}" if params else "")


def _area_options(user):
    """Areas offered in the filter: all levels for a town/village user, above village level for wider scopes."""
    qs = areas_for(user)
    if any(a.level in (Level.PROVINCE, Level.CITY, Level.COUNTY) for a in top_areas(user)):
        qs = qs.exclude(level=Level.VILLAGE)
    return qs.values("code", "name")  # a city's hundreds of options: no model instances needed


# The list counts at most this many persons: a city's exact COUNT over 1,000,000 rows was most of the page's time
# (issue 9); past it the page says "超过 10,000 条" and 500 pages of 20 are still reachable.
PERSON_LIST_COUNT_CAP = 10_000


@require_POST
@login_required
def person_pick(request):
    """The person search-as-you-type (web/pickers.js): the first candidates for a name, pinyin initials or the
    digits of an ID, among the persons the user may choose for the form's purpose, with masked ID and 村居. A POST, so
    no ID number lands in a URL or an access log."""
    capability = PICK_PURPOSES.get(request.POST.get("purpose", ""))
    if capability is None:
        return JsonResponse({"code": "bad_request", "message": "人员选择的用途不正确"}, status=400)
    query = request.POST.get("q", "").strip()
    found = person_search(request.user, query, capability=capability).select_related("residence_area__parent")[:10] \
        if query else []
    return JsonResponse({"persons": [{"id": p.pk, "name": p.name, "masked_id": p.masked_id,
                                      "area": area_label(p.residence_area)} for p in found]})


def area_label(area) -> str:
    """礼乐街道/英南村: the village with the town above it (a bare village name is ambiguous)."""
    if area is None:
        return ""
    return f"{area.parent.name}/{area.name}" if area.parent_id and area.level == Level.VILLAGE else area.name


@page(Cap.REGISTRY_VIEW)
def person_list(request):
    if request.method == "POST":
        # The search form posts; the answer's address holds names and filters but an ID number only as a token.
        address = _list_address(request, *_list_filters(request, request.POST))
        if not is_htmx(request):
            return redirect(address)
        request.GET = QueryDict(address.partition("?")[2])
    q, area, category = _list_filters(request)
    status, refused, found = 200, "", person_search(request.user, q, area=area, category=category)
    if is_id_query(request.GET.get("q", "")):
        q, status, found = "", 400, found.none()
        refused = "按身份证号查询时，请在搜索框中输入后查询（号码不会出现在网址中）"

    def first_rows(rows):
        narrowed = first_rows_by_area(request.user, area=area, rows=rows)
        return None if narrowed is None else with_list_details(narrowed)

    ctx = {"page": paginate(request, with_list_details(found), count_cap=PERSON_LIST_COUNT_CAP,
                            first_rows=None if q or category or refused else first_rows),
           "q": q, "area": area, "category": category, "categories": Category.choices, "refused": refused,
           "id_search": is_id_query(q),
           "can_full_export": request.user.can(Cap.REGISTRY_EXPORT_FULL)}
    if is_htmx(request):
        response = render(request, "registry/_person_results.html", ctx, status=status)
        if request.method == "POST":
            response["HX-Push-Url"] = address
        return response
    return render(request, "registry/person_list.html", ctx | {"area_options": _area_options(request.user)},
                  status=status)


@require_POST
@page(Cap.REGISTRY_EXPORT)
def person_export(request):
    q, area, category = _list_filters(request, request.POST)
    try:
        out, _rows = persons_export(actor=request.user, query=q, area=area, category=category or None,
                                    full=request.POST.get("full") == "1",
                                    purpose=request.POST.get("purpose", "")[:100])
    except (NotFound, Forbidden):
        raise
    except DomainError as e:
        messages.error(request, e.message)
        return redirect(_list_address(request, q, area, category))
    return FileResponse(out, as_attachment=True, filename=f"人员名单-{local_date():%Y%m%d}.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# --- person detail, full view, create and edit ------------------------------------------------


def _person_page(request, person, *, full=None, status=200, **forms):
    user = request.user
    ctx = {
        "person": person,
        "full": full,
        "phone_masked": services.mask_phone(person.phone),
        "bank_masked": services.mask_account(person.bank_account),
        "categories": PersonCategory.objects.filter(person=person).order_by("valid_to", "-valid_from"),
        "household": current_household(person),
        "memberships": Membership.objects.filter(person=person).select_related("household").order_by("-start_date"),
        "category_form": forms.get("category_form") or CategoryAddForm(),
        "category_end_form": CategoryEndForm(),
        "household_form": forms.get("household_form") or HouseholdCreateForm(initial={"address": person.address}),
    }
    sections = sections_for(user, person)
    ctx["sections"] = sections
    ctx["domain_facts"] = {k: v for s in sections for k, v in s.facts.items()}
    if user.can(Cap.REGISTRY_VIEW_FULL) or user.can(Cap.AUDIT_VIEW):
        ctx["full_views"] = full_record_views(person)
    if user.can(Cap.AUDIT_VIEW):
        history = AuditEntry.objects.filter(object_type="person", object_id=str(person.pk))
        ctx["history"] = history.order_by("-seq")[:100]
    return render(request, "registry/person_detail.html", ctx, status=status)


@page(Cap.REGISTRY_VIEW)
def person_detail(request, pk):
    return _person_page(request, person_get(request.user, pk))


@require_POST
@page(Cap.REGISTRY_VIEW)
def person_full(request, pk):
    person = person_get(request.user, pk)
    full = services.person_view_full(actor=request.user, person=person, purpose=request.POST.get("purpose", "")[:100])
    return _person_page(request, person, full=full)


@page(Cap.REGISTRY_EDIT)
def person_create(request):
    form = PersonCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = save_form(form, lambda: services.person_create(
            actor=request.user, **data | {"sex": data["sex"] or None, "birth_date": data["birth_date"] or None}))
        if person:
            messages.success(request, f"已登记{person.name}")
            return redirect("web:person_detail", pk=person.pk)
    return render(request, "registry/person_form.html", {"form": form, "person": None},
                  status=400 if form.errors else 200)


@page(Cap.REGISTRY_VIEW)
def person_edit(request, pk):
    person = person_get(request.user, pk)
    require(request.user, Cap.REGISTRY_EDIT)
    initial = {f: getattr(person, f) for f in services.EDITABLE_FIELDS}
    form = PersonEditForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if v != initial.get(k)}
        if save_form(form, lambda: services.person_update(actor=request.user, person=person, **changes)):
            messages.success(request, "已保存修改")
            return redirect("web:person_detail", pk=person.pk)
    return render(request, "registry/person_form.html", {"form": form, "person": person},
                  status=400 if form.errors else 200)


@require_POST
@page(Cap.REGISTRY_VIEW)
def category_add(request, pk):
    person = person_get(request.user, pk)
    require(request.user, Cap.REGISTRY_EDIT)
    form = CategoryAddForm(request.POST)
    if form.is_valid() and save_form(form, lambda: services.category_add(actor=request.user, person=person,
                                                                      **form.cleaned_data)):
        messages.success(request, "已添加人员类别")
        return redirect("web:person_detail", pk=person.pk)
    return _person_page(request, person, category_form=form, status=400)


@require_POST
@page(Cap.REGISTRY_VIEW)
def category_end(request, pk, category_pk):
    person = person_get(request.user, pk)
    require(request.user, Cap.REGISTRY_EDIT)
    pc = PersonCategory.objects.filter(person=person, pk=category_pk, valid_to__isnull=True).first()
    if pc is None:
        raise NotFound("该类别不存在或已终止")
    form = CategoryEndForm(request.POST)
    if form.is_valid() and save_form(form, lambda: services.category_end(
            actor=request.user, person_category=pc, valid_to=form.cleaned_data["valid_to"],
            reason=form.cleaned_data["reason"])):
        messages.success(request, "已终止人员类别")
        return redirect("web:person_detail", pk=person.pk)
    messages.error(request, "；".join(m for errs in form.errors.values() for m in errs) or "终止失败")
    return redirect("web:person_detail", pk=person.pk)


@require_POST
@page(Cap.REGISTRY_VIEW)
def household_create(request, pk):
    person = person_get(request.user, pk)
    require(request.user, Cap.HOUSEHOLD_MANAGE)
    form = HouseholdCreateForm(request.POST)
    if form.is_valid():
        h = save_form(form, lambda: services.household_create(
            actor=request.user, area=person.residence_area, head=person, address=form.cleaned_data["address"]))
        if h:
            messages.success(request, f"已新建家庭{h.number}")
            return redirect("web:household_detail", pk=h.pk)
    return _person_page(request, person, household_form=form, status=400)


# --- households --------------------------------------------------------------------------------


@page(Cap.REGISTRY_VIEW)
def household_list(request):
    q = request.GET.get("q", "").strip()[:64]
    qs = households_for(request.user).select_related("area", "head")
    if not request.GET.get("dissolved"):
        qs = qs.filter(dissolved_on__isnull=True)
    if q:
        qs = qs.filter(number__startswith=q) if q[:1].isdigit() else qs.filter(head__name__startswith=q)
    ctx = {"page": paginate(request, qs.order_by("number")), "q": q, "dissolved": bool(request.GET.get("dissolved"))}
    return render(request, "registry/household_list.html", ctx)


def _op_forms(household, data=None, bound=None):
    forms = {"add": AddMemberForm(), "remove": RemoveMemberForm(household=household),
             "head": ChangeHeadForm(household=household), "split": SplitForm(household=household),
             "merge": MergeForm()}
    if bound:
        forms[bound[0]] = bound[1]
    return forms


def _household_page(request, household, *, bound=None, status=200):
    ctx = {"household": household, "members": household_members(household),
           "past": household_members(household, current_only=False).filter(end_date__isnull=False),
           "forms": _op_forms(household, bound=bound), "open_op": bound[0] if bound else ""}
    if request.user.can(Cap.AUDIT_VIEW):
        ctx["history"] = AuditEntry.objects.filter(object_type="household",
                                                   object_id=str(household.pk)).order_by("-seq")[:100]
    return render(request, "registry/household_detail.html", ctx, status=status)


@page(Cap.REGISTRY_VIEW)
def household_detail(request, pk):
    return _household_page(request, household_get(request.user, pk))


def _op_add(request, h):
    form = AddMemberForm(request.POST, person=request.POST.get("person", ""))
    chosen = person_chosen(request.user, person_id=form.person) if form.person else None
    keep_person(form, "id_number", chosen)  # the form shown again keeps the member chosen
    if not form.is_valid():
        return form, None
    d = form.cleaned_data
    person = chosen if form.person else person_chosen(request.user, person_id="", id_number=d["id_number"])
    if person is None:
        form.add_error("id_number", "未找到所选人员，或其不在您的管辖范围内；请先登记该人员" if form.person
                       else f"未找到身份证号为“{d['id_number']}”的人员，或其不在您的管辖范围内；请先登记该人员")
        return form, None
    return form, save_form(form, lambda: services.household_add_member(
        actor=request.user, household=h, person=person, relation=d["relation"], start_date=d["start_date"]))


def _op_remove(request, h):
    form = RemoveMemberForm(request.POST, household=h)
    if not form.is_valid():
        return form, None
    d = form.cleaned_data
    return form, save_form(form, lambda: services.household_remove_member(
        actor=request.user, household=h, person=d["person"], end_date=d["end_date"], reason=d["reason"]))


def _op_head(request, h):
    form = ChangeHeadForm(request.POST, household=h)
    if not form.is_valid():
        return form, None
    d = form.cleaned_data
    return form, save_form(form, lambda: services.household_change_head(
        actor=request.user, household=h, new_head=d["new_head"], old_head_relation=d["old_head_relation"]))


def _op_split(request, h):
    form = SplitForm(request.POST, household=h)
    if not form.is_valid():
        return form, None
    d = form.cleaned_data
    new = save_form(form, lambda: services.household_split(
        actor=request.user, household=h, members=list(d["members"]), new_head=d["new_head"], address=d["address"]))
    return form, new


def _op_merge(request, h):
    form = MergeForm(request.POST)
    if not form.is_valid():
        return form, None
    target = households_for(request.user).filter(number=form.cleaned_data["target"].strip()).first()
    if target is None:
        form.add_error("target", f"未找到家庭编号“{form.cleaned_data['target']}”，或其不在您的管辖范围内")
        return form, None
    return form, save_form(form, lambda: services.household_merge(actor=request.user, source=h, target=target))


HOUSEHOLD_OPS = {
    "add": (_op_add, "已添加家庭成员"),
    "remove": (_op_remove, "已移除家庭成员"),
    "head": (_op_head, "已变更户主"),
    "split": (_op_split, "已分户"),
    "merge": (_op_merge, "已并户"),
}


@require_POST
@page(Cap.REGISTRY_VIEW)
def household_op(request, pk, op):
    household = household_get(request.user, pk)
    if op not in HOUSEHOLD_OPS:
        raise NotFound("不支持的家庭操作")
    require(request.user, Cap.HOUSEHOLD_MANAGE)
    handler, done = HOUSEHOLD_OPS[op]
    form, result = handler(request, household)
    if result is None:
        return _household_page(request, household, bound=(op, form), status=400)
    messages.success(request, done)
    # Split and merge land on the household the members now belong to.
    target = result if op in ("split", "merge") else household
    return redirect("web:household_detail", pk=target.pk)


# --- duplicates --------------------------------------------------------------------------------


@page(Cap.REGISTRY_VIEW)
def duplicates(request):
    return render(request, "registry/duplicates.html", {"pairs": duplicate_candidates(request.user)})


@require_POST
@page(Cap.REGISTRY_VIEW)
def duplicate_review(request):
    form = DuplicateReviewForm(request.POST)
    if not form.is_valid():
        raise NotFound("审核请求不完整")
    d = form.cleaned_data
    a, b = person_get(request.user, d["a"]), person_get(request.user, d["b"])
    require(request.user, Cap.DUPLICATE_REVIEW)
    services.duplicate_review(actor=request.user, a=a, b=b, decision=d["decision"], note=d["note"])
    messages.success(request, f"已记录审核结论：{a.name} / {b.name}")
    return redirect("web:duplicates")
