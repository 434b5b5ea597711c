"""李建华 of 礼乐街道 runs 核对 for 陈伯 and 林婶 (英南村, 江海区 低保 900 元/人·月) and reads the 核对报告."""

import datetime as dt
from decimal import Decimal

import pytest

from minzheng.core.errors import DomainError
from minzheng.core.models import AuditEntry
from minzheng.core.pdf import pdf_text
from minzheng.verification.models import Conclusion, VerificationReport
from minzheng.verification.report import report_pdf
from minzheng.verification.services import (
    department_batch_push,
    household_income_summary,
    rigid_expense_record,
    verification_run,
    verify_many,
)

from .conftest import AS_OF, ON


def pension(w, person, amount, *, item="企业职工基本养老保险", as_of=AS_OF):
    return department_batch_push(actor=w.huang, source="hrss_pension", as_of=as_of, records=[
        {"身份证号": person.id_number, "姓名": person.name, "养老金项目": item, "月发放金额(元)": amount}])


def deposit(w, person, amount, account="6228480000001111", bank="农业银行江门分行"):
    """Each bank answers for its own accounts: the provider of the batch."""
    return department_batch_push(actor=w.huang, source="bank_deposit", as_of=AS_OF, provider=bank, records=[
        {"身份证号": person.id_number, "户名": person.name, "账号": account, "开户银行": bank, "存款余额(元)": amount}])


def line(report, source):
    return next(ln for ln in report.lines if ln["source"] == source)


def test_a_pension_that_lifts_the_couple_above_the_standard(w):
    pension(w, w.chenbo, "1900")
    report = verification_run(actor=w.li, household=w.couple, on=ON)
    assert report.member_count == 2
    assert report.household_income == Decimal("1900.00") and report.per_capita_income == Decimal("950.00")
    assert report.standard == Decimal("900") and "江海区" in report.standard_explanation
    assert report.conclusion == Conclusion.INCOME_ABOVE
    assert "人均月收入950.00元，不低于英南村低保标准900.00元/人·月" in report.conclusion_text
    assert line(report, "hrss_pension")["effect"] == "counted"
    assert line(report, "hrss_pension")["person"] == "陈伯"
    assert report.rule_version.startswith("standard:")
    entry = AuditEntry.objects.get(action="verification.run")
    assert entry.actor == w.li and entry.after["conclusion"] == "income_above"
    assert entry.after["per_capita_income"] == "950.00"


def test_a_smaller_pension_keeps_them_below_it(w):
    pension(w, w.chenbo, "1700")
    report = verification_run(actor=w.li, household=w.couple, on=ON)
    assert report.per_capita_income == Decimal("850.00")
    assert report.conclusion == Conclusion.MEETS
    assert "结论：符合低保经济状况条件" in report.conclusion_text


def test_a_banks_new_file_replaces_its_old_one_but_not_another_banks(w):
    deposit(w, w.chenbo, "5000")
    deposit(w, w.chenbo, "7000", account="6222020000002222", bank="工商银行江门分行")
    deposit(w, w.chenbo, "6000")                                 # 农业银行 sends a corrected file
    assert verification_run(actor=w.li, household=w.couple, on=ON).money_assets == Decimal("13000.00")


def test_the_latest_batch_counts_and_an_old_one_expires(w):
    pension(w, w.chenbo, "1900", as_of=dt.date(2024, 4, 30))
    pension(w, w.chenbo, "1700")                                # May's file replaces April's
    assert verification_run(actor=w.li, household=w.couple, on=ON).per_capita_income == Decimal("850.00")
    # April's data on 2024-05-15 (May's file is not yet dated): 950
    assert verification_run(actor=w.li, household=w.couple, on=dt.date(2024, 5, 15)).per_capita_income == Decimal(
        "950.00")
    # a year later, a monthly pension file is too old to count (validity 100 days)
    late = verification_run(actor=w.li, household=w.couple, on=dt.date(2025, 6, 1))
    assert late.household_income == 0 and late.lines == []


