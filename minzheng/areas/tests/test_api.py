"""/api/areas: each user sees the areas they work in and those below, nothing beside or above."""

import datetime as dt

from minzheng.areas.services import area_create


def codes(response):
    assert response.status_code == 200, response.content
    return [a["code"] for a in response.json()]


def test_village_worker_sees_only_her_village(client, people):
    client.force_login(people["village_worker"])
    assert codes(client.get("/api/areas")) == ["440704003001"]
    r = client.get("/api/areas/440704003001")
    assert r.json() == {"code": "440704003001", "name": "英南村", "level": "village", "parent_code": "440704003",
                        "code_source": "generated", "valid_from": "2020-01-01", "valid_to": None}


def test_county_approver_sees_his_county_and_everything_below(client, people):
    client.force_login(people["jianghai_approver"])
    assert set(codes(client.get("/api/areas"))) == {"440704", "440704003", "440704002", "440704003001",
                                                    "440704003002", "440704002001"}
    assert codes(client.get("/api/areas?parent=440704003")) == ["440704003001", "440704003002"]


def test_areas_of_another_county_or_above_are_not_found(client, people):
    client.force_login(people["yunan_approver"])
    for code in ("440704", "440704003001", "440700", "440000"):
        r = client.get(f"/api/areas/{code}")
        assert r.status_code == 404 and r.json()["code"] == "not_found", code
    assert codes(client.get("/api/areas?parent=440704")) == []
    # Out of scope reads exactly like a code that does not exist.
    assert client.get("/api/areas/440704").json()["message"] == "行政区划“440704”不存在或不在您的管辖范围内"
    assert client.get("/api/areas/999999").json()["message"] == "行政区划“999999”不存在或不在您的管辖范围内"


def test_a_town_officer_does_not_see_the_neighbouring_town(client, people):
    client.force_login(people["waihai_officer"])
    assert codes(client.get("/api/areas")) == ["440704002", "440704002001"]
    assert client.get("/api/areas/440704003").status_code == 404


def test_a_closed_area_no_longer_appears(client, people, areas):
    """A re-division closes 向东村; the API lists only areas valid today, history stays in the table."""
    from minzheng.areas.models import Area

    Area.objects.filter(pk=areas["xiangdong"].pk).update(valid_to=dt.date(2021, 1, 1))
    area_create(actor=None, code="440704003003", name="向东社区", level="village", parent=areas["lile"],
                code_source="generated", valid_from=dt.date(2021, 1, 1), audited=False)
    client.force_login(people["lile_officer"])
    assert sorted(codes(client.get("/api/areas?parent=440704003"))) == ["440704003001", "440704003003"]
    assert client.get("/api/areas/440704003002").status_code == 404


def test_without_login_areas_answer_401(client, areas):
    for url in ("/api/areas", "/api/areas/440704"):
        r = client.get(url)
        assert r.status_code == 401 and r.json()["code"] == "unauthenticated"
