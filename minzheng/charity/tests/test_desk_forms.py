"""The charity's desk, the community page and the bureau's supervision view, form by form over HTTP.

黄志强 approves for 江海区 (the 登记管理机关); 麦嘉怡, his colleague, is the second pair of eyes on money; 李建华 of
礼乐街道 keeps the desk of 江海区慈善会; 陈小玲 is the village worker of 英南村, where the 周 family was refused 低保.
郁南县's 梁文杰 holds the same rights as 黄志强 in his own county and sees and changes nothing of 江海区's.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client

from minzheng.accounts.roles import Role
from minzheng.accounts.services import user_create
from minzheng.assistance import services as assistance
from minzheng.assistance.tests.stories import make_family, submit_dibao, walk_to, world_fixture  # noqa: F401
from minzheng.charity import selectors, services
from minzheng.charity.models import (
    Charity,
    DemoSite,
    Donation,
    Expenditure,
    Fund,
    FundraisingPlan,
    Project,
    Receipt,
    Referral,
    Resource,
    Space,
    Stock,
    Trust,
    TrustReport,
)
from minzheng.charity.rules import rule
from minzheng.charity.tests.conftest import registered_org
from minzheng.core.models import AuditEntry
from minzheng.core.periods import local_date
from minzheng.lottery import services as lottery
from minzheng.lottery.models import Outlet

pytestmark = pytest.mark.django_db

TODAY = local_date()
MODELS = (Charity, Fund, FundraisingPlan, Donation, Receipt, Project, Expenditure, Trust, TrustReport, Resource,
          Space, Stock, DemoSite, Referral, Outlet)


def _as(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _do(client, page: str, action: str, **data):
    url = "/lottery/" if page == "lottery" else f"/charity/{page}/"
    return client.post(url, {"action": action, **data})


def _said(response) -> str:
    """The success message shown after the redirect."""
    return " ".join(str(m) for m in response.wsgi_request._messages)


def _state():
    """Everything the forms can write: the audit trail (a refusal's own access.denied row aside), each table's
    rows, balances and statuses."""
    rows = tuple(tuple(m.objects.order_by("pk").values_list(*[f.attname for f in m._meta.concrete_fields]))
                 for m in MODELS)
    return AuditEntry.objects.exclude(action="access.denied").count(), rows


@pytest.fixture
def mai(world):
    return user_create(actor=None, username="maijy", password="Minzheng#2026", display_name="麦嘉怡",
                       role=Role.COUNTY, areas=[world.jianghai])


@pytest.fixture
def org(world, mai):
    """江海区慈善会, a foundation registered in 2022 (so it may be given 公开募捐资格), not yet a charity."""
    w = world
    return registered_org(window=w.li, reviewer=w.huang, approver=mai, legal_rep=w.mum, area=w.lile,
                          name="江海区慈善会")


@pytest.fixture
def zhou(world):
    """The 周 family of 英南村: 周国强's 低保 application was refused."""
    w = world
    household, (head, *_) = make_family(w, "周国强", village=w.yingnan)
    app = walk_to(w, submit_dibao(w, applicant=head, household=household, actor=w.li), "reviewing")
    assistance.application_refuse(actor=w.huang, application=app, reason="家庭人均收入高于当地低保标准")
    return household


def test_the_desk_walks_a_charity_from_recognition_to_a_receipt_a_spending_and_a_referral(world, mai, org, zhou):
    w = world
    huang, li, chen, mai_c = _as(w.huang), _as(w.li), _as(w.chen), _as(mai)

    # The three pages are in 大慈善's tabs for the county; the village worker has no desk of her own.
    tabs = huang.get("/charity/").content.decode()
    for href, label in (("/charity/desk/", "慈善组织工作台"), ("/charity/community/", "社区慈善与救助衔接"),
                        ("/charity/supervision/", "慈善监管")):
        assert f'href="{href}"' in tabs and label in tabs
    for sub in ("desk", "community", "supervision"):
        shown = huang.get(f"/charity/{sub}/").content.decode()
        assert '<a href="/charity/" aria-current="page">大慈善</a>' in shown  # the menu entry stays lit
        assert f'href="/charity/{sub}/" aria-current="page"' in shown
    assert 'href="/charity/desk/"' not in chen.get("/charity/").content.decode()
    assert 'href="/charity/community/"' in chen.get("/charity/").content.decode()

    # 黄志强 recognises 江海区慈善会; it may not file a plan before it has 公开募捐资格.
    r = _do(huang, "supervision", "recognise", org=org.pk)
    assert r.status_code == 302 and "已认定江海区慈善会为慈善组织" in _said(r)
    charity = Charity.objects.get(org=org)
    assert charity.public_fundraising_on is None
    general = charity.funds.get()
    r = _do(huang, "supervision", "plan", fund=general.pk, title="礼乐济困募捐", purpose="济困", target="50000",
            starts_on=TODAY.isoformat(), ends_on=(TODAY + dt.timedelta(days=30)).isoformat())
    assert r.status_code == 400 and "不具有公开募捐资格" in r.content.decode()
    r = _do(huang, "supervision", "qualify", charity=charity.pk)
    assert r.status_code == 302 and "已取得公开募捐资格" in _said(r)

    # 李建华 sets up a 专项基金 at the desk; 黄志强 files the plan that raises money into it.
    r = _do(li, "desk", "fund", charity=charity.pk, name="英南助学基金", kind="special", purpose="资助英南村困难学生")
    assert r.status_code == 302
    fund = charity.funds.get(name="英南助学基金")
    assert fund.restricted
    r = _do(huang, "supervision", "plan", fund=fund.pk, title="英南助学募捐", purpose="资助困难学生", target="20000",
            starts_on=TODAY.isoformat(), ends_on=(TODAY + dt.timedelta(days=30)).isoformat())
    assert r.status_code == 302 and "备案编号MJ" in _said(r)
    plan = FundraisingPlan.objects.get()

    # A gift under the plan, then its receipt; a second receipt for it is refused.
    r = _do(li, "desk", "donate", fund=fund.pk, plan=plan.pk, donor_name="江门新华电器有限公司", kind="money",
            amount="5000", received_on=TODAY.isoformat())
    assert r.status_code == 302 and "已登记江门新华电器有限公司捐赠5000.00元" in _said(r)
    gift = Donation.objects.get()
    assert gift.plan == plan and "江门新华电器有限公司" in li.get("/charity/desk/").content.decode()
    r = _do(li, "desk", "receipt", donation=gift.pk)
    receipt = Receipt.objects.get(donation=gift)
    assert r.status_code == 302 and f"已开具捐赠票据{receipt.number}，校验码{receipt.code}" in _said(r)
    again = _do(li, "desk", "receipt", donation=gift.pk)
    assert again.status_code == 400 and "不能重复开具" in again.content.decode()
    assert Receipt.objects.count() == 1
    checked = Client().get("/charity/receipt/", {"number": receipt.number, "code": receipt.code}).content.decode()
    assert "票据有效" in checked

    # A project in 英南村 on the fund, and a spending prepared by 李建华.
    r = _do(li, "desk", "project", fund=fund.pk, name="英南助学", purpose="资助困难学生", area_code=w.yingnan.code)
    assert r.status_code == 302
    project = Project.objects.get()
    r = _do(li, "desk", "spend", fund=fund.pk, project=project.pk, amount="1200", spent_on=TODAY.isoformat(),
            evidence="助学金签收表")
    assert r.status_code == 302 and "待另一名工作人员审批" in _said(r)
    spending = Expenditure.objects.get()

    # Money needs two people: the town has no right to approve; 黄志强 cannot approve what he prepared himself;
    # 麦嘉怡 approves 李建华's.
    assert _do(li, "desk", "approve", expenditure=spending.pk, decision="approve").status_code == 403
    r = _do(huang, "desk", "spend", fund=general.pk, amount="1", spent_on=TODAY.isoformat(), evidence="办公用品")
    assert r.status_code == 400 and "余额不足" in r.content.decode()
    r = _do(huang, "desk", "spend", fund=fund.pk, project=project.pk, amount="300", spent_on=TODAY.isoformat(),
            evidence="交通补贴签收表")
    own = Expenditure.objects.get(prepared_by=w.huang)
    page = huang.get("/charity/desk/").content.decode()
    assert "本人申报，须由他人审批" in page
    r = _do(huang, "desk", "approve", expenditure=own.pk, decision="approve")
    assert r.status_code == 400 and "申报人不能审批自己申报的支出" in r.content.decode()
    r = _do(mai_c, "desk", "approve", expenditure=spending.pk, decision="approve")
    assert r.status_code == 302 and "已批准支出1200.00元" in _said(r)
    r = _do(mai_c, "desk", "approve", expenditure=own.pk, decision="reject", reason="凭证不全")
    assert r.status_code == 302 and "已不予批准" in _said(r)
    assert {b["name"]: b["balance"] for b in selectors.fund_balances(charity)}["英南助学基金"] == Decimal("3800.00")
    assert Expenditure.objects.get(pk=own.pk).status == "rejected"

    # 陈小玲 refers the 周 family, refused 低保, with their consent; 李建华 records the charity's answer.
    r = _do(chen, "community", "refer", person=zhou.head_id, charity=charity.pk, ground="refused",
            consent_on=TODAY.isoformat())
    assert r.status_code == 302 and f"已将家庭{zhou.number}转介至江海区慈善会" in _said(r)
    referral = Referral.objects.get()
    assert referral.consent_on == TODAY and referral.referred_by == w.chen
    r = _do(li, "community", "answer", referral=referral.pk, status="accepted", outcome="纳入英南助学项目")
    assert r.status_code == 302
    r = _do(li, "community", "answer", referral=referral.pk, status="helped", outcome="已发放助学金1200元")
    assert r.status_code == 302 and Referral.objects.get().status == "helped"
    assert "已发放助学金1200元" in chen.get("/charity/community/").content.decode()


def test_the_supervision_view_files_trusts_names_sites_and_lists_the_reports_due(world, mai, org):
    w = world
    huang, li = _as(w.huang), _as(w.li)
    r = rule("annual_report_due_month")
    # 江海区慈善会 was recognised two years ago; its report for that year is published, last year's is not.
    charity = services.charity_recognise(actor=w.huang, org=org, today=dt.date(TODAY.year - 2, 3, 1))
    services.annual_report_publish(actor=w.li, charity=charity, year=TODAY.year - 2, activities="助学济困")
    due_day = dt.date(TODAY.year, int(r.value), 31 if int(r.value) in (1, 3, 5, 7, 8, 10, 12) else 30)
    before = selectors.annual_reports_due(w.huang, due_day)
    assert [(x["year"], x["due"], x["overdue"]) for x in before] == [(TODAY.year - 1, due_day, False)]
    after = selectors.annual_reports_due(w.huang, due_day + dt.timedelta(days=1))
    assert [(x["year"], x["overdue"], x["days_over"]) for x in after] == [(TODAY.year - 1, True, 1)]
    assert selectors.annual_reports_due(w.liang, due_day + dt.timedelta(days=1)) == []
    page = huang.get("/charity/supervision/").content.decode()
    assert f"{TODAY.year - 1}年度" in page and f"{TODAY.year}年{int(r.value)}月" in page
    assert ("天未报送" in page) == (TODAY > due_day)
    api = huang.get("/api/charity/annual-reports/due").json()
    assert [(x["charity"], x["year"]) for x in api] == [("江海区慈善会", TODAY.year - 1)]
    assert _as(w.liang).get("/api/charity/annual-reports/due").json() == []

    # A 慈善信托 filed on the page; a report for an older one (filed two years ago).
    resp = _do(huang, "supervision", "trust", area_code=w.jianghai.code, name="江海乡村振兴慈善信托",
               trustee="广东粤财信托有限公司", supervisor="江海区慈善会", assets="1000000", purpose="资助乡村困难群众",
               signed_on=TODAY.isoformat())
    assert resp.status_code == 302 and "已备案" in _said(resp)
    old = services.trust_file(actor=w.huang, area=w.jianghai, name="礼乐助老慈善信托", trustee="粤财信托",
                              supervisor="", assets="200000", purpose="助老", signed_on=dt.date(TODAY.year - 2, 5, 1),
                              today=dt.date(TODAY.year - 2, 5, 3))
    resp = _do(huang, "supervision", "trust_report", trust=old.pk, year=str(TODAY.year - 1), assets_end="180000",
               spent="20000", summary="资助长者饭堂")
    assert resp.status_code == 302 and TrustReport.objects.get().spent == Decimal("20000.00")

    # 英南村 named a 慈善示范社区, then the naming revoked with a reason.
    resp = _do(huang, "supervision", "designate", kind="community", area_code=w.yingnan.code, name="英南村慈善示范社区",
               designated_on=TODAY.isoformat())
    assert resp.status_code == 302
    site = DemoSite.objects.get()
    resp = _do(huang, "supervision", "revoke", site=site.pk, reason="不再符合示范条件", revoked_on=TODAY.isoformat())
    assert resp.status_code == 302 and DemoSite.objects.get().revoke_reason == "不再符合示范条件"

    # The community page: an enterprise joins the 爱心资源库, a 慈善超市 takes in rice and hands some out.
    resp = _do(li, "community", "resource", name="江门新华电器有限公司", is_enterprise="1",
               credit_code="91440704MA51234567", offers="家电维修", area_code=w.lile.code)
    assert resp.status_code == 302 and Resource.objects.get().credit_code == "91440704MA51234567"
    resp = _do(li, "community", "space", kind="supermarket", name="英南慈善超市", area_code=w.yingnan.code,
               address="英南村文化楼一楼")
    space = Space.objects.get()
    assert _do(li, "community", "stock", space=space.pk, item="大米", change="20").status_code == 302
    resp = _do(li, "community", "stock", space=space.pk, item="大米", change="-25")
    assert resp.status_code == 400 and "库存20件，不足发放25件" in resp.content.decode()
    resp = _do(li, "community", "stock", space=space.pk, item="大米", change="-5")
    assert resp.status_code == 302 and "大米现有15件" in _said(resp)
    assert "大米15件" in li.get("/charity/community/").content.decode()

    # 福彩: 黄志强 closes 英南福彩站 with a reason; it is audited and can no longer be inspected.
    outlet = lottery.outlet_register(actor=w.huang, area=w.yingnan, licence="44070400101", name="英南福彩站",
                                     owner="陈志坚", address="英南村市场1号", opened_on=dt.date(2020, 5, 1))
    resp = _do(huang, "lottery", "close", outlet=outlet.pk, closed_on=TODAY.isoformat(), reason="代销者申请停止代销")
    assert resp.status_code == 302 and "已撤销英南福彩站" in _said(resp)
    outlet.refresh_from_db()
    assert (outlet.status, outlet.closed_on, outlet.close_reason) == ("closed", TODAY, "代销者申请停止代销")
    entry = AuditEntry.objects.filter(action="lottery.outlet_close").get()
    assert entry.actor == w.huang and entry.after["reason"] == "代销者申请停止代销"
    assert "代销者申请停止代销" in huang.get("/lottery/").content.decode()
    again = _as(w.huang).post(f"/api/lottery/outlets/{outlet.pk}/close", {"reason": "重复"},
                              content_type="application/json")
    assert again.status_code == 409 and "已于" in again.json()["message"]
    inspect = _as(w.huang).post(f"/api/lottery/outlets/{outlet.pk}/inspections",
                                {"result": "passed", "findings": "合格"}, content_type="application/json")
    assert inspect.status_code == 409


@pytest.fixture
def rows(world, mai, org, zhou):
    """江海区's rows every form can name: the charity with a fund and a project, a gift, a spending prepared by
    李建华, the 周 family's referral, a trust, a 慈善超市, a 示范社区 and 英南福彩站."""
    w = world
    charity = services.charity_recognise(actor=w.huang, org=org, public_fundraising=True)
    fund = charity.funds.get()
    gift = services.donation_receive(actor=w.li, fund=fund, donor_name="江门新华电器有限公司", amount="3000",
                                     received_on=TODAY)
    project = services.project_create(actor=w.li, fund=fund, name="英南济困", purpose="济困", area=w.yingnan)
    spending = services.expenditure_prepare(actor=w.li, fund=fund, project=project, amount="100", spent_on=TODAY,
                                            evidence="慰问签收表")
    referral = services.referral_create(actor=w.chen, household=zhou, charity=charity, ground="refused",
                                        consent_on=TODAY)
    trust = services.trust_file(actor=w.huang, area=w.jianghai, name="礼乐助学慈善信托", trustee="粤财信托",
                                supervisor="", assets="500000", purpose="助学", signed_on=dt.date(TODAY.year - 1, 3, 1),
                                today=dt.date(TODAY.year - 1, 3, 2))
    space = services.space_open(actor=w.li, area=w.yingnan, name="英南慈善超市", kind="supermarket",
                                address="英南村文化楼一楼")
    site = services.demo_site_designate(actor=w.huang, kind="site", area=w.lile, name="礼乐慈善工作站")
    outlet = lottery.outlet_register(actor=w.huang, area=w.yingnan, licence="44070400101", name="英南福彩站",
                                     owner="陈志坚", address="英南村市场1号", opened_on=dt.date(2020, 5, 1))
    other = registered_org(window=w.li, reviewer=w.huang, approver=mai, legal_rep=w.dad, area=w.lile,
                           name="礼乐敬老基金会")
    return {"charity": charity.pk, "fund": fund.pk, "donation": gift.pk, "project": project.pk,
            "expenditure": spending.pk, "referral": referral.pk, "trust": trust.pk, "space": space.pk,
            "site": site.pk, "outlet": outlet.pk, "org": other.pk, "applicant": zhou.head_id}


D = TODAY.isoformat()
# (page, action, form data, the field the Chinese error must name). Each is bad in exactly one field.
BAD = [
    ("desk", "donate", {"fund": "{fund}", "donor_name": "陈美华", "amount": "五百", "received_on": D}, "捐赠金额"),
    ("desk", "donate", {"fund": "{fund}", "donor_name": "陈美华", "amount": "500", "received_on": ""}, "接收日期"),
    ("desk", "donate", {"fund": "{fund}", "donor_name": "陈美华", "amount": "500", "received_on": D,
                        "kind": "in_kind"}, "物资名称及数量"),
    ("desk", "receipt", {"donation": ""}, "捐赠"),
    ("desk", "fund", {"charity": "{charity}", "name": "", "kind": "special", "purpose": "助学"}, "基金名称"),
    ("desk", "fund", {"charity": "{charity}", "name": "助学基金", "kind": "general", "purpose": "助学"}, "基金类别"),
    ("desk", "project", {"fund": "{fund}", "name": "英南助学", "purpose": "助学", "area_code": "440704999999"},
     "实施地"),
    ("desk", "spend", {"fund": "{fund}", "project": "{project}", "amount": "-5", "spent_on": D,
                       "evidence": "签收表"}, "支出金额"),
    ("desk", "spend", {"fund": "{fund}", "project": "{project}", "amount": "999999", "spent_on": D,
                       "evidence": "签收表"}, "余额不足"),
    ("desk", "approve", {"expenditure": "{expenditure}", "decision": "reject", "reason": ""}, "不予批准理由"),
    ("supervision", "recognise", {"org": ""}, "社会组织"),
    ("supervision", "qualify", {"charity": ""}, "慈善组织"),
    ("supervision", "plan", {"fund": "{fund}", "title": "济困募捐", "purpose": "济困", "target": "十万",
                             "starts_on": D, "ends_on": D}, "募捐目标"),
    ("supervision", "plan", {"fund": "{fund}", "title": "济困募捐", "purpose": "济困", "target": "1000",
                             "starts_on": D, "ends_on": "2000-01-01"}, "结束日期"),
    ("supervision", "trust", {"area_code": "440704", "name": "新信托", "trustee": "粤财信托", "assets": "1000",
                              "purpose": "助学", "signed_on": ""}, "信托文件签订日期"),
    ("supervision", "trust_report", {"trust": "{trust}", "year": "去年", "assets_end": "1", "spent": "1",
                                     "summary": "无"}, "年度"),
    ("supervision", "designate", {"kind": "community", "area_code": "440704005", "name": "礼乐示范社区",
                                  "designated_on": D}, "不是村（居）"),
    ("supervision", "revoke", {"site": "{site}", "reason": "", "revoked_on": D}, "撤销原因"),
    ("community", "refer", {"id_number": "", "charity": "{charity}", "ground": "refused", "consent_on": D},
     "申请人"),
    ("community", "refer", {"person": "{applicant}", "charity": "{charity}", "ground": "refused",
                            "consent_on": ""}, "书面同意"),
    ("community", "answer", {"referral": "{referral}", "status": "accepted", "outcome": ""}, "结果"),
    ("community", "resource", {"name": "新华电器", "is_enterprise": "1", "credit_code": "123", "offers": "维修",
                               "area_code": "440704005"}, "统一社会信用代码"),
    ("community", "space", {"kind": "supermarket", "name": "礼乐慈善超市", "area_code": "440704005",
                            "address": ""}, "地址"),
    ("community", "stock", {"space": "{space}", "item": "大米", "change": "三袋"}, "数量"),
    ("lottery", "close", {"outlet": "{outlet}", "closed_on": D, "reason": ""}, "撤销原因"),
    ("lottery", "close", {"outlet": "{outlet}", "closed_on": "2000-13-01", "reason": "停止代销"}, "撤销日期"),
]


_CSRF = re.compile(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+')


def _content(r) -> str:
    return _CSRF.sub(r"\1-", r.content.decode())


def _fill(data: dict, ids: dict) -> dict:
    return {k: (str(ids[v[1:-1]]) if isinstance(v, str) and v.startswith("{") else v) for k, v in data.items()}


def test_every_form_names_the_bad_field_in_chinese_and_writes_nothing(world, mai, rows):
    w = world
    huang, mai_c = _as(w.huang), _as(mai)
    failures = []
    for page, action, data, field in BAD:
        who = mai_c if action == "approve" else huang  # 李建华 prepared the spending; 麦嘉怡 is the other person
        before = _state()
        r = _do(who, page, action, **_fill(data, rows))
        body = r.content.decode()
        if r.status_code != 400 or 'role="alert"' not in body or field not in body.split('role="alert">')[1][:200]:
            failures.append(f"{page}/{action}: {r.status_code}，应指出{field}")
        if _state() != before:
            failures.append(f"{page}/{action}: 写入了数据")
    unknown = _do(huang, "desk", "nothing")
    assert unknown.status_code == 400 and "请选择要办理的事项" in unknown.content.decode()
    assert not failures, "\n".join(failures)


GOOD = [
    ("desk", "donate", {"fund": "{fund}", "donor_name": "陈美华", "amount": "500", "received_on": D}),
    ("desk", "receipt", {"donation": "{donation}"}),
    ("desk", "fund", {"charity": "{charity}", "name": "助学基金", "kind": "special", "purpose": "助学"}),
    ("desk", "project", {"fund": "{fund}", "name": "助学", "purpose": "助学", "area_code": "440704005001"}),
    ("desk", "spend", {"fund": "{fund}", "project": "{project}", "amount": "5", "spent_on": D, "evidence": "签收表"}),
    ("desk", "approve", {"expenditure": "{expenditure}", "decision": "approve"}),
    ("supervision", "recognise", {"org": "{org}"}),
    ("supervision", "qualify", {"charity": "{charity}"}),
    ("supervision", "plan", {"fund": "{fund}", "title": "济困募捐", "purpose": "济困", "target": "1000",
                             "starts_on": D, "ends_on": D}),
    ("supervision", "trust", {"area_code": "440704", "name": "新信托", "trustee": "粤财信托", "assets": "1000",
                              "purpose": "助学", "signed_on": D}),
    ("supervision", "trust_report", {"trust": "{trust}", "year": str(TODAY.year - 1), "assets_end": "1",
                                     "spent": "1", "summary": "无"}),
    ("supervision", "designate", {"kind": "community", "area_code": "440704005001", "name": "英南示范社区",
                                  "designated_on": D}),
    ("supervision", "revoke", {"site": "{site}", "reason": "撤销", "revoked_on": D}),
    ("community", "refer", {"person": "{applicant}", "charity": "{charity}", "ground": "refused",
                            "consent_on": D}),
    ("community", "answer", {"referral": "{referral}", "status": "accepted", "outcome": "接收"}),
    ("community", "resource", {"name": "新华电器", "offers": "维修", "area_code": "440704005001"}),
    ("community", "space", {"kind": "space", "name": "礼乐慈善空间", "area_code": "440704005", "address": "礼乐"}),
    ("community", "stock", {"space": "{space}", "item": "大米", "change": "3"}),
    ("lottery", "close", {"outlet": "{outlet}", "closed_on": D, "reason": "停止代销"}),
]


def test_another_county_posting_jianghais_ids_or_areas_to_any_form_gets_what_a_missing_one_gets(world, mai, rows):
    """梁文杰 posts every form of the three pages and the 福彩 page naming 江海区's objects and areas: each answer is
    the 404 a made-up id or area gets (out of area looks like absence), and nothing is written; 黄志强 posting
    the same is not told 404, so each case names a live object."""
    w = world
    liang = _as(w.liang)
    absent = {k: ("999999999" if isinstance(v, int) else "HH-NONE") for k, v in rows.items()}
    failures = []
    for page, action, data in GOOD:
        mine = _fill(data, rows)
        nowhere = _fill(data, absent)
        before = _state()
        hidden = _do(liang, page, action, **mine)
        if hidden.status_code != 404:
            failures.append(f"{page}/{action}: {hidden.status_code}（应为404）")
        if "area_code" not in data:  # an area code is public reference data: an unknown one is a 400 naming it
            gone = _do(liang, page, action, **nowhere)
            if (gone.status_code, _content(gone)) != (hidden.status_code, _content(hidden)):
                failures.append(f"{page}/{action}: 与不存在的编号答复不同")
        if any(s in hidden.content.decode() for s in ("江海区慈善会", "礼乐助学慈善信托", "英南福彩站", "周国强")):
            failures.append(f"{page}/{action}: 泄露了江海区的数据")
        if _state() != before:
            failures.append(f"{page}/{action}: 写入了数据")
    assert not failures, "\n".join(failures)
    huang, mai_c = _as(w.huang), _as(mai)
    for page, action, data in GOOD:
        who = mai_c if action == "approve" else huang
        r = _do(who, page, action, **_fill(data, rows))
        assert r.status_code != 404, (page, action, r.content.decode()[:300])
