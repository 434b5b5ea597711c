"""Four-eyes on money. 黄志强, a county officer of 江海区, tries alone what the security review did: raise 王德明's
May 低保 line from 500 to 5,000,000 元, take the blocking anomaly himself, dispose and close it, and release the
roster. He is stopped at every step that needs a second person; his colleague 麦嘉怡 (county, approver right) is that
second person, and she in turn cannot check her own work."""

from decimal import Decimal

import pytest

from minzheng.core.errors import Conflict, Forbidden
from minzheng.core.models import AuditEntry
from minzheng.payroll import services
from minzheng.payroll.models import Anomaly, Roster, RosterLine

from .conftest import MAY


@pytest.fixture
def raised_line(areas, people, wang_family):
    """黄志强 generates and checks May's roster, then raises 王德明's line to 5,000,000 元 and checks again."""
    hzq = people["jianghai_approver"]
    roster = services.roster_generate(actor=hzq, programme="dibao", area=areas["jianghai"], month=MAY)
    services.roster_check(actor=hzq, roster=roster)
    line = RosterLine.objects.get(roster=roster, person=wang_family["wang"])
    services.roster_line_adjust(actor=hzq, line=line, amount="5000000.00", reason="一次性补发")
    services.roster_check(actor=hzq, roster=roster)
    return roster, RosterLine.objects.get(pk=line.pk)


def test_one_officer_alone_cannot_move_the_money(people, raised_line):
    hzq = people["jianghai_approver"]
    roster, line = raised_line
    hit = Anomaly.objects.get(line=line, rule="above_entitlement")
    assert hit.blocking and "超过核定金额500.00元" in hit.detail

    # He takes the hit himself and disposes it: that much is his job ...
    services.anomaly_assign(actor=hzq, anomaly=hit, assignee=hzq)
    services.anomaly_dispose(actor=hzq, anomaly=hit, disposition="已核实，属一次性补发")
    before = AuditEntry.objects.count()

    # ... but closing it, approving his own adjustment and releasing are each refused, in Chinese.
    with pytest.raises(Forbidden, match="须由另一位有复核权限的人员办结") as closing:
        services.anomaly_close(actor=hzq, anomaly=hit)
    with pytest.raises(Forbidden, match="王德明的明细金额是您调整的，须由另一位有复核权限的人员复核") as approving:
        services.roster_line_approve(actor=hzq, line=line)
    with pytest.raises(Forbidden, match="您生成或调整过这份发放名单，须由另一位有复核权限的人员发布") as releasing:
        services.roster_release(actor=hzq, roster=roster)
    assert {closing.value.code, approving.value.code, releasing.value.code} == {"four_eyes"}

    # Nothing moved: the hit is still only disposed, the line unapproved, the roster unreleased, no audit entry.
    assert Anomaly.objects.get(pk=hit.pk).status == "disposed"
    assert RosterLine.objects.get(pk=line.pk).approved_by is None
    assert Roster.objects.get(pk=roster.pk).status == "checked"
    assert AuditEntry.objects.count() == before


def test_a_second_person_checks_and_only_then_the_roster_is_released(people, raised_line):
    hzq, mjy = people["jianghai_approver"], people["jianghai_checker"]
    roster, line = raised_line
    hit = Anomaly.objects.get(line=line, rule="above_entitlement")
    services.anomaly_assign(actor=hzq, anomaly=hit, assignee=hzq)
    services.anomaly_dispose(actor=hzq, anomaly=hit, disposition="已核实，属一次性补发")

    services.anomaly_close(actor=mjy, anomaly=hit)
    # The hit is closed, yet the raised line still waits for her approval as such.
    with pytest.raises(Conflict, match="还有1笔调整后超过核定金额的明细未经复核（如：王德明5000000.00元）"):
        services.roster_release(actor=mjy, roster=roster)
    approved = services.roster_line_approve(actor=mjy, line=line)
    assert approved.approved_by == mjy and approved.approved_at is not None
    assert services.roster_release(actor=mjy, roster=roster).released_by == mjy
    assert list(AuditEntry.objects.filter(action__in=["payroll.anomaly_close", "payroll.line_approve",
                                                      "payroll.roster_release"])
                .order_by("seq").values_list("action", "actor__username")) == [
        ("payroll.anomaly_close", "maijy"), ("payroll.line_approve", "maijy"), ("payroll.roster_release", "maijy")]


