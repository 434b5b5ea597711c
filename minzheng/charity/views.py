"""大慈善 pages: the charity desk and the bureau's supervision view (staff), and the public pages — fund-raising
plans, wishes to claim, the receipt check. Thin: scoped reads, audited writes."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from minzheng.accounts.roles import Cap
from minzheng.areas.services import area_by_code
from minzheng.core.errors import DomainError, NotFound
from minzheng.core.periods import local_date
from minzheng.registry.selectors import current_household, person_chosen
from minzheng.socialorgs.models import SocialOrg
from minzheng.socialorgs.selectors import orgs_for
from minzheng.web.pages import form_date, form_pick, page, write_message

from . import selectors, services
from .models import DemoSite, Donation, Expenditure, Fund, Referral, Space, Wish
from .rules import needs


@page(Cap.CHARITY_VIEW)
def index(request):
    """The desk and supervision view: each charity's fund balances and this year's management-cost share."""
    year = local_date().year
    rows = [{"charity": c, "funds": selectors.fund_balances(c), "totals": selectors.annual_totals(c, year)}
            for c in selectors.charities_for(request.user)[:100]]
    return render(request, "charity/index.html", {
        "rows": rows, "year": year,
        "pending": selectors.expenditures_for(request.user).filter(status="prepared")[:100],
        "wishes": selectors.wishes_for(request.user).exclude(status="closed")[:100],
        "referrals": selectors.referrals_for(request.user)[:100],
        "trusts": selectors.trusts_for(request.user)[:100],
        "demo_sites": selectors.demo_sites_for(request.user).filter(revoked_on__isnull=True)[:200],
    })


def public_wishes(request):
    return render(request, "charity/public_wishes.html", {"wishes": selectors.public_wishes(),
                                                          "plans": selectors.public_plans(local_date())[:100]})


@require_POST
def public_claim(request):
    try:
        wish = selectors.public_wish(request.POST.get("wish", ""))
    except NotFound:
        messages.error(request, "该心愿已被认领或已不在待认领名单中，请选择其他心愿")
        return redirect("charity:public_wishes")
    try:
        services.wish_claim(actor=None, wish=wish, claimant=request.POST.get("claimant", ""))
        messages.success(request, f"感谢认领“{wish.title}”，村（居）工作人员将与您联系")
    except DomainError as e:
        messages.error(request, e.message)
    return redirect("charity:public_wishes")


def public_disclosures(request):
    kind = request.GET.get("kind", "")[:20]
    return render(request, "charity/public_disclosures.html", {
        "items": selectors.public_disclosures(kind)[:200], "kind": kind,
        "kinds": [("", "全部"), ("fundraising", "募捐情况"), ("project", "项目实施情况")]})


def receipt_check(request):
    number, code = request.GET.get("number", "")[:30], request.GET.get("code", "")[:12]
    found = selectors.receipt_check(number, code) if number else None
    return render(request, "charity/receipt_check.html", {"number": number, "found": found, "asked": bool(number)})


# --- the forms of the charity's desk, the community page and the bureau's supervision view -------------------------
# Each form posts an `action` to its page; the page looks every chosen object up in the user's scoped lists
# (another area's id is the same 404 as an absent one), calls one service and shows its Chinese error in place.

def _opt(p, key: str) -> str:
    return (p.get(key) or "").strip()


# The person pickers of these forms (registry.selectors.PICK_PURPOSES): the right each form's lookup reads under.
PICKED = {"refer": ("charity", Cap.CHARITY_WISH, "申请人"), "spend": ("charity_spending", Cap.CHARITY_RECORD, "受助人")}


def _picked(request, p, action: str, *, required: bool):
    """The person a form's picker chose (the hidden `person` id) or, without JavaScript, the typed 身份证号: one of
    the user's areas only; another area's person gets the answer an unknown one gets."""
    _purpose, capability, label = PICKED[action]
    pid, number = _opt(p, "person"), _opt(p, "id_number")
    if not pid and not number:
        if required:
            raise DomainError(f"请选择{label}（输入姓名、拼音首字母或身份证号查找）", field=label)
        return None
    person = person_chosen(request.user, person_id=pid, id_number=number, capability=capability)
    if person is None:
        raise NotFound(f"所选{label}不存在或不在您的管辖范围内")
    return person


def _chosen(request, action: str):
    """The person already chosen, shown again in the picker when the form comes back with an error."""
    if request.method != "POST" or request.POST.get("action") != action:
        return None
    pid = _opt(request.POST, "person")
    return person_chosen(request.user, person_id=pid, capability=PICKED[action][1]) if pid else None


def _change(value: str) -> int:
    text = (value or "").strip()
    try:
        return int(text)
    except ValueError:
        raise DomainError("数量变动应为整数：入库为正数，发放为负数", field="数量") from None


def _year(value: str) -> int:
    text = (value or "").strip()
    if not text.isdigit() or len(text) != 4:
        raise DomainError("年度应为四位数字年份", field="年度")
    return int(text)


def _donate(request, p, today):
    u = request.user
    fund = form_pick(selectors.funds_for(u), _opt(p, "fund"), "接收基金")
    plan = form_pick(selectors.plans_for(u), _opt(p, "plan"), "募捐方案") if _opt(p, "plan") else None
    d = services.donation_receive(actor=u, fund=fund, donor_name=p.get("donor_name", ""), amount=p.get("amount", ""),
                                  received_on=form_date(p.get("received_on", ""), "接收日期", latest=today),
                                  kind=_opt(p, "kind") or Donation.Kind.MONEY, goods=p.get("goods", ""), plan=plan)
    return f"已登记{d.donor_name}捐赠{d.amount:.2f}元，请开具捐赠票据"


def _receipt(request, p, today):
    d = form_pick(selectors.donations_for(request.user), _opt(p, "donation"), "捐赠")
    r = services.receipt_issue(actor=request.user, donation=d)
    return f"已开具捐赠票据{r.number}，校验码{r.code}"


def _fund(request, p, today):
    c = form_pick(selectors.charities_for(request.user), _opt(p, "charity"), "慈善组织")
    f = services.fund_create(actor=request.user, charity=c, name=p.get("name", ""), kind=_opt(p, "kind"),
                             purpose=p.get("purpose", ""))
    return f"已设立{f.get_kind_display()}“{f.name}”"


def _project(request, p, today):
    fund = form_pick(selectors.funds_for(request.user), _opt(p, "fund"), "资金来源")
    area = area_by_code(_opt(p, "area_code"), field="实施地")
    pr = services.project_create(actor=request.user, fund=fund, name=p.get("name", ""), purpose=p.get("purpose", ""),
                                 area=area)
    return f"已建立项目“{pr.name}”"


def _spend(request, p, today):
    u = request.user
    fund = form_pick(selectors.funds_for(u), _opt(p, "fund"), "支出基金")
    project = form_pick(selectors.projects_for(u), _opt(p, "project"), "项目") if _opt(p, "project") else None
    beneficiary = _picked(request, p, "spend", required=False)
    e = services.expenditure_prepare(actor=u, fund=fund, project=project, amount=p.get("amount", ""),
                                     spent_on=form_date(p.get("spent_on", ""), "支出日期", latest=today),
                                     evidence=p.get("evidence", ""), beneficiary=beneficiary, need=_opt(p, "need"))
    to = f"（受助人{beneficiary.name}，{needs()[e.need]}）" if beneficiary else ""
    return f"已申报支出{e.amount:.2f}元{to}，待另一名工作人员审批"


def _approve(request, p, today):
    e = form_pick(selectors.expenditures_for(request.user), _opt(p, "expenditure"), "支出")
    approve = _opt(p, "decision") != "reject"
    e, warnings = services.expenditure_approve(actor=request.user, expenditure=e, approve=approve,
                                               reason=p.get("reason", ""))
    return ("已批准支出" if approve else "已不予批准支出") + f"{e.amount:.2f}元" + "".join(f"。{w}" for w in warnings)


def _recognise(request, p, today):
    org = form_pick(orgs_for(request.user), _opt(p, "org"), "社会组织")
    c = services.charity_recognise(actor=request.user, org=org, public_fundraising=_opt(p, "public_fundraising") == "1")
    return f"已认定{c}为慈善组织" + ("，并取得公开募捐资格" if c.public_fundraising_on else "")


def _qualify(request, p, today):
    c = form_pick(selectors.charities_for(request.user), _opt(p, "charity"), "慈善组织")
    services.fundraising_grant(actor=request.user, charity=c)
    return f"{c}已取得公开募捐资格"


def _plan(request, p, today):
    fund = form_pick(selectors.funds_for(request.user), _opt(p, "fund"), "接收基金")
    plan = services.plan_file(actor=request.user, charity=fund.charity, fund=fund, title=p.get("title", ""),
                              purpose=p.get("purpose", ""), target=p.get("target", ""),
                              starts_on=form_date(p.get("starts_on", ""), "开始日期"),
                              ends_on=form_date(p.get("ends_on", ""), "结束日期"))
    return f"募捐方案“{plan.title}”已备案，备案编号{plan.number}"


def _trust(request, p, today):
    area = area_by_code(_opt(p, "area_code"), field="备案民政部门所在地")
    t = services.trust_file(actor=request.user, area=area, name=p.get("name", ""), trustee=p.get("trustee", ""),
                            supervisor=p.get("supervisor", ""), assets=p.get("assets", ""),
                            purpose=p.get("purpose", ""),
                            signed_on=form_date(p.get("signed_on", ""), "信托文件签订日期", latest=today))
    return f"慈善信托“{t.name}”已备案，备案编号{t.number}"


def _trust_report(request, p, today):
    t = form_pick(selectors.trusts_for(request.user), _opt(p, "trust"), "慈善信托")
    r = services.trust_report(actor=request.user, trust=t, year=_year(p.get("year", "")),
                              assets_end=p.get("assets_end", ""), spent=p.get("spent", ""),
                              summary=p.get("summary", ""))
    return f"已登记{t.name}{r.year}年度报告"


def _designate(request, p, today):
    area = area_by_code(_opt(p, "area_code"), field="所在地")
    d = services.demo_site_designate(actor=request.user, kind=_opt(p, "kind"), area=area, name=p.get("name", ""),
                                     on=form_date(p.get("designated_on", ""), "命名日期", latest=today))
    return f"已命名“{d.name}”为{d.get_kind_display()}"


def _revoke(request, p, today):
    site = form_pick(selectors.demo_sites_for(request.user).filter(revoked_on__isnull=True), _opt(p, "site"),
                     "示范社区或示范点")
    d = services.demo_site_revoke(actor=request.user, site=site, reason=p.get("reason", ""),
                                  on=form_date(p.get("revoked_on", ""), "撤销日期", latest=today))
    return f"已撤销“{d.name}”的命名"


def _refer(request, p, today):
    u = request.user
    person = _picked(request, p, "refer", required=True)
    household = current_household(person)
    if household is None:
        raise DomainError(f"{person.name}不在任何在册家庭中，请先在人员档案中登记其家庭", field="申请人")
    charity = form_pick(selectors.charities_to_refer_to(u), _opt(p, "charity"), "慈善组织")
    consent = form_date(p.get("consent_on", ""), "同意转介日期", latest=today) if _opt(p, "consent_on") else None
    r = services.referral_create(actor=u, household=household, person=person, charity=charity,
                                 ground=_opt(p, "ground"), consent_on=consent)
    return f"已将家庭{household.number}转介至{charity}（{r.get_ground_display()}，申请人{person.name}）"


def _answer(request, p, today):
    r = form_pick(selectors.referrals_for(request.user), _opt(p, "referral"), "转介")
    r = services.referral_update(actor=request.user, referral=r, status=_opt(p, "status"), outcome=p.get("outcome", ""))
    return f"转介已更新为“{r.get_status_display()}”"


def _resource(request, p, today):
    area = area_by_code(_opt(p, "area_code"), field="所在地")
    r = services.resource_register(actor=request.user, area=area, name=p.get("name", ""), offers=p.get("offers", ""),
                                   credit_code=p.get("credit_code", ""),
                                   is_enterprise=_opt(p, "is_enterprise") == "1")
    return f"“{r.name}”已加入爱心资源库"


def _space(request, p, today):
    area = area_by_code(_opt(p, "area_code"), field="所在地")
    s = services.space_open(actor=request.user, area=area, name=p.get("name", ""), kind=_opt(p, "kind"),
                            address=p.get("address", ""))
    return f"已登记{s.get_kind_display()}“{s.name}”"


def _stock(request, p, today):
    space = form_pick(selectors.spaces_for(request.user), _opt(p, "space"), "慈善空间或慈善超市")
    st = services.stock_move(actor=request.user, space=space, item=p.get("item", ""),
                             change=_change(p.get("change", "")))
    return f"{space.name}：{st.item}现有{st.quantity}件"


DESK_ACTIONS = {"donate": _donate, "receipt": _receipt, "fund": _fund, "project": _project, "spend": _spend,
                "approve": _approve}
SUPERVISION_ACTIONS = {"recognise": _recognise, "qualify": _qualify, "plan": _plan, "trust": _trust,
                       "trust_report": _trust_report, "designate": _designate, "revoke": _revoke}
COMMUNITY_ACTIONS = {"refer": _refer, "answer": _answer, "resource": _resource, "space": _space, "stock": _stock}


def _post(request, actions):
    """Run the posted action: (None, redirect) on success; (error, action) to show the page again with the error
    at the form that was sent. An unknown action is a 400 naming it."""
    action = request.POST.get("action", "")
    handler = actions.get(action)
    if handler is None:
        return "请选择要办理的事项", ""
    said: list[str] = []
    error = write_message(lambda: said.append(handler(request, request.POST, local_date())))
    if error is None:
        messages.success(request, said[0])
    return error, action


def _caps(user) -> dict:
    return {"can_record": user.can(Cap.CHARITY_RECORD), "can_approve": user.can(Cap.CHARITY_APPROVE),
            "can_wish": user.can(Cap.CHARITY_WISH)}


def _with_need_labels(rows) -> list[Expenditure]:
    labels = needs()
    rows = list(rows)
    for e in rows:
        e.need_label = labels.get(e.need, "")
    return rows


@page(Cap.CHARITY_VIEW)
def desk(request):
    """The charity's desk: gifts and their receipts, funds, projects, spending prepared and approved by another."""
    error, action = None, ""
    if request.method == "POST":
        error, action = _post(request, DESK_ACTIONS)
        if error is None:
            return redirect("charity:desk")
    u, today = request.user, local_date()
    return render(request, "charity/desk.html", {
        "charities": selectors.charities_for(u)[:200], "funds": selectors.funds_for(u)[:500],
        "plans": selectors.plans_for(u).filter(ends_on__gte=today).order_by("starts_on")[:200],
        "projects": selectors.projects_for(u)[:300],
        "unreceipted": selectors.donations_for(u).filter(receipt__isnull=True).order_by("-received_on", "-id")[:100],
        "donations": selectors.donations_for(u).select_related("receipt").order_by("-received_on", "-id")[:50],
        "pending": _with_need_labels(selectors.expenditures_for(u).filter(status=Expenditure.Status.PREPARED)
                                     .select_related("beneficiary").order_by("-id")[:100]),
        "fund_kinds": [k for k in Fund.Kind.choices if k[0] != Fund.Kind.GENERAL],
        "donation_kinds": Donation.Kind.choices, "needs": list(needs().items()),
        "beneficiary": _chosen(request, "spend"), "error": error, "action": action, "f": request.POST,
        "today": today, **_caps(u)}, status=400 if error else 200)


