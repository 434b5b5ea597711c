"""Who sees whom: each user sees their own areas and everything below, and nothing else."""

import pytest

from minzheng.accounts.roles import Cap
from minzheng.core.errors import Forbidden, NotFound
from minzheng.core.scope import can_access_area, ensure_can, scoped
from minzheng.registry.models import Person
from minzheng.registry.selectors import persons_for


@pytest.fixture
def residents(areas, make_person):
    """One resident in each village of the small tree."""
    return {
        "yingnan": make_person("陈伯", area=areas["yingnan"]),
        "xiangdong": make_person("林婆", area=areas["xiangdong"], sex="F"),
        "waihai": make_person("周叔", area=areas["waihai_village"]),
        "ducheng": make_person("邓姨", area=areas["ducheng_village"], sex="F"),
    }


def _names(user):
    return sorted(persons_for(user).values_list("name", flat=True))


def test_village_worker_sees_only_her_village(people, residents):
    assert _names(people["village_worker"]) == ["陈伯"]


def test_town_officer_sees_his_town(people, residents):
    assert _names(people["lile_officer"]) == sorted(["陈伯", "林婆"])
    assert _names(people["waihai_officer"]) == ["周叔"]


def test_county_approver_sees_the_whole_county_and_no_other(people, residents):
    assert _names(people["jianghai_approver"]) == sorted(["陈伯", "林婆", "周叔"])
    assert _names(people["yunan_approver"]) == ["邓姨"]


def test_another_countys_approver_sees_nothing_of_jianghai(people, residents, areas):
    liangwj = people["yunan_approver"]
    jianghai_people = Person.objects.filter(residence_area__path__startswith=areas["jianghai"].path)
    assert jianghai_people.count() == 3
    assert not persons_for(liangwj).filter(pk__in=jianghai_people).exists()
    assert not can_access_area(liangwj, areas["yingnan"])


def test_a_role_without_registry_rights_sees_nothing_even_in_its_area(people, residents):
    heli = people["provider"]
    assert can_access_area(heli, residents["yingnan"].residence_area)
    assert _names(heli) == []


def test_a_deactivated_user_sees_nothing(people, residents):
    huangzq = people["jianghai_approver"]
    huangzq.is_active = False
    huangzq.save()
    huangzq._mz_area_paths = None
    assert _names(huangzq) == []


def test_the_area_field_is_chosen_by_the_caller(people, residents, areas):
    """A person registered (户籍) in 英南村 but living in 都城 belongs to 郁南's caseload, not 陈小玲's."""
    deng = residents["ducheng"]
    Person.objects.filter(pk=deng.pk).update(hukou_area=areas["yingnan"])
    by_hukou = scoped(Person.objects.all(), people["village_worker"], area_field="hukou_area",
                      capability=Cap.REGISTRY_VIEW)
    assert sorted(by_hukou.values_list("name", flat=True)) == sorted(["陈伯", "邓姨"])
    assert "邓姨" not in _names(people["village_worker"])


def test_ensure_can_hides_other_areas_and_refuses_missing_rights(people, areas):
    chenxl, lijh, zhaoyl = people["village_worker"], people["lile_officer"], people["waihai_officer"]

    ensure_can(lijh, areas["yingnan"], Cap.HOUSEHOLD_MANAGE)  # his town, his right: passes silently

    with pytest.raises(NotFound) as err:
        ensure_can(zhaoyl, areas["yingnan"], Cap.HOUSEHOLD_MANAGE)
    assert err.value.status == 404
    assert err.value.message == "记录不存在或不在您的管辖范围内"

    with pytest.raises(NotFound):
        ensure_can(chenxl, areas["xiangdong"], Cap.REGISTRY_EDIT)  # the neighbouring village
    with pytest.raises(NotFound):
        ensure_can(chenxl, areas["lile"], Cap.REGISTRY_EDIT)  # the town above her village
    with pytest.raises(NotFound):
        ensure_can(chenxl, None, Cap.REGISTRY_EDIT)

    with pytest.raises(Forbidden) as err:
        ensure_can(chenxl, areas["yingnan"], Cap.HOUSEHOLD_MANAGE)
    assert err.value.status == 403
    assert err.value.message == "您的角色无权办理家庭成员变更"

    with pytest.raises(Forbidden, match="您的角色无权查看完整身份证号、电话和银行账号"):
        ensure_can(chenxl, areas["yingnan"], Cap.REGISTRY_VIEW_FULL)


def test_out_of_scope_wins_over_missing_rights(people, areas):
    """Someone outside the area must not learn that the record exists, even if they also lack the right."""
    with pytest.raises(NotFound):
        ensure_can(people["provider"], areas["ducheng_village"], Cap.REGISTRY_EDIT)


def test_raw_sql_asks_the_same_scope_door(people, residents):
    """核对's intake matches 身份证号 in raw SQL: 李建华 of 礼乐街道 gets his town's two residents, 梁文杰 of 郁南县
    only 邓姨, and a user with no area nothing at all — the same answer persons_for gives."""
    from django.db import connection

    from minzheng.core.scope import path_sql

    def raw(user):
        where, params = path_sql(user, "a.path")
        with connection.cursor() as cur:
            cur.execute(f"SELECT p.name FROM registry_person p JOIN areas_area a ON a.id = p.residence_area_id "
                        f"WHERE {where} ORDER BY p.name", params)
            return sorted(r[0] for r in cur.fetchall())

    for who in ("lile_officer", "yunan_approver", "village_worker"):
        assert raw(people[who]) == _names(people[who])
    people["auditor"].area_assignments.all().delete()
    people["auditor"].refresh_from_db()
    assert raw(people["auditor"]) == []


