"""A resident sees only their own household's records. 黄大海 of 英南村 has a 低保 application on the portal;
the resident 林晓峰 of 都城镇 (郁南县), logged in on the portal too, asks for it, uploads to it, and objects to a
公示 of 礼乐街道 — each answer is exactly what an absent id gets, and nothing is written. Staff, who have no portal
account, are refused on every portal page."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from minzheng.assistance.models import Attachment, Objection
from minzheng.assistance.tests.stories import world_fixture  # noqa: F401
from minzheng.core.models import AuditEntry

from .stories import huang_family, jianghai_portal_objects, portal_login

pytestmark = [pytest.mark.django_db, pytest.mark.clock]
ABSENT = 987654321
TOKEN = re.compile(rb'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+')

CASES = [
    ("get", "/portal/applications/{pt_app}/", None),
    ("post", "/portal/applications/{pt_app}/upload/", "file"),
    ("get", "/portal/gongshi/{pt_pub}/objection/", None),
    ("post", "/portal/gongshi/{pt_pub}/objection/", {"reason": "该户上月新购小汽车一辆"}),
]
PAGES = ["/portal/", "/portal/apply/", "/portal/notices/", "/portal/gongshi/", "/portal/authorisation.pdf"]


def _call(client, method, url, body):
    if method == "get":
        return client.get(url)
    if body == "file":
        body = {"file": SimpleUploadedFile("证明.pdf", b"%PDF-1.4\n%%EOF\n")}
    return client.post(url, body)


def _state():
    return (AuditEntry.objects.exclude(action="access.denied").count(), Attachment.objects.count(),
            Objection.objects.count())


def test_another_resident_gets_exactly_what_an_absent_id_gets(world):
    w = world
    ids = jianghai_portal_objects(w)
    secrets = [s.encode() for s in ids.pop("pt_secrets")]
    huang_family(w, village=w.ducheng_village, name="林晓峰", phone="13800001111", wife_phone="13800001112")
    owner, other = portal_login("13912340001"), portal_login("13800001111")
    before = _state()
    for method, template, body in CASES:
        url, nowhere = template.format(**ids), template.format(**{k: ABSENT for k in ids})
        hidden, gone = _call(other, method, url, body), _call(other, method, nowhere, body)
        assert hidden.status_code == 404, url
        assert (hidden.status_code, TOKEN.sub(b"-", hidden.content)) == \
            (gone.status_code, TOKEN.sub(b"-", gone.content))
        assert not [s for s in secrets if s in hidden.content], url
        assert _state() == before, url
    assert AuditEntry.objects.filter(action="access.denied", object_id=str(ids["pt_app"])).exists()
    # the owner is not told "not found": the cases point at live records
    assert owner.get(f"/portal/applications/{ids['pt_app']}/").status_code == 200
    # 林晓峰's own pages show none of 黄海涛's records
    for page in PAGES[:4]:
        r = other.get(page)
        assert r.status_code == 200 and not [s for s in secrets if s in r.content], page


def test_staff_and_anonymous_visitors_get_no_portal_page(world):
    w = world
    ids = jianghai_portal_objects(w)
    county = Client()
    county.force_login(w.huang)  # 江海区's approver: the application is in his area, yet the portal is not his
    before = _state()
    for method, page, body in [("get", p, None) for p in PAGES] + [(m, t.format(**ids), b) for m, t, b in CASES]:
        r = _call(county, method, page, body)
        assert r.status_code == 403 and "居民掌上办仅供居民使用" in r.content.decode(), page
        r = _call(Client(), method, page, body)
        assert r.status_code == 403 or r["Location"].startswith("/portal/login/"), page
    assert _state() == before
    # a resident account without a portal enrolment (the old password login) is refused alike
    resident = Client()
    resident.force_login(w.wang)
    assert resident.get("/portal/").status_code == 403
