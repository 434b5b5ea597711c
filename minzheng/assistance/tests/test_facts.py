"""Turning the registry into the facts a programme assesses: who lived in the household on the date, what they
earned, and what is wrong when a figure is bad."""

import datetime as dt
from decimal import Decimal

import pytest

from minzheng.areas.services import load_reference_areas
from minzheng.assistance.facts import build_facts
from minzheng.assistance.programmes.base import get_programme
from minzheng.core.errors import DomainError, NotFound
from minzheng.policy.services import load_policy_data
from minzheng.registry.models import Relation
from minzheng.registry.services import (
    category_add,
    category_end,
    household_add_member,
    household_create,
    household_remove_member,
    person_update,
)

ON = dt.date(2021, 6, 1)


@pytest.fixture
def chen_family(areas, people, make_person):
    """英南村's 陈家 as 黄志强 registered it: 陈大明 (head), his wife 李秀英, son 陈小宝, grandfather 陈老伯 who died
    in March 2021, a cousin who moved out in 2020, and a daughter-in-law who only moves in in July 2021."""
    actor = people["jianghai_approver"]
    start = dt.date(2019, 1, 1)
    dad = make_person("陈大明", birth=dt.date(1980, 5, 1))
    mum = make_person("李秀英", birth=dt.date(1982, 2, 1), sex="F", disability_category="physical",
                      disability_grade=3)
    son = make_person("陈小宝", birth=dt.date(2012, 9, 1))
    grandpa = make_person("陈老伯", birth=dt.date(1940, 1, 1))
    cousin = make_person("陈表哥", birth=dt.date(1990, 1, 1))
    bride = make_person("何新娘", birth=dt.date(1995, 1, 1), sex="F")
    h = household_create(actor=actor, area=areas["yingnan"], head=dad, start_date=start)
    household_add_member(actor=actor, household=h, person=mum, relation=Relation.SPOUSE, start_date=start)
    household_add_member(actor=actor, household=h, person=son, relation=Relation.CHILD, start_date=start)
    household_add_member(actor=actor, household=h, person=grandpa, relation=Relation.PARENT, start_date=start)
    household_add_member(actor=actor, household=h, person=cousin, relation=Relation.OTHER, start_date=start)
    household_remove_member(actor=actor, household=h, person=cousin, end_date=dt.date(2020, 8, 1))
    household_add_member(actor=actor, household=h, person=bride, relation=Relation.OTHER,
                         start_date=dt.date(2021, 7, 1))
    person_update(actor=actor, person=grandpa, death_date=dt.date(2021, 3, 2))
    category_add(actor=actor, person=mum, category="disabled", valid_from=dt.date(2019, 1, 1))
    old = category_add(actor=actor, person=dad, category="low_income", valid_from=dt.date(2019, 1, 1))
    category_end(actor=actor, person_category=old, valid_to=dt.date(2020, 12, 31))
    return {"household": h, "dad": dad, "mum": mum, "son": son, "grandpa": grandpa, "cousin": cousin,
            "bride": bride}


def test_the_facts_are_the_household_as_it_was_on_the_date(people, chen_family):
    f = chen_family
    facts = build_facts(user=people["lile_officer"], household=f["household"], on=ON, urban_rural="农村",
                        incomes={f["dad"]: "400", f["mum"].pk: Decimal("200")}, assets="1,500.50",
                        self_care={f["mum"]: "半自理"})
    names = {m.name for m in facts.members}
    assert names == {"陈大明", "李秀英", "陈小宝", "陈老伯"}  # not the cousin (left) nor the bride (not yet)
    assert {m.name for m in facts.living} == {"陈大明", "李秀英", "陈小宝"}
    assert facts.monthly_income == Decimal("600") and facts.assets == Decimal("1500.50")
    assert facts.urban_rural == "rural" and facts.area == f["household"].area
    mum = next(m for m in facts.members if m.name == "李秀英")
    assert (mum.self_care, mum.disability_grade, mum.categories) == ("partial", 3, frozenset({"disabled"}))
    dad = next(m for m in facts.members if m.name == "陈大明")
    assert dad.categories == frozenset() and dad.relation == Relation.HEAD  # 低收入 ended in 2020
    in_2020 = build_facts(user=None, household=f["household"].pk, on=dt.date(2020, 6, 1), urban_rural="rural")
    assert "陈表哥" in {m.name for m in in_2020.members}
    assert next(m for m in in_2020.members if m.name == "陈大明").categories == frozenset({"low_income"})


def test_the_built_facts_give_jianghais_dibao_2100(people, chen_family):
    """With the real standards loaded, the 陈家 (600 元 for 3 living members) get (900 − 200) × 3 = 2100 元."""
    load_reference_areas()
    load_policy_data()
    f = chen_family
    facts = build_facts(user=people["village_worker"], household=f["household"], on=ON, urban_rural="rural",
                        incomes={f["dad"]: "400", f["mum"]: "200"})
    decision = get_programme("dibao").assess(facts)
    assert decision.total == Decimal("2100") and len(decision.amounts) == 3
    assert f["grandpa"].pk not in {a.person_id for a in decision.amounts}


def test_another_areas_officer_cannot_read_the_household(people, chen_family):
    for outsider in (people["waihai_officer"], people["yunan_approver"]):
        with pytest.raises(NotFound):
            build_facts(user=outsider, household=chen_family["household"], on=ON, urban_rural="rural")


@pytest.mark.parametrize("incomes,field,words", [
    ({"dad": "-5"}, "月收入", "陈大明的月收入不能为负数"),
    ({"dad": "四百"}, "月收入", "陈大明的月收入“四百”不是有效数字"),
    ({"mum": 400.5}, "月收入", "李秀英的月收入“400.5”请以数字文本或定点小数填写"),
    ({"mum": "12.345"}, "月收入", "最多保留两位小数"),
    ({"mum": "NaN"}, "月收入", "不是有效数字"),
    ({"cousin": "100"}, "月收入", "不是家庭"),
])
def test_a_bad_income_is_named_with_the_person_and_field(people, chen_family, incomes, field, words):
    f = chen_family
    with pytest.raises(DomainError) as e:
        build_facts(user=people["lile_officer"], household=f["household"], on=ON, urban_rural="rural",
                    incomes={f[k]: v for k, v in incomes.items()})
    assert e.value.field == field and words in e.value.message


def test_bad_assets_scope_and_self_care_are_refused(people, chen_family):
    f, officer = chen_family, people["lile_officer"]
    cases = [
        (dict(assets="-1"), "家庭金融资产", "家庭金融资产不能为负数"),
        (dict(rigid_expenses="很多"), "刚性支出", "家庭月刚性支出“很多”不是有效数字"),
        (dict(urban_rural="城里"), "城乡", "城乡类别“城里”无效"),
        (dict(self_care={f["dad"]: "卧床"}), "自理能力", "陈大明的自理能力“卧床”无效"),
    ]
    for kwargs, field, words in cases:
        kwargs.setdefault("urban_rural", "rural")
        with pytest.raises(DomainError) as e:
            build_facts(user=officer, household=f["household"], on=ON, **kwargs)
        assert e.value.field == field and words in e.value.message


def test_a_date_before_anyone_joined_has_no_members(people, chen_family):
    with pytest.raises(DomainError) as e:
        build_facts(user=people["lile_officer"], household=chen_family["household"], on=dt.date(2018, 1, 1),
                    urban_rural="rural")
    assert e.value.code == "no_members" and e.value.field == "家庭成员"
