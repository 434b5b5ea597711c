"""工作台 stories: each user's home page lists what they must do today — counts and the first items, each a link,
with the deadline, overdue in red — taken from the same scoped selectors as the list pages.

江海区 on Wednesday 18 November 2026: 陈小玲 (英南村), 李建华 (礼乐街道), 赵玉兰 (外海街道), 黄志强 (江海区),
the provider 何丽 of 江海颐康居家养老服务中心, and 王阿姨, a resident who applies online and orders for her mother.
"""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from minzheng.assistance import services as assist
from minzheng.assistance.tests.stories import (  # noqa: F401
    authorisation,
    make_family,
    submit_dibao,
    walk_to,
    world_fixture,
)
from minzheng.eldercare import services as elder
from minzheng.homecare import reference
from minzheng.homecare import services as homecare
from minzheng.registry import services as registry

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 18)
NOW = dt.datetime(2026, 11, 18, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def workbench(client, user) -> dict[str, list[str]]:
    """task key → its item lines as the user reads them (label, note, deadline, overdue mark)."""
    client.force_login(user)
    response = client.get(reverse("web:home"))
    assert response.status_code == 200
    html = response.content.decode()
    out = {}
    for key, body in re.findall(r'data-task="([a-z_]+)">(.*?)</article>', html, re.S):
        items = re.findall(r"<li[^>]*>(.*?)</li>", body, re.S)
        out[key] = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", i)).strip() for i in items]
        count = re.search(r'class="task-count">(\d+)<', body)
        assert count and int(count.group(1)) >= len(items)
    return out


@pytest.fixture
def jianghai(world):
    w = world
    with time_machine.travel(NOW, tick=False):
        # 陈大明's 低保 application entered today in 英南村: 礼乐街道 must accept it.
        w.fresh = submit_dibao(w)
        # 林国强 of 英南村 applied on 20 October and nobody accepted it: overdue.
        late_home, (lin, *_) = make_family(w, "林国强")
        w.late = submit_dibao(w, household=late_home, applicant=lin, today=dt.date(2026, 10, 20))
        # 外海社区's application belongs to 赵玉兰, not to 礼乐街道.
        wh_home, (wu, *_) = make_family(w, "吴志明", village=w.waihai_village)
        w.waihai_app = submit_dibao(w, actor=w.zhao, household=wh_home, applicant=wu)
        # Three further 英南村 families at the county's steps.
        h1, (p1, *_) = make_family(w, "周建新")
        w.reviewing = walk_to(w, submit_dibao(w, household=h1, applicant=p1), "reviewing")
        h2, (p2, *_) = make_family(w, "郑文华")
        w.publicity_over = walk_to(w, submit_dibao(w, household=h2, applicant=p2, today=dt.date(2026, 11, 2)),
                                   "publicizing", today=dt.date(2026, 11, 2))
        h3, (p3, *_) = make_family(w, "冯志刚")
        w.approving = walk_to(w, submit_dibao(w, household=h3, applicant=p3), "approving")
        # 何婆婆 (82, lives alone in 英南村) is on November's visit plan; 外海's 独居 elder is not 陈小玲's.
        w.granny = make_family(w, "何婆婆", birth=dt.date(1944, 1, 5))[1][0]
        w.waihai_granny = make_family(w, "梁伯", village=w.waihai_village, birth=dt.date(1940, 6, 1))[1][0]
        for p in (w.granny, w.waihai_granny):
            registry.category_add(actor=w.huang, person=p, category="elderly_alone", valid_from=dt.date(2024, 1, 1))
        elder.visit_plan_month(actor=w.huang, area=w.jianghai, month=dt.date(2026, 11, 1))
        # 居家养老: the provider serves 江海区; 王阿姨 orders for 何婆婆 — one order chooses the provider (派给机构),
        # one waits for 礼乐街道 to dispatch.
        reference.catalogue_load()
        w.provider = homecare.provider_create(actor=w.huang, name="江海颐康居家养老服务中心", area=w.jianghai)
        homecare.provider_add_member(actor=w.huang, provider=w.provider, user=w.he)
        homecare.contact_bind(actor=w.li, user=w.wang, person=w.granny, relation="child")
        at = dt.datetime(2026, 11, 20, 9, 0, tzinfo=NOW.tzinfo)
        w.order_dispatched = homecare.order_place(actor=w.wang, person=w.granny, item_code="SH01", scheduled_at=at,
                                                  address="英南村3号",
                                                  provider=w.provider, now=NOW)
        w.order_placed = homecare.order_place(actor=w.wang, person=w.granny, item_code="ZJ01",
                                              scheduled_at=at + dt.timedelta(days=1), address="英南村3号", now=NOW)
        # 王阿姨 applies online for her own household (一证一书).
        wang_home, (wang_self, *_) = make_family(w, "王阿姨本人", village=w.xiangdong)
        w.online = assist.application_submit(actor=w.wang, programme="dibao", applicant=wang_self,
                                             authorisation=authorisation())
    return w


def test_the_village_worker_sees_the_visits_and_the_overdue_files_of_her_village_only(client, jianghai):
    w = jianghai
    with time_machine.travel(NOW, tick=False):
        bench = workbench(client, w.chen)
    assert set(bench) == {"assist_overdue", "elder_visit"}
    assert [line.split(" ")[0] for line in bench["elder_visit"]] == ["何婆婆"]  # not 外海's 梁伯
    assert "探访期限 2026-11-30" in bench["elder_visit"][0] and "已超期" not in bench["elder_visit"][0]
    # Her village's late files, in red: 林国强 never accepted, 郑文华's 公示 over and not closed; nothing of 外海社区
    # or of 王阿姨's 向东村.
    assert [line.split(" · ")[0] for line in bench["assist_overdue"]] == ["林国强", "郑文华"]
    assert all("（已超期）" in line for line in bench["assist_overdue"])


def test_the_town_officer_accepts_dispatches_and_sees_what_is_late_in_red(client, jianghai):
    w = jianghai
    with time_machine.travel(NOW, tick=False):
        client.force_login(w.li)
        html = client.get(reverse("web:home")).content.decode()
        bench = workbench(client, w.li)
    assert set(bench) == {"assist_accept", "assist_overdue", "elder_visit", "hc_dispatch"}
    accept = bench["assist_accept"]
    # The earliest deadline first; 王阿姨's online application from 向东村 is the town's too.
    assert [line.split(" · ")[0] for line in accept] == ["林国强", "陈大明", "王阿姨本人"]
    assert "（已超期）" in accept[0] and "（已超期）" not in accept[1]
    assert f"办理时限 {w.fresh.step_due:%Y-%m-%d}" in accept[1]
    assert all("吴志明" not in line for lines in bench.values() for line in lines)  # 外海's file is not hers
    assert [line.split(" · ")[0] for line in bench["assist_overdue"]] == ["林国强", "郑文华"]
    assert bench["hc_dispatch"][0].startswith("何婆婆") and "预约日期 2026-11-21" in bench["hc_dispatch"][0]
    # Each item links to its page; the overdue one is marked red.
    assert reverse("assistance:detail", args=[w.late.pk]) in html
    late_link = reverse("assistance:detail", args=[w.late.pk])
    assert re.search(r'<li class="late">\s*<a href="' + re.escape(late_link) + '">', html)


def test_the_county_approver_reviews_closes_the_publicity_and_approves(client, jianghai):
    w = jianghai
    with time_machine.travel(NOW, tick=False):
        bench = workbench(client, w.huang)
    assert [line.split(" · ")[0] for line in bench["assist_review"]] == ["周建新"]
    assert [line.split(" · ")[0] for line in bench["assist_publicity_due"]] == ["郑文华"]
    assert [line.split(" · ")[0] for line in bench["assist_approve"]] == ["冯志刚"]
    # The county also accepts files: all three open 受理 of 江海区, 外海 included; 郁南 never appears.
    assert sorted(line.split(" · ")[0] for line in bench["assist_accept"]) == ["吴志明", "林国强", "王阿姨本人",
                                                                               "陈大明"]
    assert "hc_dispatch" in bench and "hc_assign" not in bench


def test_another_countys_approver_sees_none_of_it(client, jianghai):
    w = jianghai
    with time_machine.travel(NOW, tick=False):
        bench = workbench(client, w.liang)
    assert bench == {}


def test_the_provider_sees_the_orders_to_assign_to_a_worker(client, jianghai):
    w = jianghai
    with time_machine.travel(NOW, tick=False):
        client.force_login(w.he)
        html = client.get(reverse("web:home")).content.decode()
        bench = workbench(client, w.he)
    assert set(bench) == {"hc_assign"}
    assert bench["hc_assign"][0].startswith("何婆婆") and "预约日期 2026-11-20" in bench["hc_assign"][0]
    assert reverse("homecare:record", args=[w.order_dispatched.pk]) in html
    assert "未分配管辖区域" not in html


def test_the_resident_sees_her_own_application_and_orders(client, jianghai):
    w = jianghai
    with time_machine.travel(NOW, tick=False):
        bench = workbench(client, w.wang)
    assert set(bench) == {"assist_mine", "hc_mine"}
    assert len(bench["assist_mine"]) == 1 and "已申请" in bench["assist_mine"][0]
    assert w.online.number in bench["assist_mine"][0]
    assert sorted(line.split(" · ")[0] for line in bench["hc_mine"]) == ["何婆婆", "何婆婆"]
