"""Each programme assesses households built from the plans' own figures; every amount is read back against them.

The standards come from data/policy (loaded for real); a household here is plain facts, as the application
and 核对 steps will hand them over. Dates are mid-2021, when the 2020 standards were still in force and the
demo minimum wage was 江海 1550, 中山 1720, 郁南 1410 元/月.
"""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minzheng.areas.models import Area
from minzheng.areas.services import load_reference_areas
from minzheng.assistance.programmes import MODULES
from minzheng.assistance.programmes.base import REGISTRY, HouseholdFacts, Member, get_programme
from minzheng.assistance.programmes.common import SELF_CARE
from minzheng.core.errors import DomainError
from minzheng.policy.models import Formula, Status
from minzheng.policy.services import load_policy_data, standard_create

ON = dt.date(2021, 6, 1)
LILE, ZHONGSHAN, DUCHENG, QINGCHENG = "440704005", "442000001", "445322100", "441802"


@pytest.fixture
def policy(db):
    load_reference_areas()
    load_policy_data()


def area(code):
    return Area.objects.current().get(code=code)


_ids = iter(range(1, 10_000))


def person(name, born, income="0", **kw):
    return Member(person_id=next(_ids), name=name, birth_date=born, monthly_income=Decimal(income), **kw)


def household(code, *members, urban_rural="urban", **kw):
    return HouseholdFacts(area=area(code), urban_rural=urban_rural, on=ON, members=tuple(members), **kw)


def amounts_of(decision, component=None):
    return {a.person_id: a.monthly_amount for a in decision.amounts if component in (None, a.component)}


# --- 低保 ----------------------------------------------------------------------------------------------

def test_jianghai_dibao_pays_the_gap_to_900_for_each_member(policy):
    """礼乐街道's 陈大明 (odd jobs, 400 元) lives with his wife 李秀英 (200 元) and their son 陈小宝: 600 元 for
    three people is 200 a head, so the family gets (900 − 200) × 3 = 2100 元, 700 each."""
    dad = person("陈大明", dt.date(1980, 5, 1), "400")
    mum = person("李秀英", dt.date(1982, 2, 1), "200")
    son = person("陈小宝", dt.date(2012, 9, 1))
    decision = get_programme("dibao").assess(household(LILE, dad, mum, son))
    assert decision.eligible
    assert decision.total == Decimal("2100")
    assert amounts_of(decision, "basic") == {dad.person_id: 700, mum.person_id: 700, son.person_id: 700}
    first = decision.amounts[0]
    assert "（900 − 200）× 3人 = 2100元" in first.explanation and "江海区" in first.explanation
    assert first.rule_version.startswith("dibao:standard:")
    assert any("未载明分类施保" in r for r in decision.reasons)  # 江海 practises 分类施保 but prints no rate


def test_a_household_at_the_standard_or_with_savings_above_the_limit_gets_no_dibao(policy):
    at_line = get_programme("dibao").assess(household(LILE, person("周国强", dt.date(1975, 1, 1), "1800"),
                                                      person("周太太", dt.date(1976, 1, 1), "0")))
    assert not at_line.eligible and at_line.amounts == ()
    assert "不低于低保标准" in at_line.reasons[0]
    # 24 months × 900 = 21600 元 per head is the (assumed) asset limit: 43200.01 for two is over it.
    rich = get_programme("dibao").assess(household(LILE, person("钱老板", dt.date(1975, 1, 1)),
                                                   person("钱太太", dt.date(1976, 1, 1)), assets=Decimal("43200.02")))
    assert not rich.eligible and "超过上限24个月 × 900元 = 21600元" in rich.reasons[0]
    assert get_programme("dibao").assess(household(LILE, person("孙甲", dt.date(1975, 1, 1)),
                                                   person("孙乙", dt.date(1976, 1, 1)),
                                                   assets=Decimal("43200"))).eligible


def test_an_uneven_gap_is_shared_to_the_fen_and_adds_up(policy):
    """1000 元 for three: (900 − 约333.33) × 3 = 1700 元, shared 566.68 + 566.66 + 566.66."""
    decision = get_programme("dibao").assess(household(LILE, person("吴一", dt.date(1980, 1, 1), "1000"),
                                                       person("吴二", dt.date(1981, 1, 1)),
                                                       person("吴三", dt.date(2010, 1, 1))))
    assert decision.total == Decimal("1700")
    assert sorted(a.monthly_amount for a in decision.amounts) == [Decimal("566.66"), Decimal("566.66"),
                                                                   Decimal("566.68")]
    assert "约333.33" in decision.amounts[0].explanation


