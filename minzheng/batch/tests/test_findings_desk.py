"""全省比对结果 on the desks: the month's 跨市资金监管 run over the province files each suspicion under the county that
pays the money. 黄志强, county approver of 江海区, sees the ones filed under 江海区 and nothing of another county;
梁文杰 of 郁南县 sees only 郁南县's. 黄志强's colleague 麦嘉怡 checks one (属实, with what she checked) on the page;
a second check of the same finding is refused; a check without a note is refused with nothing written. The same
through the API."""

import re

import pytest

from minzheng.areas.models import Area
from minzheng.batch.models import Finding
from minzheng.batch.services import job_run
from minzheng.core.models import AuditEntry

from .conftest import MONTH

pytestmark = pytest.mark.django_db


@pytest.fixture
def findings(province, people):
    job_run(actor=people["jianghai_approver"], job="supervision", engine="embedded", period=MONTH)
    return Finding.objects.filter(job="supervision", period=MONTH)


def _jianghai(findings):
    jh = Area.objects.get(code="440704")
    return findings.filter(area__path__startswith=jh.path)


def test_a_county_sees_the_findings_filed_under_it_and_another_county_none(client, people, findings):
    assert set(findings.values_list("area__level", flat=True)) == {"county"}  # every demo case is below a county
    two = findings.filter(rule="two_cities").first()
    assert "市、" in two.detail and not re.search(r"本月在.*\d.*等", two.detail)  # the cities by name, not code
    mine = _jianghai(findings)
    assert mine.exists() and findings.exclude(pk__in=mine).exists()
    client.force_login(people["jianghai_approver"])
    page = client.get("/batch/findings/?job=supervision").content.decode()
    shown = client.get("/api/batch/findings?job=supervision").json()
    assert shown["count"] == mine.count()
    assert {f["id"] for f in shown["items"]} <= set(mine.values_list("pk", flat=True))
    outside = findings.exclude(pk__in=mine).select_related("person").first()
    assert f">{outside.person.name}<" not in page and f">{mine.first().person.name}<" in page
    assert client.get(f"/api/batch/findings/{outside.pk}").status_code == 404

    client.force_login(people["yunan_approver"])
    yunan = findings.filter(area__code="445322")
    assert client.get("/api/batch/findings?job=supervision").json()["count"] == yunan.count()
    assert client.get("/batch/findings/?job=supervision&rule=two_cities&outcome=confirmed").status_code == 200
    assert client.get(f"/api/batch/findings/{mine.first().pk}").status_code == 404

    client.force_login(people["village_worker"])  # 资金监管 is a county desk
    assert client.get("/batch/findings/").status_code == 403
    assert client.get("/api/batch/findings").status_code == 403


def test_a_county_officer_checks_a_finding_once_with_a_note_on_the_page_and_through_the_api(client, people,
                                                                                              findings):
    finding = _jianghai(findings).filter(rule="deceased").first() or _jianghai(findings).first()
    client.force_login(people["jianghai_checker"])
    audits = AuditEntry.objects.count()
    r = client.post(f"/batch/findings/{finding.pk}/check/", {"outcome": "confirmed", "note": ""}, follow=True)
    assert "请填写核查说明" in r.content.decode()
    finding.refresh_from_db()
    assert finding.outcome == "pending" and AuditEntry.objects.count() == audits

    r = client.post(f"/batch/findings/{finding.pk}/check/",
                    {"outcome": "confirmed", "note": "已核对公安死亡信息和银行流水", "next": "/batch/findings/"},
                    follow=True)
    assert "核查结果已记录" in r.content.decode()
    finding.refresh_from_db()
    assert (finding.outcome, finding.checked_by) == ("confirmed", people["jianghai_checker"])
    entry = AuditEntry.objects.get(action="batch.finding_check")
    assert entry.after["outcome"] == "confirmed" and entry.area_code == finding.area.code

    r = client.post(f"/batch/findings/{finding.pk}/check/", {"outcome": "cleared", "note": "重新核查"}, follow=True)
    assert "不能重复核查" in r.content.decode()
    finding.refresh_from_db()
    assert finding.outcome == "confirmed" and AuditEntry.objects.filter(action="batch.finding_check").count() == 1
    r = client.post(f"/batch/findings/{finding.pk}/check/", {"outcome": "confirmed", "note": "x" * 10,
                                                             "next": "https://example.com/"})
    assert r.status_code == 302 and r["Location"] == "/batch/findings/"  # never sent off the site

    finding = _jianghai(findings).exclude(pk=finding.pk).first()
    url = f"/api/batch/findings/{finding.pk}/check"
    r = client.post(url, {"outcome": "maybe", "note": "已核实"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "核查结果"
    r = client.post(url, {"outcome": "cleared", "note": "经入户核实为同名不同人"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["outcome_label"] == "核查不属实"
    assert client.post(url, {"outcome": "cleared", "note": "再次核实"},
                       content_type="application/json").status_code == 409
    assert client.get("/api/batch/findings?job=supervision&outcome=cleared").json()["count"] == 1
    assert client.get("/api/batch/runs").json()[0]["new_rows_in_scope"] == _jianghai(findings).count()

