"""一人一档 story: 何婶 (76, 英南村) and her husband 何伯 receive 低保. Her page is her whole record — registry data,
household, categories, the family's application, enrolment, the money paid to her (into 何伯's account, since she
has none), the 核对 report, her 探访 and 居家养老 orders, each a link — plus who opened her full record. The list shows
her village with its town and her categories; a caller's "尾号" finds her.
"""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from minzheng.assistance import services as assist
from minzheng.assistance.facts import build_facts
from minzheng.assistance.tests.stories import make_family, submit_dibao, walk_to, world_fixture  # noqa: F401
from minzheng.eldercare import services as elder
from minzheng.homecare import reference
from minzheng.homecare import services as homecare
from minzheng.payroll.services import roster_generate
from minzheng.registry import services as registry
from minzheng.verification.services import verification_run

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 18, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
TODAY = NOW.date()
ACCOUNT = "6217001234567890123"


@pytest.fixture
def he_family(world):
    w = world
    with time_machine.travel(NOW, tick=False):
        household, (bo, shen) = make_family(
            w, "何伯", birth=dt.date(1946, 3, 2), head={"bank_name": "江门农商银行", "bank_account": ACCOUNT},
            members=[("何婶", dt.date(1950, 7, 9), "F", "spouse")], since=dt.date(2010, 1, 1))
        registry.category_add(actor=w.huang, person=shen, category="elderly_empty_nest",
                              valid_from=dt.date(2024, 1, 1))
        app = walk_to(w, submit_dibao(w, household=household, applicant=bo), "approving")
        report = verification_run(actor=w.li, household=household, on=TODAY, application=app)
        facts = build_facts(user=w.huang, household=household, on=TODAY, urban_rural="urban",
                            incomes={bo: "300", shen: "0"}, assets="0")
        case = assist.application_approve(actor=w.huang, application=app, facts=facts)
        roster = roster_generate(actor=w.huang, programme="dibao", area=w.jianghai, month=dt.date(2026, 12, 1))
        visit = elder.visit_record(actor=w.chen, person=shen, visited_on=TODAY, mode="home",
                                   findings="身体尚可，独自在家时间较长")
        reference.catalogue_load()
        order = homecare.order_place(actor=w.li, person=shen, item_code="ZJ01", address="英南村8号",
                                     scheduled_at=NOW + dt.timedelta(days=2), now=NOW)
        registry.person_view_full(actor=w.li, person=shen, purpose="入户核查")
    w.update(he_household=household, bo=bo, shen=shen, app=app, report=report, case=case, roster=roster,
             visit=visit, order=order)
    return w


def page_of(client, user, person):
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("web:person_detail", args=[person.pk]))
    return response


def section(html: str, key: str) -> str:
    m = re.search(r'data-section="' + key + r'">(.*?)</section>', html, re.S)
    assert m, f"no section {key}"
    return m.group(1)


def test_the_county_reads_her_whole_record_each_item_a_link(client, he_family):
    w = he_family
    html = page_of(client, w.huang, w.shen).content.decode()
    apps = section(html, "applications")
    assert reverse("assistance:detail", args=[w.app.pk]) in apps and w.app.number in apps and "已批准" in apps
    assert reverse("assistance:case", args=[w.case.pk]) in section(html, "cases")
    pay = section(html, "payments")
    assert reverse("payroll:roster", args=[w.roster.pk]) in pay and "2026年12月" in pay
    # She has no account of her own: the roster pays 何伯's, shown masked on the card and in the line.
    masked = "*" * 15 + "0123"
    assert masked in pay and ACCOUNT not in html
    assert re.search(r"<dt>发放账号</dt><dd[^>]*>江门农商银行 \*+0123</dd>", html)
    assert reverse("verification:report", args=[w.report.pk]) in section(html, "reports")
    assert "入户探访" in section(html, "visits") and "身体尚可" in section(html, "visits")
    assert w.order.number in section(html, "orders")
    assert "暂无记录" in section(html, "assessments")
    views = section(html, "full_views")
    assert "李建华" in views and "入户核查" in views
    assert "空巢老人" in html and "2024-01-01" in html  # categories over time


def test_the_village_worker_sees_the_record_her_role_may_read(client, he_family):
    w = he_family
    html = page_of(client, w.chen, w.shen).content.decode()
    assert 'data-section="applications"' in html and 'data-section="visits"' in html
    assert 'data-section="payments"' not in html  # payments are the county's
    assert 'data-section="full_views"' not in html  # she sees masked data only, so not the full-view log


def test_another_town_gets_404_as_for_an_absent_person(client, he_family):
    w = he_family
    assert page_of(client, w.zhao, w.shen).status_code == 404


def test_the_list_shows_town_and_village_and_her_categories(client, he_family):
    w = he_family
    client.force_login(w.li)
    html = client.get(reverse("web:person_list"), {"q": "何婶"}).content.decode()
    link = reverse("web:person_detail", args=[w.shen.pk])
    row = re.search(r'<tr><td><a href="' + re.escape(link) + r'">何婶</a>.*?</tr>', html, re.S).group(0)
    assert "礼乐街道/英南村" in row and "空巢老人" in row


def test_the_last_digits_of_an_id_find_her_for_a_full_view_role_only(client, he_family):
    w = he_family
    tail = w.shen.id_number[-4:]
    client.force_login(w.li)
    response = client.post(reverse("web:person_list"), {"q": tail}, follow=True)
    assert "何婶" in response.content.decode()
    assert all(tail not in url for url, _ in response.redirect_chain)  # the digits stay out of the address
    # 陈小玲 sees masked numbers only: guessing the hidden digits from the end is refused like from the start.
    client.force_login(w.chen)
    assert "何婶" not in client.post(reverse("web:person_list"), {"q": tail}, follow=True).content.decode()
