"""The 大救助 workflow through the REST API: the same walk as the pages, scoped, with errors as JSON
{code, message, field} in Chinese; the public 公示 endpoints need no login and return masked data only."""

import datetime as dt

import pytest
from django.utils import timezone

from minzheng.assistance import services
from minzheng.assistance.models import Application, Case, Objection

from .stories import (  # noqa: F401
    authorisation,
    make_family,
    photo,
    solve_challenge,
    submit_dibao,
    walk_to,
    world_fixture,
)
from .test_views import state

pytestmark = [pytest.mark.django_db, pytest.mark.clock]
API = "/api/assistance"
TODAY = timezone.localdate()


def as_(client, user):
    client.force_login(user)
    return client


def post(client, url, data=None):
    return client.post(url, data if data is not None else {}, content_type="application/json")


def test_the_chen_family_walks_through_the_api(client, world):
    w = world
    as_(client, w.chen)
    r = client.post(f"{API}/applications", {"id_number": w.dad.id_number, "programme": "dibao",
                                            "authorisation": authorisation()})
    assert r.status_code == 201, r.json()
    app = r.json()
    assert app["status"] == "submitted" and app["applicant_id_masked"] == w.dad.masked_id
    assert w.dad.id_number not in r.content.decode()
    assert app["allowed_actions"] == ["attach"]
    url = f"{API}/applications/{app['id']}"

    as_(client, w.li)
    assert "accept" in client.get(url).json()["allowed_actions"]
    assert post(client, f"{url}/accept", {"note": "材料齐全"}).json()["status"] == "accepted"
    assert post(client, f"{url}/verification").json()["status"] == "verifying"
    r = post(client, f"{url}/verification/result", {"outcome": "pass", "summary": "各部门均无记录",
                                                     "per_capita_income": 200, "assets": "0"})
    assert r.status_code == 200 and r.json()["verifications"][0]["per_capita_income"] == "200.00"
    r = client.post(f"{url}/investigations", {"visit_date": TODAY.isoformat(), "visitors": "李建华、陈小玲",
                                              "findings": "住房为自建旧房，陈大明打零工收入不稳定",
                                              "conclusion": "eligible",
                                              "photos": [photo("客厅.jpg"), photo("院子.jpg")]})
    assert r.status_code == 200, r.json()
    inv = r.json()["investigations"][0]
    assert len(inv["photos"]) == 2
    pic = client.get(f"{url}/attachments/{inv['photos'][0]}")
    assert pic.status_code == 200 and pic.content.startswith(b"\xff\xd8\xff")
    assert post(client, f"{url}/submit-review", {"opinion": "同意上报"}).json()["status"] == "reviewing"

    as_(client, w.huang)
    r = post(client, f"{url}/review", {"opinion": "予以公示"})
    assert r.json()["status"] == "publicizing" and r.json()["publicities"][0]["masked_name"] == "陈*明"
    r = post(client, f"{url}/publicity/close")
    assert r.status_code == 409 and r.json()["code"] == "publicity_running"
    end = Application.objects.get().publicities.get().end_date
    services.application_close_publicity(actor=w.huang, application=Application.objects.get(),
                                         today=end + dt.timedelta(days=1))  # seven days later
    facts = {"urban_rural": "urban", "incomes": {str(w.dad.pk): "400", str(w.mum.pk): 200}, "assets": "0"}
    r = post(client, f"{url}/approval/preview", facts)
    assert r.status_code == 200, r.json()
    d = r.json()
    assert d["eligible"] and d["monthly_total"] == "2100.00"
    assert [a["monthly_amount"] for a in d["amounts"]] == ["700.00"] * 3 and "900" in d["amounts"][0]["explanation"]
    assert Case.objects.count() == 0
    r = post(client, f"{url}/approve", facts | {"opinion": "同意纳入"})
    assert r.status_code == 200, r.json()
    d = r.json()
    assert d["status"] == "approved" and d["cases"][0]["monthly_total"] == "2100.00"
    assert all(a["rule_version"].startswith("dibao:") for a in d["cases"][0]["amounts"])
    assert [s["to_label"] for s in d["steps"]] == ["已申请", "已受理", "核对中", "入户调查中", "审核中", "公示中",
                                                   "待审批", "已批准"]


def test_lists_overdue_and_paid_first_are_scoped(client, world):
    w = world
    late = submit_dibao(w, today=TODAY - dt.timedelta(days=40))
    as_(client, w.li)
    assert [a["number"] for a in client.get(f"{API}/applications").json()["items"]] == [late.number]
    assert client.get(f"{API}/applications?overdue=true").json()["items"][0]["overdue"] is True
    assert client.get(f"{API}/applications/overdue").json()["count"] == 1
    assert client.get(f"{API}/applications?programme=tekun").json()["count"] == 0
    assert client.get(f"{API}/applications/paid-first").json()["count"] == 0
    for user in (w.zhao, w.liang):
        as_(client, user)
        for path in ("/applications", "/applications/overdue", "/applications/paid-first"):
            assert client.get(API + path).json()["count"] == 0


