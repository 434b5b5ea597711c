"""礼乐街道社工站: 江海区 (黄志强) opens it and registers 社工 苏晓晴; she serves the town's target groups — 低保
对象 陈伯, 特困人员 李伯, 独居老人 何婆 — until the town's coverage reaches 100 %. Her neighbour 张叔 (no target
category) and 外海街道's 低保 对象 罗姐 are refused."""

import datetime as dt

import pytest

from minzheng.accounts.roles import Role
from minzheng.accounts.services import user_create
from minzheng.core.errors import DomainError, Forbidden
from minzheng.registry import services as registry
from minzheng.socialwork import selectors, services
from minzheng.socialwork.models import ServiceRecord

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 3, 10)


@pytest.fixture
def station(areas, people, make_person):
    hzq = people["jianghai_approver"]
    su = user_create(actor=None, username="suxq", password="Minzheng#2026", display_name="苏晓晴", role=Role.TOWN,
                     areas=[areas["lile"]])
    st = services.station_open(actor=hzq, town=areas["lile"], name="礼乐街道社工站", opened_on=dt.date(2021, 6, 1))
    services.worker_add(actor=hzq, station=st, user=su, since=dt.date(2021, 6, 1), certificate="助理社会工作师")

    def person(name, category=None, area=areas["yingnan"]):
        p = make_person(name, area=area)
        if category:
            registry.category_add(actor=hzq, person=p, category=category, valid_from=dt.date(2020, 1, 1))
        return p

    return {"station": st, "su": su, "hzq": hzq, "chen": person("陈伯", "dibao"), "li": person("李伯", "tekun"),
            "he": person("何婆", "elderly_alone", areas["xiangdong"]), "zhang": person("张叔"),
            "luo": person("罗姐", "dibao", areas["waihai_village"])}


def serve(s, who, service="care"):
    return services.service_record(actor=s["su"], person=s[who], service=service, served_on=DAY,
                                   note="入户探访，了解生活情况并链接资源", today=DAY)


def test_a_social_worker_serves_until_the_towns_target_groups_are_all_reached(station):
    s = station
    assert selectors.coverage(s["station"], DAY)["rate"] == 0.0
    assert selectors.coverage(s["station"], DAY)["targets"] == 3
    serve(s, "chen")
    assert selectors.coverage(s["station"], DAY)["rate"] == 33.3
    serve(s, "li", "counselling")
    serve(s, "li", "linking")  # a second service to the same person counts once
    c = selectors.coverage(s["station"], DAY)
    assert (c["served"], c["rate"], [u["name"] for u in c["unserved"]]) == (2, 66.7, ["何婆"])
    serve(s, "he", "integration")
    assert selectors.coverage(s["station"], DAY) | {"unserved": []} == {
        "on": DAY, "targets": 3, "served": 3, "rate": 100.0, "unserved": []}
    # The groups are read from the registry: when 陈伯 leaves 低保 the target set shrinks, nothing stored changes.
    registry.category_end(actor=s["hzq"], person_category=s["chen"].categories.get(), valid_to=dt.date(2025, 3, 31))
    assert selectors.coverage(s["station"], dt.date(2025, 4, 2))["targets"] == 2


def test_a_person_outside_the_stations_town_is_refused_and_nothing_is_written(station):
    with pytest.raises(DomainError, match="罗姐不住在礼乐街道，不属于礼乐街道社工站的服务范围"):
        serve(station, "luo")
    with pytest.raises(DomainError, match="张叔在服务日期不属于社工站服务对象（困难群众、困境儿童、特殊困难老年人）"):
        serve(station, "zhang")
    with pytest.raises(DomainError, match="服务内容应为人文关怀"):
        serve(station, "chen", "haircut")
    assert not ServiceRecord.objects.exists()


def test_only_the_stations_own_social_workers_record(station, people):
    with pytest.raises(Forbidden, match="只有驻站社工"):
        services.service_record(actor=people["lile_officer"], person=station["chen"], service="care", served_on=DAY,
                                note="探访", today=DAY)


def test_the_county_records_a_supervision_and_another_county_cannot(station, people):
    s = services.supervision_record(actor=station["hzq"], station=station["station"], held_on=DAY,
                                    supervisor="何督导", findings="服务记录完整，建议加强困境儿童个案跟进")
    assert s.station == station["station"]
    from minzheng.core.errors import NotFound
    with pytest.raises(NotFound):
        services.supervision_record(actor=people["yunan_approver"], station=station["station"], held_on=DAY,
                                    supervisor="x", findings="y")
    with pytest.raises(DomainError, match="请填写督导意见"):
        services.supervision_record(actor=station["hzq"], station=station["station"], held_on=DAY,
                                    supervisor="何督导", findings=" ")


def test_another_town_gets_404_on_the_station_page_and_api(station, people, client):
    """赵玉兰 of 外海街道 asks for 礼乐街道's station: the same 404 as for a station that does not exist."""
    client.force_login(people["waihai_officer"])
    pk = station["station"].pk
    for url in (f"/socialwork/stations/{pk}/", f"/api/socialwork/stations/{pk}/coverage"):
        assert client.get(url).status_code == 404
        assert client.get(url.replace(str(pk), "987654321")).status_code == 404
    r = client.post(f"/socialwork/stations/{pk}/record/", {"person": station["chen"].pk, "service": "care",
                                                           "served_on": "2025-03-10", "note": "探访"})
    assert r.status_code == 404 and not ServiceRecord.objects.exists()
    client.force_login(people["lile_officer"])
    assert client.get(f"/socialwork/stations/{pk}/").status_code == 200