def test_the_basic_resident_pension_is_disregarded_by_policy(w):
    pension(w, w.chenbo, "2000", item="城乡居民基本养老保险基础养老金")
    report = verification_run(actor=w.li, household=w.couple, on=ON)
    ln = line(report, "hrss_pension")
    assert ln["effect"] == "disregarded" and "民发〔2021〕57号" in ln["reason"]
    assert report.household_income == 0 and report.conclusion == Conclusion.MEETS


def test_wages_reported_by_both_hrss_and_tax_count_once_at_the_higher_figure(w):
    department_batch_push(actor=w.huang, source="hrss_wage", as_of=AS_OF, records=[
        {"身份证号": w.linshen.id_number, "姓名": "林婶", "工作单位": "礼乐五金厂", "月应发工资(元)": "1000"}])
    department_batch_push(actor=w.huang, source="tax_income", as_of=AS_OF, records=[
        {"纳税人识别号": w.linshen.id_number, "纳税人姓名": "林婶", "所得项目": "工资薪金所得",
         "年度收入额(元)": "14400"}])
    report = verification_run(actor=w.li, household=w.couple, on=ON)
    assert line(report, "tax_income")["effect"] == "counted"      # 14400 ÷ 12 = 1200 > 1000
    assert line(report, "hrss_wage")["effect"] == "duplicate"
    assert report.household_income == Decimal("1200.00")


def test_deposits_above_24_months_of_the_standard_per_person_exceed_the_asset_limit(w):
    pension(w, w.chenbo, "1000")
    deposit(w, w.chenbo, "30000")
    # 43201 ÷ 2 = 21600.50 per person > 24 × 900 = 21600
    deposit(w, w.linshen, "13201", account="6228480000009999", bank="工商银行江门分行")
    report = verification_run(actor=w.li, household=w.couple, on=ON)
    assert report.money_assets == Decimal("43201.00")
    assert report.assets["money"]["exceeds"] is True and report.assets["money"]["limit"] == "21600.00"
    assert {ln["effect"] for ln in report.lines if ln["source"] == "bank_deposit"} == {"exceeds"}
    assert report.conclusion == Conclusion.ASSETS_ABOVE
    assert "家庭财产超过规定限额" in report.conclusion_text


def test_deposits_just_within_the_limit_pass(w):
    deposit(w, w.chenbo, "43200")
    report = verification_run(actor=w.li, household=w.couple, on=ON)
    assert report.assets["money"]["exceeds"] is False and report.conclusion == Conclusion.MEETS


def test_a_car_and_a_second_home_exceed_their_limits(w):
    department_batch_push(actor=w.huang, source="vehicle", as_of=AS_OF, records=[
        {"车主证件号": w.chenbo.id_number, "车主": "陈伯", "号牌号码": "粤J12345", "车辆类型": "小型轿车",
         "评估价值(元)": "30000"}])
    department_batch_push(actor=w.huang, source="property", as_of=AS_OF, records=[
        {"权利人证件号": w.chenbo.id_number, "权利人": "陈伯", "不动产权证号": f"粤(2020)第000{i}号",
         "坐落": f"英南村{i}号", "建筑面积(㎡)": "80"} for i in (1, 2)])
    report = verification_run(actor=w.li, household=w.couple, on=ON)
    assert report.assets["vehicle"]["exceeds"] and report.assets["property"]["exceeds"]
    assert report.assets["property"]["text"] == "家庭住房2套，限额1套"
    assert report.conclusion == Conclusion.ASSETS_ABOVE


def test_rigid_medical_expenses_of_an_expenditure_type_household_are_deducted(w):
    pension(w, w.chenbo, "2000")                                  # 1000 per person: above 900
    rigid_expense_record(actor=w.li, household=w.couple, person=w.linshen, category="medical", amount="14400",
                         period="annual", valid_from=dt.date(2024, 1, 1), evidence="江门市中心医院住院发票 No.0012")
    report = verification_run(actor=w.li, household=w.couple, on=ON)
    # 1200 a month is 60 % of the income ≥ 50 %: 支出型困难家庭, deducted in full
    assert report.rigid_deduction == Decimal("1200.00")
    assert report.per_capita_income == Decimal("400.00") and report.conclusion == Conclusion.MEETS
    rigid = line(report, "rigid_expense")
    assert rigid["effect"] == "deducted" and "达到支出型困难家庭认定比例50%" in rigid["reason"]
    assert AuditEntry.objects.filter(action="verification.rigid_expense").count() == 1


