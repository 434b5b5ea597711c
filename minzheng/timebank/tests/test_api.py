"""The 时间银行 API: 林志强 tries to cash his hours and overdraw them; both are refused in Chinese, nothing written."""

import datetime as dt
import functools
from decimal import Decimal as D

import pytest

from minzheng.core.models import AuditEntry
from minzheng.timebank.models import Entry, Transfer

from .test_ledger import credit, tb  # noqa: F401  (fixture)

BASE = "/api/timebank"
pytestmark = pytest.mark.clock  # credit() reports hours served yesterday


def post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def test_hours_can_never_be_cashed_or_overdrawn(client, tb):  # noqa: F811
    credit(tb, tb["lin"], 2)
    before = (Transfer.objects.count(), Entry.objects.count(), AuditEntry.objects.count())
    client.force_login(tb["lin_user"])
    acc = tb["lin"].account_id
    for op in ("cash-out", "withdraw"):
        r = post(client, f"{BASE}/accounts/{acc}/{op}", {"hours": 1})
        assert r.status_code == 400 and r.json()["code"] == "not_convertible"
        assert "不能兑换、折算或提取现金" in r.json()["message"]
    r = post(client, f"{BASE}/donations", {"volunteer_id": tb["lin"].pk, "hours": 5, "elder_id": tb["li"].pk})
    assert r.status_code == 400 and r.json()["code"] == "overdraw" and "余额不足" in r.json()["message"]
    assert (Transfer.objects.count(), Entry.objects.count(), AuditEntry.objects.count()) == before
    body = client.get(f"{BASE}/accounts/{acc}").json()
    assert body["account"]["balance"] == "2.0" and len(body["entries"]) == 1
    r = post(client, f"{BASE}/donations", {"volunteer_id": tb["lin"].pk, "hours": "1.5", "elder_id": tb["li"].pk})
    assert r.status_code == 201


def test_a_volunteer_sees_only_their_own_account(client, tb, people):  # noqa: F811
    client.force_login(tb["lin_user"])
    assert client.get(f"{BASE}/accounts/{tb['he'].account_id}").status_code == 404
    client.force_login(people["waihai_officer"])
    assert client.get(f"{BASE}/accounts").json() == []
    assert client.get(f"{BASE}/reports").json() == []


def _donate_by_id(client, accounts, elder_id):
    """林志强 gives one hour to a person named by id through the API: (status, body)."""
    r = post(client, f"{BASE}/donations", {"volunteer_id": accounts["lin"].pk, "hours": 1, "elder_id": elder_id})
    return r.status_code, r.json()


def _donate_by_id_number(client, accounts, id_number):
    """The same on the page, naming the person by 身份证号: the messages shown."""
    r = client.post("/timebank/donate/", {"volunteer": accounts["lin"].pk, "hours": "1", "elder_id_number": id_number},
                    follow=True)
    return [str(m) for m in r.context["messages"]]


def test_a_donation_does_not_tell_a_volunteer_who_a_person_is(client, tb, areas, make_person):  # noqa: F811
    """林志强 names recipients by person id (API) or 身份证号 (page). Anyone who may not receive hours — 张伯 next
    door, 梁秀兰 of 郁南县, someone dead — is answered exactly like nobody at all: no name, no hint who it is."""
    credit(tb, tb["lin"], 2)
    liang = make_person("梁秀兰", sex="F", birth=dt.date(1938, 1, 1), area=areas["ducheng_village"])
    client.force_login(tb["lin_user"])
    before = (Transfer.objects.count(), AuditEntry.objects.count())

    api = functools.partial(_donate_by_id, client, tb)
    page = functools.partial(_donate_by_id_number, client, tb)

    nobody_api, nobody_page = api(987654321), page("110101193801010000")
    assert nobody_api[0] == 400
    for person in (tb["zhang"], liang):
        assert api(person.pk) == nobody_api
        assert page(person.id_number) == nobody_page
        assert person.name not in str(nobody_page) + str(nobody_api)
    assert (Transfer.objects.count(), AuditEntry.objects.count()) == before


def test_the_lookup_reveals_nothing_about_a_person_outside_the_volunteers_area(
        client, tb, areas, people, make_person):  # noqa: F811
    """梁秀兰 of 郁南县 is a 特困 elder — someone 林志强 (江海区) could receive hours for if she lived at home. Named
    by id or 身份证号 she is answered exactly like nobody at all: the look-up does not say she exists, that she is
    特困, nor her name; nothing is written. 李伯 of his own district is found as before."""
    from minzheng.registry import services as registry

    credit(tb, tb["lin"], 2)
    liang = make_person("梁秀兰", sex="F", birth=dt.date(1938, 1, 1), area=areas["ducheng_village"])
    registry.category_add(actor=people["yunan_approver"], person=liang, category="tekun",
                          valid_from=dt.date(2020, 1, 1))
    client.force_login(tb["lin_user"])
    before = (Transfer.objects.count(), AuditEntry.objects.count())

    api = functools.partial(_donate_by_id, client, tb)
    page = functools.partial(_donate_by_id_number, client, tb)

    nobody = api(987654321), page("110101193801010000")
    assert nobody[0][0] == 400
    assert (api(liang.pk), page(liang.id_number)) == nobody
    assert "梁秀兰" not in str(nobody)
    assert (Transfer.objects.count(), AuditEntry.objects.count()) == before
    assert api(tb["li"].pk)[0] == 201  # his own district's 孤寡 elder is still found


def test_hours_for_another_county_wait_until_that_county_accepts(client, tb, areas, people):  # noqa: F811
    """林志强 offers 1.5 hours to 郁南县's 公益时间池. Nothing leaves his account until 梁文杰 (郁南县) accepts; 黄志强
    of his own district cannot accept for 郁南县; a decline needs a reason and moves nothing."""
    from minzheng.timebank.models import Account, DonationOffer

    credit(tb, tb["lin"], 4)
    client.force_login(tb["lin_user"])
    r = post(client, f"{BASE}/donation-offers", {"volunteer_id": tb["lin"].pk, "hours": "1.5",
                                                  "area_code": areas["yunan"].code})
    assert r.status_code == 201, r.json()
    offer = r.json()
    assert offer["status"] == "pending" and offer["to_area"] == areas["yunan"].name
    tb["lin"].account.refresh_from_db()
    assert tb["lin"].account.balance == 4

    r = post(client, f"{BASE}/donation-offers", {"volunteer_id": tb["lin"].pk, "hours": 1,
                                                  "area_code": areas["jianghai"].code})
    assert r.status_code == 400 and "直接捐入公益时间池" in r.json()["message"]

    client.force_login(tb["hzq"])
    assert post(client, f"{BASE}/donation-offers/{offer['id']}/accept").status_code == 404
    client.force_login(people["yunan_approver"])
    r = post(client, f"{BASE}/donation-offers/{offer['id']}/decline", {"reason": " "})
    assert r.status_code == 400 and r.json()["field"] == "原因"
    r = post(client, f"{BASE}/donation-offers/{offer['id']}/accept")
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    tb["lin"].account.refresh_from_db()
    assert tb["lin"].account.balance == D("2.5")
    assert Account.objects.get(kind=Account.Kind.POOL, area=areas["yunan"]).balance == D("1.5")
    assert post(client, f"{BASE}/donation-offers/{offer['id']}/accept").status_code == 409
    assert DonationOffer.objects.get().status == DonationOffer.Status.ACCEPTED
