"""共同生活家庭: 李建华 of 礼乐街道 registers the 陈 family of 英南村 and walks it through every change."""

import datetime as dt

import pytest

from minzheng.core.audit import verify_chain
from minzheng.core.errors import Conflict, DomainError, Forbidden, NotFound
from minzheng.core.models import AuditEntry
from minzheng.registry.models import Household, Membership, Relation
from minzheng.registry.selectors import current_household, household_members
from minzheng.registry.services import (
    household_add_member,
    household_change_head,
    household_create,
    household_merge,
    household_remove_member,
    household_split,
)

D0 = dt.date(2025, 1, 1)


@pytest.fixture
def chens(make_person):
    """The 陈 family of 英南村 and 林婆 of 向东村."""
    return {
        "bo": make_person("陈伯", birth=dt.date(1950, 3, 8)),
        "po": make_person("陈婆", birth=dt.date(1952, 7, 1), sex="F"),
        "son": make_person("陈志明", birth=dt.date(1978, 5, 20)),
        "dil": make_person("黄美玲", birth=dt.date(1980, 9, 9), sex="F"),
        "grandson": make_person("陈子豪", birth=dt.date(2012, 2, 2)),
    }


@pytest.fixture
def lijh(people):
    return people["lile_officer"]


@pytest.fixture
def family(chens, lijh, areas):
    h = household_create(actor=lijh, area=areas["yingnan"], head=chens["bo"], address="英南村东街3号",
                         start_date=D0)
    household_add_member(actor=lijh, household=h, person=chens["po"], relation=Relation.SPOUSE, start_date=D0)
    household_add_member(actor=lijh, household=h, person=chens["son"], relation=Relation.CHILD, start_date=D0)
    household_add_member(actor=lijh, household=h, person=chens["dil"], relation=Relation.CHILD_IN_LAW,
                         start_date=D0)
    household_add_member(actor=lijh, household=h, person=chens["grandson"], relation=Relation.GRANDCHILD,
                         start_date=D0)
    return h


def _entries(h: Household):
    return list(AuditEntry.objects.filter(object_type="household", object_id=str(h.pk)).order_by("seq"))


def _members(h: Household) -> dict[str, str]:
    return {m.person.name: m.relation for m in household_members(h)}


def _state():
    return (Household.objects.count(), Membership.objects.count(),
            Membership.objects.filter(end_date__isnull=True).count(), AuditEntry.objects.count())


def test_creating_a_household_makes_the_head_its_first_member(chens, lijh, areas):
    h = household_create(actor=lijh, area=areas["yingnan"], head=chens["bo"], address=" 英南村东街3号 ",
                         start_date=D0)
    assert h.number == "440704003001-00001"
    assert h.head == chens["bo"] and h.address == "英南村东街3号"
    assert _members(h) == {"陈伯": Relation.HEAD}
    assert current_household(chens["bo"]) == h

    [entry] = _entries(h)
    assert entry.action == "household.create" and entry.actor == lijh
    assert entry.before is None
    assert entry.after["number"] == h.number and entry.after["area"] == "440704003001"
    assert entry.after["head"] == chens["bo"].masked_id
    assert entry.after["members"] == [f"陈伯:{chens['bo'].masked_id}:head"]

    second = household_create(actor=lijh, area=areas["yingnan"], head=chens["son"], start_date=D0)
    assert second.number == "440704003001-00002"


def test_adding_members_records_each_arrival(family, chens):
    assert _members(family) == {"陈伯": "head", "陈婆": "spouse", "陈志明": "child", "黄美玲": "child_in_law",
                                "陈子豪": "grandchild"}
    entries = _entries(family)
    assert [e.action for e in entries] == ["household.create"] + ["household.add_member"] * 4
    last = entries[-1]
    assert len(last.before["members"]) == 4 and len(last.after["members"]) == 5
    assert last.after["members"][-1] == f"陈子豪:{chens['grandson'].masked_id}:grandchild"
    assert "陈子豪" not in str(last.before)


