"""The payroll pages as 黄志强 (江海区) walks 王德明's family's May roster through them; 梁文杰 (郁南县) gets 404 for
it, 李建华 (礼乐街道 officer) has no payroll rights, 吴敏 (auditor) reads but cannot act — none of them writes."""

import datetime as dt

import pytest

from minzheng.core.models import AuditEntry
from minzheng.payroll import services
from minzheng.payroll.models import Anomaly, Roster, RosterLine
from minzheng.registry import services as registry

from .conftest import MAY, WANG_ACCOUNT


@pytest.fixture
def may_roster(areas, people, make_person, enrol, wang_family):
    hzq = people["jianghai_approver"]
    chen = make_person("陈伯", bank_account="6228480088000001")
    registry.person_update(actor=hzq, person=chen, death_date=dt.date(2024, 4, 10))
    enrol("dibao", chen, {chen: "400.00"})
    return services.roster_generate(actor=hzq, programme="dibao", area=areas["jianghai"], month=MAY)


def state():
    return (AuditEntry.objects.count(), list(Roster.objects.values_list("id", "status")),
            list(RosterLine.objects.values_list("id", "status", "amount")),
            list(Anomaly.objects.values_list("id", "status")))


def test_county_walks_one_roster_through_the_pages(client, people, may_roster):
    hzq = people["jianghai_approver"]
    client.force_login(hzq)
    r = client.get("/payroll/?month=2024-05")
    page = r.content.decode()
    assert r.status_code == 200 and "江海区" in page and "1400.00" in page and "救助金发放" in page

    url = f"/payroll/rosters/{may_roster.pk}/"
    page = client.get(url).content.decode()
    assert "王德明" in page and WANG_ACCOUNT not in page and wang_id_not_shown(page, hzq)

    r = client.post(url + "check/", follow=True)
    assert "新发现疑点1条" in r.content.decode()
    r = client.post(url + "release/", follow=True)
    assert "须由另一位有复核权限的人员发布" in r.content.decode()  # he generated it: not his to release
    client.force_login(people["jianghai_checker"])
    r = client.post(url + "release/", follow=True)
    assert "阻止发布的资金监管疑点未处置" in r.content.decode()
    assert Roster.objects.get(pk=may_roster.pk).status == "checked"
    client.force_login(hzq)

    chen = Anomaly.objects.get(rule="deceased")
    page = client.get(f"/payroll/anomalies/?roster={may_roster.pk}").content.decode()
    assert "陈伯已于2024-04-10死亡" in page
    client.post(f"/payroll/anomalies/{chen.pk}/assign/", {"assignee": hzq.pk})
    client.post(f"/payroll/anomalies/{chen.pk}/dispose/", {"disposition": "家属已报丧，停发", "withhold": "1"})
    r = client.post(f"/payroll/anomalies/{chen.pk}/close/", follow=True)
    assert "须由另一位有复核权限的人员办结" in r.content.decode()
    client.force_login(people["jianghai_checker"])
    client.post(f"/payroll/anomalies/{chen.pk}/close/")
    chen.refresh_from_db()
    assert (chen.status, chen.withheld) == ("closed", True)

    r = client.post(url + "release/", follow=True)
    assert "名单已发布" in r.content.decode()
    r = client.get(url + "bank-file.csv")
    text = b"".join(r.streaming_content).decode("utf-8-sig")
    assert r.status_code == 200 and text.strip().splitlines()[-1] == "合计,,,,1000.00,共2笔"

    bad = "序号,姓名,银行账号,金额,结果,失败原因\n9,某人,1,1.00,成功,\n".encode()
    before = state()
    r = client.post(url + "bank-result/", {"file": upload(bad)})
    assert r.status_code == 400 and "第2行" in r.content.decode() and state() == before

    good = (f"序号,姓名,银行账号,金额,结果,失败原因\n1,王德明,{WANG_ACCOUNT},500.00,成功,\n"
            f"2,王小明,{WANG_ACCOUNT},500.00,失败,账户已冻结\n").encode()
    r = client.post(url + "bank-result/", {"file": upload(good)})
    assert r.status_code == 200 and "1000.00" in r.content.decode()
    assert sorted(RosterLine.objects.filter(roster=may_roster).values_list("status", flat=True)) == [
        "failed", "paid", "withheld"]
    page = client.get(url).content.decode()
    assert "已发放1笔 500.00元；失败1笔 500.00元" in page and "账户已冻结" in page


def wang_id_not_shown(page, user):
    from minzheng.registry.models import Person

    return Person.objects.get(name="王德明").id_number not in page


def upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("result.csv", data, content_type="text/csv")


def pages(roster_pk, anomaly_pk):
    r = f"/payroll/rosters/{roster_pk}/"
    gets = ["/payroll/", r, r + "bank-file.csv", "/payroll/anomalies/"]
    posts = [r + "generate/", r + "check/", r + "release/", r + "bank-result/",
             f"/payroll/anomalies/{anomaly_pk}/assign/", f"/payroll/anomalies/{anomaly_pk}/close/"]
    return gets, posts


def test_other_county_gets_404_and_writes_nothing(client, people, may_roster):
    services.roster_check(actor=people["jianghai_approver"], roster=may_roster)
    anomaly = Anomaly.objects.get()
    client.force_login(people["yunan_approver"])
    before = state()
    assert "江海区" not in client.get("/payroll/").content.decode()
    assert "陈伯" not in client.get("/payroll/anomalies/").content.decode()
    gets, posts = pages(may_roster.pk, anomaly.pk)
    for url in gets[1:3]:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert client.post(url, {"assignee": people["yunan_approver"].pk}).status_code == 404, url
    assert state() == before


@pytest.mark.parametrize("persona", ["lile_officer", "provider"])
def test_roles_without_payroll_rights_get_403(client, people, persona, may_roster):
    services.roster_check(actor=people["jianghai_approver"], roster=may_roster)
    client.force_login(people[persona])
    before = state()
    gets, posts = pages(may_roster.pk, Anomaly.objects.get().pk)
    for url in gets:
        r = client.get(url)
        assert r.status_code == 403 and "您的角色无权" in r.content.decode(), url
    for url in posts:
        assert client.post(url).status_code == 403, url
    assert "救助金发放" not in client.get("/").content.decode()
    assert state() == before


def test_auditor_reads_the_pages_but_cannot_act(client, people, may_roster):
    client.force_login(people["auditor"])
    before = state()
    page = client.get(f"/payroll/rosters/{may_roster.pk}/").content.decode()
    assert "王德明" in page and "资金监管校验" not in page
    assert client.post(f"/payroll/rosters/{may_roster.pk}/check/").status_code == 403
    assert state() == before


def test_an_anomaly_is_offered_only_to_handlers_of_its_rosters_area(client, people, may_roster):
    """黄志强 assigns 江海区's anomaly: the list offers himself, not 梁文杰 of 郁南县 (another county's approver) nor
    吴敏 (an auditor of 江海区, who handles no anomaly)."""
    from django.utils.html import escape

    hzq = people["jianghai_approver"]
    client.force_login(hzq)
    services.roster_check(actor=hzq, roster=may_roster)
    page = client.get(f"/payroll/anomalies/?roster={may_roster.pk}").content.decode()
    assert f'<option value="{hzq.pk}">{escape(str(hzq))}</option>' in page
    for outsider in (people["yunan_approver"], people["auditor"]):
        assert f'<option value="{outsider.pk}">' not in page
