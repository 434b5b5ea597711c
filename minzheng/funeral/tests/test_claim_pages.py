"""惠民殡葬 on the page: 礼乐街道's 李建华 recorded 张伯's death; at 江海区殡仪馆 黄志强 claims his free cremation and
transport (the cremation charged 800 元 is paid at the 600 元 cap), a charge typed as words is refused naming the item,
黄志强 cannot approve his own claim, 麦嘉怡 approves it and settles the month. 郁南县's 梁文杰 sees none of it and his
approval of 江海区's claim is "not found", as for a claim that never existed."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client

from minzheng.core.models import AuditEntry
from minzheng.core.periods import local_date
from minzheng.funeral import services
from minzheng.funeral.models import BasicServiceClaim, BasicServiceSettlement, Facility

pytestmark = pytest.mark.django_db
TODAY = local_date()


@pytest.fixture
def zhang(areas, people, make_person):
    Facility.objects.create(name="江海区殡仪馆", kind=Facility.Kind.FUNERAL_HOME, area=areas["jianghai"])
    person = make_person("张伯", birth=dt.date(1940, 1, 1))
    return services.death_record(actor=people["lile_officer"], person=person, death_date=TODAY, source="hospital",
                                 today=TODAY)


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _claim_form(record, **items):
    home = Facility.objects.get(name="江海区殡仪馆")
    return {"action": "prepare", "record": record.pk, "facility": home.pk, "served_on": TODAY.isoformat(),
            **{f"item_{k}": v for k, v in items.items()}}


def _without_csrf(body: bytes) -> bytes:
    return re.sub(rb'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', rb"\1-", body)


def test_a_claim_is_prepared_capped_approved_by_a_second_person_and_settled(zhang, people):
    huang, mai = _client(people["jianghai_approver"]), _client(people["jianghai_checker"])
    page = huang.get("/funeral/claims/").content.decode()
    assert "张伯（" in page and "遗体火化" in page and "惠民殡葬减免" in huang.get("/funeral/").content.decode()

    before = AuditEntry.objects.count()
    bad = huang.post("/funeral/claims/", _claim_form(zhang, cremation="八百", transport="200"))
    assert bad.status_code == 400 and "遗体火化的实际费用应为金额" in bad.content.decode()
    assert 'value="八百"' in bad.content.decode()  # what was typed stays in the form
    assert not BasicServiceClaim.objects.exists() and AuditEntry.objects.count() == before

    done = huang.post("/funeral/claims/", _claim_form(zhang, cremation="800", transport="200"), follow=True)
    assert "已申报张伯的基本殡葬服务减免800.00元，待另一名工作人员审核" in done.content.decode()
    claim = BasicServiceClaim.objects.get()
    assert claim.total == Decimal("800.00")  # 600 (the cap) + 200
    assert "审核通过" not in done.content.decode()  # not offered to the one who prepared it

    own = huang.post(f"/funeral/claims/{claim.pk}/approve/", follow=True)
    assert "不能审核本人经办的申报" in own.content.decode()
    claim.refresh_from_db()
    assert claim.status == BasicServiceClaim.Status.PREPARED

    assert "审核通过" in mai.get("/funeral/claims/").content.decode()
    mai.post(f"/funeral/claims/{claim.pk}/approve/")
    claim.refresh_from_db()
    assert (claim.status, claim.approved_by) == (BasicServiceClaim.Status.APPROVED, people["jianghai_checker"])
    settled = mai.post("/funeral/claims/", {"action": "settle", "facility": claim.facility_id,
                                            "month": TODAY.strftime("%Y-%m")}, follow=True)
    assert f"江海区殡仪馆{TODAY.year}年{TODAY.month}月已结算1件，共800.00元" in settled.content.decode()
    again = mai.post("/funeral/claims/", {"action": "settle", "facility": claim.facility_id,
                                          "month": TODAY.strftime("%Y-%m")})
    assert again.status_code == 400 and "已结算" in again.content.decode()
    assert BasicServiceSettlement.objects.count() == 1


def test_another_county_sees_no_claim_and_cannot_approve_one(zhang, people):
    claim = services.basic_claim_prepare(actor=people["jianghai_approver"], record=zhang,
                                         facility=Facility.objects.get(), served_on=TODAY,
                                         actual={"cremation": "600"}, today=TODAY)
    liang = _client(people["yunan_approver"])
    assert "张伯" not in liang.get("/funeral/claims/").content.decode()
    hidden = liang.post(f"/funeral/claims/{claim.pk}/approve/")
    absent = liang.post("/funeral/claims/987654321/approve/")
    assert hidden.status_code == absent.status_code == 404
    assert _without_csrf(hidden.content) == _without_csrf(absent.content)
    forged = liang.post("/funeral/claims/", _claim_form(zhang, cremation="600"))
    assert forged.status_code == 404
    claim.refresh_from_db()
    assert claim.status == BasicServiceClaim.Status.PREPARED and BasicServiceClaim.objects.count() == 1
