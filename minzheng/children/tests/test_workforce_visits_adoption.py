"""The workforce and its gap list, the 儿童主任's due-visit list with intervals from data, and 收养登记."""

import datetime as dt

import pytest
from django.test import Client

from minzheng.children import selectors, services
from minzheng.children.models import Adoption, Post
from minzheng.core.errors import Conflict, DomainError
from minzheng.core.idcard import make_id_number
from minzheng.registry.services import category_add, person_create

from .stories import START, today

pytestmark = pytest.mark.django_db


def test_a_village_without_a_child_director_is_on_the_gap_list(kids):
    w, t = kids, today()
    gaps = selectors.gap_list(w.huang, on=t)
    assert w.xiangdong in gaps["villages"] and w.yingnan not in gaps["villages"]
    assert w.waihai_village not in gaps["villages"]
    assert w.lile not in gaps["towns"] and w.waihai in gaps["towns"]
    # appointing one closes the gap; a 儿童主任 must sit in a village, a 督导员 in a town
    services.appointment_create(actor=w.huang, post=Post.DIRECTOR, name="向东村儿童主任", area=w.xiangdong,
                                start_date=t)
    assert w.xiangdong not in selectors.gap_list(w.huang, on=t)["villages"]
    with pytest.raises(DomainError, match="儿童主任应任职于村居"):
        services.appointment_create(actor=w.huang, post=Post.DIRECTOR, name="错岗", area=w.waihai, start_date=t)
    # another county sees none of 江海区's villages
    assert not {a.pk for a in selectors.gap_list(w.liang, on=t)["villages"]} & {w.xiangdong.pk, w.yingnan.pk}
    body = Client()
    body.force_login(w.huang)
    towns = body.get("/api/children/workforce/gaps").json()["towns_without_supervisor"]
    assert {"code": w.waihai.code, "name": w.waihai.name} in towns and w.lile.code not in {t["code"] for t in towns}


def test_the_due_list_follows_the_category_intervals_and_the_director_sees_only_her_village(kids):
    w, t = kids, today()
    girl = person_create(actor=w.huang, id_number=make_id_number("440704", dt.date(2017, 6, 1), 402), name="陈小美",
                         hukou_area=w.yingnan, residence_area=w.yingnan)
    category_add(actor=w.huang, person=w.son, category="left_behind_child", valid_from=START)   # every 90 days
    category_add(actor=w.huang, person=girl, category="de_facto_unsupported", valid_from=START)  # every 30 days
    due = {d.child.name: d for d in selectors.visits_due(w.chen, on=t)}
    assert set(due) == {"陈小宝", "陈小美"} and due["陈小宝"].due_on == t   # never visited: due now
    services.visit_record(actor=w.chen, child=w.son, visited_on=t - dt.timedelta(days=40), mode="home",
                          findings="祖母照看，一切正常")
    services.visit_record(actor=w.chen, child=girl, visited_on=t - dt.timedelta(days=40), mode="phone",
                          findings="电话随访，生活正常")
    due = {d.child.name: d for d in selectors.visits_due(w.chen, on=t)}
    assert set(due) == {"陈小美"}                                  # 40 days: within 90, beyond 30
    assert due["陈小美"].due_on == t - dt.timedelta(days=10)
    assert selectors.visit_rate(w.chen, on=t) == (1, 2)
    assert selectors.visits_due(w.xu, on=t) == []                 # 外海社区's director: not her village
    assert selectors.visits_due(w.ma, on=t) == []                 # no child post: nothing


