"""A 流浪 person from intake to 接送返回, told through the API as the staff would do it.

On 2026-03-02 the 礼乐 police bring an unknown man to 江海区救助管理站. 黄志强 (江海区) takes him in as 无名氏 with
his description, publishes a 寻亲公告 (the public page shows the description, never a number), records his care day
by day and sends him to hospital and back. His sister reads the notice: he is 张伟 of 郁南县都城镇, in the registry.
黄志强 arranges his 接送返回 to 都城镇; neither he nor 礼乐街道's 李建华 can confirm or even see it, and
都城镇's 邓丽华 confirms his arrival in her own scope. The station's 接送返回率 for the year is then 100 %.
"""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from minzheng.accounts.roles import Role
from minzheng.accounts.services import user_create
from minzheng.core.models import AuditEntry
from minzheng.vagrancy import services
from minzheng.vagrancy.models import Stay, Transfer

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 12)


@pytest.fixture
def station_world(areas, people, make_person):
    services.stations_load()
    deng = user_create(actor=None, username="denglh", password="Minzheng#2026", display_name="邓丽华",
                       role=Role.TOWN, areas=[areas["ducheng"]])
    zhang = make_person("张伟", area=areas["ducheng_village"], birth=dt.date(1978, 5, 6))
    return {"deng": deng, "zhang": zhang}


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


@time_machine.travel(dt.datetime(2026, 3, 12, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False)
def test_an_unknown_man_from_intake_to_his_return_confirmed_by_his_home_town(station_world, people, areas):
    huang = _client(people["jianghai_approver"])
    station = huang.get("/api/vagrancy/stations").json()
    assert [s["name"] for s in station] == ["江海区救助管理站"]
    r = _post(huang, "/api/vagrancy/stays", {
        "station_id": station[0]["id"], "channel": "police", "referrer": "江海公安分局礼乐派出所",
        "admitted_on": "2026-03-02", "found_place": "礼乐街道文昌路天桥下", "sex": "M", "approx_age": 45,
        "description": "身高约168厘米，偏瘦，右手腕有旧伤疤", "photo_ref": "JH-2026-031"})
    assert r.status_code == 201, r.content
    stay = r.json()
    assert stay["identified"] is False and stay["alias"].startswith("无名氏")
    sid = stay["id"]

    r = _post(huang, f"/api/vagrancy/stays/{sid}/notices",
              {"text": "该男子约45岁，讲粤语，望知情者与本站联系", "published_on": "2026-03-02"})
    assert r.status_code == 201
    public = Client().get("/xunqin/").content.decode()
    assert "右手腕有旧伤疤" in public and "礼乐街道文昌路天桥下" in public

    for day in ("2026-03-02", "2026-03-03"):
        assert _post(huang, f"/api/vagrancy/stays/{sid}/care",
                     {"day": day, "meals": 3, "health": "精神尚可", "note": "已洗澡更衣"}).status_code == 201
    twice = _post(huang, f"/api/vagrancy/stays/{sid}/care", {"day": "2026-03-03", "meals": 2, "health": "良好"})
    assert twice.status_code == 409 and twice.json()["field"] == "照料日期"
    r = _post(huang, f"/api/vagrancy/stays/{sid}/referrals",
              {"hospital": "江海区人民医院", "reason": "发热咳嗽", "referred_on": "2026-03-04"})
    assert r.status_code == 201
    assert huang.get(f"/api/vagrancy/stays/{sid}").json()["status_label"] == "送医"
    assert _post(huang, f"/api/vagrancy/referrals/{r.json()['id']}/return",
                 {"returned_on": "2026-03-06", "outcome": "肺部感染已治愈"}).status_code == 200

    r = _post(huang, f"/api/vagrancy/stays/{sid}/identify",
              {"id_number": station_world["zhang"].id_number, "name": "张伟", "on": "2026-03-09",
               "via_notice": True})
    assert r.status_code == 200, r.content
    assert r.json()["home_area"] == "都城社区" and r.json()["masked_id"].endswith("*")
    assert "右手腕有旧伤疤" not in Client().get("/xunqin/").content.decode()  # the notice came down

    r = _post(huang, f"/api/vagrancy/stays/{sid}/transfer",
              {"destination_code": "445322100", "departed_on": "2026-03-10", "escort": "站内工作人员护送乘车"})
    assert r.status_code == 201, r.content
    tid = r.json()["id"]
    assert r.json()["status_label"] == "待接收地确认"
    # the station's county does not receive for 都城镇: to 黄志强 the confirmation does not exist
    assert _post(huang, f"/api/vagrancy/transfers/{tid}/confirm",
                 {"arrived_on": "2026-03-10", "receiver": "张丽"}).status_code == 404
    lile = _client(people["lile_officer"])
    assert _post(lile, f"/api/vagrancy/transfers/{tid}/confirm",
                 {"arrived_on": "2026-03-10", "receiver": "张丽"}).status_code == 404
    assert lile.get("/api/vagrancy/transfers").json() == []

    deng = _client(station_world["deng"])
    incoming = deng.get("/api/vagrancy/transfers").json()
    assert [t["stay_number"] for t in incoming] == [stay["number"]]
    assert "江海区救助管理站" in deng.get("/vagrancy/").content.decode()
    r = _post(deng, f"/api/vagrancy/transfers/{tid}/confirm", {"arrived_on": "2026-03-11", "receiver": "张丽（胞姐）"})
    assert r.status_code == 200, r.content
    assert r.json()["status_label"] == "接收地已确认"
    assert Stay.objects.get(pk=sid).status == Stay.Status.RETURNED
    assert Transfer.objects.get(pk=tid).confirmed_by == station_world["deng"]
    confirmed = AuditEntry.objects.get(action="vagrancy.transfer_confirm")
    assert (confirmed.actor, confirmed.area_code, confirmed.after["destination"]) == (
        station_world["deng"], "440704", "445322100")

    rates = huang.get("/api/vagrancy/rates?year=2026").json()
    assert rates == {"year": 2026, "admitted": 1, "identified_discharged": 1, "returned": 1, "reunited": 1,
                     "return_rate": 100.0}
    page = huang.get(f"/vagrancy/stays/{sid}/").content.decode()
    assert "肺部感染已治愈" in page and "张丽（胞姐）" in page
    assert station_world["zhang"].id_number not in page  # the number is masked on staff pages too
