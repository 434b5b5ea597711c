"""The 大养老 API as 礼乐街道's officer, 外海's officer (another town), the county and a care provider use it."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from minzheng.eldercare import services
from minzheng.eldercare.models import Assessment

from .conftest import answers_for_total

pytestmark = pytest.mark.clock  # depends on today's date (CI also runs it with the clock moved)


def as_user(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def assessment_body(w, person, total=50, **kw):
    body = {"person_id": person.pk, "reason": "initial", "assessed_on": str(timezone.localdate()),
            "assessor_1": "lijh", "assessor_2": "suhm", "answers": answers_for_total(total)}
    body.update(kw)
    return body


def test_elder_list_is_scoped_and_filtered(elder):
    w = elder
    services.elder_category_add(actor=w.li, person=w.libo, category="elderly_empty_nest",
                                valid_from=dt.date(2024, 1, 1))
    r = as_user(w.li).get("/api/eldercare/elders")
    assert r.status_code == 200
    names = [i["name"] for i in r.json()["items"]]
    assert set(names) == {"张桂英", "李伯"}                  # 何婆婆 lives in 外海; 陈叔 is 59
    assert "*" in r.json()["items"][0]["id_masked"]
    special = as_user(w.li).get("/api/eldercare/elders", {"special": True}).json()["items"]
    assert [(i["name"], [c["label"] for c in i["categories"]]) for i in special] == [("李伯", ["空巢老人"])]
    high = as_user(w.huang).get("/api/eldercare/elders", {"category": "high_age"}).json()["items"]
    assert {i["name"] for i in high} == {"张桂英"}           # 何婆婆 is 77 or 78
    assert as_user(w.li).get("/api/eldercare/elders", {"area": "440704004"}).status_code == 404
    assert as_user(w.he).get("/api/eldercare/elders").status_code == 403


def test_assessment_through_the_api(elder):
    w = elder
    c = as_user(w.li)
    r = c.post("/api/eldercare/assessments", assessment_body(w, w.zhang, 45), content_type="application/json")
    assert r.status_code == 201, r.json()
    body = r.json()
    assert (body["total"], body["final_level_label"], body["self_care"]) == (45, "重度失能", "full_dependent")
    record = c.get(f"/api/eldercare/elders/{w.zhang.pk}").json()
    assert record["care_level_label"] == "重度失能"
    assert {"disabled_full", "high_age"} <= {p["code"] for p in record["periods"] if p["current"]}
    rs = c.get("/api/eldercare/ruleset").json()
    assert rs["total_max"] == 90 and sum(len(p["items"]) for p in rs["parts"]) == 26


@pytest.mark.parametrize("change, status, field, message", [
    (lambda b: b["answers"].pop("hearing"), 400, "听力", "评估项目B.4.2“听力”未填写"),
    (lambda b: b["answers"].update(eating=9), 400, "进食", "B.1.1“进食”的得分9超出范围（0～4分）"),
    (lambda b: b.update(assessor_2="lijh"), 400, "评估员二", "两名评估员不能是同一人（李建华）"),
    (lambda b: b.update(assessor_2="nobody"), 400, "评估员二", "评估员二“nobody”不是本系统用户"),
])
def test_bad_assessments_get_a_chinese_error_and_write_nothing(elder, change, status, field, message):
    w = elder
    body = assessment_body(w, w.zhang)
    change(body)
    r = as_user(w.li).post("/api/eldercare/assessments", body, content_type="application/json")
    assert r.status_code == status
    assert r.json()["field"] == field and message in r.json()["message"]
    assert not Assessment.objects.exists()


def test_another_towns_officer_gets_404(elder):
    w = elder
    r = as_user(w.zhao).post("/api/eldercare/assessments", assessment_body(w, w.zhang),
                             content_type="application/json")
    assert r.status_code == 404
    assert as_user(w.zhao).get(f"/api/eldercare/elders/{w.zhang.pk}").status_code == 404


def test_visits_and_a_call_through_the_api(elder):
    w = elder
    services.elder_category_add(actor=w.li, person=w.zhang, category="elderly_alone", valid_from=dt.date(2024, 1, 1))
    c = as_user(w.li)
    month = timezone.localdate().strftime("%Y-%m")
    assert c.post("/api/eldercare/visits/plan", {"area": "440704005", "month": month},
                  content_type="application/json").json() == {"added": 1}
    r = c.post("/api/eldercare/visits", {"person_id": w.zhang.pk, "visited_on": str(timezone.localdate()),
                                         "mode": "home", "findings": "入户探访，老人身体尚好"},
               content_type="application/json")
    assert r.status_code == 201
    lst = c.get("/api/eldercare/visits", {"area": "440704005", "month": month}).json()
    assert lst["target_rate"] == 100.0
    assert [(x["area"]["name"], x["due"], x["visited"], x["rate"]) for x in lst["rates"]][0] == ("礼乐街道", 1, 1, 1.0)

    t0 = timezone.now() - dt.timedelta(minutes=50)
    call = c.post("/api/eldercare/calls", {"person_id": w.zhang.pk, "channel": "terminal", "kind": "fall",
                                           "description": "跌倒求助", "received_at": t0.isoformat()},
                  content_type="application/json").json()
    for step, text, minutes in (("dispatch", "英南村陈小玲", 1), ("arrive", "陈小玲", 11), ("close", "已送医", 30)):
        r = c.post(f"/api/eldercare/calls/{call['id']}/{step}",
                   {"text": text, "at": (t0 + dt.timedelta(minutes=minutes)).isoformat()},
                   content_type="application/json")
        assert r.status_code == 200, r.json()
    assert r.json()["status"] == "closed" and r.json()["response_seconds"] == 660  # 接警 → 到达
    again = c.post(f"/api/eldercare/calls/{call['id']}/close", {"text": "再次结案"}, content_type="application/json")
    assert again.status_code == 409
    stats = c.get("/api/eldercare/calls-stats", {"area": "440704005",
                                                  "start": timezone.localtime(t0).strftime("%Y-%m")}).json()
    assert stats[0]["median_minutes"] == 11.0 and stats[0]["p90_minutes"] == 11.0
    assert as_user(w.zhao).get(f"/api/eldercare/calls/{call['id']}").status_code == 404


def test_assessments_falling_due_are_listed(elder):
    """张桂英 was assessed on 2025-01-10, so her 常规评估 falls due on 2026-01-10 (12 months, data); a 即时评估 in
    May resets the clock. Voided records never count."""
    w = elder
    first = services.assessment_record(actor=w.li, person=w.zhang, reason="initial", assessed_on=dt.date(2025, 1, 10),
                                       assessor_1=w.li, assessor_2=w.su, answers=answers_for_total(80),
                                       today=dt.date(2025, 1, 10))
    c = as_user(w.li)
    due = lambda on: [a["number"] for a in c.get("/api/eldercare/assessments-due", {"on": on}).json()]  # noqa: E731
    assert due("2026-01-09") == [] and due("2026-01-10") == [first.number]
    later = services.assessment_record(actor=w.li, person=w.zhang, reason="immediate", assessed_on=dt.date(2025, 5, 1),
                                       assessor_1=w.li, assessor_2=w.su, answers=answers_for_total(60),
                                       today=dt.date(2025, 5, 1))
    assert due("2026-01-10") == [] and due("2026-05-01") == [later.number]
    services.assessment_void(actor=w.li, assessment=later, reason="录入错误，作废")
    assert due("2026-01-10") == [first.number]
    assert as_user(w.zhao).get("/api/eldercare/assessments-due", {"on": "2026-06-01"}).json() == []
