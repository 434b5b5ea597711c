"""A spouse's death ends the marriage in the office's records: 梁国强 and 吴秀芬 of 英南村 married at 江海区婚姻登记处
in 2020. When 礼乐街道's 李建华 records 梁国强's death at the funeral desk, 吴秀芬's record reads 丧偶 from that day,
the change is in the audit trail, and she may marry 陈伟 later. A death date entered on the registry's own form does
the same; one recorded in error and cleared gives her back 已婚; the death of an ex-husband changes nothing.
"""

import datetime as dt

import pytest

from minzheng.core.models import AuditEntry
from minzheng.funeral import services as funeral
from minzheng.marriage import services
from minzheng.marriage.models import MaritalRecord, Office
from minzheng.registry.services import person_update

pytestmark = pytest.mark.django_db

WEDDING = dt.date(2020, 5, 20)
DEATH = dt.date(2026, 6, 1)
TODAY = dt.date(2026, 6, 3)


@pytest.fixture
def office(areas):
    return Office.objects.create(name="江海区婚姻登记处", code="440704", area=areas["jianghai"], daily_capacity=2)


@pytest.fixture
def liang_and_wu(office, people, make_person):
    liang = make_person("梁国强", birth=dt.date(1980, 4, 2), sex="M")
    wu = make_person("吴秀芬", birth=dt.date(1983, 9, 9), sex="F")
    services.marriage_register(actor=people["jianghai_approver"], office=office, man=liang, woman=wu, on=WEDDING,
                               declaration_signed=True)
    return liang, wu


def _status(person):
    return MaritalRecord.objects.get(person=person)


def test_a_death_recorded_at_the_funeral_desk_widows_the_surviving_wife(office, people, liang_and_wu, make_person):
    liang, wu = liang_and_wu
    li = people["lile_officer"]

    funeral.death_record(actor=li, person=liang, death_date=DEATH, source="hospital",
                         document="医学死亡证明 J440704-0002", today=TODAY)

    record = _status(wu)
    assert (record.status, record.since, record.spouse) == (MaritalRecord.Status.WIDOWED, DEATH, liang)
    assert record.get_status_display() == "丧偶"
    assert _status(liang).status == MaritalRecord.Status.MARRIED  # his own record stays as it stood at his death
    entry = AuditEntry.objects.get(action="marriage.status_follow_death")
    assert entry.actor_id == li.pk and entry.object_repr == "吴秀芬的婚姻状况"
    assert entry.before["status"] == "married" and entry.after["status"] == "widowed"
    assert entry.after["spouse_death_date"] == "2026-06-01"

    # 丧偶 is no bar: she marries 陈伟 a year later.
    chen = make_person("陈伟", birth=dt.date(1979, 1, 5), sex="M")
    services.marriage_register(actor=people["jianghai_approver"], office=office, man=chen, woman=wu,
                               on=dt.date(2027, 6, 8), declaration_signed=True)
    assert (_status(wu).status, _status(wu).spouse) == (MaritalRecord.Status.MARRIED, chen)


def test_a_death_date_on_the_registry_form_does_the_same_and_a_correction_follows(people, liang_and_wu):
    liang, wu = liang_and_wu
    huang = people["jianghai_approver"]

    person_update(actor=huang, person=liang, death_date=DEATH, today=TODAY)
    assert (_status(wu).status, _status(wu).since) == (MaritalRecord.Status.WIDOWED, DEATH)

    # The date was typed wrong: moving it moves the day she was widowed.
    person_update(actor=huang, person=liang, death_date=dt.date(2026, 5, 31), today=TODAY)
    assert (_status(wu).status, _status(wu).since) == (MaritalRecord.Status.WIDOWED, dt.date(2026, 5, 31))

    # It was the wrong 梁国强 altogether: clearing the date gives her back 已婚 from the wedding day.
    person_update(actor=huang, person=liang, death_date=None, today=TODAY)
    assert (_status(wu).status, _status(wu).since, _status(wu).spouse) == (MaritalRecord.Status.MARRIED, WEDDING,
                                                                           liang)
    assert AuditEntry.objects.filter(action="marriage.status_follow_death").count() == 3
    # Saving the same date again writes nothing more.
    person_update(actor=huang, person=liang, address="英南村一巷2号", today=TODAY)
    assert AuditEntry.objects.filter(action="marriage.status_follow_death").count() == 3


def test_an_ex_husbands_death_leaves_a_divorced_woman_divorced(office, people, liang_and_wu):
    liang, wu = liang_and_wu
    huang = people["jianghai_approver"]
    app = services.divorce_apply(actor=huang, office=office, party_a=liang, party_b=wu, on=dt.date(2026, 1, 5))
    services.divorce_confirm(actor=huang, application=app, on=dt.date(2026, 2, 10))

    person_update(actor=huang, person=liang, death_date=DEATH, today=TODAY)

    assert (_status(wu).status, _status(wu).since) == (MaritalRecord.Status.DIVORCED, dt.date(2026, 2, 10))
    assert not AuditEntry.objects.filter(action="marriage.status_follow_death").exists()


def test_a_wife_who_died_first_is_not_widowed_by_her_husbands_later_death(people, liang_and_wu):
    liang, wu = liang_and_wu
    huang = people["jianghai_approver"]
    person_update(actor=huang, person=wu, death_date=dt.date(2026, 3, 1), today=TODAY)
    assert _status(liang).status == MaritalRecord.Status.WIDOWED

    person_update(actor=huang, person=liang, death_date=DEATH, today=TODAY)

    assert _status(wu).status == MaritalRecord.Status.MARRIED  # as it stood at her death
    assert (_status(liang).status, _status(liang).since) == (MaritalRecord.Status.WIDOWED, dt.date(2026, 3, 1))
