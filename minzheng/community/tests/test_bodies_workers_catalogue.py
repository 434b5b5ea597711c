"""The village committee's bodies and the town's roster: 陈小玲 registers 英南村's 村民委员会 (黄村长 主任, 一肩挑)
and its 村务监督委员会 on the page; 李建华 (礼乐街道) keeps the 社区工作者 roster and sees 礼乐街道's ratio per
10,000 residents, 外海街道 beside it; the 公共服务目录 and 印章使用范围清单 of a 中山 village come from 中山市's
documents (65 items declared; 村 55, 社区 49), those of 英南村 from the national documents."""

import datetime as dt

import pytest
from django.test import Client

from minzheng.areas.models import CodeSource, Level
from minzheng.areas.services import area_create
from minzheng.community import rules, selectors
from minzheng.community.models import Body, CommunityWorker
from minzheng.core.errors import NotFound

pytestmark = pytest.mark.django_db


def test_the_committee_and_its_supervisors_on_the_page(areas, people, make_person, client: Client):
    head, member = make_person("黄村长"), make_person("吴委员")
    client.force_login(people["village_worker"])
    form = {"area_code": "440704003001", "kind": "village_committee", "term_start": "2021-04-01",
            "term_end": "2021-04-01", "person": str(head.pk), "post": "主任", "one_shoulder": "1"}
    r = client.post("/community/bodies/new/", form, follow=True)
    assert "任期届满日期应晚于任期开始日期" in r.content.decode() and not Body.objects.exists()
    client.post("/community/bodies/new/", form | {"term_end": "2026-03-31"})
    body = Body.objects.get()
    r = client.post(f"/community/bodies/{body.pk}/members/", {"person": str(member.pk), "post": ""}, follow=True)
    assert "请填写职务" in r.content.decode() and body.members.count() == 1
    client.post(f"/community/bodies/{body.pk}/members/", {"person": str(member.pk), "post": "委员"})
    page = client.get("/community/bodies/").content.decode()
    assert "英南村村民委员会" in page and "主任：黄村长（一肩挑）" in page and "委员：吴委员" in page
    r = client.post("/api/community/bodies", {"area_code": "440704003001", "kind": "supervision",
                                              "term_start": "2021-04-01", "term_end": "2026-03-31",
                                              "members": [{"person_id": member.pk, "post": "主任"}]},
                    content_type="application/json")
    assert r.status_code == 201 and r.json()["members"] == [{"name": "吴委员", "post": "主任", "one_shoulder": False}]
    assert client.get(f"/api/community/bodies/{body.pk}").json()["members"][1]["name"] == "吴委员"
    client.force_login(people["waihai_officer"])
    assert client.get(f"/api/community/bodies/{body.pk}").status_code == 404
    assert client.post(f"/community/bodies/{body.pk}/members/", {"person": str(head.pk), "post": "x"}).status_code \
        == 404


def test_the_roster_and_the_ratio_by_town(areas, people, make_person, client: Client):
    wang = make_person("王社工")
    for n in range(3):
        make_person(f"居民{n}", area=areas["waihai_village"])
    li = people["lile_officer"]
    client.force_login(li)
    form = {"person": str(wang.pk), "area_code": "440704003001", "grade": "3-1", "since": "2022-01-01",
            "certificate": "助理社会工作师", "training_hours": "四十", "pay_band": "三档"}
    r = client.post("/community/workers/new/", form, follow=True)
    assert "年度培训学时应为不小于0的整数" in r.content.decode() and not CommunityWorker.objects.exists()
    client.post("/community/workers/new/", form | {"training_hours": "40"})
    page = client.get("/community/workers/").content.decode()
    assert "王社工" in page and "三岗（其他社区专职工作人员）1级" in page and "助理社会工作师" in page
    assert [(t.name, r["workers"], r["residents"]) for t, r in
            selectors.ratios_by_town(people["jianghai_approver"], dt.date(2025, 1, 1))] == [
        ("外海街道", 0, 3), ("礼乐街道", 1, 1)]
    assert [r["town"] for r in client.get("/api/community/workers/ratios").json()] == ["礼乐街道"]
    assert client.get("/api/community/workers").json()[0]["grade"] == "三岗（其他社区专职工作人员）1级"
    client.force_login(people["waihai_officer"])
    assert client.get("/api/community/workers").json() == []
    assert "王社工" not in client.get("/community/workers/").content.decode()


def test_the_lists_of_a_zhongshan_village_and_of_yingnan(areas, people, client: Client):
    d = dt.date(2020, 1, 1)
    zs = area_create(actor=None, code="442000", name="中山市", level=Level.CITY, parent=areas["gd"],
                     code_source=CodeSource.GB2260, valid_from=d, audited=False)
    town = area_create(actor=None, code="442000100", name="沙溪镇", level=Level.TOWN, parent=zs,
                       code_source=CodeSource.STATS, valid_from=d, audited=False)
    village = area_create(actor=None, code="442000100001", name="云汉村", level=Level.VILLAGE, parent=town,
                          code_source=CodeSource.GENERATED, valid_from=d, audited=False)
    community = area_create(actor=None, code="442000100002", name="沙溪社区", level=Level.VILLAGE, parent=town,
                            code_source=CodeSource.GENERATED, valid_from=d, audited=False)
    svc, seals = rules.catalogue(village, "services"), rules.catalogue(village, "seals")
    assert (svc["jurisdiction"], svc["declared"], seals["declared"]) == ("442000", 65, 55)
    assert rules.catalogue(community, "seals")["declared"] == 49
    assert all("居民" not in i["item"] for i in seals["items"])  # 村's list, not 社区's
    assert rules.catalogue(areas["yingnan"], "services")["jurisdiction"] == "default"
    client.force_login(people["village_worker"])
    page = client.get("/community/catalogue/").content.decode()  # her own village at once
    assert "英南村：村（社区）基本公共服务目录" in page and "国办发〔2021〕56号" in page
    r = client.get("/api/community/catalogue?area_code=440704003001").json()
    assert r["seals"]["list"] == "印章使用范围清单" and r["services"]["declared"] is None
    assert client.get("/api/community/catalogue?area_code=442000100001").status_code == 404  # not her area
    assert client.get("/api/community/catalogue?area_code=440704003002").status_code == 404
    with pytest.raises(NotFound):
        selectors.catalogue_for(people["waihai_officer"], "440704003001")
