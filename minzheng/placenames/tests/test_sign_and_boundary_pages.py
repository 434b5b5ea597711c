"""地名标志 and 界线 on the pages. 江海区's naming officer 黄志强 registers the sign of 文华路 (a mistyped name is
refused naming the field, with nothing written), finds it damaged after the typhoon and the list shows it among the
damaged; 郁南县's 梁文杰 records the joint inspection of the 江海区—郁南县 boundary with a dispute over a wood, and
黄志强, on the other side, closes it once mediated. 梁文杰 cannot open 江海区's sign, and 外海街道's 赵玉兰, who
covers neither whole side, cannot open the boundary: both get what a number that never existed gets."""

import re

import pytest
from django.test import Client

from minzheng.core.models import AuditEntry
from minzheng.core.periods import local_date
from minzheng.placenames import services
from minzheng.placenames.models import BoundaryInspection, BoundarySection, Sign

pytestmark = pytest.mark.django_db
TODAY = local_date()
ROAD = "25"


@pytest.fixture
def road(areas, people):
    return services.place_register(actor=people["jianghai_approver"], name="文华路", category=ROAD, area=areas["lile"],
                                   today=TODAY, coordinates=[[113.08, 22.55]])


@pytest.fixture
def section(areas):
    return BoundarySection.objects.create(name="江海区—郁南县（演示）", left_area=areas["jianghai"],
                                          right_area=areas["yunan"], length_km="12.50", markers=6)


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _without_csrf(body: bytes) -> bytes:
    return re.sub(rb'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', rb"\1-", body)


def _sign_form(name="文华路", **kw):
    return {"place": name, "category": "", "code": "JH-LL-0001", "installed_on": "2022-05-01",
            "longitude": "113.081", "latitude": "22.551", **kw}


def test_a_sign_is_registered_inspected_and_listed_among_the_damaged(road, people):
    huang = _client(people["jianghai_approver"])
    assert "地名标志" in huang.get("/placenames/").content.decode()  # the tab from the gazetteer
    before = AuditEntry.objects.count()
    typo = huang.post("/placenames/signs/", _sign_form("文华道"))
    assert typo.status_code == 400 and "本辖区没有名为“文华道”的标准地名" in typo.content.decode()
    bad_point = huang.post("/placenames/signs/", _sign_form(latitude="北纬22度"))
    assert bad_point.status_code == 400 and "纬度应为数字" in bad_point.content.decode()
    assert not Sign.objects.exists() and AuditEntry.objects.count() == before

    done = huang.post("/placenames/signs/", _sign_form(), follow=True)
    assert "已登记文华路的地名标志JH-LL-0001" in done.content.decode()
    sign = Sign.objects.get()
    assert sign.coordinates == [[113.081, 22.551]]

    early = huang.post(f"/placenames/signs/{sign.pk}/", {"inspected_on": "2022-04-30", "condition": "good"})
    assert early.status_code == 400 and "巡查日期早于设置日期" in early.content.decode()
    huang.post(f"/placenames/signs/{sign.pk}/", {"inspected_on": TODAY.isoformat(), "condition": "damaged",
                                                  "note": "台风后牌面脱落"})
    sign.refresh_from_db()
    assert (sign.condition, sign.last_inspected_on) == (Sign.Condition.DAMAGED, TODAY)
    assert "台风后牌面脱落" in huang.get(f"/placenames/signs/{sign.pk}/").content.decode()
    assert "JH-LL-0001" in huang.get("/placenames/signs/?condition=damaged").content.decode()
    assert "JH-LL-0001" not in huang.get("/placenames/signs/?condition=good").content.decode()

    liang = _client(people["yunan_approver"])
    hidden, absent = liang.get(f"/placenames/signs/{sign.pk}/"), liang.get("/placenames/signs/987654321/")
    assert hidden.status_code == absent.status_code == 404
    assert _without_csrf(hidden.content) == _without_csrf(absent.content)
    assert liang.post(f"/placenames/signs/{sign.pk}/", {"inspected_on": TODAY.isoformat(),
                                                         "condition": "good"}).status_code == 404
    assert "JH-LL-0001" not in liang.get("/placenames/signs/").content.decode()
    assert sign.inspections.count() == 1


def test_a_joint_inspection_finds_a_dispute_that_the_other_side_closes(section, people):
    liang, huang = _client(people["yunan_approver"]), _client(people["jianghai_approver"])
    url = f"/placenames/boundaries/{section.pk}/"
    words = liang.post(url, {"action": "inspect", "inspected_on": TODAY.isoformat(), "parties": "双方民政局",
                             "findings": "全线巡查完毕", "markers_damaged": "两个"})
    assert words.status_code == 400 and "损坏界桩数应为0或正整数" in words.content.decode()
    too_many = liang.post(url, {"action": "inspect", "inspected_on": TODAY.isoformat(), "parties": "双方民政局",
                                "findings": "全线巡查完毕", "markers_damaged": "7"})
    assert "损坏界桩数应在0至6之间" in too_many.content.decode()
    assert not BoundaryInspection.objects.exists()

    liang.post(url, {"action": "inspect", "inspected_on": TODAY.isoformat(), "parties": "江海区民政局、郁南县民政局",
                     "findings": "界桩2号倾斜，其余完好", "markers_damaged": "1",
                     "dispute": "2号界桩附近林地权属有争议"})
    inspection = BoundaryInspection.objects.get()
    listing = huang.get("/placenames/boundaries/").content.decode()
    assert "江海区—郁南县（演示）" in listing and "1件" in listing

    huang.post(url, {"action": "resolve", "inspection": inspection.pk, "resolved_on": TODAY.isoformat(),
                     "note": "经双方协商，按原勘界协议书确认权属"})
    inspection.refresh_from_db()
    assert inspection.dispute_resolved_on == TODAY and "按原勘界协议书确认权属" in inspection.dispute
    assert "调处完结" in huang.get(url).content.decode()
    assert "1件" not in huang.get("/placenames/boundaries/").content.decode()

    zhao = _client(people["waihai_officer"])
    hidden, absent = zhao.get(url), zhao.get("/placenames/boundaries/987654321/")
    assert hidden.status_code == absent.status_code == 404
    assert _without_csrf(hidden.content) == _without_csrf(absent.content)
    assert "江海区—郁南县" not in zhao.get("/placenames/boundaries/").content.decode()
