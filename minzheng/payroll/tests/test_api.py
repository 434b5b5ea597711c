"""The payroll API as each role meets it: 黄志强 runs 江海区's payroll, 吴敏 audits it, 梁文杰 (郁南县) sees none of it,
李建华 (礼乐街道) and 何丽 (care provider) have no payroll rights."""

import datetime as dt

import pytest

from minzheng.core.models import AuditEntry
from minzheng.payroll.models import Anomaly, RosterLine
from minzheng.registry import services as registry

from .conftest import WANG_ACCOUNT

BASE = "/api/payroll"


def as_user(client, user):
    client.force_login(user)
    return client


def post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


@pytest.fixture
def may_roster(client, areas, people, make_person, enrol, wang_family):
    """江海区's May roster, generated and checked through the API; 陈伯 (died in April) is flagged."""
    hzq = people["jianghai_approver"]
    chen = make_person("陈伯", bank_account="6228480088000001")
    registry.person_update(actor=hzq, person=chen, death_date=dt.date(2024, 4, 10))
    enrol("dibao", chen, {chen: "400.00"})
    c = as_user(client, hzq)
    r = post(c, f"{BASE}/rosters", {"programme": "dibao", "area_code": "440704", "month": "2024-05-01"})
    assert r.status_code == 201, r.content
    roster = r.json()
    assert (roster["line_count"], roster["total_amount"], roster["status"]) == (3, "1400.00", "draft")
    r = post(c, f"{BASE}/rosters/{roster['id']}/check")
    assert r.status_code == 200 and r.json()["new_anomalies"]["deceased"] == 1
    c.logout()
    return roster