def test_a_classified_top_up_is_paid_once_a_jurisdiction_loads_its_rate(policy):
    """If 江海 loads a 10 % 分类施保 rate for the elderly, 83-year-old 何婆婆 gets 900 × 10% = 90 元 on top."""
    standard_create(actor=None, jurisdiction=area("440704"), kind="dibao_topup", variant="elderly", value="10",
                    unit="%", effective_from=dt.date(2021, 1, 1), status=Status.ASSUMED,
                    citation="测试：拟定的分类施保方案")
    granny = person("何婆婆", dt.date(1938, 3, 1), "300")
    grandson = person("何小军", dt.date(1990, 3, 1), "900")
    decision = get_programme("dibao").assess(household(LILE, granny, grandson))
    assert amounts_of(decision, "top_up") == {granny.person_id: Decimal("90")}
    top_up = next(a for a in decision.amounts if a.component == "top_up")
    assert "分类施保（老年人）：900 × 10% = 90元" in top_up.explanation
    assert decision.total == (900 * 2 - 1200) + 90


def test_rounding_follows_the_policy_data(policy):
    """1000.50 元 for three leaves a gap of 1699.50 元; rounded to the fen (the default) it stays, and once 江海
    loads a rule of whole 元 it becomes 1700, split 566 + 566 + 568."""
    members = (person("罗一", dt.date(1980, 1, 1), "1000.50"), person("罗二", dt.date(1981, 1, 1)),
               person("罗三", dt.date(2010, 1, 1)))
    assert get_programme("dibao").assess(household(LILE, *members)).total == Decimal("1699.50")
    standard_create(actor=None, jurisdiction=area("440704"), kind="payment_rounding", value="1", unit="元",
                    effective_from=dt.date(2021, 1, 1), status=Status.ASSUMED, citation="测试：按元取整")
    whole = get_programme("dibao").assess(household(LILE, *members))
    assert whole.total == Decimal("1700")
    assert sorted(a.monthly_amount for a in whole.amounts) == [566, 566, 568]


# --- 特困 ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("level,care", [("full_self_care", 31), ("partial", 465), ("full_dependent", 930)])
def test_jianghai_tekun_is_1440_plus_care_by_self_care_level(policy, level, care):
    """72-year-old 梁伯 lives alone on nothing, no child or relative able to keep him: 1440 (= 1.6 × 900)
    plus care at 2 / 30 / 60 % of the 1550 minimum wage."""
    uncle = person("梁伯", dt.date(1949, 4, 2), self_care=level)
    decision = get_programme("tekun").assess(household(LILE, uncle, extra={"no_capable_supporter": [uncle.person_id]}))
    assert decision.eligible
    assert amounts_of(decision, "basic") == {uncle.person_id: Decimal("1440")}
    assert amounts_of(decision, "care") == {uncle.person_id: Decimal(care)}
    basic = next(a for a in decision.amounts if a.component == "basic")
    assert basic.rule_version.startswith("tekun:standard:") and "17280" not in basic.explanation
    assert f"= {1440 + care}元/月" in decision.reasons[0]


def test_zhongshan_pays_its_own_higher_care_levels(policy):
    """中山: 1760 (= 1.6 × 1100) plus 5 % of 1720 = 86 元 for a fully self-caring 特困 person."""
    auntie = person("冯阿婆", dt.date(1945, 1, 1), self_care="full_self_care")
    decision = get_programme("tekun").assess(household(ZHONGSHAN, auntie,
                                                       extra={"no_capable_supporter": [auntie.person_id]}))
    assert decision.total == Decimal("1846")


def test_tekun_needs_all_three_findings(policy):
    worker = person("壮年张", dt.date(1980, 1, 1), self_care="full_self_care")
    supported = person("有儿女的李伯", dt.date(1945, 1, 1), self_care="partial")
    earning = person("有退休金的王伯", dt.date(1945, 1, 1), "1200", self_care="partial")
    decision = get_programme("tekun").assess(household(
        LILE, worker, supported, earning, extra={"no_capable_supporter": [worker.person_id, earning.person_id]}))
    assert not decision.eligible and decision.amounts == ()
    assert "有劳动能力" in decision.reasons[0]
    assert "未认定无法定义务人" in decision.reasons[1]
    assert "有生活来源" in decision.reasons[2]


