"""The public booking page and API show only open days, places left and whether a certificate is valid — never who
booked or who holds it; the desk of 江海区婚姻登记处 works through the API, and 郁南县's 梁文杰 sees none of it."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from minzheng.assistance.tests.stories import solve_challenge
from minzheng.marriage.models import Appointment, Office

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 9, 21, 2, 0, tzinfo=dt.UTC)  # Monday 21 September 2026, 10:00 in Beijing


@pytest.fixture
def office(areas):
    return Office.objects.create(name="江海区婚姻登记处", code="440704", area=areas["jianghai"], daily_capacity=1,
                                 address="江海区东海路8号")


@pytest.fixture
def couple(make_person):
    return (make_person("陈志明", birth=dt.date(2000, 3, 1), sex="M"),
            make_person("李晓燕", birth=dt.date(2003, 6, 15), sex="F"))


def _form(office, man, woman, day="2026-09-24"):
    return {"office": office.pk, "kind": "marriage", "date": day, "name_a": man.name, "id_number_a": man.id_number,
            "name_b": woman.name, "id_number_b": woman.id_number, "phone": "13800000001"}


def answered(page, data):
    """The form as a resident sends it: the page's verification question answered."""
    challenge = page.context["challenge"]
    return data | {"challenge_id": challenge["challenge_id"],
                   "challenge_answer": solve_challenge(challenge["question"])}


def api_answered(client, data):
    challenge = client.get("/api/marriage/public/challenge").json()
    return data | {"challenge_id": challenge["challenge_id"],
                   "challenge_answer": solve_challenge(challenge["question"])}


@time_machine.travel(NOW)
def test_public_booking_page_books_and_refuses_a_full_day_without_telling_who_booked(office, couple, make_person):
    c = Client()
    page = c.get("/marriage/book/")
    assert page.status_code == 200
    assert "9月24日 周四（余1个）" in page.content.decode()
    assert "9月25日 周五（不办理）" in page.content.decode()  # 中秋节
    done = c.post("/marriage/book/", answered(page, _form(office, *couple)))
    assert done.status_code == 200
    ref = Appointment.objects.get().reference
    assert ref in done.content.decode()
    others = make_person("甲", birth=dt.date(1990, 1, 1)), make_person("乙", birth=dt.date(1990, 1, 1), sex="F")
    full = c.post("/marriage/book/", answered(c.get("/marriage/book/"), _form(office, *others)))
    assert full.status_code == 400
    assert "2026-09-24的预约已满（1个），请选择其他日期" in full.content.decode()
    days = c.get(f"/api/marriage/public/offices/{office.pk}/days").json()
    assert {"date": "2026-09-24", "weekday": "四", "capacity": 1, "left": 0, "bookable": False, "reason": ""} in days
    for body in (page.content, full.content, c.get(f"/api/marriage/public/offices/{office.pk}/days").content):
        assert "陈志明".encode() not in body and couple[0].id_number.encode() not in body


@time_machine.travel(NOW)
def test_the_desk_registers_through_the_api_and_the_public_check_reveals_no_holder(office, couple, people):
    desk = Client()
    desk.force_login(people["jianghai_approver"])
    man, woman = couple
    r = desk.post("/api/marriage/registrations/marriage", {
        "office_id": office.pk, "man_id_number": man.id_number, "woman_id_number": woman.id_number,
        "on": "2026-09-21", "declaration_signed": True}, content_type="application/json")
    assert r.status_code == 201, r.content
    number = r.json()["certificates"][0]
    assert number == "J440704-2026-000001"
    check = Client().get(f"/api/marriage/public/certificates/{number}").json()
    assert check == {"number": number, "found": True, "valid": True, "type_label": "结婚证",
                     "office": "江海区婚姻登记处", "issued_on": "2026-09-21"}
    page = Client().get("/marriage/verify/", {"number": number}).content.decode()
    assert "有效" in page and "陈志明" not in page and "李晓燕" not in page
    again = desk.post("/api/marriage/registrations/marriage", {
        "office_id": office.pk, "man_id_number": man.id_number, "woman_id_number": woman.id_number,
        "on": "2026-09-21", "declaration_signed": True}, content_type="application/json")
    assert again.status_code == 400 and "已婚" in again.json()["message"]
    stats = desk.get("/api/marriage/statistics?year=2026").json()
    assert stats[8]["marriage"] == 1
    xlsx = desk.get("/marriage/statistics.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"

    outsider = Client()
    outsider.force_login(people["yunan_approver"])
    r = outsider.post("/api/marriage/registrations/marriage", {
        "office_id": office.pk, "man_id_number": man.id_number, "woman_id_number": woman.id_number,
        "on": "2026-09-21", "declaration_signed": True}, content_type="application/json")
    assert r.status_code == 404
    assert outsider.get("/api/marriage/statistics?year=2026").json()[8]["marriage"] == 0
    assert "陈志明" not in outsider.get("/marriage/").content.decode()


@time_machine.travel(NOW)
def test_bad_dates_are_clear_errors(office, couple, people):
    desk = Client()
    desk.force_login(people["jianghai_approver"])
    r = desk.post("/api/marriage/divorce-applications", {
        "office_id": office.pk, "party_a_id_number": couple[0].id_number, "party_b_id_number": couple[1].id_number,
        "on": "9999-12-31"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "受理日期"
    public = Client()
    r = public.post("/api/marriage/public/appointments", api_answered(public, {
        "office_id": office.pk, "date": "0001-01-01", "kind": "marriage", "name_a": "甲", "id_number_a": "1",
        "phone": "138"}), content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "当事人身份证号"


@time_machine.travel(NOW)
def test_a_booking_needs_the_verification_question_answered_once(office, couple):
    """A script posting the form without reading the page, a wrong sum, or an answer used twice books nothing; the
    page then asks a new question and keeps what was typed."""
    c = Client()
    page = c.get("/marriage/book/")
    assert "验证题：" in page.content.decode() and "等于几？" in page.context["challenge"]["question"]
    blind = c.post("/marriage/book/", _form(office, *couple))
    assert blind.status_code == 400 and "验证题已失效，请刷新页面" in blind.content.decode()
    wrong = c.post("/marriage/book/", _form(office, *couple) | {
        "challenge_id": blind.context["challenge"]["challenge_id"], "challenge_answer": "99"})
    assert wrong.status_code == 400 and "验证答案不正确" in wrong.content.decode()
    assert f'value="{couple[0].id_number}"' in wrong.content.decode()  # what was typed stays
    assert not Appointment.objects.exists()

    right = answered(wrong, _form(office, *couple))
    assert c.post("/marriage/book/", right).status_code == 200
    assert Appointment.objects.count() == 1
    again = c.post("/marriage/book/", right)  # the same answer sent twice
    assert again.status_code == 400 and "验证题已失效" in again.content.decode()

    api = Client()
    body = {"office_id": office.pk, "date": "2026-09-28", "kind": "reissue", "name_a": couple[1].name,
            "id_number_a": couple[1].id_number, "phone": "13800000002", "challenge_id": "x", "challenge_answer": "3"}
    r = api.post("/api/marriage/public/appointments", body, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "challenge_expired" and r.json()["field"] == "验证答案"
    r = api.post("/api/marriage/public/appointments", api_answered(api, body), content_type="application/json")
    assert r.status_code == 201 and Appointment.objects.count() == 2