@page(Cap.CHARITY_VIEW)
def supervision(request):
    """The bureau's supervision view: recognition and 公开募捐资格, plans, trusts, designations and the 年度工作报告
    due or overdue."""
    error, action = None, ""
    if request.method == "POST":
        error, action = _post(request, SUPERVISION_ACTIONS)
        if error is None:
            return redirect("charity:supervision")
    u, today = request.user, local_date()
    charities = selectors.charities_for(u)
    return render(request, "charity/supervision.html", {
        "orgs": orgs_for(u).filter(status=SocialOrg.Status.ACTIVE, charity__isnull=True).exclude(
            form="community").order_by("name")[:300],
        "charities": charities[:300], "unqualified": charities.filter(public_fundraising_on__isnull=True)[:300],
        "funds": selectors.funds_for(u).filter(charity__public_fundraising_on__isnull=False)[:500],
        "plans": selectors.plans_for(u).order_by("-filed_on", "-id")[:100],
        "trusts": selectors.trusts_for(u).order_by("-filed_on", "-id")[:200],
        "sites": selectors.demo_sites_for(u).filter(revoked_on__isnull=True).order_by("-designated_on")[:200],
        "reports_due": selectors.annual_reports_due(u, today)[:300],
        "site_kinds": DemoSite.Kind.choices, "error": error, "action": action, "f": request.POST, "today": today,
        **_caps(u)}, status=400 if error else 200)


