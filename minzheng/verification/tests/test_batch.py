"""黄志强 re-checks every household of 英南村 at once (verify_many). Whatever the departments reported — deaths,
wages from two departments, disregarded pensions, deposits at several banks, cars and homes, 刚性支出 — the batch
run must reach, household by household, the figures and conclusion of the single 核对报告."""

import datetime as dt
from decimal import Decimal

from minzheng.policy.services import standard_create
from minzheng.verification.models import Conclusion
from minzheng.verification.services import (
    department_batch_push,
    household_income_summary,
    rigid_expense_record,
    verification_run,
    verify_many,
)

from .conftest import AS_OF, ON


def push(w, source, rows, *, as_of=AS_OF, provider=""):
    return department_batch_push(actor=w.huang, source=source, as_of=as_of, records=rows, provider=provider)


def pension(person, amount, item="企业职工基本养老保险"):
    return {"身份证号": person.id_number, "姓名": person.name, "养老金项目": item, "月发放金额(元)": amount}


def deposit(person, amount, account):
    return {"身份证号": person.id_number, "户名": person.name, "账号": account, "开户银行": "农业银行",
            "存款余额(元)": amount}


def village_of_many_situations(w):
    """Seven households of 英南村 and 何叔 in 郁南县, each showing one rule."""
    p = w.person
    # 1. 陈伯 and 林婶 (the couple): pensions from two files, an old one replaced; deposits at two banks
    push(w, "hrss_pension", [pension(w.chenbo, "1900")], as_of=dt.date(2024, 4, 30))
    push(w, "hrss_pension", [pension(w.chenbo, "1333.33"), pension(w.linshen, "0.01")])
    push(w, "bank_deposit", [deposit(w.chenbo, "1000", "1")], provider="农业银行")
    push(w, "bank_deposit", [deposit(w.linshen, "2000.5", "2")], provider="工商银行")
    # 2. 张叔 (dead in the registry? no: reported dead by the police) and his wife 张婶 with wages
    zhang, zhangshen = p("张叔", birth=dt.date(1960, 1, 2)), p("张婶", sex="F", birth=dt.date(1962, 3, 4))
    zhangs = w.family(zhang, (zhangshen, "spouse"))
    push(w, "police_death", [{"公民身份号码": zhang.id_number, "姓名": "张叔", "死亡日期": "2024-02-01"}])
    push(w, "hrss_pension", [pension(zhang, "3000")])                   # a dead man's pension is not counted
    # 3. 王姐: wages from 人社 and 税务 — the higher counts; a disregarded basic pension on top
    wang = p("王姐", sex="F", birth=dt.date(1980, 5, 6))
    wangs = w.family(wang)
    push(w, "hrss_wage", [{"身份证号": wang.id_number, "姓名": "王姐", "工作单位": "五金厂", "月应发工资(元)": "1000"},
                          {"身份证号": wang.id_number, "姓名": "王姐", "工作单位": "制衣厂", "月应发工资(元)": "250"}])
    push(w, "tax_income", [{"纳税人识别号": wang.id_number, "纳税人姓名": "王姐", "所得项目": "工资薪金所得",
                            "年度收入额(元)": "14400"},
                           {"纳税人识别号": wang.id_number, "纳税人姓名": "王姐", "所得项目": "财产租赁所得",
                            "年度收入额(元)": "1000.02"}])
    push(w, "hrss_pension", [pension(wang, "200", item="城乡居民基本养老保险基础养老金")])
    # 4. 李哥: a car, two homes and a company share
    li = p("李哥", birth=dt.date(1975, 7, 8))
    lis = w.family(li)
    push(w, "vehicle", [{"车主证件号": li.id_number, "车主": "李哥", "号牌号码": "粤J1", "评估价值(元)": "30000"}])
    push(w, "property", [{"权利人证件号": li.id_number, "权利人": "李哥", "不动产权证号": f"粤第{i}号", "坐落": "英南",
                          "建筑面积(㎡)": "80"} for i in (1, 2)])
    push(w, "company", [{"出资人证件号": li.id_number, "出资人": "李哥", "企业名称": "某公司",
                         "统一社会信用代码": "91440704MA4W000001", "认缴出资额(万元)": "3"}])
    # 5. 赵婆: deposits just above 24 months of the standard, and a 公积金 account
    zhao = p("赵婆", sex="F", birth=dt.date(1940, 9, 10))
    zhaos = w.family(zhao)
    push(w, "bank_deposit", [deposit(zhao, "20000", "9")], provider="农业银行")
    push(w, "housing_fund", [{"身份证号": zhao.id_number, "姓名": "赵婆", "个人账号": "G9", "缴存单位": "厂",
                              "账户余额(元)": "1600.01"}])
    # 6. 周家: a pension above the standard, but medical 刚性支出 make it an 支出型困难家庭
    zhou = p("周伯", birth=dt.date(1950, 11, 12))
    zhous = w.family(zhou)
    push(w, "hrss_pension", [pension(zhou, "2000")])
    rigid_expense_record(actor=w.li, household=zhous, category="medical", amount="14400", period="annual",
                         valid_from=dt.date(2024, 1, 1), evidence="住院发票 No.1")
    # 7. 孙伯: registered dead; his household has no living member and is left out of the batch
    sun = p("孙伯", birth=dt.date(1930, 1, 1))
    suns = w.family(sun)
    sun.death_date = dt.date(2024, 1, 1)
    sun.save(update_fields=["death_date"])
    # 8. 何叔 in 郁南县 (urban standard 785) with nothing reported
    return [w.couple, zhangs, wangs, lis, zhaos, zhous, suns, w.yunan_home]