def test_a_tekun_person_without_a_care_assessment_is_named(policy):
    uncle = person("黄伯", dt.date(1940, 1, 1))
    with pytest.raises(DomainError) as e:
        get_programme("tekun").assess(household(LILE, uncle, extra={"no_capable_supporter": [uncle.person_id]}))
    assert e.value.field == "自理能力" and "黄伯" in e.value.message


def test_dibao_and_tekun_exclude_each_other():
    assert "tekun" in get_programme("dibao").excludes and "dibao" in get_programme("tekun").excludes
    assert not get_programme("tekun").per_household


# --- 低收入 --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("income,eligible", [("2200", False), ("2200.02", True), ("3300", True),
                                             ("3300.02", False)])
def test_zhongshan_low_income_band_is_above_1100_and_up_to_1650(policy, income, eligible):
    """中山 2020: 低收入 1101–1650 元 per head (1650 = 1.5 × 1100); a recognised household gets no cash."""
    decision = get_programme("low_income").assess(household(
        ZHONGSHAN, person("郑先生", dt.date(1980, 1, 1), income), person("郑太太", dt.date(1982, 1, 1))))
    assert decision.eligible is eligible
    assert decision.amounts == ()
    if eligible:
        assert "认定为低收入家庭" in decision.reasons[0] and "1650" in decision.reasons[0]


def test_low_income_where_no_upper_bound_is_known_is_a_clear_error(policy):
    # the provincial assumption stands in where a plan is silent (test_bounds_everywhere); without it, an error
    Formula.objects.filter(kind="low_income_upper", jurisdiction__code="440000").delete()
    with pytest.raises(DomainError) as e:
        get_programme("low_income").assess(household(LILE, person("某人", dt.date(1980, 1, 1), "1000")))
    assert "低收入家庭认定上限" in e.value.message


# --- 临时救助 ------------------------------------------------------------------------------------------

def test_zhongshan_expenditure_type_temporary_assistance_is_two_months_of_dibao_per_person(policy):
    """梁家 earn 3600 a month but pay 1500 for the son's dialysis: (3600 − 1500) ÷ 3 = 700 < 1100, so each
    of the three gets at least 2 × 1100 = 2200 元, once."""
    members = (person("梁父", dt.date(1975, 1, 1), "3600"), person("梁母", dt.date(1976, 1, 1)),
               person("梁子", dt.date(2005, 1, 1)))
    programme = get_programme("temporary")
    decision = programme.assess(household(ZHONGSHAN, *members, variant="expenditure",
                                          rigid_expenses=Decimal("1500")))
    assert programme.one_off and decision.eligible
    assert set(amounts_of(decision).values()) == {Decimal("2200")} and decision.total == 6600
    assert "2200元 × 3人次 = 6600元" in decision.reasons[0]
    assert "temporary:formula:" in decision.amounts[0].rule_version
    without_bills = programme.assess(household(ZHONGSHAN, *members, variant="expenditure"))
    assert not without_bills.eligible  # 1200 a head is above the standard


def test_emergency_temporary_assistance_needs_an_event_and_pays_more_when_assessed(policy):
    victim = person("火灾户罗某", dt.date(1970, 1, 1), "5000")
    temporary = get_programme("temporary")
    assert not temporary.assess(household(ZHONGSHAN, victim, variant="emergency")).eligible
    fire = temporary.assess(household(ZHONGSHAN, victim, variant="emergency", extra={"event": "住房火灾"}))
    assert fire.eligible and fire.total == Decimal("2200")  # not income-tested: 先救助后说明
    assessed = temporary.assess(household(ZHONGSHAN, victim, variant="emergency",
                                          extra={"event": "住房火灾", "assessed_need": Decimal("5000")}))
    assert assessed.total == Decimal("5000") and "高于每人次最低标准2200元" in assessed.amounts[0].explanation
    assert temporary.recheck_months(household(ZHONGSHAN, victim)) == 0


def test_temporary_assistance_without_a_stated_floor_refuses_to_invent_one(policy):
    Formula.objects.filter(kind="temp_assistance_floor", jurisdiction__code="440000").delete()
    with pytest.raises(DomainError) as e:
        get_programme("temporary").assess(household(LILE, person("江海某户", dt.date(1970, 1, 1)),
                                                    variant="emergency", extra={"event": "车祸"}))
    assert "江门市江海区礼乐街道及其上级均未载明“临时救助每人次最低标准”" in e.value.message
    with pytest.raises(DomainError) as e:
        get_programme("temporary").assess(household(ZHONGSHAN, person("某户", dt.date(1970, 1, 1)), variant="普通"))
    assert e.value.field == "救助类型"