def _endpoints(app_id, att_id):
    u = f"{API}/applications/{app_id}"
    return [
        ("get", u, None), ("get", f"{u}/refusal-letter.pdf", None), ("get", f"{u}/attachments/{att_id}", None),
        ("post", f"{u}/accept", {}), ("post", f"{u}/verification", {}),
        ("post", f"{u}/verification/result", {"outcome": "pass", "summary": "无记录"}),
        ("post", f"{u}/submit-review", {"opinion": "同意"}), ("post", f"{u}/review", {"opinion": "同意"}),
        ("post", f"{u}/publicity/close", {}), ("post", f"{u}/objections", {"reason": "该户有小汽车一辆"}),
        ("post", f"{u}/approval/preview", {"urban_rural": "urban"}),
        ("post", f"{u}/approve", {"urban_rural": "urban"}), ("post", f"{u}/refuse", {"reason": "收入高于低保标准"}),
        ("post", f"{u}/pay-first", {"amount": "100", "reason": "急难情形"}), ("post", f"{u}/complete-file", {}),
    ]


def _multipart(app_id):
    u = f"{API}/applications/{app_id}"
    return [(f"{u}/investigations", {"visit_date": TODAY.isoformat(), "visitors": "甲、乙", "conclusion": "eligible",
                                     "findings": "入户调查情况记录在此处"}),
            (f"{u}/attachments", {"kind": "other", "file": authorisation()})]


def test_another_areas_staff_get_404_on_every_endpoint_and_nothing_is_written(client, world):
    w = world
    app = walk_to(w, submit_dibao(w), "reviewing")
    att = app.attachments.first()
    for user in (w.zhao, w.liang):
        as_(client, user)
        before = state()
        for method, url, data in _endpoints(app.pk, att.pk):
            r = client.get(url) if method == "get" else post(client, url, data)
            assert r.status_code == 404, (user.username, url, r.status_code)
            assert r.json()["code"] == "not_found" and "陈大明" not in r.content.decode()
        for url, data in _multipart(app.pk):
            data = {k: (authorisation() if k == "file" else v) for k, v in data.items()}
            assert client.post(url, data).status_code == 404, url
        assert state() == before


@pytest.mark.parametrize("who", ["wu", "he", "wang", "chen"])
def test_roles_without_the_right_get_403_and_nothing_is_written(client, world, who):
    w = world
    app = walk_to(w, submit_dibao(w), "reviewing")
    att = app.attachments.first()
    as_(client, w[who])
    before = state()
    reader = who in ("wu", "chen")  # the auditor and the village worker may read the file
    for method, url, data in _endpoints(app.pk, att.pk):
        r = client.get(url) if method == "get" else post(client, url, data)
        if method == "get" and reader:
            assert r.status_code in (200, 404), url  # 404: no refusal letter yet
        elif who == "chen" and url.endswith("/objections"):
            assert r.status_code == 409  # the village may record objections, but there is no notice yet
        else:
            assert r.status_code == 403, (who, url, r.status_code)
            assert r.json()["code"] == "forbidden" and "无权" in r.json()["message"]
    for url, data in _multipart(app.pk):
        if who == "chen" and url.endswith("/attachments"):
            continue  # the village may add documents
        data = {k: (authorisation() if k == "file" else v) for k, v in data.items()}
        assert client.post(url, data).status_code == 403, url
    if who in ("he", "wang"):
        assert client.get(f"{API}/applications").status_code == 403
    assert state() == before


def test_a_wrong_step_answers_409_with_the_chinese_message_and_changes_nothing(client, world):
    w = world
    app = walk_to(w, submit_dibao(w), "reviewing")
    as_(client, w.huang)
    before = state()
    r = post(client, f"{API}/applications/{app.pk}/approve",
             {"urban_rural": "urban", "incomes": {str(w.dad.pk): "400"}})
    assert r.status_code == 409
    assert r.json() == {"code": "wrong_step", "field": "状态",
                        "message": f"申请{app.number}当前状态为“审核中”，不能审批（须处于“待审批”环节）"}
    as_(client, w.li)
    r = post(client, f"{API}/applications/{app.pk}/accept")
    assert r.status_code == 409 and "不能受理" in r.json()["message"]
    assert state() == before


