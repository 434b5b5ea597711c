"""Need-to-know: a protection case is open to its workers, the town's 儿童督导员 and the centre, nobody else — not
even staff of the same area. Every opening by an allowed user writes an access-log row with its purpose; the
reporter's identity is shown to the centre only."""

import pytest
from django.test import Client

from minzheng.children import services
from minzheng.children.models import CaseAccess

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(kids):
    w = kids
    r = services.report_file(actor=w.zhouhui, child=w.son, source="school", priority="high",
                             what="学生多次带伤到校，称被家长打", location="英南村小学", reporter_name="王老师",
                             reporter_org="英南村小学", reporter_phone="13800001111")
    return w, r.case


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_another_towns_director_an_eldercare_worker_and_a_county_approver_get_nothing(reported):
    w, case = reported
    for outsider in (w.xu, w.ma, w.huang):
        c = _client(outsider)
        page = c.get(f"/children/cases/{case.pk}/")
        absent = c.get("/children/cases/987654321/")
        assert page.status_code == absent.status_code == 404, outsider
        api = c.get(f"/api/children/cases/{case.pk}")
        assert api.status_code == 404 and api.json() == c.get("/api/children/cases/987654321").json()
        assert c.get(f"/api/children/cases/{case.pk}/access-log").status_code == 404
        assert c.post(f"/api/children/cases/{case.pk}/steps/verify", {"happened_on": "2025-01-02", "note": "核查"},
                      content_type="application/json").status_code == 404
        # nothing in lists or searches
        listed = (c.get("/children/cases/?all=1").content.decode()
                  + c.get("/api/children/cases?open_only=false").content.decode())
        assert case.number not in listed and "陈小宝" not in listed
        found = c.get("/children/?q=陈小宝").content.decode()
        # (the search box echoes the name typed): no row, no link to the child
        assert f"/children/{w.son.pk}/" not in found and w.son.masked_id not in found, outsider
        assert c.get("/api/children/children?q=陈小宝").json()["count"] == 0
        assert c.get(f"/children/{w.son.pk}/").status_code == 404
        assert c.get("/api/children/visits/due").json() == []
    assert not CaseAccess.objects.filter(user__in=[w.xu, w.ma, w.huang]).exists()


def test_each_opening_by_an_allowed_user_is_logged_with_its_purpose(reported):
    w, case = reported
    for insider, purpose in ((w.chen, "case_work"), (w.li, "supervision"), (w.zhouhui, "review")):
        c = _client(insider)
        before = CaseAccess.objects.filter(case=case, user=insider).count()
        assert c.get(f"/children/cases/{case.pk}/?purpose={purpose}").status_code == 200
        assert c.get(f"/api/children/cases/{case.pk}?purpose={purpose}").status_code == 200
        rows = list(CaseAccess.objects.filter(case=case, user=insider).order_by("id"))[before:]
        assert [(r.purpose, r.channel) for r in rows] == [(purpose, "page"), (purpose, "api")]
        assert case.number in c.get("/children/cases/").content.decode()
    assert _client(w.chen).get("/api/children/children?q=陈小宝").json()["count"] == 1
    log = _client(w.li).get(f"/api/children/cases/{case.pk}/access-log").json()
    assert {(e["user"], e["purpose"]) for e in log} >= {("陈小玲", "个案办理"), ("李建华", "督导检查"),
                                                        ("周慧", "复核评估")}
    # a purpose outside the list is refused, and nothing is logged
    c = _client(w.chen)
    n = CaseAccess.objects.count()
    assert c.get(f"/api/children/cases/{case.pk}?purpose=curious").status_code == 400
    assert CaseAccess.objects.count() == n


def test_the_reporter_is_shown_to_the_centre_only(reported):
    w, case = reported
    centre = _client(w.zhouhui).get(f"/api/children/cases/{case.pk}").json()
    assert centre["reports"][0]["reporter"] == "英南村小学 王老师 13800001111"
    assert "王老师" in _client(w.zhouhui).get(f"/children/cases/{case.pk}/").content.decode()
    for other in (w.chen, w.li):
        c = _client(other)
        body = c.get(f"/api/children/cases/{case.pk}").content.decode() + c.get(
            f"/children/cases/{case.pk}/").content.decode()
        assert "王老师" not in body and "13800001111" not in body
        assert "仅救助保护中心可见" in body
