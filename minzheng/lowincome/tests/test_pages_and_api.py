"""The pages and the API, as the people of 虎逊村 and 沙溪镇 use them: 吴少芳 reports a household from her phone
(主动发现) and it lands in the same lifecycle; the town's window refers 郭志强's housing request to 住建局 and the
referral shows on his record; the KPIs per town on the page and the API; who may do what."""

import datetime as dt

import pytest
from django.test import Client

from minzheng.core.errors import Forbidden
from minzheng.core.periods import add_workdays, local_date
from minzheng.lowincome import services
from minzheng.lowincome.models import Alert, AlertStatus, Referral

from .stories import guo_family

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_a_village_worker_reports_from_her_phone_and_the_alert_follows_the_same_lifecycle(cast):
    w = cast
    today = local_date()
    _, guo, _ = guo_family(w, on=today)
    phone = client_for(w.wusf)
    page = phone.get("/lowincome/m/")
    assert page.status_code == 200 and "报告困难家庭" in page.content.decode()
    r = phone.post("/lowincome/m/", {"id_number": "440000000000000000", "description": "家中困难"})
    assert r.status_code == 400 and "未在本辖区人员库中登记" in r.content.decode()
    assert not Alert.objects.exists()
    r = phone.post("/lowincome/m/", {"id_number": guo.id_number,
                                     "description": "郭志强工伤在家休养，妻子住院，家中无收入"}, follow=True)
    assert "请在" in r.content.decode()
    alert = Alert.objects.get()
    assert (alert.source, alert.person, alert.area, alert.status) == ("discovery", guo, w.huxun, AlertStatus.NEW)
    assert alert.verify_due == add_workdays(today, 5)  # data/lowincome/params.csv discovery_verify_workdays
    assert "郭志强" in phone.get("/lowincome/m/").content.decode()  # waiting for her 核实
    # the same report twice is refused
    r = phone.post("/lowincome/m/", {"id_number": guo.id_number, "description": "再报一次同样的情况"})
    assert r.status_code == 400 and "已有未办结的主动发现报告" in r.content.decode()

    # 核实 on the page; the village may not close it (the town decides)
    r = phone.post(f"/lowincome/alerts/{alert.pk}/verify/", {"finding": "入户核实，情况属实", "verified_on": ""})
    assert r.status_code == 302
    with pytest.raises(Forbidden):
        services.alert_close(actor=w.wusf, alert=alert, reason="村居想自行关闭")
    town = client_for(w.feng)
    r = town.post(f"/lowincome/alerts/{alert.pk}/close/", {"reason": ""})
    assert r.status_code == 400 and "请填写关闭原因" in r.content.decode()
    r = town.post(f"/lowincome/alerts/{alert.pk}/recognise/", {"opinion": "认定因病因伤致困"})
    assert r.status_code == 302
    alert.refresh_from_db()
    assert alert.status == AlertStatus.RECOGNISED
    detail = town.get(f"/lowincome/alerts/{alert.pk}/").content.decode()
    assert "生成救助申请" in detail and "入户核实，情况属实" in detail


def test_the_town_window_refers_a_housing_request_and_it_is_tracked_on_the_record_and_counted(cast):
    w = cast
    today = local_date()
    home, guo, feng = guo_family(w, on=today)
    window = client_for(w.feng)
    r = window.post("/lowincome/referrals/", {"id_number": guo.id_number, "need": "housing",
                                              "request": "房屋漏雨成危房，申请危房改造"}, follow=True)
    assert "住房和城乡建设局" in r.content.decode()
    ref = Referral.objects.get()
    assert (ref.department, ref.status, ref.accept_due, ref.outcome_due) == (
        "住房和城乡建设局", "sent", add_workdays(today, 3), add_workdays(today, 30))
    # the department's answers, recorded by the window
    with pytest.raises(Exception, match="请填写办理结果"):
        services.referral_update(actor=w.feng, referral=ref, action="done", note="")
    window.post(f"/lowincome/referrals/{ref.pk}/accept/", {})
    window.post(f"/lowincome/referrals/{ref.pk}/done/", {"note": "已列入年度危房改造计划"})
    ref.refresh_from_db()
    assert (ref.status, ref.outcome) == ("done", "已列入年度危房改造计划")
    # on the household's record: his wife's page shows it too
    record = window.get(f"/lowincome/people/{feng.pk}/").content.decode()
    assert "房屋漏雨成危房" in record and "已办结" in record
    api = window.get(f"/api/lowincome/people/{guo.pk}/record").json()
    assert [x["department"] for x in api["referrals"]] == ["住房和城乡建设局"]
    assert guo.id_number not in str(api)
    # counted per town
    kpis = window.get(f"/api/lowincome/kpis?since={today}&until={today}").json()
    assert [(k["town"], k["referrals"], k["referrals_open"]) for k in kpis] == [("沙溪镇", 1, 0)]
    assert "沙溪镇" in window.get("/lowincome/").content.decode()


def test_the_api_walks_an_alert_and_refuses_what_a_role_may_not_do(cast):
    w = cast
    today = local_date()
    _, guo, _ = guo_family(w, on=today)
    village, town, auditor = client_for(w.wusf), client_for(w.feng), client_for(w.wu)
    r = village.post("/api/lowincome/discoveries", {"person_id": guo.pk, "description": "家中老人重病无人照料"},
                     content_type="application/json")
    assert r.status_code == 201, r.content
    alert_id = r.json()["id"]
    assert r.json()["id_number"] != guo.id_number
    r = auditor.post(f"/api/lowincome/alerts/{alert_id}/verify", {"finding": "审计人员试图核实"},
                     content_type="application/json")
    assert r.status_code == 404  # 吴敏 audits 江海区: 虎逊村 is not hers
    r = village.post(f"/api/lowincome/alerts/{alert_id}/recognise", {"opinion": "村居试图认定"},
                     content_type="application/json")
    assert r.status_code == 403 and r.json()["message"].startswith("您的角色无权")
    r = town.post(f"/api/lowincome/alerts/{alert_id}/close", {"reason": ""}, content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "关闭原因"
    r = town.post(f"/api/lowincome/alerts/{alert_id}/close", {"reason": "经核实已由亲属照料，无需救助"},
                  content_type="application/json")
    assert r.json()["status"] == "closed"
    kpis = town.get(f"/api/lowincome/kpis?since={today}&until={today + dt.timedelta(days=1)}").json()
    assert [(k["town"], k["alerts"], k["assistance_share"]) for k in kpis] == [("沙溪镇", 1, "0.0%")]
    # feeds are the county's
    r = town.post("/api/lowincome/feeds", {"kind": "death", "records": []}, content_type="application/json")
    assert r.status_code == 403