def test_a_new_adjustment_after_approval_needs_a_new_approval(people, raised_line):
    """The old hole: with the hit closed once, raising the line again found no new hit (one per line and rule)."""
    hzq, mjy = people["jianghai_approver"], people["jianghai_checker"]
    roster, line = raised_line
    hit = Anomaly.objects.get(line=line, rule="above_entitlement")
    services.anomaly_assign(actor=hzq, anomaly=hit, assignee=hzq)
    services.anomaly_dispose(actor=hzq, anomaly=hit, disposition="已核实")
    services.anomaly_close(actor=mjy, anomaly=hit)
    services.roster_line_approve(actor=mjy, line=line)

    services.roster_line_adjust(actor=hzq, line=line, amount="9000000.00", reason="再次补发")
    services.roster_check(actor=hzq, roster=roster)
    assert RosterLine.objects.get(pk=line.pk).approved_by is None
    with pytest.raises(Conflict, match="未经复核"):
        services.roster_release(actor=mjy, roster=roster)


def test_the_checker_cannot_check_her_own_adjustment(people, raised_line):
    mjy = people["jianghai_checker"]
    roster, line = raised_line
    services.roster_line_adjust(actor=mjy, line=line, amount="6000000.00", reason="她改的")
    with pytest.raises(Forbidden, match="是您调整的"):
        services.roster_line_approve(actor=mjy, line=line)
    services.roster_check(actor=mjy, roster=roster)
    with pytest.raises(Forbidden, match="您生成或调整过这份发放名单"):
        services.roster_release(actor=mjy, roster=roster)


def test_a_line_lowered_below_its_entitlement_needs_no_approval(people, areas, wang_family):
    hzq, mjy = people["jianghai_approver"], people["jianghai_checker"]
    roster = services.roster_generate(actor=hzq, programme="dibao", area=areas["jianghai"], month=MAY)
    line = RosterLine.objects.get(roster=roster, person=wang_family["wang"])
    services.roster_line_adjust(actor=hzq, line=line, amount="450.00", reason="4月多发50元，本月扣回")
    with pytest.raises(Conflict, match="没有调整到超过核定金额，无需复核"):
        services.roster_line_approve(actor=mjy, line=line)
    services.roster_check(actor=hzq, roster=roster)
    assert services.roster_release(actor=mjy, roster=roster).total_amount == Decimal("950.00")


def test_the_auditor_who_reads_everything_holds_no_approver_right(people, raised_line):
    roster, line = raised_line
    with pytest.raises(Forbidden, match="您的角色无权复核发布发放名单"):
        services.roster_release(actor=people["auditor"], roster=roster)
    with pytest.raises(Forbidden, match="您的角色无权复核发布发放名单"):
        services.roster_line_approve(actor=people["auditor"], line=line)


def test_through_the_api_he_is_refused_in_chinese_and_she_approves(client, people, raised_line):
    roster, line = raised_line
    client.force_login(people["jianghai_approver"])
    r = client.post(f"/api/payroll/lines/{line.pk}/approve", content_type="application/json")
    assert r.status_code == 403 and r.json()["code"] == "four_eyes" and "您调整的" in r.json()["message"]
    client.force_login(people["jianghai_checker"])
    r = client.post(f"/api/payroll/lines/{line.pk}/approve", content_type="application/json")
    assert r.status_code == 200 and r.json()["approved_by"] == people["jianghai_checker"].pk
    assert r.json()["adjusted_by"] == people["jianghai_approver"].pk


def test_on_the_roster_page_she_sees_the_line_waiting_and_approves_it(client, people, raised_line):
    roster, line = raised_line
    client.force_login(people["jianghai_approver"])
    page = client.get(f"/payroll/rosters/{roster.pk}/").content.decode()
    assert "超过核定金额，待他人复核" in page and "复核通过调整后金额" not in page
    r = client.post(f"/payroll/lines/{line.pk}/approve/", follow=True)
    assert "须由另一位有复核权限的人员复核" in r.content.decode()

    client.force_login(people["jianghai_checker"])
    page = client.get(f"/payroll/rosters/{roster.pk}/").content.decode()
    assert "复核通过调整后金额" in page
    r = client.post(f"/payroll/lines/{line.pk}/approve/", follow=True)
    assert "已复核王德明调整后的发放金额5000000.00元" in r.content.decode()
    assert "超额调整已复核" in r.content.decode()
