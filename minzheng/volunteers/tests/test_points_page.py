"""志愿服务站点 on a page: 陈小玲 (英南村) opens the point in the village's 综合服务设施 from her phone; a second one
there is refused in Chinese with nothing written; 外海街道's 赵玉兰 does not see it and cannot open one in 英南村."""

import pytest
from django.test import Client

from minzheng.volunteers.models import Point

pytestmark = pytest.mark.django_db
FORM = {"area_code": "440704003001", "host": "community_centre", "name": "英南村志愿服务站", "opened_on": "2024-05-01"}


def test_a_village_worker_opens_a_point_and_another_town_sees_nothing(areas, people, client: Client):
    client.force_login(people["village_worker"])
    assert "志愿服务站点" in client.get("/volunteers/").content.decode()
    client.post("/volunteers/points/new/", FORM)
    r = client.post("/volunteers/points/new/", FORM | {"name": "又一个"}, follow=True)
    assert "英南村的社区（村）综合服务设施已设有志愿服务站点" in r.content.decode() and Point.objects.count() == 1
    r = client.post("/volunteers/points/new/", FORM | {"opened_on": "五月"}, follow=True)
    assert "请填写设立日期" in r.content.decode() and Point.objects.count() == 1
    assert "英南村志愿服务站" in client.get("/volunteers/points/").content.decode()
    assert client.get("/api/volunteers/points").json()[0]["host"] == "community_centre"
    client.force_login(people["waihai_officer"])
    assert "英南村志愿服务站" not in client.get("/volunteers/points/").content.decode()
    assert client.get("/api/volunteers/points").json() == []
    r = client.post("/api/volunteers/points", FORM | {"host": "social_work_station"}, content_type="application/json")
    assert r.status_code == 404 and Point.objects.count() == 1