# --- 孤儿 / 事实无人抚养儿童 -------------------------------------------------------------------------

def test_yunan_orphans_by_placement_and_a_child_without_carers(policy):
    """郁南 2020: 分散供养孤儿 1110, 集中供养 1820; 事实无人抚养儿童 = the 分散 standard, 1110."""
    ling = person("小玲", dt.date(2012, 6, 1), categories=frozenset({"orphan"}))
    hao = person("小浩", dt.date(2010, 6, 1))
    grandma = person("奶奶", dt.date(1950, 6, 1))
    facts = household(DUCHENG, grandma, ling, hao, variant="dispersed",
                      extra={"child_status": {hao.person_id: "de_facto_unsupported"}})
    orphan = get_programme("orphan").assess(facts)
    assert amounts_of(orphan) == {ling.person_id: Decimal("1110")}
    assert "分散供养孤儿基本生活保障1110元/人·月" in orphan.amounts[0].explanation
    assert amounts_of(get_programme("de_facto_unsupported").assess(facts)) == {hao.person_id: Decimal("1110")}
    in_home = get_programme("orphan").assess(household(DUCHENG, ling, variant="institutional"))
    assert in_home.total == Decimal("1820")
    with pytest.raises(DomainError) as e:
        get_programme("orphan").assess(household(DUCHENG, ling))
    assert e.value.field == "供养方式" and "小玲" in e.value.message


def test_an_orphan_who_has_turned_18_is_no_longer_paid(policy):
    grown = person("阿强", dt.date(2003, 5, 31), categories=frozenset({"orphan"}))
    decision = get_programme("orphan").assess(household(LILE, grown, variant="dispersed"))
    assert not decision.eligible and "已满18周岁" in decision.reasons[0]
    assert get_programme("orphan").assess(household(LILE, person("阿珍", dt.date(2003, 6, 2),
                                                                 categories=frozenset({"orphan"})),
                                                    variant="dispersed")).total == Decimal("1800")


# --- 残疾人两项补贴 -----------------------------------------------------------------------------------

def test_two_disability_subsidies_175_and_235(policy):
    """A 低保 family in 郁南 with a grade-1 physically disabled son gets 175 + 235; a grade-3 member only 175."""
    son = person("邓一级", dt.date(1995, 1, 1), disability_category="physical", disability_grade=1,
                 categories=frozenset({"dibao", "disabled"}))
    father = person("邓三级", dt.date(1965, 1, 1), disability_category="physical", disability_grade=3,
                    categories=frozenset({"dibao"}))
    decision = get_programme("disability").assess(household(DUCHENG, son, father))
    assert amounts_of(decision, "living") == {son.person_id: 175, father.person_id: 175}
    assert amounts_of(decision, "care_subsidy") == {son.person_id: 235}
    assert "= 410元/月" in decision.reasons[0]


def test_care_subsidy_without_poverty_and_the_wider_intellectual_rule_of_yunan(policy):
    severe = person("非低保二级", dt.date(1990, 1, 1), disability_category="visual", disability_grade=2)
    mild_mind = person("三级智力", dt.date(1992, 1, 1), disability_category="intellectual", disability_grade=3)
    yunan = get_programme("disability").assess(household(DUCHENG, severe, mild_mind))
    assert amounts_of(yunan, "care_subsidy") == {severe.person_id: 235, mild_mind.person_id: 235}
    assert amounts_of(yunan, "living") == {}
    # 江海 (yearly 2100 / 2820 → monthly 175 / 235) states no such extension: grade 3 intellectual gets nothing.
    jianghai = get_programme("disability").assess(household(LILE, severe, mild_mind))
    assert amounts_of(jianghai) == {severe.person_id: Decimal("235")}
    assert "不享受两项补贴" in jianghai.reasons[1]


# --- 复核 cadence ---------------------------------------------------------------------------------------

def test_households_with_working_age_members_are_rechecked_every_six_months(policy):
    young = household(LILE, person("工作年龄", dt.date(1985, 1, 1)), person("老人", dt.date(1940, 1, 1)))
    old = household(LILE, person("老伴甲", dt.date(1940, 1, 1)), person("老伴乙", dt.date(1942, 1, 1)))
    disabled = household(LILE, person("一级残疾", dt.date(1985, 1, 1), disability_grade=1,
                                      disability_category="physical"))
    dibao = get_programme("dibao")
    assert (dibao.recheck_months(young), dibao.recheck_months(old), dibao.recheck_months(disabled)) == (6, 12, 12)
    assert get_programme("tekun").recheck_months(young) == 12


