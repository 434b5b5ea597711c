"""资金监管 on 江海区's May 2024 低保 roster: every rule has someone it must catch and someone it must leave alone."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from minzheng.accounts.roles import Role
from minzheng.accounts.services import user_create
from minzheng.assistance.models import Application, Entitlement
from minzheng.core.errors import Conflict, DomainError, Forbidden, NotFound
from minzheng.core.models import AuditEntry
from minzheng.payroll import bankfiles, selectors, services
from minzheng.payroll.models import Anomaly, Roster, RosterLine, SupervisionRule
from minzheng.registry import services as registry

from .conftest import APRIL, MAY

pytestmark = pytest.mark.clock  # depends on today's date (CI also runs it with the clock moved)

SHARED = "6228480088009999"


def generate(actor, area, month=MAY, programme="dibao"):
    return services.roster_generate(actor=actor, programme=programme, area=area, month=month)


def line_of(roster, name):
    return RosterLine.objects.get(roster=roster, person__name=name)


@pytest.fixture
def village(areas, people, make_person, enrol, wang_family):
    """英南村 and 外海社区 recipients, each set up for one rule to fire on (or to stay quiet about)."""
    hzq = people["jianghai_approver"]
    mk = make_person

    def acct(n):
        return f"62284800880{n:05d}"

    chen = mk("陈伯", bank_account=acct(1))                       # died in April: must be caught
    registry.person_update(actor=hzq, person=chen, death_date=dt.date(2024, 4, 10))
    he = mk("何婆", sex="F", bank_account=acct(2))                # dies during May: May is still hers
    registry.person_update(actor=hzq, person=he, death_date=dt.date(2024, 5, 20))
    li = mk("李秀英", sex="F", bank_account=acct(3))              # 低保 and 特困 basic living at once
    zhang = mk("张三", bank_account=acct(4))                      # 低保 and 残疾人生活补贴: allowed, same village
    zhao = mk("赵六", bank_account=acct(5))                       # 低保 here, 残疾人生活补贴 in 外海社区
    sun = mk("孙七", bank_account=SHARED)                         # two strangers, one account
    zhou = mk("周八", sex="F", bank_account=SHARED)
    wu = mk("吴九", bank_account=acct(6))                         # paid above the entitlement
    zheng = mk("郑十", bank_account=acct(7))                      # a staff member's registered relative
    feng = mk("冯一", bank_account=acct(8))                       # application flagged as related to staff
    qian = mk("钱二", bank_account=acct(9))                       # 300 in April, 700 in May
    gulao = mk("孤老")                                             # no account at all
    for p in (chen, he, zhang, zhao, sun, zhou, wu, zheng, gulao):
        enrol("dibao", p, {p: "400.00"})
    enrol("dibao", li, {li: "400.00"})
    enrol("tekun", li, {li: {"basic": "1440.00", "care": "100.00"}})
    enrol("disability", zhang, {zhang: "150.00"})
    enrol("disability", zhao, {zhao: "150.00"}, area=areas["waihai_village"])
    app = Application.objects.create(number="DB2024001", programme="dibao", applicant=feng, area=areas["yingnan"],
                                      channel="staff", step_started_at=timezone.now(), related_to_staff=True)
    enrol("dibao", feng, {feng: "400.00"}, application=app)
    services.staff_relative_register(actor=hzq, staff=people["lile_officer"], person=zheng, relation="配偶")
    qian_case = enrol("dibao", qian, {})  # 增发 from May: April's entitlement closes, May's opens
    for frm, to, amount in ((APRIL, MAY, "300.00"), (MAY, None, "700.00")):
        Entitlement.objects.create(case=qian_case, person=qian, component="basic", monthly_amount=Decimal(amount),
                                   from_month=frm, to_month=to, rule_version="test", explanation="测试")
    return {"chen": chen, "he": he, "li": li, "zhang": zhang, "zhao": zhao, "wu": wu, "qian": qian}


def test_each_rule_catches_its_case_and_nobody_else(areas, people, village):
    hzq = people["jianghai_approver"]
    generate(hzq, areas["jianghai"], APRIL)  # last month's roster, for the jump rule
    may = generate(hzq, areas["jianghai"])
    services.roster_line_adjust(actor=hzq, line=line_of(may, "吴九"), amount="800.00", reason="误录")
    services.roster_line_adjust(actor=hzq, line=line_of(may, "张三"), amount="300.00", reason="当月扣减")
    services.roster_check(actor=hzq, roster=may)

    hits = {(a.rule, a.line.person.name) for a in Anomaly.objects.filter(roster=may).select_related("line__person")}
    assert hits == {
        ("deceased", "陈伯"),
        ("excluded_programmes", "李秀英"),
        ("two_areas", "赵六"),
        ("shared_account", "孙七"), ("shared_account", "周八"),
        ("above_entitlement", "吴九"),
        ("staff_relative", "郑十"), ("staff_relative", "冯一"),
        ("sudden_jump", "钱二"),
        ("missing_account", "孤老"),
    }
    detail = {(a.rule, a.line.person.name): a.detail for a in Anomaly.objects.filter(roster=may)}
    assert detail[("deceased", "陈伯")] == "陈伯已于2024-04-10死亡，仍在2024年05月发放名单中"
    assert detail[("excluded_programmes", "李秀英")].startswith("李秀英同时享受特困供养金，两者不得同时享受（依据：")
    assert detail[("two_areas", "赵六")] == "赵六本月在外海社区也有在保救助金额"
    assert detail[("shared_account", "孙七")] == "银行账号尾号9999同时为周八收款，与孙七不属于同一家庭"
    assert detail[("above_entitlement", "吴九")] == "吴九本笔发放800.00元，超过核定金额400.00元"
    assert detail[("staff_relative", "郑十")] == "郑十为工作人员李建华的近亲属（已备案），发放前须重点核查"
    assert detail[("staff_relative", "冯一")] == "冯一的申请已登记为与经办人员有近亲属关系，发放前须重点核查"
    assert detail[("sudden_jump", "钱二")] == "钱二本月金额700.00元，超过上月300.00元的2倍"
    assert detail[("missing_account", "孤老")] == "孤老及户主均未登记银行账号，无法社会化发放"
    assert {a.rule for a in Anomaly.objects.filter(roster=may, blocking=False)} == {"staff_relative"}

    # Checking again finds the same hits and adds nothing.
    assert set(services.roster_check(actor=hzq, roster=may).values()) == {0}
    assert Anomaly.objects.filter(roster=may).count() == 10


def test_exclusion_is_read_in_both_directions(areas, people, village):
    hzq = people["jianghai_approver"]
    tekun = generate(hzq, areas["jianghai"], programme="tekun")
    services.roster_check(actor=hzq, roster=tekun)
    assert [(a.rule, a.line.person.name) for a in Anomaly.objects.filter(roster=tekun)] == [
        ("excluded_programmes", "李秀英")]
    assert line_of(tekun, "李秀英").amount == Decimal("1540.00")  # basic + care in one payment


def test_release_waits_for_blocking_hits_but_not_for_advisory_ones(areas, people, make_person, enrol, wang_family):
    hzq = people["jianghai_approver"]
    chen = make_person("陈伯", bank_account="6228480088000001")
    registry.person_update(actor=hzq, person=chen, death_date=dt.date(2024, 4, 10))
    enrol("dibao", chen, {chen: "400.00"})
    zheng = make_person("郑十", bank_account="6228480088000007")
    enrol("dibao", zheng, {zheng: "400.00"})
    services.staff_relative_register(actor=hzq, staff=people["lile_officer"], person=zheng, relation="配偶")
    roster = generate(hzq, areas["jianghai"])
    services.roster_check(actor=hzq, roster=roster)
    with pytest.raises(Conflict, match="还有1条阻止发布的资金监管疑点未处置（如：陈伯已于2024-04-10死亡"):
        services.roster_release(actor=people["jianghai_checker"], roster=roster)
    # The county decides the death rule only warns (configuration is data): release then goes through.
    SupervisionRule.objects.filter(code="deceased").update(blocking=False)
    Anomaly.objects.filter(rule="deceased").update(blocking=False)
    assert services.roster_release(actor=people["jianghai_checker"], roster=roster).status == "released"
    # Advisory hits stay on the list after release for follow-up.
    assert Anomaly.objects.filter(status="open").count() == 2


def test_anomaly_from_discovery_to_closure(areas, people, make_person, enrol, wang_family):
    hzq, auditor = people["jianghai_approver"], people["auditor"]
    lin = user_create(actor=None, username="linj", password="Minzheng#2026", display_name="林静", role=Role.COUNTY,
                      areas=[areas["jianghai"]])
    chen = make_person("陈伯", bank_account="6228480088000001")
    registry.person_update(actor=hzq, person=chen, death_date=dt.date(2024, 4, 10))
    enrol("dibao", chen, {chen: "400.00"})
    roster = generate(hzq, areas["jianghai"])
    services.roster_check(actor=hzq, roster=roster)
    anomaly = Anomaly.objects.get()
    assert (anomaly.status, anomaly.blocking) == ("open", True)

    # 吴敏 (auditor) reads the list but handles nothing; 梁文杰 (郁南县) does not even see it.
    assert list(selectors.anomalies_for(auditor)) == [anomaly]
    assert list(selectors.anomalies_for(people["yunan_approver"])) == []
    with pytest.raises(Forbidden):
        services.anomaly_assign(actor=auditor, anomaly=anomaly, assignee=lin)
    with pytest.raises(NotFound):
        services.anomaly_assign(actor=people["yunan_approver"], anomaly=anomaly, assignee=lin)
    with pytest.raises(Conflict, match="须先处置才能办结"):
        services.anomaly_close(actor=hzq, anomaly=anomaly)
    with pytest.raises(Conflict, match="须先分派承办人再处置"):
        services.anomaly_dispose(actor=hzq, anomaly=anomaly, disposition="已核实")
    with pytest.raises(DomainError, match="承办人须为有权处置本区域"):
        services.anomaly_assign(actor=hzq, anomaly=anomaly, assignee=people["yunan_approver"])

    anomaly = services.anomaly_assign(actor=hzq, anomaly=anomaly, assignee=lin)
    assert (anomaly.status, anomaly.assignee) == ("assigned", lin)
    with pytest.raises(Forbidden, match="只有承办人"):
        services.anomaly_dispose(actor=hzq, anomaly=anomaly, disposition="已核实")
    with pytest.raises(DomainError, match="处置意见不能为空"):
        services.anomaly_dispose(actor=lin, anomaly=anomaly, disposition="  ")
    anomaly = services.anomaly_dispose(actor=lin, anomaly=anomaly, withhold_line=True,
                                       disposition="经公安死亡信息核实，陈伯已于4月10日死亡，本月停发，办理退出")
    line = RosterLine.objects.get(person=chen)
    roster.refresh_from_db()
    assert (anomaly.status, anomaly.withheld, line.status) == ("disposed", True, "withheld")
    assert (roster.line_count, roster.total_amount) == (2, Decimal("1000.00"))

    roster = services.roster_release(actor=people["jianghai_checker"], roster=roster)  # nothing blocking left
    anomaly = services.anomaly_close(actor=hzq, anomaly=anomaly)
    assert anomaly.status == "closed" and anomaly.closed_at is not None
    _, rows = bankfiles.bank_file_export(actor=hzq, roster=roster)
    assert "陈伯" not in b"".join(rows).decode("utf-8-sig")
    assert list(AuditEntry.objects.filter(object_type="Anomaly").values_list("action", "actor__username")) == [
        ("payroll.anomaly_assign", "huangzq"), ("payroll.anomaly_dispose", "linj"),
        ("payroll.anomaly_close", "huangzq")]
    with pytest.raises(Conflict, match="不能再分派"):
        services.anomaly_assign(actor=hzq, anomaly=anomaly, assignee=lin)


def test_withholding_is_refused_once_released(areas, people, make_person, enrol, wang_family):
    hzq = people["jianghai_approver"]
    zheng = make_person("郑十", bank_account="6228480088000007")
    enrol("dibao", zheng, {zheng: "400.00"})
    services.staff_relative_register(actor=hzq, staff=people["lile_officer"], person=zheng, relation="配偶")
    roster = generate(hzq, areas["jianghai"])
    services.roster_check(actor=hzq, roster=roster)
    services.roster_release(actor=people["jianghai_checker"], roster=roster)
    anomaly = services.anomaly_assign(actor=hzq, anomaly=Anomaly.objects.get(), assignee=hzq)
    with pytest.raises(Conflict, match="已发布"):
        services.anomaly_dispose(actor=hzq, anomaly=anomaly, disposition="停发", withhold_line=True)
    assert Anomaly.objects.get().status == "assigned" and RosterLine.objects.filter(status="withheld").count() == 0
    assert services.anomaly_dispose(actor=hzq, anomaly=anomaly, disposition="已入户核实，符合条件").status == "disposed"
    assert Roster.objects.get().status == "released"
