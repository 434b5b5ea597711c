"""One household per programme, walked end to end through the real services: 申请 → 受理 → 核对 (department data
taken in through the 核对 intake where the programme tests income) → 入户调查 → 审核 → 公示 (7 days) → 审批 →
enrolment → the month's roster (generated, checked by 资金监管, released) → bank file → the bank's result file
marking the line paid. Every amount paid is checked against the figure the jurisdiction's own plan prints (seed
file and line in each story), worked out here from the plan's figures — never read back from the code.

The stories happen in June/July 2020, the year the plans' figures are for: every step is dated with the `today`
the services accept. Only the home visit carries the real date: the service refuses a visit dated before the
application was entered, and entry is stamped by the real clock (the demo seeder does the same).
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from minzheng.accounts.roles import Role
from minzheng.accounts.services import user_create
from minzheng.areas.models import CodeSource, Level
from minzheng.areas.services import area_create
from minzheng.assistance import services
from minzheng.assistance.facts import build_facts
from minzheng.assistance.models import Case, Entitlement
from minzheng.core.errors import Conflict
from minzheng.core.models import AuditEntry
from minzheng.payroll import bankfiles
from minzheng.payroll.models import Anomaly, RosterLine
from minzheng.payroll.services import roster_generate
from minzheng.payroll.tests.test_payroll import bank_file_text, released, result_file
from minzheng.policy.models import Formula, Standard
from minzheng.policy.rules import resolve
from minzheng.registry.services import category_add
from minzheng.verification.assess import urban_rural
from minzheng.verification.models import VerificationReport
from minzheng.verification.services import department_batch_push, household_income_summary, rigid_expense_record

from .stories import area, authorisation, make_family, photo, world_fixture  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

SUBMITTED, ACCEPTED, CHECKED = dt.date(2020, 6, 1), dt.date(2020, 6, 2), dt.date(2020, 6, 3)
AS_OF = dt.date(2020, 5, 31)          # the departments' data are as of the end of May
SENT_UP, REVIEWED = dt.date(2020, 6, 8), dt.date(2020, 6, 10)
APPROVED = dt.date(2020, 6, 18)       # after 公示 10–16 June; payment starts the month after approval
JULY, AUGUST = dt.date(2020, 7, 1), dt.date(2020, 8, 1)
SINCE = dt.date(2015, 3, 1)           # the households were registered long before they applied


@dataclass(frozen=True)
class Staff:
    """Who handles a file in one jurisdiction: who enters it, the town that accepts and visits, the county (or,
    in 中山, the city bureau) that reviews, approves and pays."""

    enters: object
    town: object
    county: object
    pays_for: object  # the area the county's roster covers
    colleague: str    # the second visitor at the home visit


@pytest.fixture
def cast(world):
    """The 大救助 world plus 郁南县都城镇's 民政办 officer and 中山市 staff: 沙溪镇 (a town that existed unchanged
    through the 2021 town mergers) with a demo village 虎逊村, and the city bureau's 审核审批 officer."""
    w = world
    shaxi = area("442000106")
    huxun = area_create(actor=None, code="442000106001", name="虎逊村", level=Level.VILLAGE, parent=shaxi,
                        code_source=CodeSource.GENERATED, valid_from=dt.date(2020, 1, 1), audited=False)

    def user(username, name, role, where):
        return user_create(actor=None, username=username, password="Minzheng#2026", display_name=name, role=role,
                           areas=[where])

    w.update(shaxi=shaxi, huxun=huxun, zhongshan=area("442000"),
             deng=user("denglh", "邓丽华", Role.TOWN, w.ducheng),
             wusf=user("wusf", "吴少芳", Role.VILLAGE, huxun),
             feng=user("fengjx", "冯嘉欣", Role.TOWN, shaxi),
             liu=user("liuzm", "刘志明", Role.COUNTY, area("442000")))
    w.update(jianghai_staff=Staff(w.chen, w.li, w.huang, w.jianghai, "陈小玲"),
             yunan_staff=Staff(w.deng, w.deng, w.liang, w.yunan, "都城社区居委会何敏仪"),
             zhongshan_staff=Staff(w.wusf, w.feng, w.liu, w.zhongshan, "吴少芳"))
    return w


