"""一人一档: registering, correcting and viewing a person, with every bad input refused and nothing half-written."""

import datetime as dt

import pytest

from minzheng.areas.services import area_by_code
from minzheng.core.audit import verify_chain
from minzheng.core.errors import Conflict, DomainError, Forbidden, NotFound
from minzheng.core.idcard import check_char, make_id_number, mask
from minzheng.core.models import AuditEntry
from minzheng.registry.models import Category, Person, PersonCategory
from minzheng.registry.services import category_add, category_end, person_create, person_update, person_view_full

TODAY = dt.date(2026, 6, 1)
# 陈伯, born 1950-03-08 in 江海区, male (odd sequence 123).
CHEN_BO_ID = make_id_number("440704", dt.date(1950, 3, 8), 123)


@pytest.fixture
def chen_bo(people, areas):
    """陈小玲 registers 陈伯 of 英南村."""
    return person_create(actor=people["village_worker"], id_number=CHEN_BO_ID, name="陈伯",
                         hukou_area=areas["yingnan"], residence_area=areas["yingnan"], sex="M",
                         birth_date=dt.date(1950, 3, 8), address="英南村东街3号", phone="13800138001",
                         bank_name="江门农商银行", bank_account="6221880012345678", today=TODAY)


def _counts():
    return Person.objects.count(), AuditEntry.objects.count()


def test_village_worker_registers_a_resident_and_it_is_audited(chen_bo, people):
    assert chen_bo.sex == "M" and chen_bo.birth_date == dt.date(1950, 3, 8)
    assert chen_bo.name_pinyin == "chenbo" and chen_bo.name_initials == "cb"
    assert str(chen_bo) == f"陈伯（{mask(CHEN_BO_ID)}）"

    entry = AuditEntry.objects.get(action="person.create", object_id=str(chen_bo.pk))
    assert entry.actor == people["village_worker"]
    assert entry.area_code == "440704003001"
    assert entry.before is None
    assert entry.after["name"] == "陈伯"
    assert entry.after["id_number"] == mask(CHEN_BO_ID), "the log never keeps the full ID"
    assert entry.after["phone"] == "138****8001"
    assert entry.after["bank_account"] == "************5678"
    assert CHEN_BO_ID not in str(entry.after)


def _bad_checksum(number: str) -> str:
    return number[:17] + ("0" if check_char(number[:17]) != "0" else "1")


@pytest.mark.parametrize(
    ("overrides", "field", "reason"),
    [
        ({"id_number": "44070419500308"}, "身份证号", "应为18位，实际为14位"),
        ({"id_number": "4407041950O308123X"}, "身份证号", "前17位应为数字"),
        ({"id_number": _bad_checksum(CHEN_BO_ID)}, "身份证号", "校验码错误"),
        ({"id_number": make_id_number("440704", dt.date(2026, 6, 2), 123)}, "身份证号", "晚于今天"),
        ({"id_number": "440704500308123"}, "身份证号", "15位旧号码"),
        ({"birth_date": dt.date(1950, 3, 9)}, "出生日期", "与身份证号中的出生日期1950-03-08不一致"),
        ({"sex": "F"}, "性别", "性别“女”与身份证号中的性别“男”不一致"),
        ({"name": "  "}, "姓名", "姓名不能为空"),
        ({"phone": "138-abc"}, "联系电话", "联系电话“138-abc”格式不正确"),
        ({"bank_account": "6221-8800"}, "银行账号", "银行账号应为8-32位数字"),
        ({"disability_grade": 2}, "残疾等级", "须同时填写残疾类别"),
        ({"disability_category": "physical", "disability_grade": 5}, "残疾等级", "残疾等级应为1-4级"),
        ({"disability_category": "tired"}, "残疾类别", "残疾类别“tired”无效"),
    ],
    ids=["short-id", "letter-O-in-id", "checksum", "born-in-future", "old-15-digit", "birth-mismatch",
         "sex-mismatch", "blank-name", "phone", "bank-account", "grade-without-category", "grade-5",
         "unknown-disability"],
)
def test_bad_input_is_named_in_chinese_and_nothing_is_written(people, areas, overrides, field, reason):
    before = _counts()
    kw = dict(actor=people["village_worker"], id_number=CHEN_BO_ID, name="陈伯", hukou_area=areas["yingnan"],
              residence_area=areas["yingnan"], sex="M", birth_date=dt.date(1950, 3, 8), today=TODAY) | overrides
    with pytest.raises(DomainError) as err:
        person_create(**kw)
    assert err.value.field == field
    assert reason in err.value.message
    assert err.value.status == 400
    assert _counts() == before


