"""李建华 (礼乐街道民政办) keeps the 社区工作者 roster: 王社工 of 英南村 resigns on 30 June 2025. The roster keeps
her row with the date, the kind (离职) and the reason; 礼乐街道's ratio per 10,000 residents counts her
on 29 June and no longer from the day she leaves. She can be taken on again later as a new period of
service. 外海街道's officer gets 404."""

import datetime as dt

import pytest
from django.test import Client

from minzheng.community import selectors, services
from minzheng.community.models import CommunityWorker
from minzheng.core.audit import AuditEntry
from minzheng.core.errors import Conflict, DomainError

pytestmark = pytest.mark.django_db

LEFT = dt.date(2025, 6, 30)


@pytest.fixture
def wang(areas, people, make_person):
    make_person("居民甲")
    person = make_person("王社工", sex="F")
    return services.worker_add(actor=people["lile_officer"], person=person, area=areas["yingnan"], grade="3-1",
                               since=dt.date(2022, 1, 1), certificate="助理社会工作师", training_hours=40)


def test_a_worker_who_resigns_stays_on_the_roster_and_leaves_the_ratio(areas, people, wang, client: Client):
    client.force_login(people["lile_officer"])
    r = client.post(f"/community/workers/{wang.pk}/leave/",
                    {"kind": "resigned", "left_on": "2021-12-31", "reason": "个人原因"}, follow=True)
    assert "离岗日期应在入职日期2022-01-01至今天之间" in r.content.decode()
    r = client.post(f"/community/workers/{wang.pk}/leave/", {"kind": "resigned", "left_on": "2025-06-30", "reason": ""},
                    follow=True)
    assert "请填写离岗原因" in r.content.decode()
    wang.refresh_from_db()
    assert wang.left_on is None and not AuditEntry.objects.filter(action="community.worker.leave").exists()

    r = client.post(f"/community/workers/{wang.pk}/leave/",
                    {"kind": "resigned", "left_on": "2025-06-30", "reason": "考取公务员"}, follow=True)
    page = r.content.decode()
    assert "已登记王社工离职" in page and "2025-06-30离职：考取公务员" in page
    wang.refresh_from_db()
    assert (wang.left_on, wang.leave_kind, wang.leave_reason) == (LEFT, "resigned", "考取公务员")
    entry = AuditEntry.objects.get(action="community.worker.leave")
    assert entry.actor == people["lile_officer"] and entry.after["reason"] == "考取公务员"

    assert selectors.workers_ratio(areas["lile"], LEFT - dt.timedelta(days=1))["workers"] == 1
    assert selectors.workers_ratio(areas["lile"], LEFT)["workers"] == 0
    with pytest.raises(Conflict, match="王社工已于2025-06-30离岗"):
        services.worker_leave(actor=people["lile_officer"], worker=wang, left_on=LEFT, kind="dismissed",
                              reason="重复")
    # the API lists her with the history
    row = client.get("/api/community/workers").json()[0]
    assert (row["name"], row["left_on"], row["leave_kind"]) == ("王社工", "2025-06-30", "离职")


def test_a_dismissal_through_the_api_and_a_later_rehire(areas, people, wang, client: Client):
    client.force_login(people["lile_officer"])
    url = f"/api/community/workers/{wang.pk}/leave"
    r = client.post(url, {"left_on": "2025-06-30", "kind": "fired", "reason": "考核不合格"},
                    content_type="application/json")
    assert r.status_code == 400 and r.json()["message"] == "离岗方式应为离职或解聘"
    r = client.post(url, {"left_on": "2025-06-30", "kind": "dismissed", "reason": "年度考核不称职"},
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["leave_kind"] == "解聘"
    with pytest.raises(DomainError, match="重新入职日期应晚于离岗日期"):
        services.worker_add(actor=people["lile_officer"], person=wang.person, area=areas["yingnan"], grade="3-1",
                            since=LEFT)
    again = services.worker_add(actor=people["lile_officer"], person=wang.person, area=areas["yingnan"], grade="3-1",
                                since=dt.date(2026, 3, 1))
    assert CommunityWorker.objects.filter(person=wang.person).count() == 2
    with pytest.raises(Conflict, match="已在社区工作者名册中（在岗）"):
        services.worker_add(actor=people["lile_officer"], person=wang.person, area=areas["yingnan"], grade="3-1",
                            since=dt.date(2026, 4, 1))
    assert selectors.workers_ratio(areas["lile"], dt.date(2025, 12, 31))["workers"] == 0
    assert selectors.workers_ratio(areas["lile"], dt.date(2026, 3, 1))["workers"] == 1
    assert again.left_on is None


def test_another_towns_officer_gets_404(people, wang, client: Client):
    client.force_login(people["waihai_officer"])
    assert client.post(f"/community/workers/{wang.pk}/leave/",
                       {"kind": "resigned", "left_on": "2025-06-30", "reason": "x"}).status_code == 404
    assert client.post(f"/api/community/workers/{wang.pk}/leave", {"left_on": "2025-06-30", "kind": "resigned",
                                                                   "reason": "x"},
                       content_type="application/json").status_code == 404
    wang.refresh_from_db()
    assert wang.left_on is None
