"""The portal's other doors. 王秀英's daughter 王小红 logs in with a code sent to her phone; 礼乐街道 has bound her to
her mother, and from the portal home she orders a 居室清洁 for her. 陈志明 books his marriage registration from the
portal and finds the booking on the portal home."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from minzheng.assistance.tests.stories import solve_challenge
from minzheng.homecare import services as homecare
from minzheng.homecare.models import Order
from minzheng.homecare.tests.conftest import hc  # noqa: F401
from minzheng.marriage.models import Appointment, Office

from .stories import portal_login

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

DAUGHTER_PHONE = "13922220001"


def test_a_daughter_orders_home_care_for_her_mother_from_the_portal(hc, make_person, people):  # noqa: F811
    make_person("王小红", sex="F", birth=dt.date(1968, 9, 12), phone=DAUGHTER_PHONE)
    client = portal_login(DAUGHTER_PHONE)
    home = client.get("/portal/").content.decode()
    assert "尚未绑定老人" in home

    user = client.get("/portal/").wsgi_request.user
    homecare.contact_bind(actor=people["lile_officer"], user=user, person=hc["wang"], relation="child")
    home = client.get("/portal/").content.decode()
    assert f'href="/homecare/m/?elder={hc["wang"].pk}"' in home and "为王秀英（子女）点选服务" in home

    menu = client.get(f"/homecare/m/?elder={hc['wang'].pk}").content.decode()
    assert "居室清洁" in menu
    when = (timezone.localtime() + dt.timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M")
    r = client.post("/homecare/m/order/", {"elder": hc["wang"].pk, "item": "ZJ01", "scheduled_at": when,
                                           "quantity": "1", "address": "英南村南街8号",
                                           "provider": hc["provider"].pk})
    order = Order.objects.get()
    assert r.status_code == 302 and (order.person, order.placed_by) == (hc["wang"], user)
    assert order.number in client.get(r["Location"]).content.decode()


@time_machine.travel(dt.datetime(2026, 9, 21, 2, 0, tzinfo=dt.UTC))  # Monday 21 September 2026, 10:00 in Beijing
def test_a_resident_books_a_marriage_registration_from_the_portal_and_sees_it_there(areas, make_person):
    office = Office.objects.create(name="江海区婚姻登记处", code="440704", area=areas["jianghai"], daily_capacity=1,
                                   address="江海区东海路8号")
    groom = make_person("陈志明", birth=dt.date(2000, 3, 1), sex="M", phone="13922220002")
    bride = make_person("李晓燕", birth=dt.date(2003, 6, 15), sex="F")
    client = portal_login("13922220002")
    home = client.get("/portal/").content.decode()
    assert "暂无预约" in home and 'href="/marriage/book/"' in home
    challenge = client.get("/marriage/book/").context["challenge"]
    r = client.post("/marriage/book/", {"office": office.pk, "kind": "marriage", "date": "2026-09-24",
                                        "name_a": groom.name, "id_number_a": groom.id_number, "name_b": bride.name,
                                        "id_number_b": bride.id_number, "phone": "13922220002",
                                        "challenge_id": challenge["challenge_id"],
                                        "challenge_answer": solve_challenge(challenge["question"])})
    ref = Appointment.objects.get().reference
    assert r.status_code == 200 and ref in r.content.decode()
    home = client.get("/portal/").content.decode()
    assert "2026-09-24 · 江海区婚姻登记处" in home and ref in home
