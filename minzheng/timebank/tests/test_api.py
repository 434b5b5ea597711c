"""The 时间银行 API: 林志强 tries to cash his hours and overdraw them; both are refused in Chinese, nothing written."""

from minzheng.core.models import AuditEntry
from minzheng.timebank.models import Entry, Transfer

from .test_ledger import credit, tb  # noqa: F401  (fixture)

BASE = "/api/timebank"


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
