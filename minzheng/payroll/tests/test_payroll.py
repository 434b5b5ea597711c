"""Monthly payroll told as 江海区's May–July 2024: 黄志强 (county) generates the 低保 roster for 江海区, runs the
fund-supervision checks, his colleague 麦嘉怡 releases it (four-eyes), he sends the bank file and reads the bank's
answer back."""

import datetime as dt
from decimal import Decimal

import pytest

from minzheng.core.errors import Conflict, DomainError
from minzheng.core.models import AuditEntry
from minzheng.payroll import bankfiles, selectors, services
from minzheng.payroll.models import Anomaly, Roster, RosterLine

from .conftest import JULY, JUNE, MAY, WANG_ACCOUNT


def checker_for(area, maker):
    """The second pair of eyes: another county officer of the area (麦嘉怡 in 江海区), made if the story has none."""
    from minzheng.accounts.models import User
    from minzheng.accounts.roles import Role
    from minzheng.accounts.services import user_create

    other = (User.objects.filter(role=Role.COUNTY, area_assignments__area=area).exclude(pk=maker.pk)
             .order_by("pk").first())
    return other or user_create(actor=None, username=f"checker{area.code}", password="Minzheng#2026",
                                display_name="复核员", role=Role.COUNTY, areas=[area])


def released(actor, area, month, programme="dibao"):
    roster = services.roster_generate(actor=actor, programme=programme, area=area, month=month)
    services.roster_check(actor=actor, roster=roster)
    return services.roster_release(actor=checker_for(area, actor), roster=roster)


def bank_file_text(actor, roster) -> str:
    _, rows = bankfiles.bank_file_export(actor=actor, roster=roster)
    return b"".join(rows).decode("utf-8-sig")


def result_file(*rows, header="序号,姓名,银行账号,金额,结果,失败原因") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def test_wang_family_is_paid_from_case_to_bank_result(areas, people, wang_family):
    hzq = people["jianghai_approver"]
    roster = services.roster_generate(actor=hzq, programme="dibao", area=areas["jianghai"], month=MAY)
    assert (roster.status, roster.line_count, roster.total_amount) == ("draft", 2, Decimal("1000.00"))
    lines = {x.person.name: x for x in RosterLine.objects.filter(roster=roster).select_related("person")}
    # The grandson has no account of his own: his money goes to the household head's 一卡通.
    assert lines["王小明"].bank_account == lines["王德明"].bank_account == WANG_ACCOUNT
    assert {x.fund for x in lines.values()} == {"中央"}

    assert services.roster_check(actor=hzq, roster=roster)["shared_account"] == 0  # same household: not flagged
    assert not Anomaly.objects.exists()
    roster = services.roster_release(actor=people["jianghai_checker"], roster=roster)
    assert roster.status == "released"

    text = bank_file_text(hzq, roster)
    rows = text.strip().splitlines()
    assert rows[0] == "序号,姓名,身份证号,银行账号,金额,摘要"
    assert rows[1].startswith("1,王德明,") and rows[1].endswith(f",{WANG_ACCOUNT},500.00,2024年05月低保金")
    assert wang_family["wang"].id_number in rows[1]  # the bank needs the full number; the export is audited
    assert rows[-1] == "合计,,,,1000.00,共2笔"
    assert AuditEntry.objects.filter(action="payroll.bank_file_export", object_id=str(roster.pk)).count() == 1

    summary = bankfiles.bank_result_import(actor=hzq, roster=roster, data=result_file(
        f"1,王德明,{WANG_ACCOUNT},500.00,成功,", f"2,王小明,{WANG_ACCOUNT},500.00,成功,"))
    assert (summary["paid"], summary["failed"], summary["file_total"]) == (2, 0, Decimal("1000.00"))
    assert summary["balanced"] and summary["paid_amount"] == Decimal("1000.00") and summary["pending_lines"] == 0
    assert set(RosterLine.objects.values_list("status", flat=True)) == {"paid"}

    totals = selectors.totals(people["auditor"], month=MAY)
    assert totals == [{"area_code": "440704", "area_name": "江海区", "programme": "dibao", "fund": "中央", "lines": 2,
                       "amount": Decimal("1000.00"), "paid_amount": Decimal("1000.00"),
                       # by who pays it: data/payroll/fund_shares.csv (低保, province row: 60/20/10/10)
                       "central": Decimal("600.00"), "province": Decimal("200.00"), "city": Decimal("100.00"),
                       "county": Decimal("100.00")}]
    assert selectors.totals(people["yunan_approver"], month=MAY) == []
    actions = list(AuditEntry.objects.filter(object_type="Roster").values_list("action", flat=True))
    assert actions == ["payroll.roster_generate", "payroll.roster_check", "payroll.roster_release",
                       "payroll.bank_file_export", "payroll.bank_result_import"]


