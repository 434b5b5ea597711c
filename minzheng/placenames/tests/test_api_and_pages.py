"""The naming officer's work through the API: 黄志强 files a naming of 滨江大道 in 外海街道, opens public comment,
and the gazetteer search answers by pinyin; 郁南县's 梁文杰 cannot see any of it."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

pytestmark = pytest.mark.django_db


def _client(user):
    c = Client()
    c.force_login(user)
    return c


@time_machine.travel(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC))
def test_naming_through_the_api(areas, people):
    huang = _client(people["jianghai_approver"])
    r = huang.post("/api/placenames/applications", {
        "kind": "name", "proposed_name": "滨江大道", "category": "25", "area_code": "440704002",
        "applicant": "江海区交通运输局", "reason": "新建沿江道路", "geometry": "line",
        "coordinates": [[113.12, 22.55], [113.15, 22.56]]}, content_type="application/json")
    assert r.status_code == 201, r.content
    app_id = r.json()["id"]
    r = huang.post(f"/api/placenames/applications/{app_id}/steps/comment-open", {}, content_type="application/json")
    assert r.json()["status_label"] == "公开征求意见中" and r.json()["comment_to"] == "2026-03-22"
    page = huang.get(f"/placenames/applications/{app_id}/")
    assert "滨江大道" in page.content.decode()
    assert huang.get(f"/placenames/applications/{app_id}/certificate.pdf").status_code == 404  # not approved yet
    bad = huang.post("/api/placenames/applications", {
        "kind": "name", "proposed_name": "濱江大道", "category": "25", "area_code": "440704002",
        "applicant": "某单位", "reason": "x", "coordinates": [[113.1, 22.5]]}, content_type="application/json")
    assert bad.status_code == 400 and "“濱”不是规范汉字" in bad.json()["message"]

    outsider = _client(people["yunan_approver"])
    assert outsider.get(f"/api/placenames/applications/{app_id}").status_code == 404
    assert outsider.get(f"/placenames/applications/{app_id}/").status_code == 404
