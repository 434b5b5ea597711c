"""精康融合 on the pages of 礼乐街道: 李建华 registers the 礼乐社区康园中心 in 英南村 (a centre without a name is
refused naming the field), enrols 陈明 (精神残疾二级 in the registry) from the list of those not yet served, and
records a day's training; an empty service content is refused with nothing written. 郁南县's 梁文杰 sees neither the
centre nor 陈明, and the centre's page is "not found" to him as for a number that never existed."""

import datetime as dt
import re

import pytest
from django.test import Client

from minzheng.core.models import AuditEntry
from minzheng.core.periods import local_date
from minzheng.rehab.models import Centre, Enrolment, ServiceRecord

pytestmark = pytest.mark.django_db
TODAY = local_date()


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _without_csrf(body: bytes) -> bytes:
    return re.sub(rb'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', rb"\1-", body)


def test_a_town_registers_its_centre_enrols_a_person_and_records_a_service(areas, people, make_person):
    chen = make_person("陈明", birth=dt.date(1985, 4, 1), disability_category="mental", disability_grade=2)
    li = _client(people["lile_officer"])
    home = li.get("/rehab/").content.decode()
    assert "社区康复" in home and "陈明" in home and chen.masked_id in home and chen.id_number not in home

    nameless = li.post("/rehab/", {"name": "", "kind": "kangyuan", "area": areas["yingnan"].pk,
                                   "opened_on": "2021-03-01"})
    assert nameless.status_code == 400 and "请填写机构名称" in nameless.content.decode()
    assert not Centre.objects.exists()
    li.post("/rehab/", {"name": "礼乐社区康园中心", "kind": "kangyuan", "area": areas["yingnan"].pk,
                        "opened_on": "2021-03-01"})
    centre = Centre.objects.get()
    assert (centre.area, centre.get_kind_display()) == (areas["yingnan"], "社区康园中心")

    url = f"/rehab/centres/{centre.pk}/"
    assert "陈明（" in li.get(url).content.decode()
    done = li.post(url, {"action": "enrol", "person": chen.pk, "since": TODAY.isoformat(),
                         "plan": "每周两次日间康复训练，每月一次家属照护培训"}, follow=True)
    assert "已将陈明纳入礼乐社区康园中心的社区康复服务" in done.content.decode()
    enrolment = Enrolment.objects.get()

    before = AuditEntry.objects.count()
    empty = li.post(url, {"action": "record", "enrolment": enrolment.pk, "served_on": TODAY.isoformat(),
                          "content": ""})
    assert empty.status_code == 400 and "请填写服务内容" in empty.content.decode()
    assert AuditEntry.objects.count() == before and not ServiceRecord.objects.exists()
    li.post(url, {"action": "record", "enrolment": enrolment.pk, "served_on": TODAY.isoformat(),
                  "content": "手工作业康复训练"})
    assert "手工作业康复训练" in li.get(url).content.decode()
    assert "<td>1</td>" in li.get("/rehab/").content.decode()  # serving one person now


def test_another_county_sees_neither_the_centre_nor_its_people(areas, people, make_person):
    chen = make_person("陈明", birth=dt.date(1985, 4, 1), disability_category="mental", disability_grade=2)
    li = _client(people["lile_officer"])
    li.post("/rehab/", {"name": "礼乐社区康园中心", "kind": "kangyuan", "area": areas["lile"].pk,
                        "opened_on": "2021-03-01"})
    centre = Centre.objects.get()
    liang = _client(people["yunan_approver"])
    body = liang.get("/rehab/").content.decode()
    assert "礼乐社区康园中心" not in body and "陈明" not in body
    hidden, absent = liang.get(f"/rehab/centres/{centre.pk}/"), liang.get("/rehab/centres/987654321/")
    assert hidden.status_code == absent.status_code == 404
    assert _without_csrf(hidden.content) == _without_csrf(absent.content)
    forged = liang.post(f"/rehab/centres/{centre.pk}/", {"action": "enrol", "person": chen.pk,
                                                         "since": TODAY.isoformat(), "plan": "日间康复训练"})
    assert forged.status_code == 404 and not Enrolment.objects.exists()
    elsewhere = liang.post("/rehab/", {"name": "冒名中心", "kind": "kangyuan", "area": areas["lile"].pk,
                                       "opened_on": "2021-03-01"})
    assert elsewhere.status_code == 404 and Centre.objects.count() == 1