# --- the walk ------------------------------------------------------------------------------------------------

def take_in(county, source, records, provider):
    """A department's data for May 2020 arrives through the 核对 intake (API push)."""
    return department_batch_push(actor=county, source=source, as_of=AS_OF, records=records, provider=provider,
                                 period="2020年5月")


def wage(person, employer, amount):
    return {"身份证号": person.id_number, "姓名": person.name, "工作单位": employer, "月应发工资(元)": amount}


def walk_to_approval(s: Staff, *, programme, applicant, household, variant="", manual_check=""):
    """申请 → … → 公示期满, as the staff would do it. With department data on file 核对 runs when it is started;
    without (manual_check given) the town enters the result of its own 核对."""
    app = services.application_submit(actor=s.enters, programme=programme, variant=variant, applicant=applicant,
                                      household=household, authorisation=authorisation(), today=SUBMITTED,
                                      note="入户了解情况后代为申请")
    services.application_accept(actor=s.town, application=app, note="材料齐全，予以受理", today=ACCEPTED)
    record = services.application_start_verification(actor=s.town, application=app, today=CHECKED)
    if manual_check:
        assert (record.outcome, record.summary) == ("pending", services.NO_DEPARTMENT_RECORDS)
        record = services.application_record_verification(actor=s.town, application=app, outcome="pass",
                                                          summary=manual_check, per_capita_income="0", assets="0",
                                                          today=CHECKED)
    else:
        assert record.report_ref, record.summary  # the report of the 核对 engine, from the intake above
    app.refresh_from_db()
    assert app.status == "investigating"
    visit = timezone.localdate()
    services.investigation_record(actor=s.town, application=app, visit_date=visit, today=visit,
                                  visitors=f"{s.town.display_name}、{s.colleague}",
                                  findings="入户核实家庭人口、住房和收入情况，与申请及核对结果一致",
                                  conclusion="eligible", photos=[photo()])
    review = services.application_submit_review(actor=s.town, application=app, opinion="情况属实，同意上报",
                                                today=SENT_UP)
    if review.revisit_required:
        services.investigation_record(actor=s.county, application=app, visit_date=visit, today=visit,
                                      visitors=f"{s.county.display_name}、{s.town.display_name}",
                                      findings="县级入户抽查，与镇街调查情况一致", conclusion="eligible")
    publicity = services.application_review(actor=s.county, application=app, opinion="审核通过，予以公示",
                                            full_review=review.full_review_required, today=REVIEWED)
    assert (publicity.end_date - publicity.start_date).days == 6  # 7 days, both ends included
    with pytest.raises(Conflict, match="期满后方可提交审批"):
        services.application_close_publicity(actor=s.county, application=app, today=publicity.end_date)
    services.application_close_publicity(actor=s.county, application=app,
                                         today=publicity.end_date + dt.timedelta(days=1))
    app.refresh_from_db()
    assert app.status == "approving"
    return app, record


def approve(s: Staff, app, **facts):
    """审批 on the figures 核对 found (incomes, money assets, declared 刚性支出) plus the 调查 findings in `facts`."""
    found = household_income_summary(app.household, CHECKED)
    facts = build_facts(user=s.county, household=app.household, on=APPROVED,
                        urban_rural=urban_rural(app.household.area), incomes=found.member_incomes,
                        assets=found.assets, rigid_expenses=found.rigid_expenses, **facts)
    case = services.application_approve(actor=s.county, application=app, facts=facts, today=APPROVED,
                                        opinion="公示期满无异议，予以批准")
    assert case.start_month == JULY
    return case