def test_a_person_cannot_live_in_two_households_at_once(family, chens, lijh, areas, make_person):
    other = household_create(actor=lijh, area=areas["xiangdong"], head=make_person("林婆", area=areas["xiangdong"],
                                                                                 sex="F"), start_date=D0)
    before = _state()
    with pytest.raises(Conflict) as err:
        household_add_member(actor=lijh, household=other, person=chens["son"], relation=Relation.OTHER)
    assert err.value.status == 409 and err.value.code == "already_member" and err.value.field == "成员"
    assert err.value.message == (f"陈志明（{chens['son'].masked_id}）已是家庭{family.number}的成员，请先办理迁出")

    with pytest.raises(Conflict, match="已是家庭"):
        household_create(actor=lijh, area=areas["yingnan"], head=chens["po"])
    assert _state() == before
    assert current_household(chens["son"]) == family


def test_the_same_person_cannot_be_added_twice_to_one_household(family, chens, lijh):
    before = _state()
    with pytest.raises(Conflict):
        household_add_member(actor=lijh, household=family, person=chens["son"], relation=Relation.CHILD)
    assert _state() == before


def test_a_second_head_or_an_unknown_relation_is_refused(family, lijh, make_person):
    newcomer = make_person("陈小妹", sex="F", birth=dt.date(1990, 1, 1))
    before = _state()
    with pytest.raises(DomainError, match="家庭已有户主"):
        household_add_member(actor=lijh, household=family, person=newcomer, relation=Relation.HEAD)
    with pytest.raises(DomainError, match="与户主关系“cousin”无效"):
        household_add_member(actor=lijh, household=family, person=newcomer, relation="cousin")
    assert _state() == before


def test_removing_a_member_ends_the_membership_and_keeps_it(family, chens, lijh):
    m = household_remove_member(actor=lijh, household=family, person=chens["dil"], end_date=dt.date(2026, 3, 1),
                                reason="外嫁迁出")
    assert (m.end_date, m.end_reason) == (dt.date(2026, 3, 1), "外嫁迁出")
    assert "黄美玲" not in _members(family)
    assert household_members(family, current_only=False).filter(person=chens["dil"]).exists()
    assert current_household(chens["dil"]) is None

    entry = _entries(family)[-1]
    assert entry.action == "household.remove_member"
    assert any(s.startswith("黄美玲:") for s in entry.before["members"])
    assert not any(s.startswith("黄美玲:") for s in entry.after["members"])
    assert entry.after["reason"] == "外嫁迁出"

    # Once out, she may join another household.
    assert household_create(actor=lijh, area=family.area, head=chens["dil"]).head == chens["dil"]


def test_the_head_cannot_simply_be_removed(family, chens, lijh):
    before = _state()
    with pytest.raises(DomainError) as err:
        household_remove_member(actor=lijh, household=family, person=chens["bo"])
    assert err.value.code == "is_head"
    assert err.value.message == "不能直接移除户主，请先变更户主"
    assert _state() == before


def test_removing_someone_who_is_not_a_member_is_refused(family, lijh, make_person):
    stranger = make_person("路人甲")
    before = _state()
    with pytest.raises(DomainError, match="路人甲不是家庭.*的现有成员"):
        household_remove_member(actor=lijh, household=family, person=stranger)
    assert _state() == before


def test_changing_the_head_restates_relations(family, chens, lijh):
    household_change_head(actor=lijh, household=family, new_head=chens["son"], old_head_relation=Relation.PARENT,
                          relation_changes={chens["po"].pk: Relation.PARENT, chens["dil"].pk: Relation.SPOUSE,
                                            chens["grandson"].pk: Relation.CHILD})
    family.refresh_from_db()
    assert family.head == chens["son"]
    assert _members(family) == {"陈伯": "parent", "陈婆": "parent", "陈志明": "head", "黄美玲": "spouse",
                                "陈子豪": "child"}

    entry = _entries(family)[-1]
    assert entry.action == "household.change_head"
    assert entry.before["head"] == chens["bo"].masked_id and entry.after["head"] == chens["son"].masked_id
    assert f"陈伯:{chens['bo'].masked_id}:head" in entry.before["members"]
    assert f"陈伯:{chens['bo'].masked_id}:parent" in entry.after["members"]

    # Now the old head can move out.
    household_remove_member(actor=lijh, household=family, person=chens["bo"], reason="入住敬老院")
    assert "陈伯" not in _members(family)