def test_an_unknown_area_code_stops_the_registration_before_anything_is_written(people, areas):
    before = _counts()
    with pytest.raises(DomainError) as err:
        person_create(actor=people["lile_officer"], id_number=CHEN_BO_ID, name="陈伯",
                      hukou_area=area_by_code("440704003999", field="户籍地"), residence_area=areas["yingnan"])
    assert err.value.message == "户籍地“440704003999”不存在或已失效"
    assert err.value.field == "户籍地"
    assert _counts() == before


def test_one_id_number_is_one_person(chen_bo, people, areas):
    before = _counts()
    with pytest.raises(Conflict) as err:
        person_create(actor=people["lile_officer"], id_number=CHEN_BO_ID.lower(), name="陈博",
                      hukou_area=areas["xiangdong"], residence_area=areas["xiangdong"])
    assert err.value.status == 409
    assert err.value.field == "身份证号"
    assert err.value.message == f"身份证号{mask(CHEN_BO_ID)}已登记，一个身份证号只能对应一人"
    assert _counts() == before
    assert Person.objects.get(id_number=CHEN_BO_ID).name == "陈伯"


def test_registration_outside_ones_area_or_without_the_right_is_refused(people, areas):
    before = _counts()
    with pytest.raises(NotFound):
        person_create(actor=people["waihai_officer"], id_number=CHEN_BO_ID, name="陈伯",
                      hukou_area=areas["yingnan"], residence_area=areas["yingnan"])
    with pytest.raises(NotFound):
        person_create(actor=people["yunan_approver"], id_number=CHEN_BO_ID, name="陈伯",
                      hukou_area=areas["yingnan"], residence_area=areas["yingnan"])
    with pytest.raises(Forbidden):
        person_create(actor=people["auditor"], id_number=CHEN_BO_ID, name="陈伯",
                      hukou_area=areas["yingnan"], residence_area=areas["yingnan"])
    assert _counts() == before


def test_a_correction_is_audited_with_only_what_changed(chen_bo, people, areas):
    lijh = people["lile_officer"]
    person_update(actor=lijh, person=chen_bo, phone="13900139002", address="英南村西街8号",
                  disability_category="physical", disability_grade=2, name="陈博")

    entry = AuditEntry.objects.filter(action="person.update", object_id=str(chen_bo.pk)).get()
    assert entry.actor == lijh
    assert entry.before == {"name": "陈伯", "address": "英南村东街3号", "phone": "138****8001",
                            "disability_category": "", "disability_grade": None}
    assert entry.after == {"name": "陈博", "address": "英南村西街8号", "phone": "139****9002",
                           "disability_category": "physical", "disability_grade": 2}
    stored = Person.objects.get(pk=chen_bo.pk)
    assert (stored.name, stored.name_initials) == ("陈博", "cb")
    assert verify_chain()[1] is None


def test_an_update_that_changes_nothing_leaves_no_entry(chen_bo, people):
    before = AuditEntry.objects.count()
    person_update(actor=people["lile_officer"], person=chen_bo, phone="13800138001")
    assert AuditEntry.objects.count() == before


