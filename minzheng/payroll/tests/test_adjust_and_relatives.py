"""Two county chores before the money goes out, as 黄志强 (江海区) does them on the pages and the API:

- 近亲属备案: 郑十 is the wife of 李建华 (礼乐街道 officer); once filed, her payments are flagged by 资金监管.
- Adjusting 王德明's family's May roster line by line before release: a corrected amount, a hold, a resume — each with
  a reason and an audit row; once released, the roster refuses every change in plain Chinese.

梁文杰 (郁南县) sees none of it; 陈小玲 (英南村 worker) has no payroll rights.
"""

import datetime as dt
from decimal import Decimal

import pytest

from minzheng.core.models import AuditEntry
from minzheng.payroll import services
from minzheng.payroll.models import Anomaly, Roster, RosterLine, StaffRelative

from .conftest import MAY


@pytest.fixture
def zheng(make_person):
    return make_person("郑十", sex="F", birth=dt.date(1975, 6, 6), bank_account="6228480088000777")


@pytest.fixture
def may_roster(people, areas, wang_family):
    return services.roster_generate(actor=people["jianghai_approver"], programme="dibao", area=areas["jianghai"],
                                    month=MAY)


def state():
    return (AuditEntry.objects.count(), list(StaffRelative.objects.values_list("id", "staff_id", "person_id")),
            list(RosterLine.objects.order_by("id").values_list("id", "status", "amount", "adjusted_reason")),
            list(Roster.objects.values_list("id", "status", "total_amount")))


# --- 近亲属备案 ----------------------------------------------------------------------------------------------------

def test_county_files_a_staff_relative_and_the_roster_check_flags_her(client, people, areas, zheng, enrol):
    hzq, li = people["jianghai_approver"], people["lile_officer"]
    client.force_login(hzq)
    page = client.get("/payroll/").content.decode()
    assert "近亲属备案" in page
    page = client.get("/payroll/relatives/").content.decode()
    assert "李建华" in page and "梁文杰" not in page  # only officials working inside 江海区 are offered

    r = client.post("/payroll/relatives/", {"staff": li.pk, "id_number": zheng.id_number.lower(), "relation": "配偶"},
                    follow=True)
    page = r.content.decode()
    assert "已备案：郑十为李建华的配偶" in page and zheng.masked_id in page and zheng.id_number not in page
    rel = StaffRelative.objects.get()
    assert (rel.staff, rel.person, rel.relation) == (li, zheng, "配偶")
    entry = AuditEntry.objects.get(action="payroll.staff_relative_register")
    assert (entry.actor_name, entry.after["relation"], entry.area_code) == ("黄志强", "配偶", "440704003001")

    enrol("dibao", zheng, {zheng: "300.00"})
    roster = services.roster_generate(actor=hzq, programme="dibao", area=areas["jianghai"], month=MAY)
    services.roster_check(actor=hzq, roster=roster)
    flagged = Anomaly.objects.get(rule="staff_relative")
    assert flagged.detail == "郑十为工作人员李建华的近亲属（已备案），发放前须重点核查"

    # The htmx search returns just the rows.
    r = client.get("/payroll/relatives/?q=郑", HTTP_HX_REQUEST="true")
    assert "郑十" in r.content.decode() and "<html" not in r.content.decode()
    assert "郑十" not in client.get("/payroll/relatives/?q=王").content.decode()


@pytest.mark.parametrize("form, field_error", [
    ({"staff": "", "relation": "配偶"}, "请选择本辖区的工作人员"),
    ({"id_number": "440704199001011234", "relation": "配偶"}, "未找到身份证号为“440704199001011234”的人员"),
    ({"relation": ""}, "请填写与工作人员的关系"),
])
def test_bad_filings_are_named_in_chinese_and_write_nothing(client, people, zheng, form, field_error):
    client.force_login(people["jianghai_approver"])
    body = {"staff": people["lile_officer"].pk, "id_number": zheng.id_number, **form}
    before = state()
    r = client.post("/payroll/relatives/", body)
    assert r.status_code == 400 and field_error in r.content.decode()
    assert state() == before