def test_every_household_of_the_batch_matches_its_single_report(w):
    households = village_of_many_situations(w)
    results = dict(verify_many([h.pk for h in households], ON, chunk=3))   # several fetches of the cursor
    assert list(results) == sorted(results)                                 # in household id order
    suns = households[6]
    assert suns.pk not in results                                           # nobody living: not verified
    for household in households:
        if household.pk == suns.pk:
            continue
        single = verification_run(actor=w.huang if household != w.yunan_home else w.liang, household=household,
                                  on=ON)
        summary = household_income_summary(household, ON)
        batch = results[household.pk]
        assert (batch.member_count, batch.household_income, batch.rigid_deduction, batch.per_capita_income,
                batch.standard, batch.money_assets, batch.conclusion) == (
            single.member_count, single.household_income, single.rigid_deduction, single.per_capita_income,
            single.standard, single.money_assets, single.conclusion), household.number
        assert {c: a["exceeds"] for c, a in batch.assets.items()} == {
            c: a["exceeds"] for c, a in single.assets.items()}, household.number
        assert batch.person_income == summary.member_incomes, household.number
        assert batch.deceased == summary.deceased, household.number


def test_what_each_situation_comes_to(w):
    couple, zhangs, wangs, lis, zhaos, zhous, _suns, yunan = village_of_many_situations(w)
    r = dict(verify_many([h.pk for h in (couple, zhangs, wangs, lis, zhaos, zhous, yunan)], ON))
    # May's file replaced April's: 1333.33 + 0.01 over two
    assert r[couple.pk].household_income == Decimal("1333.34") and r[couple.pk].per_capita_income == Decimal("666.67")
    assert r[couple.pk].money_assets == Decimal("3000.50")
    assert r[zhangs.pk].member_count == 1 and r[zhangs.pk].household_income == 0 and r[zhangs.pk].deceased
    # the higher department counts: 税务 1200 wages + 83.34 rent (1000.02 ÷ 12) beats 人社's two jobs, 1000 + 250
    assert r[wangs.pk].household_income == Decimal("1283.34")
    assert r[lis.pk].conclusion == Conclusion.ASSETS_ABOVE
    assert {c for c, a in r[lis.pk].assets.items() if a["exceeds"]} == {"property", "vehicle", "business"}
    assert r[zhaos.pk].assets["money"]["exceeds"] and r[zhaos.pk].money_assets == Decimal("21600.01")
    assert r[zhous.pk].rigid_deduction == Decimal("1200.00") and r[zhous.pk].conclusion == Conclusion.MEETS
    assert r[yunan.pk].standard == Decimal("785") and r[yunan.pk].household_income == 0


def test_a_partly_disregarded_income_is_rounded_per_record_in_both(w):
    """A county that disregards a third of rental income: each record's counted share rounds to the fen, and the
    batch run rounds it the same way as the report."""
    standard_create(actor=None, jurisdiction=w.jianghai, kind="income_disregard", variant="rental_income",
                    value="33.3", unit="%", effective_from=dt.date(2020, 1, 1), citation="测试：租金收入部分不计",
                    audited=False)
    push(w, "tax_income", [{"纳税人识别号": w.linshen.id_number, "纳税人姓名": "林婶", "所得项目": "财产租赁所得",
                            "年度收入额(元)": "1000.02"}])                     # 83.34 a month, 66.7 % = 55.5878
    push(w, "tax_income", [{"纳税人识别号": w.chenbo.id_number, "纳税人姓名": "陈伯", "所得项目": "财产租赁所得",
                            "年度收入额(元)": "100.02"}], provider="另一税务所")  # 8.34 a month, 66.7 % = 5.56278
    single = verification_run(actor=w.li, household=w.couple, on=ON)
    batch = dict(verify_many([w.couple.pk], ON))[w.couple.pk]
    assert single.household_income == Decimal("61.15")                        # 55.59 + 5.56
    assert batch.household_income == single.household_income
    assert batch.per_capita_income == single.per_capita_income == Decimal("30.58")


def _scratch_tables() -> list[str]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT relname FROM pg_class WHERE relname LIKE 'mz_household_totals_%%' "
                    "AND relpersistence = 't'")
        return [name for (name,) in cur.fetchall()]


def test_reports_can_be_written_while_the_batch_is_read_and_nothing_is_left_behind(w):
    """黄志强 stores a 核对报告 for each household as the batch hands it over, one household at a time; then
    stops a second batch after its first household. Both leave no scratch table behind on PostgreSQL."""
    from django.db import connection

    households = village_of_many_situations(w)
    stored = {}
    for hid, result in verify_many([h.pk for h in households], ON, chunk=1):
        household = next(h for h in households if h.pk == hid)
        report = verification_run(actor=w.huang if household != w.yunan_home else w.liang, household=household,
                                  on=ON)
        stored[hid] = (report.per_capita_income, report.conclusion, result.per_capita_income, result.conclusion)
    assert len(stored) == len(households) - 1                                  # 孙伯's household: nobody living
    assert all(r[:2] == r[2:] for r in stored.values())
    batch = verify_many([h.pk for h in households], ON, chunk=1)
    first_id, _first = next(batch)
    batch.close()                                                               # stopped after one household
    assert first_id == min(stored)
    if connection.vendor == "postgresql":
        assert _scratch_tables() == []