def test_audit_entries_are_scoped_by_area_code(people, areas):
    """The audit trail keeps area codes: 陈小玲 (英南村) sees her village's entries, not 向东村's nor 郁南县's."""
    from minzheng.core import audit
    from minzheng.core.models import AuditEntry
    from minzheng.core.scope import area_code_q

    for area in (areas["yingnan"], areas["xiangdong"], areas["ducheng_village"]):
        audit.record(actor=None, action="test.scope", object_type="area", object_id=area.pk, object_repr=area.name,
                     area_code=area.code)
    seen = AuditEntry.objects.filter(area_code_q(people["village_worker"], "area_code"), action="test.scope")
    assert list(seen.values_list("object_repr", flat=True)) == ["英南村"]
    county = AuditEntry.objects.filter(area_code_q(people["jianghai_approver"], "area_code"), action="test.scope")
    assert sorted(county.values_list("object_repr", flat=True)) == ["向东村", "英南村"]


def test_a_city_officer_sees_the_audit_entries_of_the_citys_districts(people, areas):
    """江门市 is 440700 and its 江海区 440704: the city's code pads its own digits 4407 with zeros, so a city officer
    (周伟) sees 江海区's village entries, not 郁南县's (云浮市 445300)."""
    from minzheng.accounts.roles import Role
    from minzheng.accounts.services import user_create
    from minzheng.core import audit
    from minzheng.core.models import AuditEntry
    from minzheng.core.scope import area_code_q, code_stem

    assert [code_stem(c) for c in ("440000", "440700", "440704", "440704003")] == ["44", "4407", "440704", "440704003"]
    for area in (areas["jiangmen"], areas["yingnan"], areas["ducheng_village"]):
        audit.record(actor=None, action="test.scope", object_type="area", object_id=area.pk, object_repr=area.name,
                     area_code=area.code)
    city = user_create(actor=None, username="zhouw", password="Minzheng#2026", display_name="周伟", role=Role.CITY,
                       areas=[areas["jiangmen"]])
    seen = AuditEntry.objects.filter(area_code_q(city, "area_code"), action="test.scope")
    assert sorted(seen.values_list("object_repr", flat=True)) == ["江门市", "英南村"]


def test_who_works_within_whose_areas(people):
    """李建华 (礼乐街道) is inside 黄志强's county; 黄志强 is not inside 李建华's town; 梁文杰 is in neither."""
    from minzheng.core.scope import works_within

    assert works_within(people["jianghai_approver"], people["lile_officer"])
    assert not works_within(people["lile_officer"], people["jianghai_approver"])
    assert not works_within(people["jianghai_approver"], people["yunan_approver"])


def test_an_inlined_path_must_be_a_path_of_ids():
    from minzheng.core.scope import subtree_sql

    assert subtree_sql("a.path", "/1/7/") == "a.path LIKE '/1/7/%%'"
    with pytest.raises(ValueError):
        subtree_sql("a.path", "/1/' OR 1=1 --")


def test_staff_working_inside_an_area_follow_a_merge(areas, people):
    """礼乐街道 and 外海街道 are merged into a new 江海街道 from 2027-03-01. From the date 江海街道's staff are its
    new officer 罗志坚 and those still assigned to the old streets and their villages (李建华, 赵玉兰, 陈小玲) —
    not 黄志强 above them, nor 梁文杰 of 郁南县; the day before, only 罗志坚 was."""
    import datetime as dt

    import time_machine

    from minzheng.accounts.models import User
    from minzheng.accounts.roles import Role
    from minzheng.accounts.services import user_create
    from minzheng.areas.models import Area
    from minzheng.core.scope import users_within_q
    from minzheng.placenames import services as placenames

    placenames.area_redivide(actor=people["jianghai_approver"], kind="merge",
                             old_areas=[areas["lile"], areas["waihai"]],
                             successors=[placenames.Successor(code="440704009", name="江海街道",
                                                              parent=areas["jianghai"])],
                             effective_on=dt.date(2027, 3, 1), document="江府函〔2027〕12号",
                             authority="江门市人民政府")
    town = Area.objects.get(code="440704009")
    user_create(actor=None, username="luozj", password="Minzheng#2026", display_name="罗志坚", role=Role.TOWN,
                areas=[town])

    def within(area):
        return set(User.objects.filter(users_within_q(area)).values_list("display_name", flat=True))

    with time_machine.travel(dt.datetime(2027, 2, 28, 10, tzinfo=dt.UTC), tick=False):
        assert within(town) == {"罗志坚"}
        assert within(areas["waihai"]) == {"赵玉兰"}
    with time_machine.travel(dt.datetime(2027, 3, 2, 10, tzinfo=dt.UTC), tick=False):
        assert within(town) == {"罗志坚", "李建华", "赵玉兰", "陈小玲"}
        assert within(areas["yunan"]) == {"梁文杰"}