def test_moving_to_an_area_one_does_not_serve_is_refused(chen_bo, people, areas):
    before = _counts()
    with pytest.raises(NotFound):
        person_update(actor=people["lile_officer"], person=chen_bo, residence_area=areas["waihai_village"])
    with pytest.raises(NotFound):
        person_update(actor=people["waihai_officer"], person=chen_bo, phone="13900000000")
    assert _counts() == before
    assert Person.objects.get(pk=chen_bo.pk).residence_area == areas["yingnan"]


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"id_number": "440704195003081234"}, "id_number", "不可修改的字段：id_number（身份证号需走更正流程）"),
        ({"death_date": dt.date(1949, 1, 1)}, "死亡日期", "死亡日期早于出生日期"),
        ({"death_date": dt.date(2999, 1, 1)}, "死亡日期", "死亡日期2999-01-01晚于今天"),
        ({"name": ""}, "姓名", "姓名不能为空"),
    ],
    ids=["id-number-is-not-editable", "death-before-birth", "death-in-future", "blank-name"],
)
def test_a_bad_correction_is_refused_and_nothing_changes(chen_bo, people, changes, field, reason):
    before = _counts()
    with pytest.raises(DomainError) as err:
        person_update(actor=people["lile_officer"], person=chen_bo, today=TODAY, **changes)
    assert err.value.field == field
    assert reason in err.value.message
    assert _counts() == before
    assert Person.objects.get(pk=chen_bo.pk).name == "陈伯"


def test_recording_a_death(chen_bo, people):
    person_update(actor=people["lile_officer"], person=chen_bo, death_date=dt.date(2026, 1, 15))
    assert Person.objects.get(pk=chen_bo.pk).is_deceased
    entry = AuditEntry.objects.get(action="person.update", object_id=str(chen_bo.pk))
    assert (entry.before, entry.after) == ({"death_date": None}, {"death_date": "2026-01-15"})


def test_viewing_the_full_record_is_audited(chen_bo, people):
    lijh = people["lile_officer"]
    full = person_view_full(actor=lijh, person=chen_bo, purpose="低保入户调查")
    assert full["id_number"] == CHEN_BO_ID
    assert full["phone"] == "13800138001" and full["bank_account"] == "6221880012345678"

    entry = AuditEntry.objects.latest("seq")
    assert entry.action == "person.view_full" and entry.actor == lijh
    assert entry.object_id == str(chen_bo.pk)
    assert entry.after == {"fields": ["id_number", "phone", "bank_account"], "purpose": "低保入户调查"}

    person_view_full(actor=people["auditor"], person=chen_bo)
    assert AuditEntry.objects.filter(action="person.view_full", object_id=str(chen_bo.pk)).count() == 2


def test_the_village_worker_and_other_areas_cannot_see_the_full_record(chen_bo, people):
    before = AuditEntry.objects.count()
    with pytest.raises(Forbidden, match="无权查看完整身份证号"):
        person_view_full(actor=people["village_worker"], person=chen_bo)
    with pytest.raises(NotFound):
        person_view_full(actor=people["yunan_approver"], person=chen_bo)
    with pytest.raises(NotFound):
        person_view_full(actor=people["waihai_officer"], person=chen_bo)
    assert AuditEntry.objects.count() == before


