"""The registry office's pages for 颁证仪式 and 婚姻家庭辅导. At 江海区婚姻登记处 黄志强 books a ceremony for 陈志明 and
李晓燕, who married on Monday, and records a 冷静期 session with 周建国 and 吴丽; a date before the wedding and a
cooling-off session without its application are refused in Chinese with nothing written. 郁南县's 梁文杰 sees none of
江海区's couples and cannot book for them: their registration is "not found" to him, as a number that never existed."""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client

from minzheng.core.models import AuditEntry
from minzheng.marriage import services
from minzheng.marriage.models import Ceremony, Counselling, Office

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 9, 23, 2, 0, tzinfo=dt.UTC)  # Wednesday 23 September 2026, 10:00 in Beijing
WEDDING = dt.date(2026, 9, 21)


@pytest.fixture
def office(areas):
    return Office.objects.create(name="江海区婚姻登记处", code="440704", area=areas["jianghai"], daily_capacity=10)


@pytest.fixture
def wedding(office, people, make_person):
    chen = make_person("陈志明", birth=dt.date(2000, 3, 1), sex="M")
    li = make_person("李晓燕", birth=dt.date(2003, 6, 15), sex="F")
    return services.marriage_register(actor=people["jianghai_approver"], office=office, man=chen, woman=li,
                                      on=WEDDING, declaration_signed=True)


@pytest.fixture
def cooling(office, people, make_person):
    zhou = make_person("周建国", birth=dt.date(1988, 1, 1), sex="M")
    wu = make_person("吴丽", birth=dt.date(1990, 1, 1), sex="F")
    huang = people["jianghai_approver"]
    services.marriage_register(actor=huang, office=office, man=zhou, woman=wu, on=dt.date(2020, 5, 20),
                               declaration_signed=True)
    return services.divorce_apply(actor=huang, office=office, party_a=zhou, party_b=wu, on=dt.date(2026, 9, 7))


def _without_csrf(body: bytes) -> bytes:
    return re.sub(rb'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', rb"\1-", body)


def _login(user):
    c = Client()
    c.force_login(user)
    return c


@time_machine.travel(NOW)
def test_the_registrar_books_a_ceremony_for_monday_s_couple_and_a_day_before_the_wedding_is_refused(
        office, wedding, people):
    desk = _login(people["jianghai_approver"])
    page = desk.get("/marriage/ceremonies/").content.decode()
    assert "陈志明、李晓燕（2026-09-21登记，江海区婚姻登记处）" in page
    assert "颁证仪式" in desk.get("/marriage/").content.decode()  # the desk links to it

    early = desk.post("/marriage/ceremonies/", {"registration": wedding.pk, "date": "2026-09-20"})
    assert early.status_code == 400
    assert "颁证日期不能早于登记日期" in early.content.decode()
    assert not Ceremony.objects.exists()

    done = desk.post("/marriage/ceremonies/", {"registration": wedding.pk, "date": "2026-10-01",
                                               "officiant": "区民政局局长"}, follow=True)
    assert "已为陈志明、李晓燕预约2026年10月01日的颁证仪式" in done.content.decode()
    assert Ceremony.objects.get().officiant == "区民政局局长"
    after = desk.get("/marriage/ceremonies/").content.decode()
    assert "近期登记结婚的新人均已安排颁证仪式" in after and "区民政局局长" in after


@time_machine.travel(NOW)
def test_a_cooling_off_session_is_recorded_and_one_without_its_application_is_refused(office, cooling, people):
    desk = _login(people["jianghai_approver"])
    assert "周建国、吴丽（冷静期至2026-10-07）" in desk.get("/marriage/counselling/").content.decode()
    before = AuditEntry.objects.count()
    missing = desk.post("/marriage/counselling/", {"office": office.pk, "kind": "cooling", "held_on": "2026-09-22",
                                                   "counsellor": "社工 何敏", "summary": "双方就子女抚养沟通"})
    assert missing.status_code == 400
    assert "离婚冷静期辅导须对应一份冷静期中的离婚申请" in missing.content.decode()
    bad_day = desk.post("/marriage/counselling/", {"office": office.pk, "kind": "family", "held_on": "2026-9-22x",
                                                   "counsellor": "社工 何敏", "summary": "家庭关系沟通"})
    assert "辅导日期格式应为YYYY-MM-DD" in bad_day.content.decode()
    assert AuditEntry.objects.count() == before and not Counselling.objects.exists()

    desk.post("/marriage/counselling/", {"office": office.pk, "kind": "cooling", "held_on": "2026-09-22",
                                         "counsellor": "社工 何敏", "summary": "双方就子女抚养沟通，约定两周后再谈",
                                         "divorce_application": cooling.pk})
    session = Counselling.objects.get()
    assert (session.divorce_application, session.get_kind_display()) == (cooling, "离婚冷静期辅导")
    assert "社工 何敏" in desk.get("/marriage/counselling/").content.decode()


@time_machine.travel(NOW)
def test_another_county_sees_no_couple_and_cannot_book_for_one(office, wedding, cooling, people):
    liang = _login(people["yunan_approver"])
    for url in ("/marriage/ceremonies/", "/marriage/counselling/"):
        body = liang.get(url).content.decode()
        assert "陈志明" not in body and "周建国" not in body
    hidden = liang.post("/marriage/ceremonies/", {"registration": wedding.pk, "date": "2026-10-01"})
    absent = liang.post("/marriage/ceremonies/", {"registration": 987654321, "date": "2026-10-01"})
    assert hidden.status_code == absent.status_code == 404
    assert _without_csrf(hidden.content) == _without_csrf(absent.content)
    hidden = liang.post("/marriage/counselling/", {"office": office.pk, "kind": "family", "held_on": "2026-09-22",
                                                   "counsellor": "甲", "summary": "家庭关系沟通"})
    assert hidden.status_code == 404
    assert not Ceremony.objects.exists() and not Counselling.objects.exists()