def pay(s: Staff, programme, month):
    """The county's monthly run: generate, 资金监管 check, release, bank file out, the bank's result back in
    (every row of the file paid). Returns the roster and the bank file's rows."""
    roster = released(s.county, s.pays_for, month, programme)
    assert not Anomaly.objects.filter(roster=roster).exists()  # 资金监管 found nothing to question
    rows = list(csv.reader(io.StringIO(bank_file_text(s.county, roster))))
    lines = rows[1:-1]
    result = bankfiles.bank_result_import(actor=s.county, roster=roster, data=result_file(
        *(f"{seq},{name},{account},{amount},成功," for seq, name, _id, account, amount, _memo in lines)))
    assert result["balanced"] and (result["failed"], result["pending_lines"]) == (0, 0)
    return roster, lines


def paid(case):
    """What each person of the case was paid: the roster lines the bank's result marked paid."""
    lines = RosterLine.objects.filter(case=case).select_related("person")
    assert {x.status for x in lines} == {"paid"}
    return {x.person.name: x.amount for x in lines}


def standard(code, kind, value, variant=""):
    """The rule-version tag of the policy row holding a plan's figure (data/policy/standards.csv)."""
    row = Standard.objects.get(jurisdiction__code=code, kind=kind, variant=variant, value=Decimal(value))
    return f"standard:{row.pk}"


def formula(code, kind, variant=""):
    return f"formula:{Formula.objects.get(jurisdiction__code=code, kind=kind, variant=variant).pk}"


def bank(name, account, **extra):
    """A person's own account (and any other registry details) for make_family."""
    return {"bank_name": name, "bank_account": account, **extra}


def stored(case, component="basic"):
    return list(Entitlement.objects.filter(case=case, component=component).select_related("person"))


# --- the stories ---------------------------------------------------------------------------------------------

def test_jianghai_dibao_2020_household_of_three_is_paid_2100_yuan(cast):
    """江海区 2020: 城乡低保标准 900 元/人·月 (seeds/002_ae2121538b601b74.txt:83 “标准提高到900元/人月”).
    The 林 family of 英南村 — 林志坚 (散工 400 元), 何美玲 (市场帮工 200 元) and their son — has 600 元 a month:
    差额补差 (900 − 600 ÷ 3) × 3 = 2100 元, 700 元 each, paid in July 2020 to 林志坚's 一卡通."""
    w, s = cast, cast.jianghai_staff
    home, (lin, he, son) = make_family(w, "林志坚", since=SINCE, head=bank("江门农商银行", "6228480088006001"),
                                       members=[("何美玲", dt.date(1983, 4, 2), "F", "spouse"),
                                                ("林小宇", dt.date(2011, 9, 1), "M", "child")])
    take_in(w.huang, "hrss_wage", [wage(lin, "建筑工地（散工）", "400"), wage(he, "镇农贸市场摊档", "200")],
            "江海区人社局")
    app, record = walk_to_approval(s, programme="dibao", applicant=lin, household=home)
    report = VerificationReport.objects.get(number=record.report_ref)
    assert (report.per_capita_income, report.standard) == (Decimal("200"), Decimal("900"))

    case = approve(s, app)
    standard_900, income = Decimal("900"), Decimal("400") + Decimal("200")
    gap = (standard_900 - income / 3) * 3
    assert gap == Decimal("2100")
    roster, lines = pay(s, "dibao", JULY)
    assert paid(case) == {"林志坚": gap / 3, "何美玲": gap / 3, "林小宇": gap / 3}
    assert sum(paid(case).values()) == gap
    # nobody but 林志坚 has an account: the bank pays all three lines into his 一卡通
    assert {(name, account, memo) for _seq, name, _id, account, _amount, memo in lines} == {
        (n, "6228480088006001", "2020年07月低保金") for n in ("林志坚", "何美玲", "林小宇")}
    for e in stored(case):
        assert standard("440704", "dibao", "900") in e.rule_version.split(":", 1)[1].split("+")
        assert "900" in e.explanation and "seeds/002_ae2121538b601b74.txt:83" in e.explanation


