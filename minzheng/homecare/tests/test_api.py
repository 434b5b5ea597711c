"""The home-care API as each role meets it: 王小红 orders on her phone, 李建华 dispatches, 何丽 and 周志成 serve,
黄志强 settles, and 外海街道's 赵玉兰 and a stranger see nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from minzheng.core.models import AuditEntry
from minzheng.homecare.models import Order, Statement

pytestmark = pytest.mark.clock  # depends on today's date (CI also runs it with the clock moved)

BASE = "/api/homecare"


def post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def test_an_order_through_the_api_from_placement_to_the_downloaded_statement(client, hc, people):
    wang = hc["wang"]
    client.force_login(hc["daughter"])
    menu = client.get(f"{BASE}/catalogue", {"person_id": wang.pk}).json()
    assert menu["jurisdiction_name"] == "江海区" and "ZJ01" in [i["code"] for i in menu["items"]]
    soon = timezone.now() + dt.timedelta(hours=3)
    r = post(client, f"{BASE}/orders", {"person_id": wang.pk, "item_code": "ZJ01", "scheduled_at": soon.isoformat(),
                                        "provider_id": hc["provider"].pk})
    assert r.status_code == 201, r.content
    order = r.json()
    assert (order["status"], order["provider"], order["amount"]) == ("dispatched", "江海颐康居家养老服务中心", "60.00")
    code = order["confirm_code"]
    assert code and len(code) == 4

    client.force_login(hc["heli"])
    seen = client.get(f"{BASE}/orders/{order['id']}").json()
    assert seen["confirm_code"] is None  # the provider must hear it from the elder
    assert post(client, f"{BASE}/orders/{order['id']}/assign", {"worker_id": hc["zhou"].pk}).status_code == 200
    client.force_login(hc["zhou_user"])
    assert post(client, f"{BASE}/orders/{order['id']}/start", {"location": "南街8号"}).status_code == 200
    r = post(client, f"{BASE}/orders/{order['id']}/complete", {"confirm_code": code, "content": "清洁客厅厨房"})
    assert r.status_code == 200 and r.json()["status"] == "completed" and r.json()["subsidy"] == "60.00"
    r = post(client, f"{BASE}/orders/{order['id']}/complete", {"confirm_code": code})
    assert r.status_code == 409 and "已完成，不能重复完成" in r.json()["message"]

    # Settle the month the service fell in — in a test run on the 1st that month may still be open: move it back.
    Order.objects.filter(pk=order["id"]).update(service_date=dt.date(2025, 3, 10))
    client.force_login(hc["hzq"])
    r = post(client, f"{BASE}/statements", {"provider_id": hc["provider"].pk, "month": "2025-03-01"})
    assert r.status_code == 201, r.content
    st = r.json()
    assert (st["line_count"], st["subsidy"], st["self_pay"]) == (1, "60.00", "0.00")
    r = post(client, f"{BASE}/statements", {"provider_id": hc["provider"].pk, "month": "2025-03-15"})
    assert r.status_code == 400 and r.json()["field"] == "结算月份"
    client.force_login(hc["heli"])
    r = client.get(f"{BASE}/statements/{st['id']}/xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEntry.objects.filter(action="homecare.statement.download").count() == 1
    assert [s["id"] for s in client.get(f"{BASE}/statements").json()] == [st["id"]]


def test_bad_orders_get_chinese_errors_and_write_nothing(client, hc):
    client.force_login(hc["daughter"])
    n = Order.objects.count()
    soon = (timezone.now() + dt.timedelta(days=1)).isoformat()
    r = post(client, f"{BASE}/orders", {"person_id": hc["wang"].pk, "item_code": "HL01", "scheduled_at": soon})
    assert r.status_code == 400 and r.json()["code"] == "service_not_offered"
    assert "江海区的居家养老服务目录中没有编码为“HL01”的服务项目" in r.json()["message"]
    past = (timezone.now() - dt.timedelta(hours=1)).isoformat()
    r = post(client, f"{BASE}/orders", {"person_id": hc["wang"].pk, "item_code": "ZJ01", "scheduled_at": past})
    assert r.status_code == 400 and r.json()["field"] == "预约时间"
    r = post(client, f"{BASE}/orders", {"person_id": hc["wang"].pk, "item_code": "ZY01", "scheduled_at": soon,
                                        "quantity": "1.3"})
    assert r.status_code == 400 and "0.5小时" in r.json()["message"]
    r = post(client, f"{BASE}/orders", {"person_id": hc["wang"].pk, "item_code": "ZJ01"})
    assert r.status_code == 422 and "scheduled_at" in r.json()["message"]
    assert Order.objects.count() == n


def test_others_see_nothing(client, hc, people):
    soon = timezone.now() + dt.timedelta(days=1)
    from minzheng.homecare import services

    order = services.order_place(actor=hc["daughter"], person=hc["wang"], item_code="ZJ01", scheduled_at=soon)
    client.force_login(people["waihai_officer"])
    assert client.get(f"{BASE}/orders").json() == []
    assert client.get(f"{BASE}/orders/{order.pk}").status_code == 404
    r = post(client, f"{BASE}/orders/{order.pk}/dispatch", {"provider_id": hc["provider"].pk})
    assert r.status_code == 404
    client.force_login(people["lile_officer"])
    assert [o["number"] for o in client.get(f"{BASE}/orders").json()] == [order.number]
    assert client.get(f"{BASE}/overview").json()["waiting_dispatch"] == 1
    client.force_login(people["yunan_approver"])
    r = post(client, f"{BASE}/statements", {"provider_id": hc["provider"].pk, "month": "2025-03-01"})
    assert r.status_code == 404 and not Statement.objects.exists()