def test_an_official_of_another_county_cannot_be_named_and_a_filing_is_made_once(client, people, zheng):
    hzq = people["jianghai_approver"]
    client.force_login(hzq)
    before = state()
    r = client.post("/payroll/relatives/", {"staff": people["yunan_approver"].pk, "id_number": zheng.id_number,
                                            "relation": "兄妹"})
    assert r.status_code == 400 and "请选择本辖区的工作人员" in r.content.decode() and state() == before
    with pytest.raises(Exception, match="工作人员须为本辖区在岗的民政经办人员"):
        services.staff_relative_register(actor=hzq, staff=people["yunan_approver"], person=zheng, relation="兄妹")

    services.staff_relative_register(actor=hzq, staff=people["lile_officer"], person=zheng, relation="配偶")
    before = state()
    r = client.post("/payroll/relatives/", {"staff": people["lile_officer"].pk, "id_number": zheng.id_number,
                                            "relation": "配偶"})
    assert r.status_code == 409 and "郑十已登记为李建华的近亲属" in r.content.decode() and state() == before


def test_a_filing_is_withdrawn_with_a_reason_and_the_audit_keeps_it(client, people, zheng):
    hzq = people["jianghai_approver"]
    rel = services.staff_relative_register(actor=hzq, staff=people["lile_officer"], person=zheng, relation="配偶")
    client.force_login(hzq)
    before = state()
    r = client.post(f"/payroll/relatives/{rel.pk}/remove/", {"reason": " "}, follow=True)
    assert "撤销备案须填写原因" in r.content.decode() and state() == before

    r = client.post(f"/payroll/relatives/{rel.pk}/remove/", {"reason": "李建华已调离民政岗位"}, follow=True)
    assert "已撤销郑十的近亲属备案" in r.content.decode()
    assert not StaffRelative.objects.exists()
    entry = AuditEntry.objects.get(action="payroll.staff_relative_remove")
    assert entry.before["relation"] == "配偶" and entry.after == {"reason": "李建华已调离民政岗位"}
    assert entry.before["person"] == zheng.masked_id


def test_other_county_and_village_worker_see_and_touch_nothing(client, people, zheng):
    rel = services.staff_relative_register(actor=people["jianghai_approver"], staff=people["lile_officer"],
                                           person=zheng, relation="配偶")
    before = state()
    client.force_login(people["yunan_approver"])
    assert "郑十" not in client.get("/payroll/relatives/").content.decode()
    r = client.post(f"/payroll/relatives/{rel.pk}/remove/", {"reason": "误报"})
    assert r.status_code == 404
    r = client.post("/payroll/relatives/", {"staff": people["yunan_approver"].pk, "id_number": zheng.id_number,
                                            "relation": "配偶"})
    assert r.status_code == 400 and "不在您的管辖范围内" in r.content.decode()
    client.force_login(people["village_worker"])
    assert client.get("/payroll/relatives/").status_code == 403
    assert client.post(f"/payroll/relatives/{rel.pk}/remove/", {"reason": "误报"}).status_code == 403
    assert state() == before