def test_jianghai_tekun_2020_is_1440_basic_plus_care_at_30_percent_of_the_minimum_wage(cast):
    """江海区 2020 特困: 基本生活 年人均17280元 (seeds/002_ae2121538b601b74.txt:83) = 1.6 × 低保 900
    (line 202 “最低生活保障标准的1.6倍”) = 1440 元/人·月; 照料护理 半自理 = 当地最低工资标准的30% (line 204).
    The plan prints no minimum wage: data/policy/standards.csv carries 江门第三类 1550 元/月 from 2018-07-01
    (粤府函〔2018〕172号, marked “assumed”), so care = 30% × 1550 = 465 元 and 何伯 is paid 1905 元 for July."""
    w, s = cast, cast.jianghai_staff
    home, (he,) = make_family(w, "何炳南", birth=dt.date(1945, 4, 10), since=SINCE,
                              head=bank("江门农商银行", "6228480088006002"))
    pension = {"身份证号": he.id_number, "姓名": he.name, "养老金项目": "城乡居民基本养老保险基础养老金",
               "月发放金额(元)": "180", "发放机构": "江海区社保经办机构"}
    take_in(w.huang, "hrss_pension", [pension], "江海区社保经办机构")
    app, _ = walk_to_approval(s, programme="tekun", applicant=he, household=home)
    case = approve(s, app, self_care={he: "partial"}, extra={"no_capable_supporter": [he.pk]})

    min_wage = resolve(home.area, "min_wage", on=JULY)
    assert (min_wage.value, min_wage.assumed) == (Decimal("1550"), True)
    basic, care = Decimal("1.6") * 900, Decimal("0.30") * min_wage.value
    assert basic == Decimal("17280") / 12 == Decimal("1440") and care == Decimal("465")
    pay(s, "tekun", JULY)
    assert paid(case) == {"何炳南": basic + care}
    (b,), (c,) = stored(case, "basic"), stored(case, "care")
    assert (b.monthly_amount, c.monthly_amount) == (basic, care)
    assert standard("440704", "tekun_basic", "1440") in b.rule_version
    assert formula("440704", "tekun_care", "partial") in c.rule_version
    assert standard("440704", "min_wage", "1550") in c.rule_version
    assert "seeds/002_ae2121538b601b74.txt:83" in b.explanation
    assert "seeds/002_ae2121538b601b74.txt:204" in c.explanation and "演示假设值" in c.explanation


def test_yunan_dispersed_orphan_2020_is_paid_1110_into_the_guardians_account(cast):
    """郁南县 2020: 分散孤儿 1110 元/人·月 (seeds/001_cf1a8028232d3f86.txt:168, table 孤儿、事实无人抚养儿童生活
    保障标准, 2020年 column). 黄小军 (10) lives with his grandfather, who receives it for him."""
    w, s = cast, cast.yunan_staff
    home, (grandpa, boy) = make_family(w, "黄炳坤", village=w.ducheng_village, birth=dt.date(1950, 8, 8),
                                       since=SINCE, head=bank("郁南农商银行", "6228480099007001"),
                                       members=[("黄小军", dt.date(2010, 3, 15), "M", "grandchild")])
    category_add(actor=w.liang, person=boy, category="orphan", valid_from=dt.date(2019, 3, 1))
    app, _ = walk_to_approval(s, programme="orphan", variant="dispersed", applicant=grandpa, household=home,
                              manual_check="孤儿保障不以家庭收入为条件；核对未发现该户财产异常")
    case = approve(s, app, variant="dispersed")
    roster, lines = pay(s, "orphan", JULY)
    assert paid(case) == {"黄小军": Decimal("1110")}
    assert [(name, account) for _seq, name, _id, account, _a, _m in lines] == [("黄小军", "6228480099007001")]
    (e,) = stored(case)
    assert standard("445322", "orphan_dispersed", "1110") in e.rule_version
    assert "分散供养" in e.explanation and "seeds/001_cf1a8028232d3f86.txt:168" in e.explanation


