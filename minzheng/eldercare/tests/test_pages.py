"""The 大养老 pages as 礼乐街道's officer 李建华 uses them: the list, 张桂英's record, the assessment form, the
month's visit list and the call desk; 外海's officer gets 404 for 礼乐's elders, a care provider 403."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from minzheng.eldercare import services
from minzheng.eldercare.models import Assessment, EmergencyCall, Visit

from .conftest import answers_for_total

pytestmark = pytest.mark.clock  # depends on today's date (CI also runs it with the clock moved)


def as_user(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def form_answers(total):
    return {f"item_{k}": v for k, v in answers_for_total(total).items()}


def test_list_record_and_nav(elder):
    w = elder
    c = as_user(w.li)
    home = c.get("/")
    assert 'href="/eldercare/"' in home.content.decode() and ">老年人</a>" in home.content.decode()
    page = c.get("/eldercare/", {"category": "high_age"}).content.decode()
    assert "张桂英" in page and "高龄老人" in page and "李伯" not in page
    record = c.get(f"/eldercare/elders/{w.zhang.pk}/").content.decode()
    assert "类别及期间" in record and "年满80周岁" in record and w.zhang.id_number not in record
    assert as_user(w.zhao).get(f"/eldercare/elders/{w.zhang.pk}/").status_code == 404
    assert as_user(w.he).get("/eldercare/").status_code == 403


def test_assessment_form_names_the_missing_item_and_saves_when_complete(elder):
    w = elder
    c = as_user(w.li)
    url = f"/eldercare/elders/{w.zhang.pk}/assess/"
    form = c.get(url).content.decode()
    assert form.count('type="radio"') == sum(i.max + 1 for i in __import__(
        "minzheng.eldercare.ruleset", fromlist=["ruleset_on"]).ruleset_on(timezone.localdate()).items)
    assert "B.2.4 上下楼梯" in form
    data = {"reason": "initial", "assessed_on": str(timezone.localdate()), "assessor_1": w.li.pk,
            "assessor_2": w.su.pk, "risk_events": 0, **form_answers(60)}
    del data["item_hearing"]
    r = c.post(url, data)
    assert r.status_code == 400 and "评估项目B.4.2“听力”未填写" in r.content.decode()
    data["item_hearing"] = 0
    data["assessor_2"] = w.li.pk
    r = c.post(url, data)
    assert r.status_code == 400 and "两名评估员不能是同一人" in r.content.decode()
    assert not Assessment.objects.exists()
    data["assessor_2"] = w.su.pk
    r = c.post(url, data)
    a = Assessment.objects.get()
    assert r.status_code == 302 and r.url == f"/eldercare/assessments/{a.pk}/"
    detail = c.get(r.url).content.decode()
    assert "中度失能" in detail and "半自理" in detail and "对应关系为假定" in detail
    # a village worker may view the record but not assess
    assert as_user(w.chen).get(url).status_code == 403


def test_visit_page_plans_lists_and_shows_the_rate(elder):
    w = elder
    services.elder_category_add(actor=w.li, person=w.zhang, category="elderly_alone", valid_from=dt.date(2024, 1, 1))
    c = as_user(w.li)
    month = timezone.localdate().strftime("%Y-%m")
    r = c.post(f"/eldercare/visits/?area=440704005&month={month}")
    assert r.status_code == 302
    page = c.get("/eldercare/visits/", {"area": "440704005", "month": month}).content.decode()
    assert "张桂英" in page and "未探访" in page and "目标 100%" in page
    r = c.post(f"/eldercare/elders/{w.zhang.pk}/", {"form": "visit", "visit-visited_on": str(timezone.localdate()),
                                                    "visit-mode": "home", "visit-findings": "入户探访，身体尚好"})
    assert r.status_code == 302 and Visit.objects.count() == 1
    page = c.get("/eldercare/visits/", {"area": "440704005", "month": month}).content.decode()
    assert "100%" in page


def test_call_desk_walk(elder):
    w = elder
    c = as_user(w.li)
    r = c.post("/eldercare/calls/", {"id_number": w.zhang.id_number, "channel": "terminal", "kind": "fall",
                                     "description": "跌倒求助"})
    call = EmergencyCall.objects.get()
    assert r.status_code == 302 and r.url == f"/eldercare/calls/{call.pk}/"
    assert c.post(r.url, {"step": "dispatch", "dispatch-text": "陈小玲"}).status_code == 302
    assert c.post(r.url, {"step": "arrive", "arrive-text": "陈小玲"}).status_code == 302
    page = c.post(r.url, {"step": "arrive", "arrive-text": "陈小玲"})
    assert page.status_code == 409 and "不能登记到达" in page.content.decode()
    assert c.post(r.url, {"step": "close", "close-text": "无大碍"}).status_code == 302
    call.refresh_from_db()
    assert call.status == "closed" and call.response_seconds is not None
    assert "礼乐街道" in c.get("/eldercare/calls/stats/").content.decode()
    chosen = c.get("/eldercare/calls/", {"person": w.zhang.pk}).content.decode()
    assert "老年人：<strong>张桂英</strong>" in chosen and w.zhang.id_number not in chosen
    r = c.post("/eldercare/calls/", {"person": w.zhang.pk, "channel": "pingantong", "kind": "help",
                                     "description": "询问上门服务"})
    assert r.status_code == 302 and EmergencyCall.objects.count() == 2
    unknown = c.post("/eldercare/calls/", {"id_number": w.hepo.id_number, "channel": "terminal", "kind": "fall",
                                           "description": "跌倒"})
    assert unknown.status_code == 400 and "管辖范围内没有该身份证号" in unknown.content.decode()
