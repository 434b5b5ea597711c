"""地名 pages: gazetteer search (name, pinyin or initials), the naming officer's applications and each one's
detail with its 地名批准书 PDF, the 地名标志 inventory with each sign's inspections, and the 界线 sections with
their joint inspections and disputes. Scoped reads; every write goes through the services."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from minzheng.accounts.roles import Cap
from minzheng.areas.models import Succession
from minzheng.areas.services import area_by_code
from minzheng.core.errors import Conflict, DomainError
from minzheng.core.periods import local_date
from minzheng.core.scope import require
from minzheng.web.pages import form_date, form_pick, page, paginate, write_message

from . import selectors, services
from .certificate import certificate_pdf
from .models import Sign


@page(Cap.PLACENAME_VIEW)
def index(request):
    q = (request.GET.get("q") or "").strip()[:40]
    category = (request.GET.get("category") or "").strip()[:4]
    return render(request, "placenames/index.html", {
        "q": q, "category": category, "categories": services.categories(),
        "places": selectors.place_search(request.user, q, category=category)[:100],
        "applications": selectors.applications_for(request.user)[:100],
    })


@page(Cap.PLACENAME_VIEW)
def application(request, pk):
    a = selectors.application_get(request.user, pk)
    return render(request, "placenames/application.html", {"a": a, "category": services.categories().get(a.category),
                                                           "history": a.result.history.all() if a.result else []})


@page(Cap.PLACENAME_VIEW)
def certificate(request, pk):
    a = selectors.application_get(request.user, pk)
    try:
        data = certificate_pdf(a)
    except Conflict as e:
        return render(request, "404.html", {"message": e.message}, status=404)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="dimingpizhunshu-{a.pk}.pdf"'
    return response


def _point(longitude: str, latitude: str) -> list[list[str]]:
    for value, label in ((longitude, "经度"), (latitude, "纬度")):
        try:
            float((value or "").strip())
        except ValueError:
            raise DomainError(f"{label}应为数字（如113.08）", field=label) from None
    return [[longitude.strip(), latitude.strip()]]


@page(Cap.PLACENAME_VIEW)
def signs(request):
    """地名标志 inventory: every sign with its last inspection, filtered by condition; the form to register one."""
    condition = request.GET.get("condition", "")
    qs = selectors.signs_for(request.user).order_by("place__name", "code")
    if condition in Sign.Condition.values:
        qs = qs.filter(condition=condition)
    error = None
    if request.method == "POST":
        p = request.POST

        def write():
            place = selectors.place_by_name(request.user, p.get("place", ""), category=p.get("category", ""))
            s = services.sign_register(actor=request.user, place=place, code=p.get("code", ""),
                                       installed_on=form_date(p.get("installed_on", ""), "设置日期",
                                                              latest=local_date()),
                                       coordinates=_point(p.get("longitude", ""), p.get("latitude", "")))
            messages.success(request, f"已登记{place.name}的地名标志{s.code}")

        error = write_message(write)
        if error is None:
            return redirect("placenames:signs")
    return render(request, "placenames/signs.html", {
        "page": paginate(request, qs), "conditions": Sign.Condition.choices, "condition": condition,
        "categories": services.categories(), "can_edit": request.user.can(Cap.PLACENAME_EDIT), "error": error,
        "f": request.POST,
    }, status=400 if error else 200)


@page(Cap.PLACENAME_VIEW)
def sign(request, pk):
    """One sign with its inspections, and the form to record an inspection."""
    s = selectors.sign_get(request.user, pk)
    error = None
    if request.method == "POST":
        def write():
            i = services.sign_inspect(actor=request.user, sign=s,
                                      on=form_date(request.POST.get("inspected_on", ""), "巡查日期",
                                                   latest=local_date()),
                                      condition=request.POST.get("condition", ""), note=request.POST.get("note", ""))
            messages.success(request, f"已登记{i.inspected_on:%Y年%m月%d日}的巡查：{i.get_condition_display()}")

        error = write_message(write)
        if error is None:
            return redirect("placenames:sign", pk=s.pk)
    return render(request, "placenames/sign.html", {
        "sign": s, "inspections": s.inspections.select_related("inspector")[:200],
        "conditions": Sign.Condition.choices, "can_edit": request.user.can(Cap.PLACENAME_EDIT), "error": error,
        "f": request.POST, "today": local_date(),
    }, status=400 if error else 200)


@page(Cap.PLACENAME_VIEW)
def boundaries(request):
    """界线: the sections with either side in the user's areas, their last joint inspection and open disputes."""
    qs = selectors.boundaries_with_status(request.user).order_by("name")
    return render(request, "placenames/boundaries.html", {"page": paginate(request, qs)})


