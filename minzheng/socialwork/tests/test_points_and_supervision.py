"""礼乐街道社工站's 社工服务点 and 督导: 黄志强 (江海区) opens a point in 英南村 — the town's village coverage goes from
0 to 50 % — and records a 督导 on the station page; a point in 外海街道's village, a second one in 英南村 and a 督导
dated before the station opened are refused in Chinese with nothing written; 外海街道's 赵玉兰 and 郁南县's 梁文杰
get 404."""

import datetime as dt

import pytest
from django.test import Client

from minzheng.core.errors import Conflict, DomainError
from minzheng.core.periods import local_date
from minzheng.socialwork import selectors, services
from minzheng.socialwork.models import ServicePoint, Supervision
from minzheng.socialwork.tests.stories import jianghai_station

pytestmark = pytest.mark.django_db


class W:
    def __init__(self, areas, people):
        self.lile, self.huang = areas["lile"], people["jianghai_approver"]


@pytest.fixture
def station(areas, people):
    return selectors.stations_for(people["jianghai_approver"]).get(pk=jianghai_station(W(areas, people))["station"])


def test_a_point_per_village_and_the_coverage(station, areas, people):
    huang, today = people["jianghai_approver"], local_date()
    assert selectors.point_coverage(station, today)["rate"] == 0.0
    with pytest.raises(DomainError, match="外海社区不在礼乐街道，不能设为礼乐街道社工站的服务点"):
        services.point_open(actor=huang, station=station, area=areas["waihai_village"], name="外海社工点",
                            opened_on=dt.date(2022, 1, 1))
    with pytest.raises(DomainError, match="设立日期应在建站日期2021-06-01至今天之间"):
        services.point_open(actor=huang, station=station, area=areas["yingnan"], name="英南社工点",
                            opened_on=dt.date(2020, 1, 1))
    assert not ServicePoint.objects.exists()
    services.point_open(actor=huang, station=station, area=areas["yingnan"], name="英南村社工服务点",
                        opened_on=dt.date(2022, 1, 1))
    with pytest.raises(Conflict, match="英南村已设有社工服务点"):
        services.point_open(actor=huang, station=station, area=areas["yingnan"], name="又一个",
                            opened_on=dt.date(2022, 1, 1))
    c = selectors.point_coverage(station, today)
    assert (c["villages"], c["covered"], c["rate"], c["uncovered"]) == (
        2, 1, 50.0, [{"code": "440704003002", "name": "向东村"}])


def test_the_station_page_records_a_supervision_and_a_point(station, people, client: Client):
    client.force_login(people["jianghai_approver"])
    r = client.post(f"/socialwork/stations/{station.pk}/supervisions/",
                    {"held_on": "2020-01-01", "supervisor": "何督导", "findings": "记录完整"}, follow=True)
    assert "督导日期应在建站日期2021-06-01至今天之间" in r.content.decode() and not Supervision.objects.exists()
    client.post(f"/socialwork/stations/{station.pk}/supervisions/",
                {"held_on": "2025-03-10", "supervisor": "何督导", "findings": "建议加强困境儿童个案跟进"})
    client.post(f"/socialwork/stations/{station.pk}/points/",
                {"area_code": "440704003002", "name": "向东村社工服务点", "opened_on": "2022-03-01"})
    page = client.get(f"/socialwork/stations/{station.pk}/").content.decode()
    assert "建议加强困境儿童个案跟进" in page and "向东村社工服务点" in page
    api = client.get(f"/api/socialwork/stations/{station.pk}/points").json()
    assert (api["covered"], api["points"][0]["area"]) == (1, "向东村")
    assert client.get(f"/api/socialwork/stations/{station.pk}/supervisions").json()[0]["supervisor"] == "何督导"
    r = client.post(f"/api/socialwork/stations/{station.pk}/supervisions",
                    {"held_on": "2025-03-11", "supervisor": "何督导", "findings": " "}, content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "督导意见" and Supervision.objects.count() == 1


def test_another_town_gets_404(station, people, client: Client):
    client.force_login(people["waihai_officer"])
    for url in (f"/api/socialwork/stations/{station.pk}/points",
                f"/api/socialwork/stations/{station.pk}/supervisions"):
        assert client.get(url).status_code == 404
    client.force_login(people["yunan_approver"])  # holds the county's right to open points, in another county
    r = client.post(f"/socialwork/stations/{station.pk}/points/",
                    {"area_code": "440704003001", "name": "x", "opened_on": "2022-01-01"})
    assert r.status_code == 404 and not ServicePoint.objects.exists()