# --- registry of programmes and bad input ----------------------------------------------------------

def test_every_programme_is_registered_and_an_unknown_one_is_refused():
    assert MODULES
    assert {"dibao", "tekun", "low_income", "temporary", "orphan", "de_facto_unsupported",
            "disability"} <= set(REGISTRY)
    with pytest.raises(DomainError) as e:
        get_programme("五保")
    assert e.value.code == "unknown_programme" and "五保" in e.value.message


@pytest.mark.parametrize("income,code", [(Decimal("-1"), "negative_amount"), ("abc", "invalid_amount"),
                                         (1.5, "invalid_amount")])
def test_bad_income_handed_to_a_programme_is_named(policy, income, code):
    bad = Member(person_id=1, name="错误收入", birth_date=dt.date(1980, 1, 1), monthly_income=income)
    with pytest.raises(DomainError) as e:
        get_programme("dibao").assess(household(LILE, bad))
    assert e.value.code == code and e.value.field == "月收入" and "错误收入的月收入" in e.value.message


# --- properties of the 低保 rule --------------------------------------------------------------------

def test_dibao_properties_over_many_households(policy):
    facts_area = area(LILE)
    std = Decimal("900")
    dibao = get_programme("dibao")
    incomes = st.lists(st.integers(min_value=0, max_value=400_000).map(lambda fen: Decimal(fen) / 100),
                       min_size=1, max_size=6)

    def facts(values):
        return HouseholdFacts(area=facts_area, urban_rural="rural", on=ON, members=tuple(
            Member(person_id=i, name=f"成员{i}", birth_date=dt.date(1980, 1, 1), monthly_income=v)
            for i, v in enumerate(values)))

    @settings(max_examples=60, deadline=None)
    @given(incomes, st.integers(min_value=1, max_value=100_000).map(lambda fen: Decimal(fen) / 100))
    def check(values, raise_by):
        n = len(values)
        decision = dibao.assess(facts(values))
        assert all(a.monthly_amount >= 0 for a in decision.amounts)
        per_capita = sum(values) / n
        if per_capita < std:
            assert decision.eligible
            assert decision.total == ((std - per_capita) * n).quantize(Decimal("0.01"))
            assert all(a.monthly_amount == a.monthly_amount.quantize(Decimal("0.01")) for a in decision.amounts)
        else:
            assert not decision.eligible and decision.total == 0
        richer = dibao.assess(facts([values[0] + raise_by, *values[1:]]))
        assert richer.total <= decision.total

    check()


def test_no_programme_ever_pays_a_negative_amount(policy):
    """Random 中山 households (incomes, rigid expenses, ages, disabilities) through every programme."""
    zs = area(ZHONGSHAN)
    fen = st.integers(min_value=0, max_value=500_000).map(lambda f: Decimal(f) / 100)
    member = st.tuples(fen, st.integers(min_value=0, max_value=95), st.sampled_from([None, 1, 2, 3, 4]),
                       st.sampled_from(list(SELF_CARE)))

    @settings(max_examples=40, deadline=None)
    @given(st.lists(member, min_size=1, max_size=5), fen, st.sampled_from(["emergency", "expenditure"]))
    def check(rows, rigid, variant):
        members = tuple(Member(person_id=i, name=f"成员{i}", birth_date=dt.date(ON.year - age, 1, 1),
                               monthly_income=income, disability_grade=grade,
                               disability_category="physical" if grade else "", self_care=care,
                               categories=frozenset({"dibao", "orphan"}))
                        for i, (income, age, grade, care) in enumerate(rows))
        facts = HouseholdFacts(area=zs, urban_rural="urban", on=ON, members=members, rigid_expenses=rigid,
                               variant=variant,
                               extra={"event": "突发重病", "no_capable_supporter": [m.person_id for m in members],
                                      "placement": {m.person_id: "dispersed" for m in members}})
        for code in ("dibao", "tekun", "low_income", "temporary", "orphan", "de_facto_unsupported", "disability"):
            decision = get_programme(code).assess(facts)
            assert all(a.monthly_amount >= 0 for a in decision.amounts), code
            assert decision.eligible or not decision.amounts, code
        temporary = get_programme("temporary").assess(facts)
        assert not temporary.eligible or all(a.monthly_amount >= 2200 for a in temporary.amounts)

    check()
