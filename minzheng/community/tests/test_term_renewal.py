"""英南村's 村民委员会 served 2021-04-01 to 2026-03-31. Once that day has passed with no new term it shows as
届满待换届; 陈小玲 (村工作人员) records the 换届选举 of 15 April 2026 and, from it, the next term (five years, from
data/community/terms.csv: 村民委员会组织法第十一条). The old term stays as history (已换届) and takes no new
members. 外海街道's officer gets 404 on the page and the API."""

import datetime as dt

import pytest
from django.test import Client

from minzheng.community import selectors, services
from minzheng.community.models import Body
from minzheng.core.audit import AuditEntry
from minzheng.core.errors import Conflict, DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def committee(areas, people, make_person):
    return services.body_create(actor=people["village_worker"], area=areas["yingnan"], kind="village_committee",
                                term_start=dt.date(2021, 4, 1), term_end=dt.date(2026, 3, 31),
                                members=[(make_person("黄村长"), "主任", True)])


def _election(people, areas, held_on=dt.date(2026, 4, 15), area="yingnan", actor="village_worker"):
    return services.election_record(actor=people[actor], area=areas[area], held_on=held_on, voters=1200, votes=1104,
                                    one_shoulder=True)


def test_an_ended_term_awaits_election_and_the_election_starts_the_next(areas, people, make_person, committee,
                                                                         client: Client):
    chen = people["village_worker"]
    assert selectors.term_status(committee, dt.date(2026, 3, 31)) == "任期内"
    assert selectors.term_status(committee, dt.date(2026, 4, 1)) == "届满待换届"
    assert list(selectors.bodies_awaiting_election(chen, dt.date(2026, 4, 1))) == [committee]
    client.force_login(chen)
    page = client.get("/community/bodies/").content.decode()
    assert "届满待换届" in page and "尚无本届任期开始后的换届选举记录" in page

    early = _election(people, areas, held_on=dt.date(2021, 3, 1))
    elsewhere = _election(people, areas, area="xiangdong", actor="lile_officer")
    head = make_person("黄新村长")
    with pytest.raises(DomainError, match="换届选举日期应晚于本届任期开始日期2021-04-01"):
        services.body_renew(actor=chen, body=committee, election=early, members=[(head, "主任", True)])
    with pytest.raises(DomainError, match="该换届选举不是英南村的选举"):
        services.body_renew(actor=chen, body=committee, election=elsewhere, members=[(head, "主任", True)])
    assert Body.objects.count() == 1

    election = _election(people, areas)
    r = client.post(f"/community/bodies/{committee.pk}/renew/", {"election": str(election.pk), "person": str(head.pk),
                                                                 "post": ""}, follow=True)
    assert "请填写第1名成员的职务" in r.content.decode() and Body.objects.count() == 1
    r = client.post(f"/community/bodies/{committee.pk}/renew/", {"election": str(election.pk), "person": str(head.pk),
                                                                 "post": "主任", "one_shoulder": "1"}, follow=True)
    assert "已换届：新一届任期2026-04-15至2031-04-14" in r.content.decode()
    new = Body.objects.get(previous=committee)
    assert (new.term_start, new.term_end, new.election, new.kind) == (
        dt.date(2026, 4, 15), dt.date(2031, 4, 14), election, "village_committee")
    assert selectors.term_status(committee, dt.date(2026, 4, 16)) == "已换届"
    assert selectors.term_status(new, dt.date(2026, 4, 16)) == "任期内"
    assert list(selectors.bodies_awaiting_election(chen, dt.date(2026, 4, 16))) == []
    entry = AuditEntry.objects.get(action="community.body.renew")
    assert entry.before["body"] == committee.pk and "第十一条" in entry.after["term_basis"]
    page = client.get("/community/bodies/").content.decode()
    assert "已换届" in page and "2026-04-15换届选举产生" in page

    with pytest.raises(Conflict, match="已换届"):
        services.body_renew(actor=chen, body=committee, election=election, members=[(head, "主任", True)])
    with pytest.raises(Conflict, match="该届组织已换届"):
        services.member_add(actor=chen, body=committee, person=make_person("吴委员"), post="委员")


def test_the_api_renews_and_another_town_gets_404(areas, people, make_person, committee, client: Client):
    election = _election(people, areas)
    head = make_person("黄新村长")
    client.force_login(people["waihai_officer"])
    body = {"election_id": election.pk, "members": [{"person_id": head.pk, "post": "主任"}]}
    assert client.post(f"/api/community/bodies/{committee.pk}/renew", body,
                       content_type="application/json").status_code == 404
    assert client.post(f"/community/bodies/{committee.pk}/renew/", {"election": str(election.pk),
                                                                    "person": str(head.pk), "post": "主任"}
                       ).status_code == 404
    assert Body.objects.count() == 1
    client.force_login(people["village_worker"])
    assert client.get(f"/api/community/bodies/{committee.pk}").json()["status"] == "届满待换届"
    r = client.post(f"/api/community/bodies/{committee.pk}/renew", body, content_type="application/json")
    assert r.status_code == 201 and r.json()["previous_id"] == committee.pk and r.json()["election_id"] == election.pk
    assert client.get(f"/api/community/bodies/{committee.pk}").json()["status"] == "已换届"
    r = client.post(f"/api/community/bodies/{committee.pk}/renew", body, content_type="application/json")
    assert r.status_code == 409


