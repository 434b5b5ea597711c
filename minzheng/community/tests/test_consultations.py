"""英南村's 议事协商: 陈小玲 (村工作人员) records on her phone the consultation on the 村道 street lights — 12 村民代表,
5 党员, one 驻村单位 and 黄村长 by name — what was agreed and what follows; she records the follow-up and publishes
the result on the public 村务公开 page, which shows the counts, never the names. Bad input is named in Chinese and
nothing is written; 外海街道's 赵玉兰 gets 404 on all of it."""

import datetime as dt

import pytest
from django.test import Client

from minzheng.community import services
from minzheng.community.models import Consultation, Disclosure
from minzheng.core.errors import Conflict, DomainError, NotFound
from minzheng.core.models import AuditEntry
from minzheng.core.periods import local_date

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 3, 12)


def record(chen, area, **kw):
    args = {"topic": "村道路灯安装", "held_on": DAY, "participants": {"villager_reps": 12, "party_members": 5,
                                                                     "resident_units": 1},
            "outcome": "同意在村道安装太阳能路灯40盏，由村集体经济支出", "follow_up": "村委会三个月内完成安装",
            "follow_up_due": dt.date(2025, 6, 30)} | kw
    return services.consultation_record(actor=chen, area=area, **args)


def test_a_consultation_from_the_meeting_to_the_public_board(areas, people, make_person, client: Client):
    chen = people["village_worker"]
    huang = make_person("黄村长")
    c = record(chen, areas["yingnan"], persons=[huang])
    assert (c.headcount, c.participants) == (19, {"villager_reps": 12, "party_members": 5, "resident_units": 1})
    assert AuditEntry.objects.filter(action="community.consultation.record", object_id=str(c.pk)).exists()
    with pytest.raises(DomainError, match="落实日期应在协商日期2025-03-12至今天之间"):
        services.consultation_follow_up(actor=chen, item=c, done_on=dt.date(2025, 3, 1), result="已安装")
    services.consultation_follow_up(actor=chen, item=c, done_on=dt.date(2025, 6, 20), result="40盏路灯已安装并验收")
    with pytest.raises(Conflict, match="已登记落实"):
        services.consultation_follow_up(actor=chen, item=c, done_on=dt.date(2025, 6, 21), result="再次")
    assert "村道路灯安装" not in client.get("/cunwu/440704003001/").content.decode()
    d = services.consultation_publish(actor=chen, item=c, today=dt.date(2025, 6, 22))
    page = client.get("/cunwu/440704003001/").content.decode()
    assert "议事协商：村道路灯安装" in page
    assert "村（居）民代表12人、党员5人、驻村（社区）单位1人、其他具名参加人1人" in page
    assert "40盏路灯已安装并验收" in page and "黄村长" not in page  # counts are public, names are not
    assert d.published_on == dt.date(2025, 6, 22)
    with pytest.raises(Conflict, match="已公开"):
        services.consultation_publish(actor=chen, item=c)


@pytest.mark.parametrize(("change", "message"), [
    ({"topic": " "}, "请填写协商事项"),
    ({"held_on": dt.date(2099, 1, 1)}, "协商日期不能晚于今天"),
    ({"participants": {}}, r"请填写参加人员（至少一类人数或一名具名参加人）"),
    ({"participants": {"villager_reps": -3}}, "村（居）民代表人数应为0至100000之间的整数"),
    ({"participants": {"aliens": 3}}, "参加人员类别只能是"),
    ({"outcome": ""}, "请填写协商结果"),
    ({"follow_up_due": dt.date(2025, 3, 1)}, "落实期限不能早于协商日期"),
    ({"follow_up": "", "follow_up_due": dt.date(2025, 6, 1)}, "请同时填写后续落实措施"),
])
def test_bad_input_is_named_and_nothing_is_written(areas, people, change, message):
    with pytest.raises(DomainError, match=message) as e:
        record(people["village_worker"], areas["yingnan"], **change)
    assert e.value.field
    assert not Consultation.objects.exists() and not AuditEntry.objects.filter(
        action="community.consultation.record").exists()


def test_only_a_village_and_only_ones_own(areas, people):
    with pytest.raises(DomainError, match="请选择村（居）"):
        record(people["lile_officer"], areas["lile"])
    with pytest.raises(NotFound):
        record(people["village_worker"], areas["xiangdong"])
    assert not Consultation.objects.exists()


def test_the_phone_page_records_and_names_a_bad_field(areas, people, client: Client):
    client.force_login(people["village_worker"])
    assert "议事协商" in client.get("/community/").content.decode()  # reached from the menu's 村（居）治理
    r = client.post("/community/consultations/new/", {"area_code": "440704003001", "topic": "村道路灯安装",
                                                      "held_on": DAY.isoformat(), "p_villager_reps": "十二",
                                                      "outcome": "同意"}, follow=True)
    assert "村（居）民代表人数应为不小于0的整数" in r.content.decode() and not Consultation.objects.exists()
    r = client.post("/community/consultations/new/", {"area_code": "440704003001", "topic": "村道路灯安装",
                                                      "held_on": DAY.isoformat(), "p_villager_reps": "12",
                                                      "p_party_members": "5", "outcome": "同意安装",
                                                      "follow_up": "三个月内完成"}, follow=True)
    c = Consultation.objects.get()
    assert r.redirect_chain[-1][0] == f"/community/consultations/{c.pk}/" and "村（居）民代表12人" in r.content.decode()
    client.post(f"/community/consultations/{c.pk}/follow-up/",
                {"done_on": local_date().isoformat(), "result": "已完成"})
    client.post(f"/community/consultations/{c.pk}/publish/")
    assert Disclosure.objects.get().title == "议事协商：村道路灯安装"
    assert "已完成" in client.get("/cunwu/440704003001/").content.decode()


def test_another_town_gets_404(areas, people, client: Client):
    c = record(people["village_worker"], areas["yingnan"])
    client.force_login(people["waihai_officer"])
    for url in (f"/community/consultations/{c.pk}/", f"/api/community/consultations/{c.pk}"):
        assert client.get(url).status_code == 404
    assert client.post(f"/community/consultations/{c.pk}/publish/").status_code == 404
    assert client.post(f"/api/community/consultations/{c.pk}/publish", content_type="application/json").status_code \
        == 404
    assert client.get("/api/community/consultations").json() == []
    assert not Disclosure.objects.exists()


def test_the_api_records_a_consultation_with_named_persons(areas, people, make_person, client: Client):
    huang = make_person("黄村长")
    client.force_login(people["village_worker"])
    body = {"area_code": "440704003001", "topic": "垃圾分类点选址", "held_on": DAY.isoformat(),
            "participants": {"villager_reps": 9}, "person_ids": [huang.pk], "outcome": "选址村委会东侧"}
    r = client.post("/api/community/consultations", body, content_type="application/json")
    assert r.status_code == 201 and r.json()["persons"] == ["黄村长"]
    r = client.post("/api/community/consultations", body | {"participants": {"villager_reps": 200_000}},
                    content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "村（居）民代表人数"
    assert Consultation.objects.count() == 1
    pk = Consultation.objects.get().pk
    assert client.post(f"/api/community/consultations/{pk}/publish",
                       content_type="application/json").json()["published_on"] == local_date().isoformat()
