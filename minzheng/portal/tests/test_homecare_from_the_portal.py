"""王秀英's daughter 王小红 logs in to the portal with a code sent to her phone. 礼乐街道 has bound her to her mother;
from the portal home she orders a 居室清洁 for her mother and follows it — the same order the provider then serves."""

import datetime as dt

import pytest
from django.utils import timezone

from minzheng.homecare import services as homecare
from minzheng.homecare.models import Order
from minzheng.homecare.tests.conftest import hc  # noqa: F401

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