def test_only_a_current_member_can_become_head(family, lijh, make_person):
    stranger = make_person("路人乙")
    before = _state()
    with pytest.raises(DomainError, match="路人乙不是本家庭现有成员，不能设为户主"):
        household_change_head(actor=lijh, household=family, new_head=stranger)
    assert _state() == before
    family.refresh_from_db()
    assert _members(family)["陈伯"] == "head"


def test_splitting_moves_members_into_a_new_household(family, chens, lijh):
    new = household_split(actor=lijh, household=family, members=[chens["son"], chens["dil"], chens["grandson"]],
                          new_head=chens["son"], address="英南村新村5号", on=dt.date(2026, 2, 1),
                          relations={chens["dil"].pk: Relation.SPOUSE, chens["grandson"].pk: Relation.CHILD})
    assert new.head == chens["son"] and new.area == family.area and new.address == "英南村新村5号"
    assert _members(new) == {"陈志明": "head", "黄美玲": "spouse", "陈子豪": "child"}
    assert _members(family) == {"陈伯": "head", "陈婆": "spouse"}
    ended = household_members(family, current_only=False).filter(end_date=dt.date(2026, 2, 1))
    assert set(ended.values_list("end_reason", flat=True)) == {"分户"} and ended.count() == 3
    assert current_household(chens["grandson"]) == new

    out = _entries(family)[-1]
    assert out.action == "household.split" and out.after["split_to"] == new.number
    assert len(out.before["members"]) == 5 and len(out.after["members"]) == 2
    [created] = _entries(new)
    assert created.action == "household.create" and created.after["split_from"] == family.number
    assert created.after["head"] == chens["son"].masked_id
    assert verify_chain()[1] is None


@pytest.mark.parametrize(
    ("who", "head", "reason"),
    [([], "son", "请选择要分出的成员"), (["bo", "son"], "son", "原户主不能分出，请先变更户主"),
     (["son", "dil"], "grandson", "新户主必须是分出的成员之一")],
    ids=["nobody", "the-head-leaving", "head-not-among-them"],
)
def test_a_bad_split_is_refused_and_nothing_changes(family, chens, lijh, who, head, reason):
    before = _state()
    with pytest.raises(DomainError, match=reason):
        household_split(actor=lijh, household=family, members=[chens[k] for k in who], new_head=chens[head])
    assert _state() == before


def test_a_split_with_an_outsider_writes_nothing(family, chens, lijh, make_person):
    """The outsider fails the split half-way through; the members already moved must come back."""
    outsider = make_person("路人丙")
    before = _state()
    with pytest.raises(DomainError, match="路人丙不是家庭"):
        household_split(actor=lijh, household=family, members=[chens["son"], outsider], new_head=chens["son"])
    assert _state() == before
    assert current_household(chens["son"]) == family


def test_merging_dissolves_the_source_and_keeps_its_history(family, chens, lijh, areas, make_person):
    lin = make_person("林婆", area=areas["xiangdong"], sex="F", birth=dt.date(1940, 4, 4))
    lin_home = household_create(actor=lijh, area=areas["xiangdong"], head=lin, start_date=D0)
    on = dt.date(2026, 4, 1)

    target = household_merge(actor=lijh, source=lin_home, target=family, relations={lin.pk: Relation.PARENT}, on=on)

    assert target == family
    assert _members(family)["林婆"] == "parent" and len(_members(family)) == 6
    lin_home.refresh_from_db()
    assert lin_home.dissolved_on == on
    assert _members(lin_home) == {}
    [old] = household_members(lin_home, current_only=False)
    assert (old.person, old.relation, old.end_date, old.end_reason) == (lin, "head", on, "并户")
    assert current_household(lin) == family

    out = _entries(lin_home)[-1]
    assert out.action == "household.merge_out" and out.after["merged_into"] == family.number
    assert out.before["members"] == [f"林婆:{lin.masked_id}:head"] and out.after["members"] == []
    assert out.after["dissolved_on"] == "2026-04-01"
    into = _entries(family)[-1]
    assert into.action == "household.merge_in" and into.after["merged_from"] == lin_home.number
    assert f"林婆:{lin.masked_id}:parent" in into.after["members"]

    # A dissolved household takes no further changes.
    newcomer = make_person("新人")
    before = _state()
    with pytest.raises(DomainError, match="已于2026-04-01注销"):
        household_add_member(actor=lijh, household=lin_home, person=newcomer, relation=Relation.OTHER)
    with pytest.raises(DomainError, match="已于2026-04-01注销"):
        household_merge(actor=lijh, source=lin_home, target=family)
    with pytest.raises(DomainError, match="不能与自身合并"):
        household_merge(actor=lijh, source=family, target=family)
    assert _state() == before
    assert verify_chain()[1] is None