def test_county_runs_the_month_through_the_api(client, people, may_roster):
    # 麦嘉怡, the second pair of eyes, would release: a blocking hit stops her.
    c = as_user(client, people["jianghai_checker"])
    rid = may_roster["id"]
    r = post(c, f"{BASE}/rosters/{rid}/release")
    assert r.status_code == 409 and "阻止发布的资金监管疑点" in r.json()["message"]
    # 黄志强 takes the hit himself and disposes it ...
    c = as_user(client, people["jianghai_approver"])
    anomaly = c.get(f"{BASE}/anomalies", {"roster": rid}).json()[0]
    assert anomaly["detail"].startswith("陈伯已于2024-04-10死亡")
    assert post(c, f"{BASE}/anomalies/{anomaly['id']}/assign", {"assignee": "huangzq"}).status_code == 200
    r = post(c, f"{BASE}/anomalies/{anomaly['id']}/dispose", {"disposition": "已死亡，停发", "withhold_line": True})
    assert r.status_code == 200 and r.json()["status"] == "disposed"
    # ... but cannot close it or release the roster he generated: she does both.
    r = post(c, f"{BASE}/anomalies/{anomaly['id']}/close")
    assert r.status_code == 403 and r.json()["code"] == "four_eyes"
    assert post(c, f"{BASE}/rosters/{rid}/release").json()["code"] == "four_eyes"
    c = as_user(client, people["jianghai_checker"])
    assert post(c, f"{BASE}/anomalies/{anomaly['id']}/close").json()["status"] == "closed"
    r = post(c, f"{BASE}/rosters/{rid}/release")
    assert r.status_code == 200 and r.json()["total_amount"] == "1000.00"

    lines = c.get(f"{BASE}/rosters/{rid}/lines").json()
    assert lines["count"] == 3
    wang = next(x for x in lines["items"] if x["name"] == "王德明")
    assert wang["bank_account_masked"] == "*" * 12 + WANG_ACCOUNT[-4:] and "*" in wang["id_number_masked"]

    r = c.get(f"{BASE}/rosters/{rid}/bank-file")
    assert r.status_code == 200 and r["Content-Disposition"].endswith('payment_440704_dibao_202405.csv"')
    text = b"".join(r.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[-1] == "合计,,,,1000.00,共2笔"

    bad = f"序号,银行账号,金额,结果,失败原因\n1,{WANG_ACCOUNT},500.00,成功,\n7,{WANG_ACCOUNT},500.00,成功,\n"
    r = c.post(f"{BASE}/rosters/{rid}/bank-result", {"file": _upload(bad)})
    assert r.status_code == 400 and "第3行：序号7不在本发放名单中" in r.json()["message"]
    assert RosterLine.objects.filter(status="paid").count() == 0
    good = (f"序号,银行账号,金额,结果,失败原因\n1,{WANG_ACCOUNT},500.00,成功,\n"
            f"2,{WANG_ACCOUNT},500.00,失败,户名与账号不符\n")
    r = c.post(f"{BASE}/rosters/{rid}/bank-result", {"file": _upload(good)})
    assert r.status_code == 200, r.content
    assert (r.json()["paid"], r.json()["failed"], r.json()["failed_amount"]) == (1, 1, "500.00")
    recon = c.get(f"{BASE}/rosters/{rid}/reconciliation").json()
    assert recon["balanced"] is True and recon["paid_amount"] == "500.00"
    totals = c.get(f"{BASE}/totals", {"month": "2024-05-01"}).json()
    assert totals == [{"area_code": "440704", "area_name": "江海区", "programme": "dibao", "fund": "中央", "lines": 2,
                       "amount": "1000.00", "paid_amount": "500.00", "central": "600.00", "province": "200.00",
                       "city": "100.00", "county": "100.00"}]


def _upload(text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("result.csv", text.encode("utf-8"), content_type="text/csv")


def test_other_county_sees_nothing(client, people, may_roster):
    rid = may_roster["id"]
    anomaly_id = Anomaly.objects.get().pk
    c = as_user(client, people["yunan_approver"])
    assert c.get(f"{BASE}/rosters").json() == []
    assert c.get(f"{BASE}/anomalies").json() == []
    assert c.get(f"{BASE}/totals", {"month": "2024-05-01"}).json() == []
    before = AuditEntry.objects.count()
    for method, url in [
        ("get", f"{BASE}/rosters/{rid}"), ("get", f"{BASE}/rosters/{rid}/lines"),
        ("get", f"{BASE}/rosters/{rid}/bank-file"), ("get", f"{BASE}/rosters/{rid}/reconciliation"),
        ("post", f"{BASE}/rosters/{rid}/check"), ("post", f"{BASE}/rosters/{rid}/release"),
        ("get", f"{BASE}/anomalies/{anomaly_id}"), ("post", f"{BASE}/anomalies/{anomaly_id}/close"),
        ("post", f"{BASE}/lines/{RosterLine.objects.first().pk}/adjust"),
    ]:
        r = c.get(url) if method == "get" else post(c, url, {"amount": "1", "reason": "x"})
        assert r.status_code == 404, url
        assert r.json()["message"].endswith("不存在或不在您的管辖范围内")
    r = post(c, f"{BASE}/rosters", {"programme": "dibao", "area_code": "440704", "month": "2024-05-01"})
    assert r.status_code == 404
    assert AuditEntry.objects.count() == before


def test_auditor_reads_but_changes_nothing(client, people, may_roster):
    rid = may_roster["id"]
    anomaly_id = Anomaly.objects.get().pk
    c = as_user(client, people["auditor"])
    assert [r["id"] for r in c.get(f"{BASE}/rosters").json()] == [rid]
    assert c.get(f"{BASE}/anomalies").json()[0]["rule"] == "deceased"
    assert c.get(f"{BASE}/rosters/{rid}/lines").json()["count"] == 3
    before = AuditEntry.objects.count()
    for url, body in [
        (f"{BASE}/rosters", {"programme": "dibao", "area_code": "440704", "month": "2024-05-01"}),
        (f"{BASE}/rosters/{rid}/check", None), (f"{BASE}/rosters/{rid}/release", None),
        (f"{BASE}/anomalies/{anomaly_id}/assign", {"assignee": "wumin"}),
    ]:
        r = post(c, url, body)
        assert r.status_code == 403, url
        assert r.json()["message"].startswith("您的角色无权")
    assert c.get(f"{BASE}/rosters/{rid}/bank-file").status_code == 403
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("persona", ["lile_officer", "provider"])
def test_roles_without_payroll_rights_are_refused(client, people, persona, may_roster):
    c = as_user(client, people[persona])
    for url in (f"{BASE}/rosters", f"{BASE}/anomalies"):
        r = c.get(url)
        assert r.status_code == 403 and r.json()["message"].startswith("您的角色无权")
    assert c.get(f"{BASE}/rosters/{may_roster['id']}").status_code == 404


def test_bad_requests_get_chinese_errors(client, people, may_roster):
    c = as_user(client, people["jianghai_approver"])
    r = post(c, f"{BASE}/rosters", {"programme": "dibao", "area_code": "440704", "month": "2024-05-09"})
    assert r.status_code == 400 and r.json()["message"].startswith("发放月份应为某月1日")
    r = post(c, f"{BASE}/rosters", {"programme": "dibao", "area_code": "999999", "month": "2024-05-01"})
    assert r.status_code == 400 and r.json()["message"] == "发放区域“999999”不存在或已失效"
    r = post(c, f"{BASE}/anomalies/{Anomaly.objects.get().pk}/assign", {"assignee": "nobody"})
    assert r.status_code == 400 and r.json()["message"] == "承办人“nobody”不存在"
    assert client.logout() is None and client.get(f"{BASE}/rosters").status_code == 401


@pytest.mark.parametrize(("month", "message"), [
    ("9999-12-01", "发放月份9999年12月超出可办理范围"),
    ("0001-01-01", "发放月份0001年01月早于本平台可办理的最早月份"),
])
def test_a_roster_for_an_impossible_month_is_refused_and_nothing_is_created(client, people, wang_family, month,
                                                                             message):
    from minzheng.payroll.models import Roster

    c = as_user(client, people["jianghai_approver"])
    r = post(c, f"{BASE}/rosters", {"programme": "dibao", "area_code": "440704", "month": month})
    assert r.status_code == 400, r.content
    assert r.json()["field"] == "发放月份" and message in r.json()["message"]
    assert not Roster.objects.exists()


@pytest.mark.clock
def test_next_months_roster_may_be_prepared_but_not_the_one_after(client, people, wang_family):
    from minzheng.core.periods import local_date, month_plus, month_start

    this_month = month_start(local_date())
    c = as_user(client, people["jianghai_approver"])
    ok = post(c, f"{BASE}/rosters", {"programme": "dibao", "area_code": "440704",
                                     "month": month_plus(this_month, 1).isoformat()})
    assert ok.status_code == 201, ok.content
    too_far = post(c, f"{BASE}/rosters", {"programme": "dibao", "area_code": "440704",
                                          "month": month_plus(this_month, 2).isoformat()})
    assert too_far.status_code == 400 and "超出可办理范围" in too_far.json()["message"]
