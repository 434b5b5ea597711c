"""英南村's 换届选举 and 村务公开, recorded by 陈小玲 (村工作人员); the 社区工作者 ratio of 礼乐街道."""

import datetime as dt

import pytest
from django.test import Client

from minzheng.community import selectors, services
from minzheng.community.models import Disclosure, Election
from minzheng.core.errors import DomainError, NotFound

pytestmark = pytest.mark.django_db


def test_an_election_whose_votes_exceed_the_voters_is_refused(areas, people):
    chen = people["village_worker"]
    with pytest.raises(DomainError, match=r"参加投票人数（1300）不能超过登记选民数（1200）"):
        services.election_record(actor=chen, area=areas["yingnan"], held_on=dt.date(2021, 3, 20), voters=1200,
                                 votes=1300)
    assert not Election.objects.exists()
    e = services.election_record(actor=chen, area=areas["yingnan"], held_on=dt.date(2021, 3, 20), voters=1200,
                                 votes=1104, non_hukou_voters=80, one_shoulder=True)
    assert e.turnout == 92.0
    with pytest.raises(NotFound):
        services.election_record(actor=chen, area=areas["xiangdong"], held_on=dt.date(2021, 3, 20), voters=1,
                                 votes=1)


def test_a_decision_is_public_only_after_the_four_deliberations(areas, people, client: Client):
    chen = people["village_worker"]
    steps = {"proposal": dt.date(2025, 3, 1), "consult": dt.date(2025, 3, 3)}
    d = services.disclosure_create(actor=chen, area=areas["yingnan"], category="affairs", title="村道硬底化工程",
                                   content="工程预算30万元，由村集体经济支出", steps=steps)
    with pytest.raises(DomainError, match="尚缺：党员大会审议、村民会议或村民代表会议决议"):
        services.disclosure_publish(actor=chen, item=d)
    with pytest.raises(DomainError, match="不能早于"):
        services.disclosure_create(actor=chen, area=areas["yingnan"], category="affairs", title="x", content="y",
                                   steps={"proposal": dt.date(2025, 3, 5), "consult": dt.date(2025, 3, 1)})
    assert "村道硬底化工程" not in client.get("/cunwu/440704003001/").content.decode()
    d = services.disclosure_create(actor=chen, area=areas["yingnan"], category="affairs", title="村道硬底化工程",
                                   content="工程预算30万元", steps=steps | {"review": dt.date(2025, 3, 5),
                                                                         "resolve": dt.date(2025, 3, 8)})
    services.disclosure_publish(actor=chen, item=d, today=dt.date(2025, 3, 9))
    page = client.get("/cunwu/440704003001/").content.decode()
    assert "村道硬底化工程" in page and Disclosure.objects.filter(published_on__isnull=False).count() == 1
    assert client.get("/cunwu/440704003002/").status_code == 200
    assert client.get("/cunwu/999999999999/").status_code == 404


def test_community_workers_per_ten_thousand_residents(areas, people, make_person):
    town = people["lile_officer"]
    wang = make_person("王社工", area=areas["yingnan"])
    make_person("居民甲")
    services.worker_add(actor=town, person=wang, area=areas["yingnan"], grade="3-1", since=dt.date(2022, 1, 1),
                        certificate="助理社会工作师", training_hours=40)
    with pytest.raises(DomainError, match="岗位等级应为"):
        services.worker_add(actor=town, person=make_person("李社工"), area=areas["yingnan"], grade="9-9",
                            since=dt.date(2022, 1, 1))
    assert selectors.workers_ratio(areas["lile"], dt.date(2025, 1, 1)) == {"workers": 1, "residents": 3,
                                                                          "per_10k": 3333.3}


def test_a_committee_with_its_members_and_term(areas, people, make_person):
    chen = people["village_worker"]
    head, member, outsider = make_person("黄村长"), make_person("吴委员"), make_person("郑某", area=areas["xiangdong"])
    with pytest.raises(DomainError, match="第2名成员郑某不住在英南村"):
        services.body_create(actor=chen, area=areas["yingnan"], kind="village_committee",
                             term_start=dt.date(2021, 4, 1), term_end=dt.date(2026, 3, 31),
                             members=[(head, "主任", True), (outsider, "委员", False)])
    from minzheng.community.models import Body
    assert not Body.objects.exists()
    body = services.body_create(actor=chen, area=areas["yingnan"], kind="village_committee",
                                term_start=dt.date(2021, 4, 1), term_end=dt.date(2026, 3, 31),
                                members=[(head, "主任", True), (member, "委员", False)])
    assert [(m.person.name, m.also_party_secretary) for m in body.members.order_by("id")] == [
        ("黄村长", True), ("吴委员", False)]
    with pytest.raises(DomainError, match="任期届满日期应晚于"):
        services.body_create(actor=chen, area=areas["yingnan"], kind="supervision", term_start=dt.date(2021, 4, 1),
                             term_end=dt.date(2021, 4, 1), members=[(member, "主任", False)])


def test_the_village_worker_records_on_the_page_and_bad_votes_are_named(areas, people, client: Client):
    client.force_login(people["village_worker"])
    r = client.post("/community/elections/", {"area_code": "440704003001", "held_on": "2021-03-20", "voters": "1200",
                                              "votes": "1300"}, follow=True)
    assert "参加投票人数（1300）不能超过登记选民数（1200）" in r.content.decode() and not Election.objects.exists()
    client.post("/community/disclose/", {"area_code": "440704003001", "category": "finance", "title": "一季度财务收支",
                                         "content": "收入12万元，支出9万元"})
    d = Disclosure.objects.get()
    client.post(f"/community/disclosures/{d.pk}/publish/")
    assert "一季度财务收支" in client.get("/cunwu/440704003001/").content.decode()
    r = client.post("/community/elections/", {"area_code": "440704003002", "held_on": "2021-03-20", "voters": "10",
                                              "votes": "9"})
    assert r.status_code == 404  # 向东村 is not 陈小玲's village