def test_small_rigid_expenses_are_not_deducted(w):
    pension(w, w.chenbo, "2000")
    rigid_expense_record(actor=w.li, household=w.couple, category="education", amount="500", period="monthly",
                         valid_from=dt.date(2024, 1, 1), evidence="学费收据 2024-001")
    report = verification_run(actor=w.li, household=w.couple, on=ON)
    assert report.rigid_deduction == 0 and report.per_capita_income == Decimal("1000.00")
    assert line(report, "rigid_expense")["effect"] == "not_deducted"


def test_bad_rigid_expenses_are_refused(w):
    with pytest.raises(DomainError, match="金额“-5”不能为负数"):
        rigid_expense_record(actor=w.li, household=w.couple, category="medical", amount="-5", period="monthly",
                             valid_from=ON, evidence="发票")
    with pytest.raises(DomainError, match="请填写凭证"):
        rigid_expense_record(actor=w.li, household=w.couple, category="medical", amount="5", period="monthly",
                             valid_from=ON, evidence=" ")


def test_a_member_reported_dead_by_the_police_is_not_counted(w):
    pension(w, w.chenbo, "1000")
    department_batch_push(actor=w.huang, source="police_death", as_of=AS_OF, records=[
        {"公民身份号码": w.linshen.id_number, "姓名": "林婶", "死亡日期": "2024-03-01", "注销原因": "死亡"}])
    report = verification_run(actor=w.li, household=w.couple, on=ON)
    assert report.member_count == 1 and report.per_capita_income == Decimal("1000.00")
    assert report.conclusion == Conclusion.INCOME_ABOVE
    linshen = next(m for m in report.members if m["name"] == "林婶")
    assert linshen["counted"] is False and "2024-03-01" in linshen["note"]


def test_a_name_that_differs_between_department_and_registry_is_flagged(w):
    department_batch_push(actor=w.huang, source="hrss_pension", as_of=AS_OF, records=[
        {"身份证号": w.chenbo.id_number, "姓名": "陈博", "养老金项目": "企业职工基本养老保险",
         "月发放金额(元)": "100"}])
    report = verification_run(actor=w.li, household=w.couple, on=ON)
    assert any("“陈博”与人员库姓名“陈伯”不一致" in x for x in report.warnings)


def test_the_income_summary_for_the_programmes(w):
    pension(w, w.chenbo, "1700")
    deposit(w, w.linshen, "5000")
    s = household_income_summary(w.couple, ON)
    assert s.member_incomes == {w.chenbo.pk: Decimal("1700.00"), w.linshen.pk: Decimal("0")}
    assert s.assets == Decimal("5000.00") and s.per_capita_income == Decimal("850.00")
    assert s.member_count == 2 and s.standard == Decimal("900") and not VerificationReport.objects.exists()


def test_the_batch_run_agrees_with_the_single_report(w):
    pension(w, w.chenbo, "1900")
    deposit(w, w.chenbo, "1000")
    deposit(w, w.chenbo, "2000", account="6222020000002222", bank="工商银行江门分行")  # another bank's file
    single = verification_run(actor=w.li, household=w.couple, on=ON)
    results = dict(verify_many([w.couple.pk, w.yunan_home.pk], ON))
    assert results[w.couple.pk].per_capita_income == single.per_capita_income
    assert results[w.couple.pk].money_assets == Decimal("3000.00")
    assert results[w.couple.pk].conclusion == single.conclusion
    assert results[w.yunan_home.pk].standard == Decimal("785")     # 郁南县 城市(社区) 低保 2020


def test_the_pdf_report_carries_the_chinese_text(w):
    pension(w, w.chenbo, "1900")
    report = verification_run(actor=w.li, household=w.couple, on=ON)
    data = report_pdf(report)
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    for expected in ("家庭经济状况核对报告", "陈伯", "林婶", "人社·养老金发放", "950.00", "900.00",
                     "家庭人均收入不低于低保标准", report.number):
        assert expected in text, expected
