"""社会组织 pages: the registrar's list and an organisation's record (年报, credit lists, certificate), the
application queue, and the public credit-list query (no login). Thin: scoped reads, audited writes."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from minzheng.accounts.roles import Cap
from minzheng.areas.selectors import areas_for
from minzheng.areas.services import area_by_code
from minzheng.core.errors import DomainError, Forbidden
from minzheng.core.periods import local_date
from minzheng.web.pages import form_date, page, paginate

from . import selectors, services
from .documents import certificate_pdf
from .models import Application, Check, Form, Penalty
from .rules import grounds


def _refused(request, e: DomainError, to: str = "socialorgs:index", *args):
    if e.status in (403, 404):
        raise e
    messages.error(request, e.message)
    return redirect(to, *args)


@page(Cap.SOCIALORG_VIEW)
def index(request):
    user = request.user
    return render(request, "socialorgs/index.html", {
        "orgs": paginate(request, selectors.orgs_for(user), 50),
        "pending": selectors.applications_for(user).filter(
            status__in=[Application.Status.SUBMITTED, Application.Status.REVIEWED])[:100],
        "listings": selectors.listings_for(user).filter(removed_on__isnull=True)[:200],
        "zombies": selectors.zombie_candidates(user, local_date())[:100]
        if user.can(Cap.SOCIALORG_REGISTER) else [],
        "forms": Form.choices, "can_apply": user.can(Cap.SOCIALORG_APPLY),
        "can_register": user.can(Cap.SOCIALORG_REGISTER),
    })


@page(Cap.SOCIALORG_VIEW)
def detail(request, pk):
    org = selectors.org_get(request.user, pk)
    return render(request, "socialorgs/detail.html", {
        "org": org, "reports": org.annual_reports.all(), "listings": org.listings.all(),
        "rating": selectors.rating_current(org, local_date()),
        "grounds": [g for g in grounds().values() if g.code != "abnormal_two_years"],
        "last_year": local_date().year - 1,
        "can_apply": request.user.can(Cap.SOCIALORG_APPLY),
        "can_register": request.user.can(Cap.SOCIALORG_REGISTER),
        "penalty_kinds": Penalty.Kind.choices, "grades": range(1, 6),
        "changeable": [(k, label) for k, (label, _limit) in services.CHANGEABLE.items()],
        "open_application": org.applications.filter(
            status__in=[Application.Status.SUBMITTED, Application.Status.REVIEWED]).first(),
    })


@page(Cap.SOCIALORG_VIEW)
def certificate(request, pk):
    org = selectors.org_get(request.user, pk)
    response = HttpResponse(certificate_pdf(org), content_type="application/pdf")
    response["Content-Disposition"] = "inline; filename=certificate.pdf"
    return response


@require_POST
@page(Cap.SOCIALORG_APPLY)
def apply(request):
    try:
        area = area_by_code(request.POST.get("area_code", ""), field="住所所在地")
        rep = selectors.person_by_id_number(request.user, request.POST.get("legal_rep_id_number", ""))
        hub = selectors.org_get(request.user, request.POST["hub"]) if request.POST.get("hub") else None
        services.establish_apply(actor=request.user, area=area, name=request.POST.get("name", ""),
                                 form=request.POST.get("form", ""), legal_rep=rep,
                                 capital=request.POST.get("capital", ""), domicile=request.POST.get("domicile", ""),
                                 purpose=request.POST.get("purpose", ""),
                                 supervisor=request.POST.get("supervisor", ""), hub=hub)
        messages.success(request, "登记申请已受理，待登记管理机关审查")
    except DomainError as e:
        return _refused(request, e)
    return redirect("socialorgs:index")


@require_POST
@page(Cap.SOCIALORG_REGISTER)
def application_action(request, pk, action):
    app = selectors.application_get(request.user, pk)
    try:
        if action == "review":
            services.application_review(actor=request.user, application=app,
                                        approve=request.POST.get("decision") != "refuse",
                                        opinion=request.POST.get("opinion", ""))
            messages.success(request, "审查意见已记录")
        elif action == "approve":
            org = services.application_approve(actor=request.user, application=app,
                                               credit_code=request.POST.get("credit_code", ""))
            messages.success(request, f"已核准登记，统一社会信用代码：{org.credit_code or '（备案）'}")
        else:
            raise DomainError("未知操作")
    except DomainError as e:
        return _refused(request, e)
    return redirect("socialorgs:index")


@require_POST
@page(Cap.SOCIALORG_APPLY)
def annual_report(request, pk):
    org = selectors.org_get(request.user, pk)
    try:
        year = int(request.POST.get("year") or 0)
    except ValueError:
        year = 0
    try:
        services.annual_report_submit(actor=request.user, org=org, year=year, income=request.POST.get("income", 0),
                                      expense=request.POST.get("expense", 0),
                                      activities=request.POST.get("activities", ""))
        messages.success(request, f"{year}年度工作报告已报送")
    except DomainError as e:
        return _refused(request, e, "socialorgs:detail", org.pk)
    return redirect("socialorgs:detail", org.pk)


@require_POST
@page(Cap.SOCIALORG_REGISTER)
def list_org(request, pk):
    org = selectors.org_get(request.user, pk)
    try:
        services.credit_list(actor=request.user, org=org, ground=request.POST.get("ground", ""))
        messages.success(request, "已列入名录")
    except DomainError as e:
        return _refused(request, e, "socialorgs:detail", org.pk)
    return redirect("socialorgs:detail", org.pk)


@require_POST
@page(Cap.SOCIALORG_REGISTER)
def remove_listing(request, pk):
    item = selectors.listing_get(request.user, pk)
    try:
        services.listing_remove(actor=request.user, listing=item, reason=request.POST.get("reason", ""))
        messages.success(request, "已移出名录")
    except DomainError as e:
        return _refused(request, e, "socialorgs:detail", item.org_id)
    return redirect("socialorgs:detail", item.org_id)


@require_POST
@page(Cap.SOCIALORG_APPLY)
def org_change(request, pk):
    """受理变更登记: only the particulars filled in are asked to change."""
    org = selectors.org_get(request.user, pk)
    changes = {k: request.POST.get(k, "") for k in services.CHANGEABLE if (request.POST.get(k) or "").strip()}
    try:
        services.change_apply(actor=request.user, org=org, changes=changes)
        messages.success(request, "变更登记申请已受理，待登记管理机关审查")
    except DomainError as e:
        return _refused(request, e, "socialorgs:detail", org.pk)
    return redirect("socialorgs:detail", org.pk)


@require_POST
@page(Cap.SOCIALORG_APPLY)
def org_deregister(request, pk):
    org = selectors.org_get(request.user, pk)
    try:
        services.deregister_apply(actor=request.user, org=org, reason=request.POST.get("reason", ""))
        messages.success(request, "注销登记申请已受理，待登记管理机关审查")
    except DomainError as e:
        return _refused(request, e, "socialorgs:detail", org.pk)
    return redirect("socialorgs:detail", org.pk)


@require_POST
@page(Cap.SOCIALORG_REGISTER)
def org_rate(request, pk):
    org = selectors.org_get(request.user, pk)
    text = (request.POST.get("grade") or "").strip()
    try:
        if not text.isdigit():
            raise DomainError("请选择评估等级（1A至5A）", field="评估等级")
        r = services.rating_award(actor=request.user, org=org, grade=int(text))
        messages.success(request, f"已评定为{r.grade}A，有效期至{r.valid_to}")
    except DomainError as e:
        return _refused(request, e, "socialorgs:detail", org.pk)
    return redirect("socialorgs:detail", org.pk)


@require_POST
@page(Cap.SOCIALORG_REGISTER)
def org_penalty(request, pk):
    org = selectors.org_get(request.user, pk)
    try:
        services.penalty_record(actor=request.user, org=org, kind=request.POST.get("kind", ""),
                                fine=request.POST.get("fine") or "0", decision_no=request.POST.get("decision_no", ""),
                                facts=request.POST.get("facts", ""))
        listing = org.listings.filter(removed_on__isnull=True).first()
        messages.success(request, "行政处罚已登记" + (f"，已列入{listing.get_list_kind_display()}" if listing else ""))
    except DomainError as e:
        return _refused(request, e, "socialorgs:detail", org.pk)
    return redirect("socialorgs:detail", org.pk)


@page(Cap.SOCIALORG_VIEW)
def checks(request):
    """双随机一公开: the draws of one's areas and, for the registrar, the form to draw (the seed is the server's)."""
    user = request.user
    return render(request, "socialorgs/checks.html", {
        "draws": paginate(request, selectors.draws_for(user), 20),
        "can_register": user.can(Cap.SOCIALORG_REGISTER),
        "draw_areas": areas_for(user).filter(level__in=["city", "county", "town"]).order_by("path")[:200],
    })


@require_POST
@page(Cap.SOCIALORG_REGISTER)
def check_draw(request):
    user = request.user
    code = (request.POST.get("area_code") or "").strip()
    try:
        area = selectors.draw_area(user, code)
        draw = services.check_draw(actor=user, area=area, sample_size=request.POST.get("sample_size", ""))
    except DomainError as e:
        return _refused(request, e, "socialorgs:checks")
    messages.success(request, f"已完成双随机抽取，随机种子{draw.seed}")
    return redirect("socialorgs:draw", draw.pk)


@page(Cap.SOCIALORG_VIEW)
def draw(request, pk):
    d = selectors.draw_get(request.user, pk)
    return render(request, "socialorgs/draw.html", {
        "draw": d, "checks": selectors.draw_checks(d), "today": local_date(),
        "results": [(v, label) for v, label in Check.Result.choices if v != Check.Result.PENDING],
    })


@require_POST
@page(Cap.SOCIALORG_REGISTER)
def check_result(request, pk):
    check = selectors.check_get(request.user, pk)
    to = ("socialorgs:draw", check.draw_id) if check.draw_id else ("socialorgs:checks",)
    try:
        result = request.POST.get("result", "")
        rectify_by = (form_date(request.POST.get("rectify_by", ""), "整改期限")
                      if result == Check.Result.RECTIFY and (request.POST.get("rectify_by") or "").strip() else None)
        services.check_result(actor=request.user, check=check, result=result,
                              findings=request.POST.get("findings", ""), rectify_by=rectify_by)
        messages.success(request, f"已登记{check.org.name}的检查结果")
    except DomainError as e:
        return _refused(request, e, *to)
    return redirect(*to)


def public_checks(request):
    """结果公开 (no login): organisation, credit code, result and date of each finished check, nothing else."""
    if request.method != "GET":
        raise Forbidden()
    q = request.GET.get("q", "")
    return render(request, "socialorgs/public_checks.html",
                  {"q": q[:100], "rows": selectors.public_check_results(q)})


def public_credit(request):
    """公开查询 (no login): organisations now on the 活动异常名录 or 严重违法失信名单."""
    if request.method != "GET":
        raise Forbidden()
    q = request.GET.get("q", "")
    return render(request, "socialorgs/public_credit.html", {"q": q[:100], "rows": selectors.public_credit_query(q)})