def test_bad_figures_are_named_in_chinese_and_nothing_is_written(client, world):
    w = world
    app = walk_to(w, submit_dibao(w), "verifying")
    as_(client, w.li)
    before = state()
    url = f"{API}/applications/{app.pk}/verification/result"
    r = post(client, url, {"outcome": "pass", "summary": "核对完毕", "per_capita_income": "-50"})
    assert r.status_code == 400 and r.json() == {"code": "invalid", "message": "家庭月人均收入不能为负数",
                                                 "field": "家庭月人均收入"}
    r = post(client, url, {"outcome": "pass", "summary": "核对完毕", "per_capita_income": "两百"})
    assert r.status_code == 400 and "不是有效的金额" in r.json()["message"]
    r = post(client, url, {"outcome": "maybe", "summary": "核对完毕"})
    assert r.status_code == 400 and r.json()["field"] == "核对结论"
    assert state() == before
    # approval figures: a negative income names the member
    walk_to(w, app, "approving")
    as_(client, w.huang)
    before = state()
    r = post(client, f"{API}/applications/{app.pk}/approve",
             {"urban_rural": "urban", "incomes": {str(w.dad.pk): "-400"}})
    assert r.status_code == 400 and "陈大明的月收入不能为负数" in r.json()["message"]
    assert state() == before


def test_refusal_and_its_letter(client, world):
    w = world
    app = walk_to(w, submit_dibao(w), "reviewing")
    as_(client, w.huang)
    url = f"{API}/applications/{app.pk}"
    assert client.get(f"{url}/refusal-letter.pdf").status_code == 404
    r = post(client, f"{url}/refuse", {"reason": "经核对家庭人均收入高于当地低保标准"})
    assert r.status_code == 200 and r.json()["status"] == "refused"
    pdf = client.get(f"{url}/refusal-letter.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_resident_cannot_apply_through_the_staff_api_under_a_typed_id_number(client, world):
    w = world
    _household, (stranger, *_) = make_family(w, "王桂芳", village=w.xiangdong)
    as_(client, w.wang)
    r = client.post(f"{API}/applications", {"id_number": stranger.id_number, "programme": "dibao",
                                            "authorisation": authorisation()})
    assert r.status_code == 403 and Application.objects.count() == 0
    assert client.get(f"{API}/applications/mine").json() == []


def test_a_resident_sees_only_the_status_of_their_own_online_application(client, world):
    w = world
    app = services.application_submit(actor=w.wang, programme="dibao", applicant=w.dad,
                                      authorisation=authorisation())  # as the portal files it
    as_(client, w.wang)
    mine = client.get(f"{API}/applications/mine").json()
    assert [m["status_label"] for m in mine] == ["已申请"] and mine[0]["number"] == app.number
    assert client.get(f"{API}/applications/{app.pk}").status_code == 403


def test_the_public_notice_api_is_masked_and_takes_objections_without_login(client, world):
    w = world
    app = walk_to(w, submit_dibao(w), "publicizing")
    r = client.get(f"{API}/public/notices")
    assert r.status_code == 200
    text = r.content.decode()
    assert r.json()[0]["masked_name"] == "陈*明" and r.json()[0]["area_name"] == "英南村"
    for secret in ("陈大明", w.dad.id_number, w.dad.id_number[6:14], app.number, w.mum.name):
        assert secret not in text
    assert client.get(f"{API}/public/notices?area={w.waihai.code}").json() == []
    assert client.get(f"{API}/public/notices?area=999999").status_code == 400
    notice = r.json()[0]["id"]

    def answered(body):
        challenge = client.get(f"{API}/public/notices/{notice}/challenge").json()
        return body | {"challenge_id": challenge["challenge_id"],
                       "challenge_answer": solve_challenge(challenge["question"])}

    r = post(client, f"{API}/public/notices/{notice}/objections", answered({"reason": "短"}))
    assert r.status_code == 400 and r.json()["field"] == "异议内容"
    r = post(client, f"{API}/public/notices/{notice}/objections",
             answered({"reason": "陈家新买了一辆小汽车，收入不低"}))
    assert r.status_code == 201 and "异议已收到" in r.json()["message"]
    app.refresh_from_db()
    assert app.status == "publicizing" and Objection.objects.get().status == "pending"
    # 礼乐街道 checks it and upholds it: the notice comes down
    client.force_login(w.li)
    objection = Objection.objects.get()
    r = post(client, f"{API}/applications/{app.pk}/objections/{objection.pk}/decide",
             {"uphold": True, "note": "经核实确有新购车辆"})
    assert r.status_code == 200 and r.json()["status"] == "investigating"
    assert r.json()["publicities"][0]["objections"][0]["status_label"] == "已采纳（退回入户调查复查）"
    client.logout()
    assert client.get(f"{API}/public/notices/{notice}/challenge").status_code == 404
    assert post(client, f"{API}/public/notices/{notice}/objections",
                {"reason": "再提一次异议试试看", "challenge_id": "-", "challenge_answer": "1"}).status_code == 404


def test_staff_endpoints_need_a_login(client, world):
    app = submit_dibao(world)
    assert client.get(f"{API}/applications").status_code == 401
    r = post(client, f"{API}/applications/{app.pk}/accept")
    assert r.status_code == 401 and r.json()["code"] == "unauthenticated"