def test_the_relatives_api(client, people, zheng):
    client.force_login(people["jianghai_approver"])
    base = "/api/payroll/staff-relatives"
    r = client.post(base, {"staff": "lijh", "id_number": zheng.id_number, "relation": "配偶"},
                    content_type="application/json")
    assert r.status_code == 201 and r.json()["name"] == "郑十" and r.json()["id_number_masked"] == zheng.masked_id
    rid = r.json()["id"]
    assert [x["id"] for x in client.get(base).json()] == [rid]
    r = client.post(base, {"staff": "liangwj", "id_number": zheng.id_number, "relation": "配偶"},
                    content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "工作人员"
    client.force_login(people["yunan_approver"])
    assert client.get(base).json() == []
    r = client.post(f"{base}/{rid}/remove", {"reason": "误报"}, content_type="application/json")
    assert r.status_code == 404
    client.force_login(people["jianghai_approver"])
    r = client.post(f"{base}/{rid}/remove", {"reason": "误报"}, content_type="application/json")
    assert r.status_code == 204 and not StaffRelative.objects.exists()


# --- adjusting lines before release -----------------------------------------------------------------------------

def line_of(name):
    return RosterLine.objects.get(person__name=name)


def test_county_corrects_holds_and_resumes_lines_before_release(client, people, may_roster):
    hzq = people["jianghai_approver"]
    services.roster_check(actor=hzq, roster=may_roster)
    client.force_login(hzq)
    url = f"/payroll/rosters/{may_roster.pk}/"
    page = client.get(url).content.decode()
    assert "调整金额" in page and "暂停发放" in page

    wang = line_of("王德明")
    r = client.post(f"/payroll/lines/{wang.pk}/adjust/", {"amount": "450.00", "reason": "4月多发50元，本月扣回"},
                    follow=True)
    assert "已调整王德明的发放金额，请重新进行资金监管校验后发布" in r.content.decode()
    wang.refresh_from_db()
    may_roster.refresh_from_db()
    assert (wang.amount, wang.adjusted_reason) == (Decimal("450.00"), "4月多发50元，本月扣回")
    assert (may_roster.status, may_roster.total_amount) == ("draft", Decimal("950.00"))
    entry = AuditEntry.objects.get(action="payroll.line_adjust")
    assert (entry.object_type, entry.before, entry.after["amount"]) == ("RosterLine", {"amount": "500.00"}, "450.00")
    assert "4月多发50元" in client.get(url).content.decode()

    grandson = line_of("王小明")
    r = client.post(f"/payroll/lines/{grandson.pk}/hold/", {"reason": "家属报告王小明已随父母迁出，待核实"},
                    follow=True)
    assert "已暂停王小明本月的发放" in r.content.decode()
    may_roster.refresh_from_db()
    assert line_of("王小明").status == "withheld" and may_roster.total_amount == Decimal("450.00")
    assert AuditEntry.objects.get(action="payroll.line_hold").after["reason"] == "家属报告王小明已随父母迁出，待核实"

    client.post(url + "check/")
    r = client.post(f"/payroll/lines/{grandson.pk}/resume/", {"reason": "核实仍在本户居住"}, follow=True)
    assert "已恢复王小明的发放" in r.content.decode()
    may_roster.refresh_from_db()
    assert line_of("王小明").status == "pending"
    assert (may_roster.status, may_roster.total_amount) == ("draft", Decimal("950.00"))
    assert AuditEntry.objects.filter(action="payroll.line_resume").count() == 1


@pytest.mark.parametrize("action, body, message", [
    ("adjust", {"amount": "450", "reason": ""}, "调整金额须填写调整说明"),
    ("adjust", {"amount": "-5", "reason": "扣回"}, "金额“-5”应为不小于0、最多两位小数的金额"),
    ("adjust", {"amount": "四百", "reason": "扣回"}, "金额“四百”不是有效金额"),
    ("hold", {"reason": ""}, "暂停发放须填写原因"),
    ("resume", {"reason": "误操作"}, "无需恢复发放"),
])
def test_bad_adjustments_are_refused_in_chinese_and_change_nothing(client, people, may_roster, action, body,
                                                                   message):
    client.force_login(people["jianghai_approver"])
    before = state()
    r = client.post(f"/payroll/lines/{line_of('王德明').pk}/{action}/", body, follow=True)
    assert message in r.content.decode()
    assert state() == before


def test_a_released_roster_stays_as_released(client, people, may_roster):
    hzq = people["jianghai_approver"]
    services.roster_check(actor=hzq, roster=may_roster)
    services.roster_release(actor=people["jianghai_checker"], roster=may_roster)
    client.force_login(hzq)
    page = client.get(f"/payroll/rosters/{may_roster.pk}/").content.decode()
    assert "名单已发布，内容不可再调整" in page and "暂停发放</button>" not in page
    before = state()
    wang = line_of("王德明")
    for action, body in [("adjust", {"amount": "1", "reason": "改"}), ("hold", {"reason": "停"})]:
        r = client.post(f"/payroll/lines/{wang.pk}/{action}/", body, follow=True)
        assert "已发布，名单内容不可更改" in r.content.decode(), action
    r = client.post(f"/api/payroll/lines/{wang.pk}/hold", {"reason": "停"}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "roster_released"
    assert state() == before


def test_line_changes_are_out_of_reach_of_another_county_and_of_the_village(client, people, may_roster):
    wang = line_of("王德明")
    before = state()
    client.force_login(people["yunan_approver"])
    for action in ("adjust", "hold", "resume"):
        assert client.post(f"/payroll/lines/{wang.pk}/{action}/", {"amount": "1", "reason": "x"}).status_code == 404
    client.force_login(people["village_worker"])
    assert client.post(f"/payroll/lines/{wang.pk}/hold/", {"reason": "x"}).status_code == 403
    assert state() == before


def test_hold_and_resume_through_the_api(client, people, may_roster):
    client.force_login(people["jianghai_approver"])
    wang = line_of("王德明")
    r = client.post(f"/api/payroll/lines/{wang.pk}/hold", {"reason": "待核实"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "withheld"
    r = client.post(f"/api/payroll/lines/{wang.pk}/hold", {"reason": "待核实"}, content_type="application/json")
    assert r.status_code == 409 and "不能暂停发放" in r.json()["message"]
    r = client.post(f"/api/payroll/lines/{wang.pk}/resume", {"reason": "已核实"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "pending"
