"""The pages as each persona uses them: 王小红 orders on her phone, 何丽 and 周志成 serve it, 李建华 watches the
town's overview, 黄志强 settles; 外海街道's 赵玉兰 sees none of 礼乐's orders."""

import datetime as dt

import pytest
from django.utils import timezone

from minzheng.homecare.models import Order, Statement

pytestmark = pytest.mark.clock  # depends on today's date (CI also runs it with the clock moved)


def test_phone_order_provider_completion_overview_and_statement_pages(client, hc, people):
    client.force_login(hc["daughter"])
    r = client.get("/homecare/", follow=True)
    assert r.status_code == 200 and "为王秀英点选服务" in r.content.decode() and "居室清洁" in r.content.decode()
    when = (timezone.localtime() + dt.timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M")
    r = client.post("/homecare/m/order/", {"elder": hc["wang"].pk, "item": "ZJ01", "scheduled_at": when,
                                           "quantity": "1", "address": "英南村南街8号", "provider": hc["provider"].pk})
    order = Order.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/homecare/m/orders/{order.pk}/"
    page = client.get(r["Location"]).content.decode()
    assert f'id="confirm-code">{order.confirm_code}<' in page and "已派单" in page
    bad = client.post("/homecare/m/order/", {"elder": hc["wang"].pk, "item": "ZJ01",
                                             "scheduled_at": "2020-01-01T09:00"})
    assert bad.status_code == 400 and "预约时间不能早于当前时间" in bad.content.decode()

    client.force_login(hc["heli"])
    listing = client.get("/homecare/provider/").content.decode()
    assert order.number in listing
    record = client.get(f"/homecare/provider/orders/{order.pk}/").content.decode()
    assert 'id="confirm-code"' not in record  # the provider never sees the code: the elder tells it
    client.post(f"/homecare/provider/orders/{order.pk}/assign/", {"worker": hc["zhou"].pk})
    client.force_login(hc["zhou_user"])
    client.post(f"/homecare/provider/orders/{order.pk}/start/", {"location": "南街8号"})
    r = client.post(f"/homecare/provider/orders/{order.pk}/complete/", {"confirm_code": "x", "content": "清洁"},
                    follow=True)
    assert "服务确认码不正确" in r.content.decode()
    r = client.post(f"/homecare/provider/orders/{order.pk}/complete/",
                    {"confirm_code": order.confirm_code, "content": "清洁"}, follow=True)
    assert "服务已完成：政府补贴60.00元，个人自付0.00元" in r.content.decode()

    client.force_login(people["lile_officer"])
    r = client.get("/homecare/overview/")
    assert r.status_code == 200 and "江海颐康居家养老服务中心" in r.content.decode()
    client.force_login(people["waihai_officer"])
    assert "江海颐康居家养老服务中心" not in client.get("/homecare/overview/").content.decode()
    assert order.number not in client.get("/homecare/orders/").content.decode()
    assert client.get(f"/homecare/m/orders/{order.pk}/").status_code in (403, 404)

    Order.objects.filter(pk=order.pk).update(service_date=dt.date(2025, 3, 3))
    client.force_login(hc["hzq"])
    r = client.post("/homecare/statements/", {"provider": hc["provider"].pk, "month": "2025-03"}, follow=True)
    assert "已生成：1笔，政府补贴60.00元" in r.content.decode()
    st = Statement.objects.get()
    client.force_login(hc["heli"])
    r = client.get(f"/homecare/statements/{st.pk}/statement.xlsx")
    assert r.status_code == 200 and r.content[:2] == b"PK"


def test_timebank_pages(client, people, make_person, areas):
    from minzheng.timebank import services

    v = services.volunteer_register(actor=people["village_worker"], person=make_person("林志强"))
    client.force_login(people["village_worker"])
    r = client.post("/timebank/report/", {"volunteer": v.pk, "service_date": str(timezone.localdate()),
                                          "hours": "2", "activity": "陪伴"}, follow=True)
    assert "时长已申报" in r.content.decode()
    r = client.post("/timebank/donate/", {"volunteer": v.pk, "hours": "1"}, follow=True)
    assert "余额不足" in r.content.decode()
    client.force_login(people["waihai_officer"])
    assert "林志强" not in client.get("/timebank/").content.decode()
