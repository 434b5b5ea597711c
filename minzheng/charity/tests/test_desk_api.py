"""The desk's and the supervision view's API operations. 黄志强 (江海区) walks a charity through them; 麦嘉怡 approves
the spending 黄志强 prepared (he may not); 梁文杰 of 郁南县, with the same rights in his county, posting 江海区's
organisations, households and areas to the operations that take no id in their path gets the 404 a missing one
gets, and nothing is written."""

import datetime as dt

import pytest
from django.test import Client

from minzheng.assistance.tests.stories import world_fixture  # noqa: F401
from minzheng.charity.tests.test_desk_forms import _state, mai, org, zhou  # noqa: F401
from minzheng.core.periods import local_date

pytestmark = pytest.mark.django_db
TODAY = local_date()


def _api(user):
    c = Client()
    c.force_login(user)

    def call(method, path, body=None):
        if method == "get":
            return c.get(f"/api/charity{path}")
        return c.post(f"/api/charity{path}", body or {}, content_type="application/json")

    return call


def test_huang_walks_a_charity_through_the_api_and_mai_approves_its_spending(world, mai, org, zhou):  # noqa: F811
    w = world
    huang, mai_api, chen = _api(w.huang), _api(mai), _api(w.chen)
    r = huang("post", "/charities", {"org_id": org.pk})
    assert r.status_code == 201 and r.json()["public_fundraising"] is False
    cid = r.json()["id"]
    assert huang("post", f"/charities/{cid}/fundraising-qualification").json()["public_fundraising"] is True
    again = huang("post", f"/charities/{cid}/fundraising-qualification")
    assert again.status_code == 409 and again.json()["field"] == "公开募捐资格"

    fund = huang("post", f"/charities/{cid}/funds", {"name": "英南助学基金", "kind": "special", "purpose": "助学"})
    assert fund.status_code == 201 and fund.json()["restricted"] is True
    fid = fund.json()["id"]
    plan = huang("post", f"/charities/{cid}/plans", {
        "fund_id": fid, "title": "英南助学募捐", "purpose": "助学", "target": "20000", "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + dt.timedelta(days=30)).isoformat()})
    assert plan.status_code == 201 and plan.json()["number"].startswith(f"MJ{TODAY.year}")
    late = huang("post", f"/charities/{cid}/plans", {
        "fund_id": fid, "title": "补备案", "purpose": "助学", "target": "1000",
        "starts_on": (TODAY - dt.timedelta(days=1)).isoformat(), "ends_on": TODAY.isoformat()})
    assert late.status_code == 400 and late.json()["field"] == "开始日期"
    gift = huang("post", f"/charities/{cid}/funds/{fid}/donations", {
        "donor_name": "江门新华电器有限公司", "amount": "5000", "received_on": TODAY.isoformat(),
        "plan_id": plan.json()["id"]})
    assert gift.status_code == 201
    assert huang("post", f"/donations/{gift.json()['id']}/receipt").status_code == 201
    assert huang("post", f"/donations/{gift.json()['id']}/receipt").status_code == 409

    project = huang("post", f"/charities/{cid}/projects", {"fund_id": fid, "name": "英南助学", "purpose": "助学",
                                                          "area_code": w.yingnan.code})
    assert project.status_code == 201
    spend = huang("post", f"/charities/{cid}/expenditures", {
        "fund_id": fid, "project_id": project.json()["id"], "amount": "1200", "spent_on": TODAY.isoformat(),
        "evidence": "助学金签收表"})
    assert spend.status_code == 201 and spend.json()["status"] == "prepared"
    over = huang("post", f"/charities/{cid}/expenditures", {
        "fund_id": fid, "project_id": project.json()["id"], "amount": "99999", "spent_on": TODAY.isoformat(),
        "evidence": "签收表"})
    assert over.status_code == 400 and "余额不足" in over.json()["message"]
    own = huang("post", f"/expenditures/{spend.json()['id']}/approve", {"approve": True})
    assert own.status_code == 400 and own.json()["field"] == "审批人"
    ok = mai_api("post", f"/expenditures/{spend.json()['id']}/approve", {"approve": True})
    assert ok.status_code == 200 and ok.json()["status"] == "approved"
    funds = {f["name"]: f["balance"] for f in huang("get", f"/charities/{cid}").json()["funds"]}
    assert funds["英南助学基金"] == "3800.00"

    # the 申请人 must be one of the household's members: 陈大明 of 英南村 is not a 周
    stranger = chen("post", "/referrals", {"household_id": zhou.pk, "charity_id": cid, "ground": "refused",
                                            "consent_on": TODAY.isoformat(), "applicant_id": w.dad.pk})
    assert stranger.status_code == 400 and stranger.json()["field"] == "申请人"
    assert "陈大明不是该家庭的在册成员" in stranger.json()["message"]
    ref = chen("post", "/referrals", {"household_id": zhou.pk, "charity_id": cid, "ground": "refused",
                                       "consent_on": TODAY.isoformat(), "applicant_id": zhou.head_id})
    assert ref.status_code == 201 and ref.json()["status"] == "referred" and ref.json()["applicant"] == "周国强"
    no_consent = chen("post", "/referrals", {"household_id": zhou.pk, "charity_id": cid, "ground": "refused"})
    assert no_consent.status_code == 400 and no_consent.json()["field"] == "同意转介日期"
    answered = huang("post", f"/referrals/{ref.json()['id']}/answer", {"status": "accepted", "outcome": "纳入项目"})
    assert answered.json()["status_label"] == "慈善组织已接收"

    trust = huang("post", "/trusts", {"area_code": w.jianghai.code, "name": "江海助学慈善信托", "trustee": "粤财信托",
                                     "assets": "100000", "purpose": "助学", "signed_on": TODAY.isoformat()})
    assert trust.status_code == 201
    report = huang("post", f"/trusts/{trust.json()['id']}/reports", {"year": TODAY.year, "assets_end": "1",
                                                                     "spent": "1", "summary": "无"})
    assert report.status_code == 400 and report.json()["field"] == "年度"

    res = huang("post", "/resources", {"area_code": w.lile.code, "name": "陈美华", "offers": "陪伴老人",
                                       "is_enterprise": False})
    assert res.status_code == 201
    space = huang("post", "/spaces", {"area_code": w.yingnan.code, "name": "英南慈善超市", "kind": "supermarket",
                                      "address": "英南村文化楼"})
    sid = space.json()["id"]
    assert huang("post", f"/spaces/{sid}/stock", {"item": "食用油", "change": 10}).json()["quantity"] == 10
    short = huang("post", f"/spaces/{sid}/stock", {"item": "食用油", "change": -11})
    assert short.status_code == 400 and short.json()["field"] == "数量"

    site = huang("post", "/demo-sites", {"kind": "community", "area_code": w.yingnan.code, "name": "英南示范社区"})
    assert site.status_code == 201
    gone = huang("post", f"/demo-sites/{site.json()['id']}/revoke", {"reason": "不再符合条件"})
    assert gone.json()["revoked_on"] == TODAY.isoformat()


def test_the_operations_without_an_id_in_the_path_show_another_county_nothing(world, mai, org, zhou):  # noqa: F811
    w = world
    from minzheng.charity import services

    charity = services.charity_recognise(actor=w.huang, org=org)
    liang = _api(w.liang)
    day = TODAY.isoformat()
    cases = [
        ("/charities", {"org_id": org.pk}, {"org_id": 987654321}),
        ("/referrals", {"household_id": zhou.pk, "charity_id": charity.pk, "ground": "refused", "consent_on": day},
         {"household_id": 987654321, "charity_id": charity.pk, "ground": "refused", "consent_on": day}),
        ("/trusts", {"area_code": w.jianghai.code, "name": "越权信托", "trustee": "某信托", "assets": "1",
                     "purpose": "助学", "signed_on": day}, None),
        ("/resources", {"area_code": w.lile.code, "name": "越权企业", "offers": "维修", "is_enterprise": False}, None),
        ("/spaces", {"area_code": w.yingnan.code, "name": "越权超市", "kind": "space", "address": "某地"}, None),
        ("/demo-sites", {"kind": "community", "area_code": w.yingnan.code, "name": "越权示范"}, None),
    ]
    before = _state()
    for path, body, absent in cases:
        hidden = liang("post", path, body)
        assert hidden.status_code == 404, (path, hidden.content.decode())
        assert "江海区慈善会" not in hidden.content.decode() and "周国强" not in hidden.content.decode()
        if absent is not None:
            gone = liang("post", path, absent)
            assert (gone.status_code, gone.json()) == (hidden.status_code, hidden.json()), path
    assert _state() == before
    assert liang("get", "/annual-reports/due").json() == []
    assert liang("get", "/charities").json() == []