def test_a_rerun_adds_nothing_twice_and_picks_up_a_new_enrolment(areas, people, make_person, enrol, wang_family):
    hzq = people["jianghai_approver"]
    first = services.roster_generate(actor=hzq, programme="dibao", area=areas["jianghai"], month=MAY)
    services.roster_check(actor=hzq, roster=first)
    again = services.roster_generate(actor=hzq, programme="dibao", area=areas["jianghai"], month=MAY)
    assert again.pk == first.pk and Roster.objects.count() == 1
    assert RosterLine.objects.count() == 2 and again.status == "checked"  # nothing new: still checked

    # 李秀英 is enrolled after the first run (an interrupted run is the same situation): the rerun adds only her.
    li = make_person("李秀英", birth=dt.date(1960, 2, 2), sex="F", bank_account="6228480088005678")
    enrol("dibao", li, {li: "300.00"})
    again = services.roster_generate(actor=hzq, programme="dibao", area=areas["jianghai"], month=MAY)
    assert RosterLine.objects.count() == 3
    assert (again.status, again.line_count, again.total_amount) == ("draft", 3, Decimal("1300.00"))
    services.roster_generate(actor=hzq, programme="dibao", area=areas["jianghai"], month=MAY)
    assert RosterLine.objects.count() == 3


def test_roster_covers_only_its_area_and_cases_in_force(areas, people, make_person, enrol, wang_family):
    hzq, lwj = people["jianghai_approver"], people["yunan_approver"]
    liang = make_person("梁志", area=areas["ducheng_village"], bank_account="6228480099001111")
    enrol("dibao", liang, {liang: "400.00"})
    ended = make_person("陈伯", bank_account="6228480088002222")
    enrol("dibao", ended, {ended: "400.00"}, to_month=MAY)  # 停发 from May
    later = make_person("何婆", sex="F", bank_account="6228480088003333")
    enrol("dibao", later, {later: "400.00"}, start=JUNE)
    jh = services.roster_generate(actor=hzq, programme="dibao", area=areas["jianghai"], month=MAY)
    yn = services.roster_generate(actor=lwj, programme="dibao", area=areas["yunan"], month=MAY)
    assert set(jh.lines.values_list("person__name", flat=True)) == {"王德明", "王小明"}
    assert set(yn.lines.values_list("person__name", flat=True)) == {"梁志"}
    with pytest.raises(DomainError, match="发放月份应为某月1日"):
        services.roster_generate(actor=hzq, programme="dibao", area=areas["jianghai"], month=dt.date(2024, 5, 2))
    with pytest.raises(DomainError, match="救助项目“nonsense”不存在"):
        services.roster_generate(actor=hzq, programme="nonsense", area=areas["jianghai"], month=MAY)


