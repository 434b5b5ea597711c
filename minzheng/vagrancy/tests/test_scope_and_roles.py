"""Who sees and does what at 江海区救助管理站 (the id-taking endpoints are in tests/test_area_scope_every_endpoint.py):
郁南县's 梁文杰 cannot take anyone into 江海's station and sees none of its people in any list; 英南村's 陈小玲 has no
part in vagrancy work; 吴敏 (江海区 auditor) reads but cannot admit; 礼乐街道's 李建华 sees only the return bound
for his town."""

import datetime as dt

import pytest
from django.test import Client

from minzheng.core.models import AuditEntry
from minzheng.core.periods import local_date
from minzheng.vagrancy import services
from minzheng.vagrancy.models import Station, Stay, Transfer

pytestmark = pytest.mark.django_db


@pytest.fixture
def jianghai_station(areas, people, make_person):
    services.stations_load()
    station = Station.objects.get(code="440704-JZ")
    today = local_date()
    huang = people["jianghai_approver"]
    lu = make_person("卢志刚", birth=dt.date(1972, 2, 2))
    stay = services.stay_admit(actor=huang, station=station, channel="police", referrer="礼乐派出所",
                               admitted_on=today, id_number=lu.id_number, name="卢志刚", today=today)
    services.transfer_arrange(actor=huang, stay=stay, destination_code=areas["lile"].code, departed_on=today,
                              escort="护送乘车", today=today)
    services.stay_admit(actor=huang, station=station, channel="voluntary", admitted_on=today,
                        description="老年女性，白发，穿红色上衣", today=today)
    return {"station": station, "lu": lu}


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _admit_body(station_id):
    return {"station_id": station_id, "channel": "voluntary", "admitted_on": local_date().isoformat(),
            "description": "青年男子"}


def test_another_county_cannot_admit_at_or_read_from_jianghai_station(jianghai_station, people):
    liang = _client(people["yunan_approver"])
    before = (AuditEntry.objects.count(), Stay.objects.count())
    hidden = liang.post("/api/vagrancy/stays", _admit_body(jianghai_station["station"].pk),
                        content_type="application/json")
    absent = liang.post("/api/vagrancy/stays", _admit_body(987654321), content_type="application/json")
    assert hidden.status_code == absent.status_code == 404 and hidden.content == absent.content
    assert (AuditEntry.objects.count(), Stay.objects.count()) == before
    for url in ("/api/vagrancy/stays", "/api/vagrancy/transfers", "/vagrancy/", "/api/vagrancy/stations"):
        body = liang.get(url).content.decode()
        assert "卢志刚" not in body and "白发" not in body and "江海区救助管理站" not in body, url
    assert liang.get(f"/api/vagrancy/rates?year={local_date().year}").json()["admitted"] == 0


def test_roles(jianghai_station, people):
    village = _client(people["village_worker"])
    assert village.get("/vagrancy/").status_code == 403
    assert village.get("/api/vagrancy/stays").status_code == 403
    auditor = _client(people["auditor"])
    desk = auditor.get("/vagrancy/").content.decode()
    assert all(s.number in desk for s in Stay.objects.all())
    r = auditor.post("/api/vagrancy/stays", _admit_body(jianghai_station["station"].pk),
                     content_type="application/json")
    assert r.status_code == 403 and r.json()["message"] == "您的角色无权办理流浪乞讨人员救助"
    lile = _client(people["lile_officer"])
    assert lile.post("/api/vagrancy/stays", _admit_body(jianghai_station["station"].pk),
                     content_type="application/json").status_code == 404
    assert lile.get("/api/vagrancy/stays").json() == []
    assert [t["destination"] for t in lile.get("/api/vagrancy/transfers").json()] == ["礼乐街道"]
    waihai = _client(people["waihai_officer"])
    assert waihai.get("/api/vagrancy/transfers").json() == []


def test_the_receiving_town_confirms_from_its_desk(jianghai_station, people):
    t = Transfer.objects.get()
    waihai = _client(people["waihai_officer"])
    day = local_date().isoformat()
    url = f"/vagrancy/transfers/{t.pk}/confirm/"
    assert waihai.post(url, {"arrived_on": day, "receiver": "卢母"}).status_code == 404
    lile = _client(people["lile_officer"])
    assert "确认到达" in lile.get("/vagrancy/").content.decode()
    bad = lile.post(f"/vagrancy/transfers/{t.pk}/confirm/", {"arrived_on": "", "receiver": "卢母"}, follow=True)
    assert "请填写到达日期" in bad.content.decode()
    r = lile.post(f"/vagrancy/transfers/{t.pk}/confirm/", {"arrived_on": day, "receiver": "卢母"}, follow=True)
    assert "已确认" in r.content.decode()
    t.refresh_from_db()
    assert t.status == Transfer.Status.CONFIRMED and t.confirmed_by == people["lile_officer"]