@page(Cap.PLACENAME_VIEW)
def boundary(request, pk):
    """One section with its joint inspections; forms to record an inspection and to close a dispute it found."""
    section = selectors.boundary_get(request.user, pk)
    error = None
    if request.method == "POST":
        p = request.POST

        def write():
            if p.get("action") == "resolve":
                inspection = form_pick(section.inspections.exclude(dispute=""), p.get("inspection", ""),
                                       "涉界矛盾纠纷")
                services.boundary_dispute_resolve(actor=request.user, inspection=inspection,
                                                  on=form_date(p.get("resolved_on", ""), "调处完结日期",
                                                               latest=local_date()),
                                                  note=p.get("note", ""))
                messages.success(request, "已登记纠纷调处结果")
                return
            raw = (p.get("markers_damaged") or "0").strip()
            if not raw.isdigit():
                raise DomainError("损坏界桩数应为0或正整数", field="损坏界桩数")
            i = services.boundary_inspect(actor=request.user, section=section,
                                          on=form_date(p.get("inspected_on", ""), "联检日期", latest=local_date()),
                                          parties=p.get("parties", ""), findings=p.get("findings", ""),
                                          markers_damaged=int(raw), dispute=p.get("dispute", ""))
            messages.success(request, f"已登记{i.inspected_on:%Y年%m月%d日}的界线联检")

        error = write_message(write)
        if error is None:
            return redirect("placenames:boundary", pk=section.pk)
    return render(request, "placenames/boundary.html", {
        "section": section, "inspections": section.inspections.all()[:200],
        "can_edit": request.user.can(Cap.PLACENAME_EDIT), "error": error, "f": request.POST, "today": local_date(),
    }, status=400 if error else 200)


def _successor_lines(text: str, parent) -> list[services.Successor]:
    """The 新区划 textarea: one "代码 名称" a line."""
    out = []
    for n, line in enumerate((text or "").splitlines()[:20], start=1):
        parts = line.replace("，", " ").replace(",", " ").split()
        if not parts:
            continue
        if len(parts) != 2:
            raise DomainError(f"新区划第{n}行应为“代码 名称”（如 440704003009 英东村）", field="新区划")
        out.append(services.Successor(code=parts[0], name=parts[1], parent=parent))
    return out


@page(Cap.PLACENAME_VIEW)
def redivisions(request):
    """行政区划调整: the re-divisions touching the user's areas, and the form (county and city place-names officers)
    to record one from its approval document."""
    error = None
    can_edit = request.user.can(Cap.PLACENAME_APPROVE)
    done = []
    if request.method == "POST":
        p = request.POST

        def write():
            require(request.user, Cap.PLACENAME_APPROVE)
            codes = [c.strip() for c in (p.get("old") or "").replace("，", ",").split(",") if c.strip()]
            if not codes:
                raise DomainError("请选择原区划", field="原区划")
            olds = [area_by_code(c, field="原区划") for c in codes[:20]]
            parent_code = (p.get("parent") or "").strip()
            parent = area_by_code(parent_code, field="上级区划") if parent_code else olds[0].parent
            if parent is None:
                raise DomainError("请选择新区划的上级区划", field="上级区划")
            s = services.area_redivide(
                actor=request.user, kind=p.get("kind", ""), old_areas=olds,
                successors=_successor_lines(p.get("successors", ""), parent),
                effective_on=form_date(p.get("effective_on", ""), "生效日期"), document=p.get("document", ""),
                authority=p.get("authority", ""), note=p.get("note", ""))
            messages.success(request, f"已登记{s.get_kind_display()}（{s.authority}{s.document}），"
                                      f"{s.effective_on:%Y年%m月%d日}起生效")
            done.append(s.pk)

        error = write_message(write)
        if error is None:
            return redirect("placenames:redivision", pk=done[0])
    qs = selectors.successions_for(request.user).prefetch_related("links__old", "links__new")
    listed = paginate(request, qs)
    for s in listed:  # the areas the approval names; a town's carried villages are on its detail page
        s.named_olds, s.named_news = selectors.succession_named_areas(s)
    return render(request, "placenames/redivisions.html", {
        "page": listed, "kinds": Succession.Kind.choices, "can_edit": can_edit, "error": error,
        "f": request.POST,
    }, status=400 if error else 200)


@page(Cap.PLACENAME_VIEW)
def redivision(request, pk):
    """One re-division: old and successor areas, the approval, the records and staff still on the old areas."""
    s = selectors.succession_get(request.user, pk)
    olds, news = selectors.succession_areas(s)
    return render(request, "placenames/redivision.html", {
        "s": s, "olds": olds, "news": news, "rows": selectors.rows_left(s),
        "users": selectors.users_on_old_areas(s), "split": s.kind == Succession.Kind.SPLIT,
    })