def test_the_officer_of_another_town_sees_no_such_household(family, chens, people, make_person, areas):
    zhaoyl = people["waihai_officer"]
    zhou = make_person("周叔", area=areas["waihai_village"])
    before = _state()
    with pytest.raises(NotFound):
        household_add_member(actor=zhaoyl, household=family, person=zhou, relation=Relation.OTHER)
    with pytest.raises(NotFound):
        household_remove_member(actor=zhaoyl, household=family, person=chens["dil"])
    with pytest.raises(NotFound):
        household_change_head(actor=zhaoyl, household=family, new_head=chens["son"])
    with pytest.raises(NotFound):
        household_split(actor=zhaoyl, household=family, members=[chens["son"]], new_head=chens["son"])
    with pytest.raises(NotFound):
        household_create(actor=zhaoyl, area=areas["yingnan"], head=zhou)
    zhou_home = household_create(actor=zhaoyl, area=areas["waihai_village"], head=zhou)
    before = _state()
    with pytest.raises(NotFound):
        household_merge(actor=zhaoyl, source=zhou_home, target=family)
    with pytest.raises(NotFound):  # and 李建华 cannot pull a 外海 family into 礼乐 either
        household_merge(actor=people["lile_officer"], source=zhou_home, target=family)
    with pytest.raises(NotFound):  # nor take a 外海 resident into a 礼乐 household
        household_add_member(actor=people["lile_officer"], household=family, person=zhou,
                             relation=Relation.OTHER)
    with pytest.raises(NotFound):  # another county's approver sees nothing either
        household_remove_member(actor=people["yunan_approver"], household=family, person=chens["dil"])
    assert _state() == before


def test_the_village_worker_is_refused_household_changes(family, chens, people, make_person):
    chenxl = people["village_worker"]
    daughter = make_person("陈小妹", sex="F")
    before = _state()
    with pytest.raises(Forbidden, match="您的角色无权办理家庭成员变更"):
        household_add_member(actor=chenxl, household=family, person=daughter, relation=Relation.CHILD)
    for attempt in (
        lambda: household_remove_member(actor=chenxl, household=family, person=chens["dil"]),
        lambda: household_change_head(actor=chenxl, household=family, new_head=chens["son"]),
        lambda: household_split(actor=chenxl, household=family, members=[chens["son"]], new_head=chens["son"]),
        lambda: household_create(actor=chenxl, area=family.area, head=chens["son"]),
    ):
        with pytest.raises(Forbidden):
            attempt()
    assert _state() == before


def test_the_county_approver_may_operate_anywhere_in_the_county(family, chens, people):
    household_remove_member(actor=people["jianghai_approver"], household=family, person=chens["dil"])
    assert _entries(family)[-1].actor == people["jianghai_approver"]


def test_the_database_itself_refuses_a_second_current_household(family, chens, lijh, areas, make_person):
    """Even a write that bypasses the services (or races them) cannot put 陈志明 in two households."""
    from django.db import IntegrityError, transaction

    other = household_create(actor=lijh, area=areas["xiangdong"], head=make_person("林婆", area=areas["xiangdong"],
                                                                                 sex="F"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(household=other, person=chens["son"], relation=Relation.OTHER, start_date=D0)
    assert current_household(chens["son"]) == family