def test_failed_line_is_reissued_next_month_exactly_once(areas, people, wang_family):
    hzq = people["jianghai_approver"]
    may = released(hzq, areas["jianghai"], MAY)
    bankfiles.bank_result_import(actor=hzq, roster=may, data=result_file(
        f"1,王德明,{WANG_ACCOUNT},500.00,成功,", f"2,王小明,{WANG_ACCOUNT},500.00,失败,账户已冻结"))
    failed = RosterLine.objects.get(roster=may, person=wang_family["grandson"])
    assert (failed.status, failed.fail_reason) == ("failed", "账户已冻结")
    recon = bankfiles.reconcile(may)
    assert (recon["paid_amount"], recon["failed_amount"], recon["balanced"]) == (Decimal("500.00"),
                                                                                 Decimal("500.00"), True)

    june = services.roster_generate(actor=hzq, programme="dibao", area=areas["jianghai"], month=JUNE)
    services.roster_generate(actor=hzq, programme="dibao", area=areas["jianghai"], month=JUNE)  # rerun
    reissue = RosterLine.objects.get(roster=june, reissue_of__isnull=False)
    assert (reissue.reissue_of_id, reissue.for_month, reissue.amount) == (failed.pk, MAY, Decimal("500.00"))
    assert june.lines.count() == 3 and june.total_amount == Decimal("1500.00")
    failed.refresh_from_db()
    assert failed.status == "reissued"
    services.roster_check(actor=hzq, roster=june)
    june = services.roster_release(actor=people["jianghai_checker"], roster=june)
    assert "补发2024年05月低保金" in bank_file_text(hzq, june)

    july = services.roster_generate(actor=hzq, programme="dibao", area=areas["jianghai"], month=JULY)
    assert not july.lines.filter(reissue_of__isnull=False).exists()
    assert RosterLine.objects.filter(reissue_of=failed).count() == 1


def test_released_roster_cannot_be_changed(areas, people, wang_family):
    hzq = people["jianghai_approver"]
    roster = released(hzq, areas["jianghai"], MAY)
    line = roster.lines.first()
    before = (AuditEntry.objects.count(), list(RosterLine.objects.values_list("id", "amount", "status")))
    for attempt in (
        lambda: services.roster_generate(actor=hzq, programme="dibao", area=areas["jianghai"], month=MAY),
        lambda: services.roster_check(actor=hzq, roster=roster),
        lambda: services.roster_release(actor=hzq, roster=roster),
        lambda: services.roster_line_adjust(actor=hzq, line=line, amount="900.00", reason="补发"),
    ):
        with pytest.raises(Conflict, match="已发布"):
            attempt()
    assert before == (AuditEntry.objects.count(), list(RosterLine.objects.values_list("id", "amount", "status")))


def test_release_needs_the_checks_first(areas, people, wang_family):
    hzq = people["jianghai_approver"]
    roster = services.roster_generate(actor=hzq, programme="dibao", area=areas["jianghai"], month=MAY)
    with pytest.raises(Conflict, match="尚未完成资金监管校验"):
        services.roster_release(actor=people["jianghai_checker"], roster=roster)
    services.roster_check(actor=hzq, roster=roster)
    services.roster_line_adjust(actor=hzq, line=roster.lines.first(), amount="450.00", reason="当月扣减")
    with pytest.raises(Conflict, match="尚未完成资金监管校验"):
        services.roster_release(actor=people["jianghai_checker"], roster=roster)
    with pytest.raises(DomainError, match="调整说明"):
        services.roster_line_adjust(actor=hzq, line=roster.lines.first(), amount="450.00", reason=" ")
    with pytest.raises(DomainError, match="金额“-1”"):
        services.roster_line_adjust(actor=hzq, line=roster.lines.first(), amount="-1", reason="x")
    with pytest.raises(DomainError, match="金额“abc”不是有效金额"):
        services.roster_line_adjust(actor=hzq, line=roster.lines.first(), amount="abc", reason="x")