def _workbench(client: Client, user) -> dict[str, str]:
    """task key → the task as the user reads it on the 工作台 (text, links kept as href=…)."""
    import re

    client.force_login(user)
    html = client.get("/").content.decode()
    return {key: re.sub(r"\s+", " ", re.sub(r"<(?!a )[^>]+>", " ", body))
            for key, body in re.findall(r'data-task="([a-z_]+)">(.*?)</article>', html, re.S)}


def test_an_ended_term_is_on_the_workbench_of_its_village_and_town_only(areas, people, make_person, committee,
                                                                         client: Client):
    """On 10 April 2026 英南村's 村民委员会 is 届满待换届: 陈小玲 (英南村) and 李建华 (礼乐街道) find it on their
    工作台, linked to the body on the bodies list; 向东村's committee, still in term, is not there. 赵玉兰 (外海街道)
    finds 外海社区's ended committee and nothing of 礼乐街道's. Once the 换届 is recorded it leaves the 工作台."""
    import time_machine

    services.body_create(actor=people["lile_officer"], area=areas["xiangdong"], kind="village_committee",
                         term_start=dt.date(2023, 4, 1), term_end=dt.date(2028, 3, 31),
                         members=[(make_person("向村长", area=areas["xiangdong"]), "主任", True)])
    waihai = services.body_create(actor=people["waihai_officer"], area=areas["waihai_village"],
                                  kind="residents_committee", term_start=dt.date(2021, 1, 1),
                                  term_end=dt.date(2025, 12, 31),
                                  members=[(make_person("外海主任", area=areas["waihai_village"]), "主任", True)])
    link = f'href="/community/bodies/?status=awaiting#body-{committee.pk}"'
    with time_machine.travel(dt.datetime(2026, 4, 10, 10, tzinfo=dt.UTC), tick=False):
        for who in ("village_worker", "lile_officer"):
            task = _workbench(client, people[who])["cm_term_ended"]
            assert "届满待换届" in task and link in task and "英南村村民委员会" in task
            assert "任期届满 2026-03-31（已超期）" in task and "向东村" not in task and "外海" not in task
        task = _workbench(client, people["waihai_officer"])["cm_term_ended"]
        assert "外海社区居民委员会" in task and "英南村" not in task and f"#body-{committee.pk}" not in task
        # the link opens the list on the ended bodies, the body among them
        page = client.get("/community/bodies/?status=awaiting").content.decode()
        assert f'id="body-{waihai.pk}"' in page and f'id="body-{committee.pk}"' not in page
        client.force_login(people["lile_officer"])
        page = client.get("/community/bodies/?status=awaiting").content.decode()
        assert f'id="body-{committee.pk}"' in page and "向东村" not in page

        election = _election(people, areas, held_on=dt.date(2026, 4, 8))
        services.body_renew(actor=people["village_worker"], body=committee, election=election,
                            members=[(make_person("黄新村长"), "主任", True)])
        assert "cm_term_ended" not in _workbench(client, people["lile_officer"])


def test_the_bodies_list_reads_every_status_in_a_fixed_number_of_queries(areas, people, make_person, committee,
                                                                          client: Client, django_assert_num_queries):
    """李建华 opens 礼乐街道's bodies on 10 April 2026, on the page and through the API: with 英南村's ended
    committee alone, and again once 英南村's 村务监督委员会 has been renewed and 向东村 has a committee in term and
    an ended one — each status right, and no more queries for five bodies than for one."""
    import time_machine
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    li = people["lile_officer"]
    client.force_login(li)

    def read():
        page = client.get("/community/bodies/").content.decode()
        api = client.get("/api/community/bodies").json()
        return page, {(b["area"], b["kind"], b["term_start"]): b["status"] for b in api}

    with time_machine.travel(dt.datetime(2026, 4, 10, 10, tzinfo=dt.UTC), tick=False):
        with CaptureQueriesContext(connection) as one:
            page, statuses = read()
        assert "届满待换届" in page and statuses == {("英南村", "village_committee", "2021-04-01"): "届满待换届"}

        old = services.body_create(actor=li, area=areas["yingnan"], kind="supervision", term_start=dt.date(2021, 4, 1),
                                   term_end=dt.date(2026, 3, 31), members=[(make_person("林监委"), "主任", False)])
        services.body_renew(actor=li, body=old, election=_election(people, areas, held_on=dt.date(2026, 4, 8)),
                            members=[(make_person("林新监委"), "主任", False)])
        for start, end, name in ((dt.date(2023, 4, 1), dt.date(2028, 3, 31), "向村长"),
                                 (dt.date(2020, 4, 1), dt.date(2025, 3, 31), "向监委")):
            services.body_create(actor=li, area=areas["xiangdong"], kind="village_committee" if name == "向村长"
                                 else "supervision", term_start=start, term_end=end,
                                 members=[(make_person(name, area=areas["xiangdong"]), "主任", False)])
        with django_assert_num_queries(len(one.captured_queries)):
            page, statuses = read()
    assert statuses == {
        ("英南村", "village_committee", "2021-04-01"): "届满待换届", ("英南村", "supervision", "2021-04-01"): "已换届",
        ("英南村", "supervision", "2026-04-08"): "任期内", ("向东村", "village_committee", "2023-04-01"): "任期内",
        ("向东村", "supervision", "2020-04-01"): "届满待换届"}
    assert "2 个组织任期已届满" in page