def test_yunan_de_facto_unsupported_child_2020_is_paid_1110(cast):
    """郁南县 2020: 事实无人抚养儿童 1110 元/人·月 (seeds/001_cf1a8028232d3f86.txt:169) — the same as 分散孤儿,
    as the plan's rule says: 参照当年度当地分散供养孤儿生活保障标准 (domain/seed_001.md:59)."""
    w, s = cast, cast.yunan_staff
    home, (grandpa, girl) = make_family(w, "李德明", village=w.ducheng_village, birth=dt.date(1948, 1, 20),
                                        since=SINCE, head=bank("郁南农商银行", "6228480099007002"),
                                        members=[("李小燕", dt.date(2011, 6, 1), "F", "grandchild")])
    category_add(actor=w.liang, person=girl, category="de_facto_unsupported", valid_from=dt.date(2020, 1, 1))
    app, _ = walk_to_approval(s, programme="de_facto_unsupported", applicant=grandpa, household=home,
                              manual_check="事实无人抚养儿童保障不以家庭收入为条件；父亲服刑、母亲失联，已核实")
    case = approve(s, app)
    pay(s, "de_facto_unsupported", JULY)
    orphan_dispersed = Decimal("1110")  # seeds/001_cf1a8028232d3f86.txt:168
    assert paid(case) == {"李小燕": orphan_dispersed}
    (e,) = stored(case)
    assert standard("445322", "de_facto_unsupported", "1110") in e.rule_version
    assert "seeds/001_cf1a8028232d3f86.txt:169" in e.explanation


def test_zhongshan_two_disability_subsidies_2020_are_175_plus_235(cast):
    """中山市 2020: 困难残疾人生活补贴 175 元、重度残疾人护理补贴 235 元 每人每月
    (seeds/003_347e8344be296080.txt:11 “提高到2020年每人每月175 元、235元”). 梁志明 (二级肢体残疾, a 低保
    household since 2019) gets both: 410 元 for July 2020, into his own account."""
    w, s = cast, cast.zhongshan_staff
    home, (liang, wife) = make_family(w, "梁志明", village=w.huxun, actor=w.liu, birth=dt.date(1975, 10, 3),
                                      since=SINCE,
                                      head=bank("中山农商银行", "6228480077008001", disability_category="physical",
                                                disability_grade=2),
                                      members=[("苏月娥", dt.date(1977, 2, 14), "F", "spouse")])
    for p in (liang, wife):
        category_add(actor=w.liu, person=p, category="dibao", valid_from=dt.date(2019, 7, 1))
    app, _ = walk_to_approval(s, programme="disability", applicant=liang, household=home,
                              manual_check="该户为在册低保家庭，残疾人证（二级肢体）核验无误")
    case = approve(s, app)
    living, care = Decimal("175"), Decimal("235")
    _roster, lines = pay(s, "disability", JULY)
    assert paid(case) == {"梁志明": living + care}
    assert [(name, account, memo) for _seq, name, _id, account, _a, memo in lines] == [
        ("梁志明", "6228480077008001", "2020年07月残疾人两项补贴")]
    (lv,), (cs,) = stored(case, "living"), stored(case, "care_subsidy")
    assert (lv.monthly_amount, cs.monthly_amount) == (living, care)
    assert standard("442000", "disability_living", "175") in lv.rule_version
    assert standard("442000", "disability_care", "235") in cs.rule_version
    assert all("seeds/003_347e8344be296080.txt:11" in e.explanation for e in (lv, cs))


