"""精康融合 in 礼乐街道: 李建华 registers the 礼乐社区康园中心 and enrols 陈明 (精神残疾二级 in the registry) with a
service plan; 张伯, with no such record, is refused; the outreach list shows who is not yet served, and the
规划监测 counts 礼乐街道 as a town with a 康园中心."""

import datetime as dt

import pytest

from minzheng.core.errors import Conflict, DomainError, NotFound
from minzheng.monitoring import rollup
from minzheng.monitoring.models import ElementValue
from minzheng.rehab import selectors, services

pytestmark = pytest.mark.django_db


def test_a_kangyuan_centre_serves_people_with_mental_disability_records(areas, people, make_person):
    li = people["lile_officer"]
    centre = services.centre_register(actor=li, name="礼乐社区康园中心", kind="kangyuan", area=areas["lile"],
                                      opened_on=dt.date(2021, 3, 1))
    chen = make_person("陈明", birth=dt.date(1985, 4, 1), disability_category="mental", disability_grade=2)
    wang = make_person("王芳", birth=dt.date(1992, 4, 1), sex="F", disability_category="intellectual",
                       disability_grade=3)
    zhang = make_person("张伯", birth=dt.date(1950, 1, 1))
    assert set(selectors.not_yet_served(li)) == {chen, wang}

    enrolment = services.enrol(actor=li, centre=centre, person=chen, since=dt.date(2023, 3, 1),
                               plan="每周两次日间康复训练，每月一次家属照护培训")
    services.service_record(actor=li, enrolment=enrolment, served_on=dt.date(2023, 3, 8), content="手工作业康复训练")
    assert list(selectors.not_yet_served(li)) == [wang]
    with pytest.raises(DomainError, match="人员库中张伯没有精神或智力残疾记录"):
        services.enrol(actor=li, centre=centre, person=zhang, since=dt.date(2023, 3, 1), plan="日间康复训练")
    with pytest.raises(Conflict, match="陈明已在接受社区康复服务"):
        services.enrol(actor=li, centre=centre, person=chen, since=dt.date(2023, 4, 1), plan="日间康复训练")
    with pytest.raises(NotFound):
        services.enrol(actor=people["yunan_approver"], centre=centre, person=wang, since=dt.date(2023, 3, 1),
                       plan="日间康复训练")
    assert list(selectors.centres_for(people["yunan_approver"])) == []

    rollup.count_element("towns_with_kangyuan_centre", 2023)
    rollup.count_element("kangyuan_centres", 2023)
    assert dict(ElementValue.objects.filter(element="towns_with_kangyuan_centre", period=2023)
                .values_list("area__code", "value"))[areas["lile"].code] == 1
    assert ElementValue.objects.get(element="kangyuan_centres", period=2023).area == areas["lile"]


def test_the_rehab_api_is_scoped(areas, people, make_person):
    from django.test import Client

    chen = make_person("陈明", birth=dt.date(1985, 4, 1), disability_category="mental", disability_grade=2)
    town = Client()
    town.force_login(people["lile_officer"])
    r = town.post("/api/rehab/centres", {"name": "礼乐社区康园中心", "kind": "kangyuan", "area_code": "440704003",
                                         "opened_on": "2021-03-01"}, content_type="application/json")
    assert r.status_code == 201, r.content
    assert town.get("/api/rehab/outreach").json()[0]["id_number"] == chen.masked_id
    r = town.post("/api/rehab/enrolments", {"centre_id": r.json()["id"], "person_id": chen.pk, "since": "2023-03-01",
                                            "plan": "每周两次日间康复训练"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["serving"] == 1
    outsider = Client()
    outsider.force_login(people["yunan_approver"])
    assert outsider.get("/api/rehab/centres").json() == []
    assert outsider.get("/api/rehab/outreach").json() == []