@pytest.mark.parametrize("rows, message", [
    ([f"1,王德明,{WANG_ACCOUNT},500.00,成功,", f"9,某人,{WANG_ACCOUNT},500.00,成功,"], "第3行：序号9不在本发放名单中"),
    ([f"1,王德明,{WANG_ACCOUNT},500.00,成功,", f"1,王德明,{WANG_ACCOUNT},500.00,成功,"], "第3行：序号1与第2行重复"),
    ([f"1,王德明,{WANG_ACCOUNT},500.00,成功,", f"2,王小明,{WANG_ACCOUNT},5000.00,成功,"],
     "第3行：序号2的金额5000.00元与发放名单的500.00元不符"),
    (["1,王德明,6228480000000000,500.00,成功,"], "第2行：序号1的银行账号与发放名单不符"),
    ([f"2,王小明,{WANG_ACCOUNT},500.00,失败,"], "第2行：序号2发放失败但未写明失败原因"),
    ([f"2,王小明,{WANG_ACCOUNT},500.00,待定,"], "第2行：结果“待定”无效"),
    ([f"A1,王小明,{WANG_ACCOUNT},500.00,成功,"], "第2行：序号“A1”无效"),
    ([f"2,王小明,{WANG_ACCOUNT},五百,成功,"], "第2行：金额“五百”不是有效金额"),
])
def test_bad_bank_result_is_refused_whole_naming_the_row(areas, people, wang_family, rows, message):
    hzq = people["jianghai_approver"]
    roster = released(hzq, areas["jianghai"], MAY)
    before = (AuditEntry.objects.count(), list(RosterLine.objects.values_list("id", "status", "fail_reason")))
    with pytest.raises(DomainError) as err:
        bankfiles.bank_result_import(actor=hzq, roster=roster, data=result_file(*rows))
    assert message in err.value.message and "未写入任何结果" in err.value.message
    assert err.value.details[0]["message"].startswith(message[:4])
    assert before == (AuditEntry.objects.count(), list(RosterLine.objects.values_list("id", "status", "fail_reason")))


def test_bank_result_file_shape_and_repeats(areas, people, wang_family):
    hzq = people["jianghai_approver"]
    roster = released(hzq, areas["jianghai"], MAY)
    with pytest.raises(DomainError, match="回盘文件缺少列：结果"):
        bankfiles.bank_result_import(actor=hzq, roster=roster, data=result_file(
            f"1,{WANG_ACCOUNT},500.00", header="序号,银行账号,金额"))
    with pytest.raises(DomainError, match="没有数据行"):
        bankfiles.bank_result_import(actor=hzq, roster=roster, data=result_file())
    # A bank may answer in parts, in GBK, with its own 合计 row; the other line stays pending.
    gbk = result_file(f"1,王德明,{WANG_ACCOUNT},500.00,成功,", "合计,,,500.00,,").decode().encode("gb18030")
    summary = bankfiles.bank_result_import(actor=hzq, roster=roster, data=gbk)
    assert (summary["paid"], summary["pending_lines"], summary["balanced"]) == (1, 1, True)
    with pytest.raises(DomainError, match="序号1已有回盘结果（已发放），不能重复导入"):
        bankfiles.bank_result_import(actor=hzq, roster=roster, data=result_file(
            f"1,王德明,{WANG_ACCOUNT},500.00,成功,"))


def test_bank_file_only_after_release(areas, people, wang_family):
    hzq = people["jianghai_approver"]
    roster = services.roster_generate(actor=hzq, programme="dibao", area=areas["jianghai"], month=MAY)
    with pytest.raises(Conflict, match="名单发布后才能生成银行代发文件"):
        bankfiles.bank_file_export(actor=hzq, roster=roster)
    with pytest.raises(Conflict, match="名单尚未发布"):
        bankfiles.bank_result_import(actor=hzq, roster=roster, data=result_file())


def test_counties_of_a_city_each_get_their_own_roster(areas, people, make_person, enrol, wang_family):
    from minzheng.accounts.roles import Role
    from minzheng.accounts.services import user_create

    admin = user_create(actor=None, username="gd_admin", password="Minzheng#2026", display_name="省管理员",
                        role=Role.ADMIN, areas=[areas["gd"]])
    liang = make_person("梁志", area=areas["ducheng_village"], bank_account="6228480099001111")
    enrol("dibao", liang, {liang: "400.00"})
    rosters = services.roster_generate_within(actor=admin, programme="dibao", area=areas["gd"], month=MAY)
    assert {(r.area.name, r.line_count) for r in rosters} == {("江海区", 2), ("郁南县", 1)}
    again = services.roster_generate_within(actor=admin, programme="dibao", area=areas["gd"], month=MAY)
    assert [r.pk for r in again] == [r.pk for r in rosters] and RosterLine.objects.count() == 3