@page(Cap.CHARITY_VIEW)
def community(request):
    """Community charity: referrals from 救助 and the charity's answer, the 爱心资源库, 慈善空间/超市, stock."""
    error, action = None, ""
    if request.method == "POST":
        error, action = _post(request, COMMUNITY_ACTIONS)
        if error is None:
            return redirect("charity:community")
    u, today = request.user, local_date()
    return render(request, "charity/community.html", {
        "charities": selectors.charities_to_refer_to(u)[:200],
        "referrals": selectors.referrals_for(u).order_by("-referred_on", "-id")[:200],
        "resources": selectors.resources_for(u).order_by("-id")[:200],
        "spaces": selectors.spaces_for(u).prefetch_related("stock").order_by("name")[:200],
        "grounds": Referral.Ground.choices, "answers": [
            (Referral.Status.ACCEPTED, "接收"), (Referral.Status.DECLINED, "未接收"),
            (Referral.Status.HELPED, "已实施慈善救助")],
        "space_kinds": Space.Kind.choices, "open_referral": [Referral.Status.REFERRED, Referral.Status.ACCEPTED],
        "applicant": _chosen(request, "refer"),
        "error": error, "action": action, "f": request.POST, "today": today, "wish_open": Wish.Status.OPEN,
        **_caps(u)}, status=400 if error else 200)