def test_categories_have_validity_periods(chen_bo, people):
    lijh = people["lile_officer"]
    dibao = category_add(actor=lijh, person=chen_bo, category=Category.DIBAO, valid_from=dt.date(2024, 1, 1),
                         note="2024年低保审批")
    elderly = category_add(actor=lijh, person=chen_bo, category=Category.ELDERLY_ALONE,
                           valid_from=dt.date(2025, 3, 1))
    assert dibao.valid_to is None and elderly.valid_to is None

    # Still on 低保: a second open 低保 record is a conflict.
    with pytest.raises(Conflict, match="陈伯已有有效的“低保对象”类别"):
        category_add(actor=lijh, person=chen_bo, category=Category.DIBAO, valid_from=dt.date(2025, 1, 1))

    with pytest.raises(DomainError, match="终止日期早于起始日期"):
        category_end(actor=lijh, person_category=dibao, valid_to=dt.date(2023, 12, 31))
    category_end(actor=lijh, person_category=dibao, valid_to=dt.date(2025, 12, 31), reason="收入超过低保标准")

    # After it ended, a new period may start; the old one is kept as history.
    category_add(actor=lijh, person=chen_bo, category=Category.DIBAO, valid_from=dt.date(2026, 4, 1))
    periods = list(PersonCategory.objects.filter(person=chen_bo, category=Category.DIBAO)
                   .order_by("valid_from").values_list("valid_from", "valid_to"))
    assert periods == [(dt.date(2024, 1, 1), dt.date(2025, 12, 31)), (dt.date(2026, 4, 1), None)]

    actions = list(AuditEntry.objects.filter(object_type="person", object_id=str(chen_bo.pk))
                   .exclude(action="person.create").values_list("action", flat=True))
    assert actions == ["person.category_add", "person.category_add", "person.category_end", "person.category_add"]
    ended = AuditEntry.objects.get(action="person.category_end")
    assert ended.before == {"category": "dibao", "valid_to": None}
    assert ended.after == {"category": "dibao", "valid_to": "2025-12-31", "reason": "收入超过低保标准"}


def test_a_category_cannot_be_invented_or_granted_from_outside(chen_bo, people):
    before = PersonCategory.objects.count()
    with pytest.raises(DomainError, match="人员类别“rich”无效"):
        category_add(actor=people["lile_officer"], person=chen_bo, category="rich", valid_from=dt.date(2025, 1, 1))
    with pytest.raises(NotFound):
        category_add(actor=people["waihai_officer"], person=chen_bo, category=Category.DIBAO,
                     valid_from=dt.date(2025, 1, 1))
    with pytest.raises(Forbidden):
        category_add(actor=people["auditor"], person=chen_bo, category=Category.DIBAO,
                     valid_from=dt.date(2025, 1, 1))
    assert PersonCategory.objects.count() == before


def _fields(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_a_person_read_by_id_is_exactly_what_the_scoped_list_holds_for_every_persona(chen_bo, people, make_person,
                                                                                     areas):
    """person_get reads by hand-written SQL (core.rows); it must reach exactly the persons persons_for lists, and
    bring the same row and areas as the ORM's read, persona by persona."""
    from minzheng.registry.selectors import person_get, persons_for

    waihai = make_person("陈阿婆", area=areas["waihai_village"], birth=dt.date(1940, 1, 1))
    ducheng = make_person("梁伯", area=areas["ducheng_village"], birth=dt.date(1945, 5, 5))
    # 陈阿婆's 户籍 is in 郁南 while she lives in 外海: the scope follows where one lives, not the 户籍.
    Person.objects.filter(pk=waihai.pk).update(hukou_area=areas["ducheng_village"])
    ids = {chen_bo.pk, waihai.pk, ducheng.pk}
    for user in people.values():
        listed = set(persons_for(user).filter(pk__in=ids).values_list("pk", flat=True))
        reached = set()
        for pk in ids:
            try:
                found = person_get(user, pk)
            except NotFound:
                continue
            orm = Person.objects.select_related("residence_area", "hukou_area").get(pk=pk)
            assert _fields(found) == _fields(orm)
            assert _fields(found.residence_area) == _fields(orm.residence_area)
            assert _fields(found.hukou_area) == _fields(orm.hukou_area)
            reached.add(found.pk)
        assert reached == listed, user.username
    assert person_get(people["village_worker"], chen_bo.pk).residence_area.name == "英南村"
    with pytest.raises(NotFound):
        person_get(people["village_worker"], waihai.pk)


@pytest.mark.parametrize("pk", [2**63, -(2**63) - 1, 10**40])
def test_an_id_beyond_the_key_columns_range_is_an_absent_person(people, pk):
    from minzheng.registry.selectors import person_get

    with pytest.raises(NotFound):
        person_get(people["lile_officer"], pk)
    assert AuditEntry.objects.filter(action="access.denied", object_id=str(pk)[:64]).exists()