def test_zhongshan_temporary_assistance_2020_pays_two_months_of_dibao_per_person_once(cast):
    """中山市 2020 支出型临时救助: 镇街临时救助“每人次不低于2个月低保标准” (seeds/003_347e8344be296080.txt:8)
    with 低保 1100 元/月 (line 7) = 2200 元 per person-time. 郭志强 earns 2400 元; his wife 冯秀英's hospital bills
    come to 1800 元 a month: (2400 − 1800) ÷ 2 = 300 元 < 1100. The two are paid 2200 元 each, once: the case
    runs for July 2020 only, so the July roster pays it and the August roster has nothing for them."""
    w, s = cast, cast.zhongshan_staff
    home, (guo, feng) = make_family(w, "郭志强", village=w.huxun, actor=w.liu, birth=dt.date(1978, 5, 5), since=SINCE,
                                    head=bank("中山农商银行", "6228480077008002"),
                                    members=[("冯秀英", dt.date(1980, 12, 1), "F", "spouse")])
    take_in(w.liu, "hrss_wage", [wage(guo, "五金制品厂", "2400")], "中山市人社局")
    rigid_expense_record(actor=w.feng, household=home, person=feng, category="medical", amount="1800",
                         period="monthly", valid_from=dt.date(2020, 4, 1), valid_to=dt.date(2020, 12, 31),
                         evidence="住院医疗费用票据（医保结算后自付部分）")
    app, _ = walk_to_approval(s, programme="temporary", variant="expenditure", applicant=guo, household=home)
    case = approve(s, app, variant="expenditure")
    assert (case.start_month, case.end_month) == (JULY, JULY)

    dibao = Decimal("1100")
    assert (Decimal("2400") - Decimal("1800")) / 2 < dibao
    per_person_time = 2 * dibao
    roster, lines = pay(s, "temporary", JULY)
    assert paid(case) == {"郭志强": per_person_time, "冯秀英": per_person_time}
    assert {memo for *_, memo in lines} == {"2020年07月临时救助金"}
    august = roster_generate(actor=s.county, programme="temporary", area=s.pays_for, month=AUGUST)
    assert not august.lines.filter(case=case).exists()
    for e in stored(case, "one_off"):
        assert formula("442000", "temp_assistance_floor", "town_level") in e.rule_version
        assert standard("442000", "dibao", "1100") in e.rule_version
        assert "seeds/003_347e8344be296080.txt:8" in e.explanation


def test_zhongshan_low_income_family_2020_is_enrolled_without_cash(cast):
    """中山市 2020 低收入家庭认定: 人均收入 1101–1650 元/月 (seeds/003_347e8344be296080.txt:7 “低收入对象认定标准…
    提高到1101元/月-1650元/月”). The plan pays such a family no monthly money: it is a status that opens 专项社会救助
    and 临时救助 “参照低保低收入家庭” (line 394) and 动态监测 (domain/seed_003.md:214). The 邝 family's wages come to
    3600 元 for three (1200 each): enrolled from July 2020, and the July 低收入 roster has no line."""
    w, s = cast, cast.zhongshan_staff
    home, (kuang, wife, _daughter) = make_family(
        w, "邝国华", village=w.huxun, actor=w.liu, birth=dt.date(1979, 3, 3), since=SINCE,
        head=bank("中山农商银行", "6228480077008003"),
        members=[("陈惠芬", dt.date(1981, 7, 7), "F", "spouse"), ("邝小敏", dt.date(2009, 5, 20), "F", "child")])
    take_in(w.liu, "hrss_wage", [wage(kuang, "物业管理公司（保洁）", "2400"), wage(wife, "餐饮店（帮工）", "1200")],
            "中山市人社局")
    app, _ = walk_to_approval(s, programme="low_income", applicant=kuang, household=home)
    per_capita = (Decimal("2400") + Decimal("1200")) / 3
    assert Decimal("1100") < per_capita <= Decimal("1650")

    case = approve(s, app)
    assert case.status == Case.Status.ACTIVE and not case.entitlements.exists()
    decided = AuditEntry.objects.get(action="application.approve", object_id=str(app.pk))
    assert decided.after["monthly_total"] == "0.00"
    assert any("1650" in r and "不发放按月救助金" in r and "seeds/003_347e8344be296080.txt:7" in r
               for r in decided.after["reasons"])
    roster = roster_generate(actor=s.county, programme="low_income", area=s.pays_for, month=JULY)
    assert roster.line_count == 0 and not RosterLine.objects.filter(case=case).exists()