def test_an_adoption_is_registered_after_a_suitable_assessment_and_can_be_dissolved(kids):
    w, t = kids, today()
    child = person_create(actor=w.huang, id_number=make_id_number("440704", dt.date(2019, 2, 2), 404), name="周小安",
                          hukou_area=w.yingnan, residence_area=w.yingnan)
    adopter = person_create(actor=w.huang, id_number=make_id_number("440704", dt.date(1986, 5, 5), 405),
                            name="周建业", hukou_area=w.yingnan, residence_area=w.yingnan)
    kw = dict(actor=w.huang, child=child, adopter=adopter, area=w.jianghai, assessed_by="江海区社会工作服务中心",
              assessed_on=t - dt.timedelta(days=20), registered_on=t, archive_number="JH-SY-2025-001")
    with pytest.raises(DomainError, match="不适合收养，不予登记"):
        services.adoption_register(**kw, assessment_result="unsuitable", certificate_number="SY001")
    young = person_create(actor=w.huang, id_number=make_id_number("440704", t.replace(year=t.year - 25) -
                                                                    dt.timedelta(days=1), 406),
                          name="年轻人", hukou_area=w.yingnan, residence_area=w.yingnan)
    with pytest.raises(DomainError, match="未满三十周岁"):
        services.adoption_register(**(kw | {"adopter": young}), assessment_result="suitable",
                                   certificate_number="SY001")
    assert not Adoption.objects.exists()
    a = services.adoption_register(**kw, assessment_result="suitable", certificate_number="SY001")
    with pytest.raises(Conflict, match="已登记"):
        services.adoption_register(**kw, assessment_result="suitable", certificate_number="SY001")
    assert selectors.adoption_stats(w.huang, on=t) == [{"year": t.year, "registered": 1, "dissolved": 0}]
    services.adoption_dissolve(actor=w.huang, adoption=a, dissolved_on=t, reason="经协商解除收养关系")
    assert selectors.adoption_stats(w.huang, on=t) == [{"year": t.year, "registered": 1, "dissolved": 1}]
    assert list(selectors.adoptions_for(w.liang, on=t)) == []     # another county sees none


def test_a_step_past_its_working_day_deadline_puts_the_case_on_its_towns_overdue_list(kids):
    from minzheng.core.periods import add_workdays

    w, t = kids, today()
    report = services.report_file(actor=w.chen, child=w.son, source="resident", priority="normal",
                                  what="邻居反映孩子常独自在家", location="英南村", reporter_name="张大姐")
    assert report.verify_due == add_workdays(report.received_on, 3)   # data/children/priorities.csv: 一般 3 days
    on_time = selectors.case_state(report.case, on=report.verify_due)
    late = selectors.case_state(report.case, on=report.verify_due + dt.timedelta(days=1))
    assert (on_time.next_step, on_time.overdue, late.overdue) == ("核查", False, True)
    later = report.verify_due + dt.timedelta(days=1)
    assert [(town, [c.number for c, _ in rows]) for town, rows in selectors.overdue_by_town(w.li, on=later)] == [
        ("礼乐街道", [report.case.number])]
    assert selectors.overdue_by_town(w.xu, on=later) == []
    services.case_verify(actor=w.chen, case=report.case, happened_on=t, finding="核实：祖母外出务农",
                         substantiated=True)
    after = selectors.case_state(report.case, on=later)
    assert (after.next_step, after.due_on) == ("评估", add_workdays(t, 10))   # data/children/steps.csv


def test_the_county_registers_and_dissolves_an_adoption_through_the_api(kids):
    w, t = kids, today()
    child = person_create(actor=w.huang, id_number=make_id_number("440704", dt.date(2020, 8, 8), 410), name="梁小乐",
                          hukou_area=w.yingnan, residence_area=w.yingnan)
    adopter = person_create(actor=w.huang, id_number=make_id_number("440704", dt.date(1984, 1, 1), 411),
                            name="梁家豪", hukou_area=w.yingnan, residence_area=w.yingnan)
    c = Client()
    c.force_login(w.huang)
    body = {"child_id": child.pk, "adopter_id": adopter.pk, "area_code": w.jianghai.code,
            "assessment_result": "suitable", "assessed_by": "江海区社工中心", "assessed_on": t.isoformat(),
            "registered_on": t.isoformat(), "certificate_number": "SY-API-1", "archive_number": "DA-1"}
    r = c.post("/api/children/adoptions", body, content_type="application/json")
    assert r.status_code == 201, r.content
    r = c.post("/api/children/adoptions", body | {"adopter_id": 987654321}, content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "收养人"
    pk = Adoption.objects.get().pk
    liang = Client()
    liang.force_login(w.liang)
    assert liang.post(f"/api/children/adoptions/{pk}/dissolve", {"dissolved_on": t.isoformat(), "reason": "协议解除"},
                      content_type="application/json").status_code == 404
    r = c.post(f"/api/children/adoptions/{pk}/dissolve", {"dissolved_on": t.isoformat(), "reason": "协议解除"},
               content_type="application/json")
    assert r.status_code == 200 and r.json()["dissolved_on"] == t.isoformat()
